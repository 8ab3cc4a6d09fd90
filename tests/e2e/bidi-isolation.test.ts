/**
 * Text direction (issue 15, item 5): a display name ending in U+202E (right-to-left override)
 * reversed the text shown after it, in the audit log, in "which argument moved you" and beside
 * replies. Such names are now refused; names stored before that rule, and any right-to-left
 * text, are isolated wherever they are shown next to other text.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createAccount, logIn, logInAsNew, uniqueEmail } from "./utils";

const CASE = "/cases/the-quiet-fix";
const RLO = "\u202E";
const REFUSAL = `Your display name cannot contain invisible formatting characters; remove the right-to-left override (U+202E) at character 6.`;

/**
 * Whether `text`, found in the visible text under `selector` (across elements), is laid out left
 * to right: each of its letters starts to the right of the one before. A reversed run fails this.
 */
async function readsLeftToRight(page: Page, selector: string, text: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((root, wanted) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const places: { node: Node; offset: number }[] = [];
      let all = "";
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let offset = 0; offset < node.textContent!.length; offset++) places.push({ node, offset });
        all += node.textContent;
      }
      const at = all.indexOf(wanted);
      if (at === -1) throw new Error(`"${wanted}" is not in the page`);
      const lefts: number[] = [];
      for (let i = at; i < at + wanted.length; i++) {
        if (/\s/.test(all[i]!)) continue;
        const range = document.createRange();
        range.setStart(places[i]!.node, places[i]!.offset);
        range.setEnd(places[i]!.node, places[i]!.offset + 1);
        lefts.push(range.getBoundingClientRect().left);
      }
      return lefts.every((left, i) => i === 0 || left > lefts[i - 1]!);
    }, text);
}

/** An account with `name` as stored, signed in on its own browser context; made through the users model, not the form (see createAccount). */
async function person(browser: Browser, name: string): Promise<{ page: Page; email: string }> {
  const page = await (await browser.newContext()).newPage();
  const email = uniqueEmail(name.toLowerCase().replace(/[^a-z]/g, ""));
  await createAccount({ email, name });
  await logIn(page, { email });
  return { page, email };
}

test("a display name with a right-to-left override is refused at sign-up and on the profile", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(uniqueEmail("rahel"));
  await page.getByLabel("Display name").fill(`Rahel${RLO}`);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator("#displayName-error")).toHaveText(REFUSAL);

  await page.getByLabel("Display name").fill("Rahel");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "My profile" })).toBeVisible();
  await page.getByLabel("Display name").fill(`Rahel${RLO}`);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.locator("#displayName-error")).toHaveText(REFUSAL);
});

test("a name stored with a right-to-left override no longer reverses the text beside it", async ({ browser }) => {
  test.setTimeout(90_000);
  const owen = await person(browser, "Owen");
  // A name stored before sign-up and the profile refused direction controls.
  const rahel = await person(browser, `Rahel${RLO}`);

  // Owen argues and answers; Rahel argues and replies to Owen.
  await owen.page.goto(CASE);
  await owen.page.getByLabel("Arguing as the").selectOption("employee");
  await owen.page.getByRole("radio", { name: "For", exact: true }).check();
  await owen.page.getByLabel("Your argument").fill("Fixing it quietly spares the customer a scare.");
  await owen.page.getByRole("button", { name: "Post argument" }).click();
  await expect(owen.page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();

  await rahel.page.goto(CASE);
  await rahel.page.getByLabel("Arguing as the").selectOption("employer");
  await rahel.page.getByRole("radio", { name: "Against", exact: true }).check();
  await rahel.page.getByLabel("Your argument").fill("Customers deserve to know what went wrong.");
  await rahel.page.getByRole("button", { name: "Post argument" }).click();
  await expect(rahel.page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();
  const owensArgument = rahel.page.locator(".argument").filter({ hasText: "spares the customer a scare" }).first();
  await owensArgument.getByText("Reply", { exact: true }).click();
  await owensArgument.getByLabel("Your reply").fill("Quietly for whom?");
  await owensArgument.getByRole("button", { name: "Post reply" }).click();
  await expect(rahel.page.getByRole("status").filter({ hasText: "Your reply is posted." })).toBeVisible();

  // The thread: the name is isolated from the side and perspective beside it.
  await expect(rahel.page.locator(".argument-meta strong bdi").filter({ hasText: "Rahel" }).first()).toHaveText(`Rahel${RLO}`);

  // Owen's "Replies to my arguments": "Rahel‮ on The quiet fix" keeps its order.
  await owen.page.goto("/me");
  await expect(owen.page.locator(".activity-list li").filter({ hasText: "Quietly for whom?" }).locator("bdi").first()).toHaveText(`Rahel${RLO}`);
  expect(await readsLeftToRight(owen.page, ".activity-list", " on The quiet fix")).toBe(true);

  // "Which argument moved you": a plain-text option, so the name is wrapped in Unicode's own isolates.
  await owen.page.goto(CASE);
  for (const perspective of ["employee", "employer"]) {
    const form = owen.page.locator(`#answer-${perspective}`);
    await form.getByRole("radio").first().check();
    await form.getByRole("radio", { name: "Somewhat right", exact: true }).check();
    await form.getByRole("radio", { name: /^Unsure\b/ }).check();
    await form.getByRole("button", { name: new RegExp(`my answer as the ${perspective}`) }).click();
    await expect(form.getByRole("status")).toContainText(`as the ${perspective}`);
  }
  const option = owen.page.locator("#employer-moved-by option").filter({ hasText: "Customers deserve" }); // an employer argument: offered where the employer answer changes
  await expect(option).toHaveText(`\u2068Rahel${RLO}\u2069: \u2068Customers deserve to know what went wrong.\u2069`);

  // The audit log: an admin hides Rahel's argument; "…, by Rahel‮: Off topic" keeps its order.
  const admin = await (await browser.newContext()).newPage();
  await logInAsNew(admin, "admin", "An admin");
  await admin.goto(CASE);
  const rahelsArgument = admin.locator(".argument").filter({ hasText: "Customers deserve to know" }).first();
  await rahelsArgument.getByText("Hide (moderation)").click();
  await rahelsArgument.getByLabel("Reason (kept in the audit log)").fill("Off topic here");
  await rahelsArgument.getByRole("button", { name: "Hide argument" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Hidden; the reason is in the audit log." })).toBeVisible();
  await admin.goto("/admin/audit");
  await expect(admin.locator("td").filter({ hasText: "Off topic here" }).first()).toBeVisible();
  expect(await readsLeftToRight(admin, "tbody", "Off topic here")).toBe(true);
});
