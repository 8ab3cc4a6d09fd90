import { expect, test } from "@playwright/test";
import { logInAsNew, uniqueEmail } from "./utils";
import { createWorkshopOnPanel } from "./workshop-helpers";

test.use({ javaScriptEnabled: false });

test("without JavaScript a person signs up, answers both perspectives and argues", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(uniqueEmail("nojs"));
  await page.getByLabel("Display name").fill("Nadia No-Script");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: /My profile/ })).toBeVisible();

  await page.goto("/cases/no-authority");
  // The privacy statement is plain HTML beside the ballot.
  await expect(page.getByRole("complementary", { name: "Your answers are private." }).getByRole("link", { name: "How your answers are protected" })).toBeVisible();
  for (const perspective of ["employee", "employer"]) {
    const form = page.locator(`#answer-${perspective}`);
    await form.getByRole("radio").first().check();
    await form.getByRole("radio", { name: "Mostly right", exact: true }).check();
    await form.getByRole("radio", { name: /^Unsure/ }).check();
    await form.getByRole("button", { name: `Save my answer as the ${perspective}` }).click();
    await expect(page.locator(`#answer-${perspective}`).getByRole("status")).toContainText(`Your answer as the ${perspective} is saved.`);
  }
  await expect(page.getByText("no empathy gap")).toBeVisible();

  await page.getByRole("radio", { name: "It depends", exact: true }).check();
  await page.getByLabel("Your argument").fill("Rules exist for *most* days, not for this one.");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("region", { name: "Preview" }).locator("em")).toHaveText("most");
  await expect(page.getByLabel("Your argument")).toHaveValue("Rules exist for *most* days, not for this one.");
  await page.getByRole("button", { name: "Post argument" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();

  await page.getByRole("link", { name: "See where people stand" }).click();
  await expect(page.getByRole("heading", { name: /Where people stand/ })).toBeVisible();
  // One respondent is below k: the page says so instead of showing a breakdown.
  await expect(page.getByText(/Results appear once at least \d+ people have answered as the employee/)).toBeVisible();
});

test("without JavaScript a phone joins a workshop, follows it by reloading, and votes", async ({ page, browser }) => {
  const facilitatorContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: true });
  const panel = await facilitatorContext.newPage();
  await logInAsNew(panel, "admin", "An admin");
  const code = await createWorkshopOnPanel(panel, "No-script room", { caseSlug: "off-script" });

  await page.goto(`/join/${code}`);
  // What is and is not protected, said before anyone votes, with the k the server uses (3 in e2e).
  const statement = page.getByRole("region", { name: "Who sees your answers" });
  await expect(statement).toContainText("No name is shown with an answer.");
  await expect(statement).toContainText("Counts appear only once 3 people have voted");
  await expect(statement).toContainText("In a room of 3 or more, everyone sees the room's bars move while voting is open.");
  await expect(statement.getByRole("link", { name: "How Casebook protects your answers" })).toHaveAttribute("href", "/privacy");
  // Looking at the join page sets no cookie; joining gives the phone its device cookie.
  const deviceCookies = async () => (await page.context().cookies()).filter((c) => c.name.endsWith("casebook_device"));
  expect(await deviceCookies()).toEqual([]);
  await page.getByLabel("Your name (optional)").fill("Nadia");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Lobby/ })).toBeVisible();
  expect(await deviceCookies()).toHaveLength(1);
  // Nothing updates this page by itself: it says to reload, and never that it follows along.
  await expect(page.getByText("Without JavaScript this page does not update by itself: reload it when the facilitator moves on.")).toBeVisible();
  await expect(page.locator("main")).not.toContainText("follows along by itself");

  // Lobby, three case stages, then the vote.
  for (const stage of ["Case, part 1 of 3", "Case, part 2 of 3", "Case, part 3 of 3", "Vote, round 1"]) {
    await panel.getByRole("button", { name: "Next stage →" }).click();
    await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
  }

  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Vote, round 1" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Who sees your answers" })).toContainText("The facilitator sees how many people have voted, not who voted what.");
  // One perspective per screen: without JavaScript, Next posts the form and the page comes back on the next screen.
  for (const perspective of ["employee", "employer"]) {
    const fieldset = page.locator("fieldset.perspective").filter({ hasText: `As the ${perspective}:` });
    await fieldset.getByRole("radio").first().check();
    await fieldset.getByRole("radio", { name: "Torn / neither", exact: true }).check();
    if (perspective === "employee") await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByRole("button", { name: "Send my vote" }).click();
  await expect(page.getByText("Your vote is in.")).toBeVisible();
  await expect(panel.getByText("1 answered round 1")).toBeVisible();
  await facilitatorContext.close();
});

test("without JavaScript a phone's upvote, sent from two pages that both showed it not upvoted, upvotes once (ADR 016)", async ({ page, browser }) => {
  // Four pages and a whole workshop to the discussion: more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  const facilitatorContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: true });
  const panel = await facilitatorContext.newPage();
  await logInAsNew(panel, "admin", "An admin");
  const code = await createWorkshopOnPanel(panel, "No-script upvotes", { caseSlug: "off-script" });

  const writerContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: false });
  const writer = await writerContext.newPage();
  for (const [phone, name] of [
    [writer, "Wren"],
    [page, "Nadia"],
  ] as const) {
    await phone.goto(`/join/${code}`);
    await phone.getByLabel("Your name (optional)").fill(name);
    await phone.getByRole("button", { name: "Join" }).click();
    await expect(phone.getByRole("heading", { level: 1, name: /Lobby/ })).toBeVisible();
  }
  for (const stage of ["Case, part 1 of 3", "Case, part 2 of 3", "Case, part 3 of 3", "Vote, round 1", "Results, round 1", "Discussion"]) {
    await panel.getByRole("button", { name: "Next stage →" }).click();
    await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
  }
  await writer.reload();
  await writer.getByLabel("Your argument or question").fill("Does a script protect the caller?");
  await writer.getByRole("button", { name: "Send", exact: true }).click();
  await expect(writer.getByText("Sent to the room.")).toBeVisible();

  const second = await page.context().newPage();
  await page.reload();
  await second.goto(page.url());
  for (const tab of [page, second]) {
    await tab.getByRole("button", { name: /upvotes, upvote$/ }).click();
    await expect(tab.getByRole("button", { name: /remove my upvote$/ })).toHaveAttribute("aria-pressed", "true");
  }
  await expect(second.getByText("Already upvoted: nothing changed.")).toBeVisible();
  await expect(second.getByRole("button", { name: /remove my upvote$/ })).toContainText("▲ 1");
  await facilitatorContext.close();
  await writerContext.close();
});
