/**
 * The phones (issue 16, "The phones"): the vote is one perspective per screen ("1 of 2", Next,
 * Back), with or without JavaScript; a phone marks the items it upvoted, and only its own, after
 * a reload too; and at the end the phone shows the room's results, the very figures the
 * projector shows (k is 3 here, so a room of two shows none). At 320 and 390 px, with
 * screenshots in test-results/phones/ for a reviewer.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { logInAsNew } from "./utils";
import { next, perspectiveScreen } from "./workshop-helpers";

const SHOTS = "test-results/phones";

async function shot(phone: Page, name: string): Promise<void> {
  await phone.screenshot({ path: `${SHOTS}/${name}-${phone.viewportSize()!.width}.png`, fullPage: true });
}

/** The page never scrolls sideways at its width (320 or 390 px). */
async function fitsWidth(phone: Page): Promise<void> {
  const width = phone.viewportSize()!.width;
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** No accessibility violation in the part of the page this issue built. */
async function axeClean(phone: Page, selector: string): Promise<void> {
  const results = await new AxeBuilder({ page: phone }).include(selector).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function createWorkshop(browser: Browser, title: string): Promise<{ panel: Page; code: string }> {
  const panel = await (await browser.newContext()).newPage();
  await logInAsNew(panel, "facilitator", "Pia Phones");
  await panel.goto("/workshops");
  await panel.getByLabel("Case", { exact: true }).selectOption("background-check");
  await panel.getByLabel("Title", { exact: true }).fill(title);
  await panel.getByRole("radio", { name: /Live, while people vote/ }).check();
  await panel.getByRole("button", { name: "Create workshop" }).click();
  await expect(panel.getByRole("heading", { level: 1, name: title })).toBeVisible();
  return { panel, code: (await panel.locator(".join-code").first().textContent())!.trim() };
}

/** A phone of `width` px joins; without JavaScript it is told nothing live, so it reloads to follow. */
async function join(browser: Browser, code: string, name: string, width: 320 | 390, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 740 }, isMobile: true, hasTouch: true, javaScriptEnabled });
  const phone = await context.newPage();
  await phone.goto(`/join/${code}`);
  await phone.getByLabel("Your name (optional)").fill(name);
  await phone.getByRole("button", { name: "Join" }).click();
  await expect(phone.getByRole("heading", { level: 1, name: /Lobby/ })).toBeVisible();
  if (javaScriptEnabled) await expect(phone.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  return phone;
}

/** Chooses the nth action and a judgement on the screen shown. */
async function answer(phone: Page, perspective: string, option: number, judgement: string): Promise<void> {
  const screen = perspectiveScreen(phone, perspective);
  await screen.getByRole("radio").nth(option).check();
  await screen.getByRole("radio", { name: judgement, exact: true }).check();
}

async function stepperVote(phone: Page, employee: [number, string], employer: [number, string]): Promise<void> {
  const back = phone.getByRole("button", { name: "Back", exact: true });
  while (await back.isVisible()) await back.click();
  await answer(phone, "employee", ...employee);
  await phone.getByRole("button", { name: "Next", exact: true }).click();
  await answer(phone, "employer", ...employer);
  await phone.getByRole("button", { name: /Send my vote|Change my vote/ }).click();
  await expect(phone.getByText("Your vote is in.")).toBeVisible();
}

test("phones vote one perspective per screen (with and without JavaScript), see their own upvotes, and the room's results at the end", async ({ browser }) => {
  test.setTimeout(240_000);
  const { panel, code } = await createWorkshop(browser, "Phones at the end");
  const ana = await join(browser, code, "Ana", 320);
  const ben = await join(browser, code, "Ben", 390);
  const nadia = await join(browser, code, "Nadia", 320, false);
  for (const stage of ["Case, part 1 of 4", "Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) await next(panel, stage);

  // The stepper: the employee's screen first, "1 of 2", the employer's hidden until Next.
  const step = ana.getByTestId("vote-step");
  await expect(step).toHaveText("1 of 2: as the employee");
  await expect(perspectiveScreen(ana, "employee")).toBeVisible();
  await expect(perspectiveScreen(ana, "employer")).toBeHidden();
  await expect(ana.getByRole("button", { name: "Back", exact: true })).toHaveCount(0);
  await expect(ana.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await fitsWidth(ana);
  await axeClean(ana, ".phone-vote");
  await shot(ana, "stepper-1-employee");

  // Next asks for this screen's answers first (the browser's own check), and moves on only then.
  await ana.getByRole("button", { name: "Next", exact: true }).click();
  await expect(step).toHaveText("1 of 2: as the employee");
  await answer(ana, "employee", 1, "Mostly right");
  await ana.getByRole("button", { name: "Next", exact: true }).click();
  await expect(step).toHaveText("2 of 2: as the employer");
  // The new screen's first words take the focus, so a screen reader hears where it is.
  await expect(step).toBeFocused();
  await expect(perspectiveScreen(ana, "employee")).toBeHidden();
  await expect(perspectiveScreen(ana, "employer")).toBeVisible();
  await fitsWidth(ana);
  await shot(ana, "stepper-2-employer");
  // Back keeps what was chosen.
  await ana.getByRole("button", { name: "Back", exact: true }).click();
  await expect(perspectiveScreen(ana, "employee").getByRole("radio", { name: "Mostly right", exact: true })).toBeChecked();
  await ana.getByRole("button", { name: "Next", exact: true }).click();
  await answer(ana, "employer", 0, "Somewhat wrong");
  await ana.getByRole("button", { name: "Send my vote" }).click();
  await expect(ana.getByRole("status").filter({ hasText: "Your vote is in." })).toBeVisible();
  await shot(ana, "stepper-sent");

  // The keyboard alone: Space chooses, arrows move through the scale, Enter on Next moves on; the focus is visible.
  const benEmployee = perspectiveScreen(ben, "employee");
  await expect(ben.getByTestId("vote-step")).toHaveText("1 of 2: as the employee");
  await fitsWidth(ben);
  await shot(ben, "stepper-1-employee");
  await benEmployee.getByRole("radio").first().focus();
  await ben.keyboard.press("Space");
  await expect(benEmployee.getByRole("radio").first()).toBeChecked();
  await ben.keyboard.press("Tab");
  const clearlyWrong = benEmployee.getByRole("radio", { name: "Clearly wrong", exact: true });
  await expect(clearlyWrong).toBeFocused();
  expect(await clearlyWrong.evaluate((e) => getComputedStyle(e).outlineStyle)).toBe("solid");
  for (let i = 0; i < 4; i += 1) await ben.keyboard.press("ArrowDown");
  await expect(benEmployee.getByRole("radio", { name: "Somewhat right", exact: true })).toBeChecked();
  await ben.keyboard.press("Tab");
  await expect(ben.getByRole("button", { name: "Next", exact: true })).toBeFocused();
  await ben.keyboard.press("Enter");
  await expect(ben.getByTestId("vote-step")).toHaveText("2 of 2: as the employer");
  await expect(ben.getByTestId("vote-step")).toBeFocused();
  await fitsWidth(ben);
  await shot(ben, "stepper-2-employer");
  await answer(ben, "employer", 1, "Somewhat wrong");
  await ben.getByRole("button", { name: "Send my vote" }).click();
  await expect(ben.getByRole("status").filter({ hasText: "Your vote is in." })).toBeVisible();

  // Without JavaScript: each screen is a form that posts and comes back on the next screen.
  await nadia.reload();
  await expect(nadia.getByTestId("vote-step")).toHaveText("1 of 2: as the employee");
  await expect(perspectiveScreen(nadia, "employer")).toBeHidden();
  await answer(nadia, "employee", 2, "Torn / neither");
  await nadia.getByRole("button", { name: "Next", exact: true }).click();
  await expect(nadia.getByTestId("vote-step")).toHaveText("2 of 2: as the employer");
  await expect(perspectiveScreen(nadia, "employee")).toBeHidden();
  await fitsWidth(nadia);
  await shot(nadia, "no-js-stepper-2-employer");
  // Back comes back with the employee's answer still chosen, and Next again keeps it.
  await nadia.getByRole("button", { name: "Back", exact: true }).click();
  await expect(nadia.getByTestId("vote-step")).toHaveText("1 of 2: as the employee");
  await expect(perspectiveScreen(nadia, "employee").getByRole("radio", { name: "Torn / neither", exact: true })).toBeChecked();
  await nadia.getByRole("button", { name: "Next", exact: true }).click();
  await answer(nadia, "employer", 3, "Mostly wrong");
  await nadia.getByRole("button", { name: "Send my vote" }).click();
  await expect(nadia.getByText("Your vote is in.")).toBeVisible();
  await shot(nadia, "no-js-vote-sent");
  await expect(panel.getByText("3 answered round 1")).toBeVisible();

  // Discussion: two items from the room; each phone upvotes the other's.
  for (const stage of ["Results, round 1", "Discussion"]) await next(panel, stage);
  await nadia.reload();
  await nadia.getByLabel("Your argument or question").fill("Would the firm have found the record on its own?");
  await nadia.getByRole("button", { name: "Send", exact: true }).click();
  await expect(nadia.getByText("Sent to the room.")).toBeVisible();
  await ben.getByLabel("Your argument or question").fill("A record cleared next month is still true today.");
  await ben.getByRole("button", { name: "Send", exact: true }).click();
  await expect(ben.getByRole("status").filter({ hasText: "Sent to the room." })).toBeVisible();

  const item = (phone: Page, text: string) => phone.locator(".submission-list li").filter({ hasText: text });
  const nadiaItem = (phone: Page) => item(phone, "found the record on its own");
  const benItem = (phone: Page) => item(phone, "still true today");
  await nadiaItem(ana)
    .getByRole("button", { name: /upvote$/ })
    .click();
  await expect(nadiaItem(ana).getByRole("button", { name: /remove my upvote$/ })).toHaveAttribute("aria-pressed", "true");
  await expect(nadiaItem(ana)).toContainText("You upvoted");
  // Ana's upvote is hers alone: Ben sees the count go up, not whose it is.
  await expect(nadiaItem(ben).getByRole("button")).toContainText("▲ 1");
  await expect(nadiaItem(ben).getByRole("button")).toHaveAttribute("aria-pressed", "false");
  await expect(nadiaItem(ben)).not.toContainText("You upvoted");
  // Nadia upvotes Ben's item without JavaScript.
  await nadia.reload();
  await benItem(nadia)
    .getByRole("button", { name: /upvote$/ })
    .click();
  await expect(benItem(nadia).getByRole("button", { name: /remove my upvote$/ })).toHaveAttribute("aria-pressed", "true");
  // After a reload each phone still marks its own upvote, and only its own.
  for (const phone of [ana, nadia, ben]) await phone.reload();
  await expect(nadiaItem(ana).getByRole("button", { name: /remove my upvote$/ })).toHaveAttribute("aria-pressed", "true");
  await expect(nadiaItem(ana)).toContainText("You upvoted");
  await expect(benItem(ana).getByRole("button")).toHaveAttribute("aria-pressed", "false");
  await expect(benItem(nadia)).toContainText("You upvoted");
  await expect(benItem(ben)).not.toContainText("You upvoted");
  await expect(benItem(ben)).toContainText("(yours)");
  await expect(nadiaItem(ben).getByRole("button")).toHaveAttribute("aria-pressed", "false");
  await fitsWidth(ana);
  await axeClean(ana, ".submission-list");
  await shot(ana, "upvotes-after-reload");
  await shot(ben, "upvotes-after-reload");

  // Round 2 starts from round 1's answers, one screen at a time.
  await next(panel, "Vote, round 2");
  await expect(ana.getByText("Your round 1 answers are filled in")).toBeVisible();
  await expect(perspectiveScreen(ana, "employee").getByRole("radio", { name: "Mostly right", exact: true })).toBeChecked();
  await stepperVote(ana, [1, "Somewhat right"], [1, "Torn / neither"]);
  await stepperVote(ben, [0, "Somewhat right"], [1, "Mostly wrong"]);
  await nadia.reload();
  await nadia.getByRole("button", { name: "Next", exact: true }).click();
  await expect(perspectiveScreen(nadia, "employer").getByRole("radio", { name: "Mostly wrong", exact: true })).toBeChecked();
  await nadia.getByRole("button", { name: "Send my vote" }).click();
  await expect(nadia.getByText("Your vote is in.")).toBeVisible();

  // The shift stage: the phones show how the room moved, as the projector does.
  const projector = await panel.context().newPage();
  await projector.setViewportSize({ width: 1280, height: 800 });
  await projector.goto(`${panel.url().replace(/\?.*$/, "")}/projector`);
  await next(panel, "How the room moved");
  await expect(ana.getByRole("region", { name: "The room's results" }).getByTestId("room-movement")).toBeVisible();
  await shot(ana, "shift");

  await panel.getByLabel("Yes, end the workshop for everyone").check();
  await panel.getByRole("button", { name: "End workshop" }).click();
  await expect(panel.getByText("This workshop has ended.")).toBeVisible();
  await expect(projector.getByRole("heading", { name: "Thank you" })).toBeVisible();
  await nadia.reload();
  const tables = ".distribution table, .tallies table, table.shift-table, table.option-movement";
  const projectorTables = await projector.locator(tables).allTextContents();
  const projectorGap = await projector.locator(".room-gap").innerText();
  expect(projectorTables.length).toBeGreaterThan(0);
  for (const phone of [ana, ben, nadia]) {
    const results = phone.getByRole("region", { name: "The room's results" });
    await expect(results).toBeVisible();
    await expect(results.getByTestId("judgement-distribution")).toBeVisible();
    // The same released figures as the projector: every table and the gap, word for word.
    expect(await results.locator(tables).allTextContents()).toEqual(projectorTables);
    expect(await results.locator(".room-gap").innerText()).toBe(projectorGap);
    await fitsWidth(phone);
  }
  await axeClean(ana, ".room-results");
  await shot(ana, "results-end");
  await shot(ben, "results-end");
  await shot(nadia, "no-js-results-end");
});

test("a room smaller than k sees its results withheld at the end on the phones, as on the projector", async ({ browser }) => {
  test.setTimeout(120_000);
  const { panel, code } = await createWorkshop(browser, "Two phones only");
  const ola = await join(browser, code, "Ola", 320);
  const pim = await join(browser, code, "Pim", 390);
  for (const stage of ["Case, part 1 of 4", "Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) await next(panel, stage);
  await stepperVote(ola, [0, "Clearly wrong"], [0, "Clearly right"]);
  await stepperVote(pim, [1, "Mostly right"], [2, "Somewhat wrong"]);
  const projector = await panel.context().newPage();
  await projector.goto(`${panel.url().replace(/\?.*$/, "")}/projector`);
  await panel.getByLabel("Yes, end the workshop for everyone").check();
  await panel.getByRole("button", { name: "End workshop" }).click();
  await expect(projector.getByRole("heading", { name: "Thank you" })).toBeVisible();
  const projectorWithheld = await projector.getByTestId("results-withheld").allInnerTexts();
  expect(projectorWithheld).toEqual(["As the employee: Results appear when 3 people have voted.", "As the employer: Results appear when 3 people have voted."]);
  for (const phone of [ola, pim]) {
    const results = phone.getByRole("region", { name: "The room's results" });
    await expect(results).toBeVisible();
    expect(await results.getByTestId("results-withheld").allInnerTexts()).toEqual(projectorWithheld);
    // No figure of a room below k: no distribution, no bars, no count of answers; every cell says when results appear.
    await expect(results.getByTestId("judgement-distribution")).toHaveCount(0);
    await expect(results.locator(".bars")).toHaveCount(0);
    await expect(results).not.toContainText(/\d+ answered/);
    const cells = await results.locator("td").allTextContents();
    expect(cells).toEqual(await projector.locator("td").allTextContents());
    for (const cell of cells) expect(cell.trim()).toMatch(/^(Results appear when 3 people have voted\.|Not shown: fewer than 3 people answered both rounds\.)$/);
    await fitsWidth(phone);
    await shot(phone, "results-below-k");
  }
});
