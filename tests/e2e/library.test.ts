import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./utils";

test("a newcomer signs up, sets a standing, filters the library and reads the background check", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("newcomer"), name: "Nia Newcomer" });
  await expect(page.getByText("Welcome to Casebook")).toBeVisible();

  await page.getByLabel("Your standing at work").selectOption("frontline");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Your standing at work")).toHaveValue("frontline");

  await page.getByRole("link", { name: "Library", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Case library" })).toBeVisible();
  const cards = page.locator(".case-grid > li");
  const total = await cards.count();
  expect(total).toBeGreaterThanOrEqual(7);

  // The tag filter and the cards are plain links with one click handler per list (ADR 035): a
  // click is still a client-side navigation, so a value kept in the page survives it.
  await page.evaluate(() => ((window as unknown as { stillThisDocument: boolean }).stillThisDocument = true));
  const sameDocument = () => page.evaluate(() => (window as unknown as { stillThisDocument?: boolean }).stillThisDocument === true);
  await page
    .getByRole("navigation", { name: "Filter by tag" })
    .getByRole("link", { name: /^hiring/ })
    .click();
  await expect(page).toHaveURL(/tag=hiring/);
  expect(await sameDocument()).toBe(true);
  await expect(page.getByRole("status")).toContainText("tagged hiring");
  const filtered = await cards.count();
  expect(filtered).toBeGreaterThanOrEqual(1);
  expect(filtered).toBeLessThan(total);
  await expect(page.getByRole("link", { name: "The background check" })).toBeVisible();

  await page.getByRole("link", { name: "All tags" }).click();
  await page.getByLabel("Search cases").fill("expunge");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=expunge/);
  await expect(cards).toHaveCount(1);

  await page.getByRole("link", { name: "The background check" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "The background check" })).toBeVisible();
  expect(await sameDocument()).toBe(true);
  const stages = page.locator("section.stage");
  const stageCount = await stages.count();
  expect(stageCount).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < stageCount; i += 1) {
    await expect(stages.nth(i).getByRole("heading", { level: 2 })).toContainText(`Stage ${i + 1} of ${stageCount}`);
    await expect(stages.nth(i).locator("p").first()).not.toBeEmpty();
  }
  await expect(page.getByText("1966").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "As the employee" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "As the employer" })).toBeVisible();
});

test("an unknown address shows a friendly not-found page", async ({ page }) => {
  const response = await page.goto("/cases/no-such-case");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the case library" })).toBeVisible();
});

test("a bad sign-up keeps what was typed and says which field is wrong", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Display name").fill("Sam");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByText("Enter an email address like name@example.com.")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters for your password.")).toBeVisible();
  await expect(page.getByLabel("Display name")).toHaveValue("Sam");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
});
