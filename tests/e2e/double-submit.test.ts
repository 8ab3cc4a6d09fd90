/**
 * Sending a form twice creates once (issue 15, item 3; ADR 016): with JavaScript the button is
 * disabled while its form is on its way; without it the form still works, and the browser's
 * repeat of the same form (same idempotency key) gets the first answer instead of a second post.
 */
import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./utils";

const CASE = "/cases/the-quiet-fix";

test("with JavaScript, 'Post argument' is disabled while sending, so clicking it again posts nothing more", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("double"), name: "Dana Double" });
  await page.goto(CASE);
  const text = `Posted once on a slow connection ${Date.now()}.`;
  await page.getByRole("radio", { name: "For", exact: true }).check();
  await page.getByLabel("Your argument").fill(text);

  // A slow connection: the answer to the post is held until the test lets it through.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${CASE}.data**`, async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  const post = page.getByRole("button", { name: "Post argument" });
  await post.click();
  await expect(post).toBeDisabled();
  await expect(page.getByRole("button", { name: "Preview" })).toBeDisabled();
  await post.click({ force: true });
  release();

  await expect(page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();
  await expect(post).toBeEnabled();
  await page.unroute(`**${CASE}.data**`);
  await page.reload();
  await expect(page.locator(".argument-body", { hasText: text })).toHaveCount(1);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same argument form sent again (a browser's repeat) is answered as the first and posts once", async ({ page }) => {
    await signUp(page, { email: uniqueEmail("repeat"), name: "Rey Repeat" });
    await page.goto(CASE);
    const text = `Sent again by the browser ${Date.now()}.`;
    await page.getByRole("radio", { name: "It depends", exact: true }).check();
    await page.getByLabel("Your argument").fill(text);
    const form = page.locator("#new-argument");
    const fields = {
      intent: "argument",
      perspective: await form.getByLabel("Arguing as the").inputValue(),
      side: "depends",
      lens: "",
      body: text,
      idempotencyKey: await form.locator('input[name="idempotencyKey"]').inputValue(),
    };
    expect(fields.idempotencyKey).toMatch(/^[A-Za-z0-9_-]{22}\.argument$/);
    await page.getByRole("button", { name: "Post argument" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();

    const repeat = await page.request.post(CASE, { form: fields });
    expect(repeat.status()).toBe(200);
    expect(repeat.headers()["idempotent-replayed"]).toBe("true");
    await page.goto(CASE);
    await expect(page.locator(".argument-body", { hasText: text })).toHaveCount(1);
    // The page loaded again: its form has a new key, so the next argument is a new submission.
    expect(await page.locator('#new-argument input[name="idempotencyKey"]').inputValue()).not.toBe(fields.idempotencyKey);
  });
});
