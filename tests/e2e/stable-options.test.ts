import { expect, test } from "@playwright/test";
import { logInAsNew } from "./utils";

// Issue 15, item 1 (ADR 017): the ballot names its option by a stable id, not by its place in the list.
const CASE = "/cases/the-covering-nurse";

test("an answer records the option picked, though the author reordered the options while the page was open", async ({ browser }) => {
  test.setTimeout(120_000);
  const voter = await (await browser.newContext()).newPage();
  await logInAsNew(voter, "participant", "Nadia");
  await voter.goto(CASE);
  const ballot = voter.locator("#answer-employee");
  const labels = await ballot.locator("fieldset").first().locator("label.choice").allTextContents();
  const picked = labels[2]!.trim();
  await ballot.getByRole("radio", { name: picked, exact: true }).check();
  await ballot.getByRole("radio", { name: "Somewhat right", exact: true }).check();
  await ballot.getByRole("radio", { name: /^Unsure/ }).check();

  // Meanwhile the author puts the options in the opposite order and publishes.
  const author = await (await browser.newContext()).newPage();
  await logInAsNew(author, "author");
  await author.goto(`${CASE}/edit`);
  const options = author.locator("#perspective-0-options");
  const lines = (await options.inputValue()).split("\n");
  await options.fill([...lines].reverse().join("\n"));
  await author.getByRole("button", { name: "Publish changes (new version)" }).click();
  await expect(author).toHaveURL(new RegExp(`${CASE}(\\?notice=published)?$`));

  await ballot.getByRole("button", { name: "Save my answer as the employee" }).click();
  await expect(ballot.getByRole("status")).toContainText("Your answer as the employee is saved.");
  await expect(ballot.getByText("Your current answer:")).toContainText(picked);
  // The form now shows the new order, with the answer still on the option picked.
  await expect(ballot.getByRole("radio", { name: picked, exact: true })).toBeChecked();
  await expect(ballot.locator("fieldset").first().locator("label.choice").first()).toHaveText(lines.at(-1)!);
});

test("a ballot for an option the author removed meanwhile is refused beside the options, which are shown as they are now", async ({ browser }) => {
  test.setTimeout(120_000);
  const CASE_TWO = "/cases/empathy-from-the-top";
  const voter = await (await browser.newContext()).newPage();
  await logInAsNew(voter, "participant", "Omar");
  await voter.goto(CASE_TWO);
  const ballot = voter.locator("#answer-employee");
  const labels = (await ballot.locator("fieldset").first().locator("label.choice").allTextContents()).map((label) => label.trim());
  const removed = labels.at(-1)!;
  await ballot.getByRole("radio", { name: removed, exact: true }).check();
  await ballot.getByRole("radio", { name: "Somewhat right", exact: true }).check();
  await ballot.getByRole("radio", { name: /^Unsure/ }).check();

  const author = await (await browser.newContext()).newPage();
  await logInAsNew(author, "author");
  await author.goto(`${CASE_TWO}/edit`);
  await author.locator("#perspective-0-options").fill(labels.slice(0, -1).join("\n"));
  await author.getByRole("button", { name: "Publish changes (new version)" }).click();
  await expect(author).toHaveURL(new RegExp(`${CASE_TWO}(\\?notice=published)?$`));

  await ballot.getByRole("button", { name: "Save my answer as the employee" }).click();
  await expect(ballot.locator("#employee-option-error")).toContainText(`“${removed}” is no longer offered`);
  await expect(ballot.getByRole("radio", { name: removed, exact: true })).toHaveCount(0);
  await expect(ballot.getByText("Your current answer:")).toHaveCount(0);
  // Choosing again from the options shown now is saved.
  await ballot.getByRole("radio", { name: labels[0]!, exact: true }).check();
  await ballot.getByRole("button", { name: "Save my answer as the employee" }).click();
  await expect(ballot.getByText("Your current answer:")).toContainText(labels[0]!);
});
