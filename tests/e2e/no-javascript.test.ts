import { expect, test } from "@playwright/test";
import { uniqueEmail } from "./utils";

test.use({ javaScriptEnabled: false });

test("without JavaScript a person signs up, answers both perspectives and argues", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(uniqueEmail("nojs"));
  await page.getByLabel("Display name").fill("Nadia No-Script");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: /My profile/ })).toBeVisible();

  await page.goto("/cases/no-authority");
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
