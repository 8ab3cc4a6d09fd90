import { expect, test, type Browser, type Page } from "@playwright/test";
import { logInAsNew, signUp, uniqueEmail } from "./utils";

async function person(browser: Browser, name: string): Promise<{ page: Page; email: string }> {
  const page = await (await browser.newContext()).newPage();
  const email = uniqueEmail(name.toLowerCase().replace(/\s+/g, "-"));
  await signUp(page, { email, name });
  return { page, email };
}

async function answerBoth(page: Page, slug: string) {
  await page.goto(`/cases/${slug}`);
  for (const perspective of ["employee", "employer"]) {
    const form = page.locator(`#answer-${perspective}`);
    await form.getByRole("radio").first().check();
    await form.getByRole("radio", { name: "Somewhat right", exact: true }).check();
    await form.getByRole("radio", { name: /^Yes/ }).check();
    await form.getByRole("button", { name: new RegExp(`my answer as the ${perspective}`) }).click();
    await expect(form.getByRole("status")).toContainText("saved");
  }
}

test("an author writes, previews and publishes a case; people answer it; a reworded option keeps its answers", async ({ browser }) => {
  test.setTimeout(120_000);
  const author = await person(browser, "Ari Author");
  const admin = await (await browser.newContext()).newPage();
  await logInAsNew(admin, "admin", "An admin");
  await admin.goto("/admin");
  const row = admin.getByRole("row").filter({ hasText: author.email });
  await row.getByLabel("Role for Ari Author").selectOption("author");
  await row.getByRole("button", { name: /Save role/ }).click();
  await expect(admin.getByRole("status")).toContainText("Ari Author is now author.");

  const page = author.page;
  await page.goto("/");
  await page.getByRole("link", { name: "New case" }).click();

  // A first attempt with mistakes: the errors sit by their fields and nothing typed is lost.
  await page.getByLabel("Summary").fill("An invoice arrives a day after the budget closes.");
  await page.locator("#perspective-1-options").fill("Only one option");
  await page.locator("#stage-0-title").fill("The invoice");
  await page.locator("#stage-0-body").fill("Dana finds the **invoice** on Friday.");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("need fixing");
  await expect(page.locator("#title-error")).toBeVisible();
  await expect(page.locator("#perspective-1-options-error")).toContainText("at least 2 options");
  await expect(page.getByLabel("Summary")).toHaveValue("An invoice arrives a day after the budget closes.");
  await expect(page.locator("#stage-0-body")).toHaveValue("Dana finds the **invoice** on Friday.");

  await page.getByLabel("Title", { exact: true }).fill("The late invoice");
  await page.getByLabel("Address (slug)").fill("the-late-invoice");
  await page.getByLabel("Tags").fill("finance, honesty");
  await page.locator("#perspective-0-prompt").fill("You are Dana in accounts payable. What do you do?");
  await page.locator("#perspective-0-options").fill("Pay it quietly\nHold it until next quarter\nTell the supplier and your manager");
  await page.locator("#perspective-1-prompt").fill("You run finance and hear what Dana did. What do you do?");
  await page.locator("#perspective-1-options").fill("Back Dana\nReverse the payment\nChange the close process");
  await page.getByLabel("Judgement question").fill("Was Dana right to pay it quietly?");
  await page.getByLabel("Discussion questions").fill("Who is hurt by a late payment?\nWhen is a rule worth bending?");
  await page.locator("#stage-1-title").fill("The pressure");
  await page.locator("#stage-1-body").fill("The supplier is a two-person firm that needs the money for payroll.");
  await page.locator("#stage-2-title").fill("What she did");
  await page.locator("#stage-2-body").fill("Dana pays it and backdates the approval.");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("heading", { name: /The invoice/ })).toBeVisible();
  await expect(preview.locator("strong").first()).toHaveText("invoice");
  await expect(preview.getByText("Stage 3 of 3")).toBeVisible();

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  // Publishing says so (issue 16).
  await expect(page).toHaveURL(/\/cases\/the-late-invoice\?notice=published$/);
  await expect(page.getByRole("status").filter({ hasText: "Published." })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "The late invoice" })).toBeVisible();
  await expect(page.locator("section.stage")).toHaveCount(3);

  // Three people answer (k is 3 in the end-to-end server).
  const participant = await person(browser, "Pia Participant");
  const another = await person(browser, "Otto Other");
  for (const p of [participant.page, another.page, page]) await answerBoth(p, "the-late-invoice");
  await participant.page.goto("/cases/the-late-invoice/results");
  await expect(participant.page.getByText("Pay it quietly").first()).toBeVisible();

  // The author rewords an option: the editor asks whether it is the same option reworded or a new
  // one (issue 15, item 2); a rewording keeps its answers, so results do not split (ADR 017).
  await page.goto("/cases/the-late-invoice/edit");
  await page.locator("#perspective-0-options").fill("Pay it and tell nobody\nHold it until next quarter\nTell the supplier and your manager");
  await page.getByRole("button", { name: "Publish changes (new version)" }).click();
  await expect(page.getByRole("alert")).toContainText("needs fixing");
  const origin = page.getByLabel("“Pay it and tell nobody” is");
  await expect(origin).toBeVisible();
  // Focus moves to the question, so keyboard and small-screen users land on it.
  await expect(origin).toBeFocused();
  await expect(origin.locator("option").nth(1)).toContainText("a rewording of “\u2068Pay it quietly\u2069”");
  await origin.selectOption({ index: 1 });
  await page.getByRole("button", { name: "Publish changes (new version)" }).click();
  await expect(page).toHaveURL(/\/cases\/the-late-invoice\?notice=published$/);
  await expect(page.getByText("Version 2")).toBeVisible();

  await participant.page.goto("/cases/the-late-invoice/results");
  await expect(participant.page.getByText(/Answers were given on version 1 of this case; it is now at version\s+2/)).toBeVisible();
  await expect(participant.page.getByText("Pay it and tell nobody").first()).toBeVisible();
  await expect(participant.page.getByText("(option no longer offered)")).toHaveCount(0);

  await page.goto("/cases/the-late-invoice/history");
  await expect(page.getByRole("heading", { name: "Changes from version 1 to version 2" })).toBeVisible();
  // The file names the reworded option's id, so it reads back as the same option (ADR 017).
  await expect(page.locator(".diff .added").filter({ hasText: "Pay it and tell nobody" })).toContainText('id: "pay-it-quietly"');
});

test("participants and facilitators cannot open the editor, even by address", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("nosy"), name: "Nosy" });
  expect((await page.goto("/cases/new"))?.status()).toBe(403);
  expect((await page.goto("/cases/background-check/edit"))?.status()).toBe(403);
  expect((await page.goto("/cases/upload"))?.status()).toBe(403);
  const post = await page.request.post("/cases/new", { form: { title: "Sneaky" } });
  expect(post.status()).toBe(403);
});

test("a save sent while the typing's preview is still waiting sends no preview after it, and lands on the draft", async ({ page }) => {
  await logInAsNew(page, "author", "Sam Saver");
  await page.goto("/cases/new");
  await page.waitForLoadState("networkidle");
  const slug = `the-quick-save-${Date.now().toString(36)}`;
  await page.getByLabel("Title", { exact: true }).fill("The quick save");
  await page.getByLabel("Address (slug)").fill(slug);
  await page.getByLabel("Summary").fill("Saved the moment the last field is typed.");
  await page.locator("#perspective-0-prompt").fill("You are Dana. What do you do?");
  await page.locator("#perspective-0-options").fill("Pay it\nHold it");
  await page.locator("#perspective-1-prompt").fill("You run finance. What do you do?");
  await page.locator("#perspective-1-options").fill("Back Dana\nReverse it");
  await page.getByLabel("Judgement question").fill("Was Dana right?");
  await page.getByLabel("Discussion questions").fill("Who is hurt?");
  await page.locator("#stage-0-title").fill("The invoice");
  await page.waitForLoadState("networkidle");
  // The save is held for 1.5 s, as on a busy server, so the preview's 400 ms wait runs out meanwhile.
  const postsAfterSave: string[] = [];
  let saveSent = false;
  page.on("request", (request) => {
    if (saveSent && request.method() === "POST") postsAfterSave.push(new URLSearchParams(request.postData() ?? "").get("intent") ?? "?");
  });
  await page.route(/\/cases\/new/, async (route) => {
    if (route.request().method() === "POST" && (route.request().postData() ?? "").includes("intent=save")) {
      saveSent = true;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    await route.continue();
  });
  await page.locator("#stage-0-body").fill("Dana finds the invoice on Friday.");
  await page.getByRole("button", { name: /Save draft/ }).click();
  await expect(page).toHaveURL(new RegExp(`/cases/${slug}$`));
  await expect(page.getByRole("status").first()).toContainText("Draft");
  expect(postsAfterSave, "posts sent after the save").toEqual([]);
});
