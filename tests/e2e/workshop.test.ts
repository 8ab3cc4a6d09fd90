import { expect, test } from "@playwright/test";
import { logInAsNew } from "./utils";
import { joinOnPhone, next, vote } from "./workshop-helpers";

test("a facilitator runs the background check with three phones, a live projector, two rounds and a debrief", async ({ browser }) => {
  test.setTimeout(120_000);
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "admin", "An admin");
  await panel.getByRole("link", { name: "Workshops", exact: true }).click();
  await panel.getByLabel("Case", { exact: true }).selectOption("background-check");
  await panel.getByLabel("Title", { exact: true }).fill("Screening team, live session");
  await panel.getByRole("radio", { name: /Live, while people vote/ }).check();
  await panel.getByRole("button", { name: "Create workshop" }).click();
  await expect(panel.getByRole("heading", { level: 1, name: "Screening team, live session" })).toBeVisible();
  const code = (await panel.locator(".join-code").first().textContent())!.trim();
  expect(code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
  const workshopUrl = panel.url();

  const projector = await facilitator.newPage();
  await projector.goto(`${workshopUrl}/projector`);
  await expect(projector.locator(".projector-code")).toHaveText(code);
  await expect(projector.locator(".qr svg")).toBeVisible();
  await expect(projector.getByTestId("participant-count")).toHaveText("0 people have joined");

  const ana = await joinOnPhone(browser, code, "Ana", "frontline");
  const ben = await joinOnPhone(browser, code, "Ben", "manager");
  const chi = await joinOnPhone(browser, code, "Chi", "hr");
  // The projector follows without a reload.
  await expect(projector.getByTestId("participant-count")).toHaveText("3 people have joined");

  // The facilitator reveals the case; the phones follow.
  await next(panel, "Case, part 1 of 4");
  for (const phone of [ana, ben, chi]) await expect(phone.getByRole("heading", { level: 1, name: /Case, part 1 of 4/ })).toBeVisible();
  await expect(projector.locator(".stage")).toContainText("Clearline Screening");
  for (const stage of ["Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) await next(panel, stage);

  await expect(ana.getByRole("button", { name: "Next", exact: true })).toBeVisible();
  await vote(ana, { option: 0, judgement: "Mostly wrong" }, { option: 0, judgement: "Clearly wrong" });
  await expect(projector.getByTestId("answered-count")).toHaveText(/^1 of 3 answered/);
  // Fewer than k (3 here) voters: a sentence instead of bars, on the projector and the control panel.
  await expect(projector.locator(".tally[data-perspective='employee']")).toHaveText("As the employee: Results appear when 3 people have voted.");
  await expect(panel.locator(".tally[data-perspective='employer']").first()).toContainText("Results appear when 3 people have voted.");
  await expect(projector.locator(".tally .bar-row")).toHaveCount(0);
  await vote(ben, { option: 1, judgement: "Somewhat right" }, { option: 1, judgement: "Somewhat wrong" });
  await vote(chi, { option: 1, judgement: "Mostly right" }, { option: 0, judgement: "Mostly wrong" });
  await expect(projector.getByTestId("answered-count")).toHaveText(/^3 of 3 answered/);
  const employeeBars = projector.locator(".tally[data-perspective='employee']");
  await expect(employeeBars.getByText("3 answered")).toBeVisible();
  await expect(employeeBars.locator(".bar-row").nth(1).locator(".bar-value")).toHaveText("2 (67%)");

  await next(panel, "Results, round 1");
  await next(panel, "Discussion");
  await ana.getByLabel("Your argument or question").fill("He made the record true before he reported it.");
  await ana.getByRole("button", { name: "Send" }).click();
  await expect(ana.getByRole("status").filter({ hasText: "Sent to the room." })).toBeVisible();
  await expect(panel.locator(".submission-list")).toContainText("He made the record true");
  await panel.getByRole("button", { name: "Spotlight" }).click();
  await expect(projector.getByTestId("spotlight")).toContainText("He made the record true before he reported it.");
  await expect(ben.getByText("He made the record true before he reported it.")).toBeVisible();

  await next(panel, "Vote, round 2");
  // Ana is moved by her own argument's reception? No: Ben and Chi move, and Ben names the argument.
  await vote(ana, { option: 0, judgement: "Mostly wrong" }, { option: 0, judgement: "Clearly wrong" });
  await vote(ben, { option: 1, judgement: "Clearly right" }, { option: 2, judgement: "Somewhat right" }, "He made the record true");
  await vote(chi, { option: 1, judgement: "Mostly right" }, { option: 2, judgement: "Torn / neither" });
  await expect(projector.getByTestId("answered-count")).toHaveText(/^3 of 3 answered/);

  await next(panel, "How the room moved");
  const shift = projector.locator("table.shift-table");
  await expect(shift).toBeVisible();
  await expect(shift.getByRole("row", { name: /As the employer/ })).toContainText("3");
  // Employer: Ben and Chi both moved and changed action; nobody moved toward wrong.
  await expect(shift.getByRole("row", { name: /As the employer/ }).getByRole("cell")).toHaveText(["3", "2", "2", "0", "2"]);
  await expect(chi.locator("table.shift-table")).toBeVisible();

  const debrief = await panel.request.get(`${workshopUrl}/debrief.md`);
  expect(debrief.status()).toBe(200);
  expect(debrief.headers()["content-disposition"]).toContain(".md");
  const text = await debrief.text();
  expect(text).toContain("# Debrief: Screening team, live session");
  expect(text).toContain("### As the employee: 3 answered");
  expect(text).toContain("| Delay the report and help him get it expunged | 2 | 67% |");
  expect(text).toContain("## How the room moved (round 1 to round 2)");
  // Only Ben named the argument: a change of mind is an answer, so the count waits for k (3 here) people.
  expect(text).toContain("- Argument (0 upvotes):");
  expect(text).not.toContain("named by");
  expect(text).not.toMatch(/Ana|Ben|Chi/);

  const csv = await panel.request.get(`${workshopUrl}/positions.csv`);
  // A UTF-8 byte-order mark first, so Excel reads the file as UTF-8.
  expect([...(await csv.body()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csvText = (await csv.body()).subarray(3).toString("utf8");
  expect(csvText.split("\r\n")[0]).toBe("respondent,round,perspective,option,judgement,judgement_label,standing");
  expect(csvText.trim().split("\r\n")).toHaveLength(1 + 12);
  expect(csvText).not.toMatch(/Ana|Ben|Chi|casebook_device/);

  await panel.getByLabel("Yes, end the workshop for everyone").check();
  await panel.getByRole("button", { name: "End workshop" }).click();
  await expect(panel.getByText("This workshop has ended.")).toBeVisible();
  await expect(ana.getByText("The workshop has ended. Thank you for taking part.")).toBeVisible();
});

test("a wrong or unknown code gets a clear message, and a participant cannot reach the control panel", async ({ page }) => {
  await page.goto("/join");
  await page.getByLabel("Workshop code").fill("O0I1L9");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByText("never O, 0, I, 1 or L")).toBeVisible();
  await page.getByLabel("Workshop code").fill("ZZZZZZ");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByText("No workshop has the code ZZZZZZ")).toBeVisible();
  const panel = await page.goto("/workshops");
  expect(panel?.url()).toContain("/login");
});
