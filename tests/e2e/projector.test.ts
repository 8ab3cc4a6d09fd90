/**
 * The projector a room looks at (issue 16, "The projector"; ADR 021), on a big screen
 * (1920×1080) and a small projector window (640×360) side by side, through a whole two-round
 * workshop with three phones (k is 3 here). Each stage leaves a screenshot of both sizes in
 * test-results/ for a reviewer.
 */
import { expect, test, type Locator, type Page, type TestInfo } from "@playwright/test";
import { readFileSync } from "node:fs";
import { parseCaseFile } from "../../app/domain/case-file";
import { logInAsNew } from "./utils";
import { createWorkshopOnPanel, joinOnPhone, next, vote } from "./workshop-helpers";

const parsed = parseCaseFile(readFileSync("cases/background-check.md", "utf8"));
if (!parsed.ok) throw new Error("cases/background-check.md does not parse");
const CASE = parsed.doc;

const SIZES = { big: { width: 1920, height: 1080 }, small: { width: 640, height: 360 } } as const;
type Size = keyof typeof SIZES;

/** Whether the element lies wholly inside the first screen (no scrolling needed to see it). */
async function onFirstScreen(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + 0.5 && box.y + box.height <= viewport.height + 0.5;
}

/** The page never scrolls sideways, and every box that does (a wide table) takes the keyboard's focus, with a visible outline. */
async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
  for (const box of await page.locator(".table-scroll").all()) {
    if (await box.evaluate((e) => e.scrollWidth > e.clientWidth + 1)) {
      await expect(box).toHaveAttribute("tabindex", "0");
      await box.focus();
      expect(await box.evaluate((e) => getComputedStyle(e).outlineStyle)).toBe("solid");
    }
  }
}

async function screenshots(screens: Record<Size, Page>, info: TestInfo, stage: string): Promise<void> {
  for (const size of Object.keys(screens) as Size[]) {
    await screens[size].screenshot({ path: info.outputPath(`projector-${stage}-${size}.png`), fullPage: true });
  }
}

const LEVELS = ["Clearly wrong", "Mostly wrong", "Somewhat wrong", "Torn / neither", "Somewhat right", "Mostly right", "Clearly right"];

/**
 * A judgement table as its columns say it: per column header, the cells from clearly wrong to
 * clearly right, then the people who answered and the average.
 */
async function judgementColumns(table: Locator): Promise<Record<string, string[]>> {
  const headers = (await table.locator("thead th").allInnerTexts()).slice(1).map((h) => h.trim());
  const rows = await table.locator("tbody tr").all();
  const columns: Record<string, string[]> = Object.fromEntries(headers.map((h) => [h, []]));
  expect(await Promise.all(rows.map(async (r) => (await r.locator("th").innerText()).trim()))).toEqual([...LEVELS, "Answered", "Average (−3 to +3)"]);
  for (const row of rows) {
    const cells = await row.locator("td").allInnerTexts();
    cells.forEach((cell, i) => columns[headers[i]!]!.push(cell.trim()));
  }
  return columns;
}

test("the projector shows the choices, the judgement as a distribution, how the room moved, and the discussion, at 1920×1080 and 640×360", async ({ browser }, info) => {
  test.setTimeout(180_000);
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "facilitator", "Fay Facilitator");
  const code = await createWorkshopOnPanel(panel, "Projector session", { fill: (form) => form.getByRole("radio", { name: /Live, while people vote/ }).check() });
  const workshopUrl = panel.url();

  // Facilitator notes are on the control panel, for the facilitator.
  const notes = panel.getByTestId("facilitator-notes");
  await expect(notes.getByRole("heading", { name: "Facilitator notes" })).toBeVisible();
  await expect(notes).toContainText("This case splits rooms.");

  const screens = {} as Record<Size, Page>;
  for (const size of Object.keys(SIZES) as Size[]) {
    screens[size] = await facilitator.newPage();
    await screens[size].setViewportSize(SIZES[size]);
    await screens[size].goto(`${workshopUrl}/projector`);
    await expect(screens[size].getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  }
  const projectors = Object.values(screens);

  // Lobby: the code and the whole QR code on the first screen, at either size.
  for (const projector of projectors) {
    await expect(projector.locator(".projector-code")).toHaveText(code);
    expect(await onFirstScreen(projector, projector.locator(".projector-qr"))).toBe(true);
    expect(await onFirstScreen(projector, projector.locator(".projector-code"))).toBe(true);
    await noSidewaysScroll(projector);
  }
  await screenshots(screens, info, "lobby");

  const ana = await joinOnPhone(browser, code, "Ana", "frontline");
  const ben = await joinOnPhone(browser, code, "Ben", "manager");
  const chi = await joinOnPhone(browser, code, "Chi", "hr");
  for (const stage of ["Case, part 1 of 4", "Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) await next(panel, stage);

  // During the vote: both perspectives, their prompts and every option, and the 7-point scale.
  for (const projector of projectors) {
    for (const perspective of CASE.perspectives) {
      const column = projector.locator(`.choice-column[data-perspective='${perspective.key}']`);
      await expect(column.getByRole("heading", { name: `As the ${perspective.key}` })).toBeVisible();
      await expect(column).toContainText(perspective.prompt);
      await expect(column.getByRole("listitem")).toHaveText(perspective.options.map((o) => new RegExp(escape(o.text))));
    }
    await expect(projector.locator(".judgement-ask .projector-question")).toHaveText(CASE.judgement);
    await expect(projector.getByRole("list", { name: "The 7-point scale" }).getByRole("listitem")).toHaveText([
      "Clearly wrong",
      "Mostly wrong",
      "Somewhat wrong",
      "Torn / neither",
      "Somewhat right",
      "Mostly right",
      "Clearly right",
    ]);
    // The join code stays on the first screen at every stage, and a QR code beside it.
    expect(await onFirstScreen(projector, projector.getByTestId("header-join"))).toBe(true);
    expect(await onFirstScreen(projector, projector.locator(".projector-qr-small"))).toBe(true);
    await noSidewaysScroll(projector);
  }

  await vote(ana, { option: 0, judgement: "Mostly wrong" }, { option: 0, judgement: "Clearly wrong" });
  // One voter, k = 3: no distribution and no figure of it, only when results appear.
  for (const projector of projectors) {
    await expect(projector.locator(".tally[data-perspective='employee']")).toHaveText("As the employee: Results appear when 3 people have voted.");
    await expect(projector.getByTestId("judgement-distribution")).toHaveCount(0);
    await expect(projector.locator(".diverging-row")).toHaveCount(0);
  }
  await screenshots(screens, info, "vote-1-withheld");
  await vote(ben, { option: 1, judgement: "Somewhat right" }, { option: 1, judgement: "Somewhat wrong" });
  await vote(chi, { option: 1, judgement: "Mostly right" }, { option: 0, judgement: "Mostly wrong" });
  await next(panel, "Results, round 1");

  // Results: the judgement per perspective as diverging bars on one centre line, the exact table beside it.
  for (const projector of projectors) {
    const distribution = projector.getByRole("figure", { name: "How the room judged it, round 1" });
    await expect(distribution).toBeVisible();
    const table = distribution.getByRole("table");
    // Levels from clearly wrong to clearly right, then answered and the average.
    expect(await judgementColumns(table)).toEqual({
      "As the employee": ["0", "1", "0", "0", "1", "1", "0", "3", "+0.3"],
      "As the employer": ["1", "1", "1", "0", "0", "0", "0", "3", "-2"],
    });
    // The picture is hidden from assistive technology (the table says it in words), one bar per perspective.
    const bars = distribution.locator(".diverging-row");
    await expect(bars).toHaveCount(2);
    for (const bar of await bars.all()) await expect(bar).toHaveAttribute("aria-hidden", "true");
    // The employer bar lies wholly left of the centre line: all three judged it wrong.
    const employer = distribution.locator(".diverging-row[data-perspective='employer'] .diverging-piece");
    await expect(employer).toHaveText(["1", "1", "1"]);
    const centre = (await distribution.locator(".diverging-row[data-perspective='employer'] .diverging-centre").boundingBox())!;
    const lastPiece = (await employer.last().boundingBox())!;
    expect(lastPiece.x + lastPiece.width).toBeLessThanOrEqual(centre.x + centre.width + 1);
    await noSidewaysScroll(projector);
  }
  await screenshots(screens, info, "results-1");

  // Discussion: the case's questions before anyone posts.
  await next(panel, "Discussion");
  for (const projector of projectors) {
    const questions = projector.getByRole("region", { name: "Questions to discuss" });
    await expect(questions.getByRole("listitem")).toHaveText(CASE.discussion);
  }
  await screenshots(screens, info, "discussion-empty");
  // The control panel lists them too, for the facilitator to point at.
  await expect(panel.getByRole("region", { name: "Questions to discuss (on the projector)" }).getByRole("listitem")).toHaveText(CASE.discussion);
  await ana.getByLabel("Your argument or question").fill("He made the record true before he reported it.");
  await ana.getByRole("button", { name: "Send" }).click();
  await expect(ana.getByRole("status").filter({ hasText: "Sent to the room." })).toBeVisible();
  await ben.getByLabel("Your argument or question").fill("Would he have helped an applicant he did not like?");
  await ben.getByRole("button", { name: "Send" }).click();
  await expect(ben.getByRole("status").filter({ hasText: "Sent to the room." })).toBeVisible();
  await panel.locator(".submission-list li", { hasText: "He made the record true" }).getByRole("button", { name: "Spotlight" }).click();
  for (const projector of projectors) {
    await expect(projector.getByTestId("spotlight")).toContainText("He made the record true before he reported it.");
    // The spotlit item is not repeated in the list below it; the other item is there.
    await expect(projector.getByTestId("submission-list").getByRole("listitem")).toHaveText([/Would he have helped an applicant he did not like\?/]);
    await expect(projector.getByText("He made the record true before he reported it.")).toHaveCount(1);
    await expect(projector.getByRole("region", { name: "Questions to discuss" })).toBeVisible();
  }
  await screenshots(screens, info, "discussion");

  await next(panel, "Vote, round 2");
  await vote(ana, { option: 0, judgement: "Mostly wrong" }, { option: 0, judgement: "Clearly wrong" });
  await vote(ben, { option: 1, judgement: "Clearly right" }, { option: 2, judgement: "Somewhat right" });
  await vote(chi, { option: 1, judgement: "Mostly right" }, { option: 2, judgement: "Torn / neither" });
  await next(panel, "How the room moved");

  // How the room moved: round 1 beside round 2, each option's arrow, and who moved as the released shift says.
  for (const projector of projectors) {
    const employer = projector.getByTestId("room-movement").getByRole("region", { name: "As the employer" });
    await expect(employer.getByRole("list", { name: "Who moved as the employer" }).getByRole("listitem")).toHaveText([
      /2 judged it more right/,
      /0 judged it more wrong/,
      /2 changed their action/,
      /of 3 who answered both rounds/,
    ]);
    const judgements = employer.getByRole("table", { name: /Judgement as the employer, round 1 and round 2/ });
    expect(await judgementColumns(judgements)).toEqual({
      "Round 1": ["1", "1", "1", "0", "0", "0", "0", "3", "-2"],
      "Round 2": ["1", "0", "0", "1", "1", "0", "0", "3", "-0.7"],
    });
    await expect(employer.locator(".diverging-row")).toHaveCount(2);
    const actions = employer.getByRole("table", { name: /What people would do, round 1 → round 2/ });
    const options = CASE.perspectives.find((p) => p.key === "employer")!.options;
    await expect(
      actions
        .getByRole("row", { name: new RegExp(escape(options[0]!.text)) })
        .getByRole("cell")
        .first(),
    ).toHaveText("2 (67%)");
    await expect(
      actions
        .getByRole("row", { name: new RegExp(escape(options[0]!.text)) })
        .getByRole("cell")
        .nth(1),
    ).toHaveText("1 (33%)");
    await expect(
      actions
        .getByRole("row", { name: new RegExp(escape(options[2]!.text)) })
        .getByRole("cell")
        .nth(1),
    ).toHaveText("2 (67%)");
    // An arrow down for the option that lost people, up for the one that gained them; hidden from assistive technology.
    await expect(actions.getByRole("row", { name: new RegExp(escape(options[0]!.text)) }).locator(".move-cell")).toHaveAttribute("aria-hidden", "true");
    await expect(actions.getByRole("row", { name: new RegExp(escape(options[0]!.text)) }).locator(".move-down")).toHaveCount(1);
    await expect(actions.getByRole("row", { name: new RegExp(escape(options[2]!.text)) }).locator(".move-up")).toHaveCount(1);
    // The exact shift table stays.
    await expect(
      projector
        .locator("table.shift-table")
        .getByRole("row", { name: /As the employer/ })
        .getByRole("cell"),
    ).toHaveText(["3", "2", "2", "0", "2"]);
    expect(await onFirstScreen(projector, projector.getByTestId("header-join"))).toBe(true);
    await noSidewaysScroll(projector);
  }
  await screenshots(screens, info, "shift");

  await panel.getByLabel("Yes, end the workshop for everyone").check();
  await panel.getByRole("button", { name: "End workshop" }).click();
  await expect(panel.getByText("This workshop has ended.")).toBeVisible();
  // After the end nothing is live: no "Live" badge on the projector or the control panel.
  for (const page of [...projectors, panel]) {
    await expect(page.locator(".live-status")).toHaveText("Ended");
    await expect(page.getByText("Live", { exact: true })).toHaveCount(0);
  }
  for (const projector of projectors) {
    await expect(projector.getByRole("heading", { name: "Thank you" })).toBeVisible();
    await expect(projector.getByTestId("room-movement")).toBeVisible();
  }
  await screenshots(screens, info, "ended");

  // The facilitator notes never reach the projector's page or data.
  for (const projector of projectors) {
    await projector.reload();
    expect(await projector.content()).not.toContain("This case splits rooms.");
  }
  const roomData = await facilitator.request.get(`${workshopUrl}/projector.data`);
  expect(await roomData.text()).not.toContain("This case splits rooms.");
  await ana.reload();
  expect(await ana.content()).not.toContain("This case splits rooms.");
});

/** A string as a regular expression matching it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
