/**
 * Accounts (issue 16): an admin's one-time reset link, end to end; deleting an argument asks a
 * second time, without JavaScript; a text input written without a type is styled like the rest.
 */
import { expect, test } from "@playwright/test";
import { createAccount, logIn, logInAsNew, uniqueEmail } from "./utils";

test("an admin makes a one-time reset link; it sets a new password once and signs the old sessions out", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("forgetful");
  const name = `Forgetful ${Date.now().toString(36)}`;
  await createAccount({ email, name });
  // The person is signed in somewhere else; the reset ends that session.
  const oldDevice = await (await browser.newContext()).newPage();
  await logIn(oldDevice, { email });

  await logInAsNew(page, "admin", "An admin");
  await page.goto("/admin");
  await page.getByRole("button", { name: `Make reset link for ${name}` }).click();
  const shown = page.getByTestId("reset-link");
  await expect(shown).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-reset-link.png"), fullPage: true });
  const link = (await shown.textContent())!.trim();
  expect(link).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}$/);
  // Shown once: reloading the page does not show it again.
  await page.goto("/admin");
  await expect(page.getByTestId("reset-link")).toHaveCount(0);

  const person = await (await browser.newContext()).newPage();
  await person.goto(link);
  await person.getByLabel("New password").fill("short");
  await person.getByRole("button", { name: "Set new password" }).click();
  await expect(person.locator("#newPassword-error")).toContainText("at least 10 characters");
  await person.getByLabel("New password").fill("my brand new password");
  await person.screenshot({ path: test.info().outputPath("reset-password-page.png"), fullPage: true });
  await person.getByRole("button", { name: "Set new password" }).click();
  await expect(person.getByRole("heading", { name: /My profile/ })).toBeVisible();

  await oldDevice.reload();
  await expect(oldDevice.getByRole("link", { name: "Log in" }).first()).toBeVisible();
  const fresh = await (await browser.newContext()).newPage();
  await logIn(fresh, { email, password: "my brand new password" });

  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByRole("alert")).toContainText("does not work any more");
  await expect(again.getByLabel("New password")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("deleting an argument asks a second time", async ({ page }) => {
    const email = uniqueEmail("deleter");
    await createAccount({ email, name: "Dee Leter" });
    await logIn(page, { email });
    await page.goto("/cases/no-authority");
    for (const perspective of ["employee", "employer"]) {
      const form = page.locator(`#answer-${perspective}`);
      await form.getByRole("radio").first().check();
      await form.getByRole("radio", { name: "Mostly right", exact: true }).check();
      await form.getByRole("radio", { name: /^Unsure/ }).check();
      await form.getByRole("button", { name: `Save my answer as the ${perspective}` }).click();
      await expect(page.locator(`#answer-${perspective}`).getByRole("status")).toContainText("is saved.");
    }
    const text = `To be deleted ${Date.now().toString(36)}`;
    await page.getByRole("radio", { name: "It depends", exact: true }).check();
    await page.getByLabel("Your argument").fill(text);
    await page.getByRole("button", { name: "Post argument" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();

    const argument = page.locator(".argument > article").filter({ hasText: text });
    const confirm = argument.getByRole("button", { name: "Yes, delete it" });
    await expect(confirm).toBeHidden();
    await argument.getByText("Delete…").click();
    await expect(confirm).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("delete-confirmation.png"), fullPage: true });
    await confirm.click();
    await expect(page.getByRole("status").filter({ hasText: "Deleted." })).toBeVisible();
    await expect(page.locator(".argument > article").filter({ hasText: text })).toHaveCount(0);
  });
});

test("a text input without a type is styled like the typed ones", async ({ page }) => {
  const email = uniqueEmail("styled");
  await createAccount({ email, name: "Sty Led" });
  await logIn(page, { email });
  await page.goto("/me");
  expect(await page.locator("#displayName").getAttribute("type")).toBeNull();
  const style = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.borderTopWidth, s.borderRadius, s.paddingTop];
      });
  await page.evaluate(() => {
    const typed = document.createElement("input");
    typed.type = "text";
    typed.id = "typed-probe";
    document.querySelector("main")!.append(typed);
  });
  expect(await style("#displayName")).toEqual(await style("#typed-probe"));
});
