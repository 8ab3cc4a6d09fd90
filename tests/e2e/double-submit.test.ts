/**
 * Sending a form twice creates once (issue 15, item 3; ADR 016): with JavaScript the button is
 * disabled while its form is on its way; without it the form still works, and the browser's
 * repeat of the same form (same idempotency key) gets the first answer instead of a second post.
 * The same holds for an author's upload and a facilitator's controls.
 */
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { logInAsNew } from "./utils";

const CASE = "/cases/the-quiet-fix";

test("with JavaScript, 'Post argument' is disabled while sending, so clicking it again posts nothing more", async ({ page }) => {
  await logInAsNew(page, "participant", "Dana Double");
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
    await logInAsNew(page, "participant", "Rey Repeat");
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

/** A new workshop on the background check, run by a new facilitator; returns the control panel's path. */
async function newWorkshop(page: Page, title: string): Promise<string> {
  await logInAsNew(page, "facilitator");
  await page.goto("/workshops");
  await page.getByLabel("Case", { exact: true }).selectOption("background-check");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByRole("button", { name: "Create workshop" }).click();
  await expect(page.getByRole("heading", { level: 2, name: /^Now: Lobby/ })).toBeVisible();
  return new URL(page.url()).pathname;
}

test("with JavaScript, 'Next stage' is disabled while sending, so a double click moves the workshop one stage", async ({ page }) => {
  const panel = await newWorkshop(page, `Double-clicked next ${Date.now()}`);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${panel}.data**`, async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  const next = page.getByRole("button", { name: "Next stage →" });
  await next.click();
  await expect(next).toBeDisabled();
  await next.click({ force: true });
  release();
  await expect(page.getByRole("heading", { level: 2, name: /^Now: Case, part 1 of 4/ })).toBeVisible();
  await expect(next).toBeEnabled();
  await page.unroute(`**${panel}.data**`);
  await page.reload();
  await expect(page.getByRole("heading", { level: 2, name: /^Now: Case, part 1 of 4/ })).toBeVisible();
});

test.describe("without JavaScript, a browser's repeat", () => {
  test.use({ javaScriptEnabled: false });

  test("of 'Next stage' is answered as the first and moves the workshop one stage", async ({ page }) => {
    const panel = await newWorkshop(page, `Repeated next ${Date.now()}`);
    const form = page.locator("form", { has: page.getByRole("button", { name: "Next stage →" }) });
    const fields: Record<string, string> = {};
    for (const input of await form.locator('input[type="hidden"]').all()) fields[(await input.getAttribute("name"))!] = (await input.getAttribute("value"))!;
    expect(fields).toMatchObject({ intent: "next", from: "lobby", idempotencyKey: expect.stringMatching(/\.next$/) });
    await page.getByRole("button", { name: "Next stage →" }).click();
    await expect(page.getByRole("heading", { level: 2, name: /^Now: Case, part 1 of 4/ })).toBeVisible();

    const repeat = await page.request.post(panel, { form: fields });
    expect([repeat.status(), repeat.headers()["idempotent-replayed"]]).toEqual([200, "true"]);
    await page.goto(panel);
    await expect(page.getByRole("heading", { level: 2, name: /^Now: Case, part 1 of 4/ })).toBeVisible();
  });

  test("of an upload is answered as the first and adds no second version", async ({ page }) => {
    await logInAsNew(page, "author");
    const slug = `uploaded-once-${Date.now()}`;
    const file = { name: `${slug}.md`, mimeType: "text/markdown", buffer: Buffer.from(readFileSync("cases/background-check.md", "utf8").replace(/^slug: .*$/m, `slug: ${slug}`)) };
    await page.goto("/cases/upload");
    await page.getByLabel(/^Case file/).setInputFiles(file);
    const idempotencyKey = await page.locator('input[name="idempotencyKey"]').inputValue();
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page).toHaveURL(new RegExp(`/cases/${slug}$`));

    const repeat = await page.request.post("/cases/upload", { multipart: { file, idempotencyKey }, maxRedirects: 0 });
    expect([repeat.status(), repeat.headers()["location"], repeat.headers()["idempotent-replayed"]]).toEqual([302, `/cases/${slug}`, "true"]);
    await page.goto(`/cases/${slug}/history`);
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(2);
  });
});
