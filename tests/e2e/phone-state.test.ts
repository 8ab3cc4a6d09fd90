/**
 * A phone's own state follows the room (issue 16, "The phones"): a reset while voting is open
 * voids "your vote is in" and the ticked choices at once, without a reload; closing the vote
 * takes back "you can change it"; what was sent to the room leaves the text box; the page is
 * the room alone (no site menu), and round 2 starts from the round 1 answer.
 */
import { expect, test } from "@playwright/test";
import { logInAsNew } from "./utils";
import { backToFirstScreen, joinOnPhone, next, vote } from "./workshop-helpers";

test("a phone forgets a vote a reset voided, stops offering changes once voting closes, and empties the box after sending", async ({ browser }) => {
  test.setTimeout(180_000);
  const panel = await (await browser.newContext()).newPage();
  await logInAsNew(panel, "facilitator", "Pat Phones");
  await panel.goto("/workshops");
  await panel.getByLabel("Case", { exact: true }).selectOption("background-check");
  await panel.getByLabel("Title", { exact: true }).fill("Phone state");
  await panel.getByRole("radio", { name: /Live, while people vote/ }).check();
  await panel.getByRole("button", { name: "Create workshop" }).click();
  const code = (await panel.locator(".join-code").first().textContent())!.trim();
  const phone = await joinOnPhone(browser, code, "Ola", "frontline");
  // A focused page: the room only, not the site's menu (log in, sign up).
  await expect(phone.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await expect(phone.getByRole("link", { name: "Log in" })).toHaveCount(0);
  for (const stage of ["Case, part 1 of 4", "Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) await next(panel, stage);

  const employee = phone.locator("fieldset.perspective").filter({ hasText: "As the employee:" });
  await vote(phone, { option: 1, judgement: "Mostly right" }, { option: 0, judgement: "Somewhat wrong" });
  // The vote's last screen is the employer's; Back shows the employee's answer as sent.
  await backToFirstScreen(phone);
  await expect(employee.getByRole("radio", { name: "Mostly right", exact: true })).toBeChecked();

  // The facilitator resets round 1 while voting stays open: the phone says nothing of a vote.
  await panel.getByRole("checkbox", { name: "Yes, delete every vote of round 1" }).check();
  await panel.getByRole("button", { name: "Reset round 1" }).click();
  await expect(panel.getByText("Round 1 is reset.")).toBeVisible();
  await expect(phone.getByText("Your vote is in.")).toHaveCount(0);
  await expect(employee.getByRole("radio", { name: "Mostly right", exact: true })).not.toBeChecked();
  // The form starts again at its first screen, with nothing chosen.
  await expect(phone.getByTestId("vote-step")).toHaveText("1 of 2: as the employee");
  await expect(phone.getByRole("button", { name: "Next", exact: true })).toBeVisible();

  // Voting again after the reset is stored (a fresh submission, not a replay of the voided one).
  await vote(phone, { option: 0, judgement: "Clearly wrong" }, { option: 1, judgement: "Torn / neither" });
  await phone.reload();
  await expect(employee.getByRole("radio", { name: "Clearly wrong", exact: true })).toBeChecked();

  // Closing the vote: "you can change it" goes; the vote is said to be counted.
  await panel.getByRole("button", { name: "Close voting" }).click();
  await expect(phone.getByText("Voting is closed; your vote is counted.")).toBeVisible();
  await expect(phone.getByText("You can change it while voting is open")).toHaveCount(0);

  // At the discussion, what was sent leaves the box.
  for (const stage of ["Results, round 1", "Discussion"]) await next(panel, stage);
  await phone.getByLabel("Your argument or question").fill("Would the firm have found out on its own?");
  await phone.getByRole("button", { name: "Send" }).click();
  await expect(phone.getByRole("status").filter({ hasText: /sent|room/i })).toBeVisible();
  await expect(phone.getByLabel("Your argument or question")).toHaveValue("");

  // Round 2 starts from the round 1 answer.
  await next(panel, "Vote, round 2");
  await expect(phone.getByText("Your round 1 answers are filled in")).toBeVisible();
  await expect(employee.getByRole("radio", { name: "Clearly wrong", exact: true })).toBeChecked();
  await phone.getByRole("button", { name: "Next", exact: true }).click();
  await expect(phone.locator("fieldset.perspective").filter({ hasText: "As the employer:" }).getByRole("radio", { name: "Torn / neither", exact: true })).toBeChecked();
  await expect(phone.getByRole("button", { name: "Send my vote" })).toBeVisible();
});
