/**
 * Long words on narrow screens (issue 15, item 6): a 120-letter option without spaces made the
 * ballot 1,188 px wide on a 375 px phone. Every kind of page, filled with long unbroken words
 * through the app's own forms, is checked at 320 px: the page never scrolls sideways, and any
 * part that scrolls by itself (a wide table, the editor's preview) can be reached and scrolled
 * with the keyboard (axe's rule "scrollable-region-focusable").
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createAccount, logIn, logInAsNew, uniqueEmail } from "./utils";

const PHONE = { width: 320, height: 640 };
/** Letters without a break, as a URL, a German compound or a keyboard-mash would be. */
const word = (letters: number, letter = "w") => `${letter.toUpperCase()}${letter.repeat(letters - 1)}`;
const SLUG = "the-narrow-screen";
const TITLE = word(120, "t"); // the longest title a case file allows
const OPTION = word(120, "o"); // the longest option
const PROMPT = `What do you do? ${word(80, "p")}`;

async function narrowPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: PHONE })).newPage();
}

/** What goes wrong on the page now: sideways scrolling, or a scrolling part the keyboard cannot reach. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) {
      // Name the widest things, to make a failure easy to fix.
      const culprits = [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(-3)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
      problems.push(`scrolls sideways: ${root.scrollWidth}px wide at ${window.innerWidth}px (${culprits.join(", ")})`);
    }
    const focusable = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
    for (const element of document.querySelectorAll<HTMLElement>("body *")) {
      const style = getComputedStyle(element);
      const scrollsX = /auto|scroll/.test(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      const scrollsY = /auto|scroll/.test(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
      if (!scrollsX && !scrollsY) continue;
      if (element.tabIndex >= 0 || element.querySelector(focusable)) continue;
      problems.push(`scrolls but the keyboard cannot reach it: ${element.tagName.toLowerCase()}.${element.className}`);
    }
    return problems;
  });
}

async function expectFits(page: Page, path: string): Promise<void> {
  if (path !== "") await page.goto(path);
  await expect(page.locator("main")).toBeVisible();
  expect(await layoutProblems(page), `${path || page.url()} at ${PHONE.width}px`).toEqual([]);
}

async function answerBoth(page: Page): Promise<void> {
  await page.goto(`/cases/${SLUG}`);
  for (const perspective of ["employee", "employer"]) {
    const form = page.locator(`#answer-${perspective}`);
    await form.getByRole("radio").first().check();
    await form.getByRole("radio", { name: "Somewhat right", exact: true }).check();
    await form.getByRole("radio", { name: /^Yes/ }).check();
    await form.getByRole("button", { name: new RegExp(`my answer as the ${perspective}`) }).click();
    await expect(form.getByRole("status")).toContainText("saved");
  }
}

test("every kind of page fits a 320 px screen with long unbroken words in it", async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await narrowPage(browser);
  await logInAsNew(admin, "admin", "An admin");

  // A case with the longest title and option there can be, written in the editor.
  await admin.goto("/cases/new");
  await admin.getByLabel("Title", { exact: true }).fill(TITLE);
  await admin.getByLabel("Address (slug)").fill(SLUG);
  await admin.getByLabel("Summary").fill(`A summary with ${word(100, "s")} in it.`);
  await admin.getByLabel("Tags").fill("narrow");
  await admin.locator("#perspective-0-prompt").fill(PROMPT);
  await admin.locator("#perspective-0-options").fill(`${OPTION}\nShort option`);
  await admin.locator("#perspective-1-prompt").fill(PROMPT);
  await admin.locator("#perspective-1-options").fill(`${word(120, "e")}\nAnother option`);
  await admin.getByLabel("Judgement question").fill(`Was it right? ${word(100, "j")}`);
  await admin.getByLabel("Discussion questions").fill(`Why ${word(200, "d")}?`);
  await admin.locator("#stage-0-title").fill(word(120, "g"));
  await admin.locator("#stage-0-body").fill(`Text with ${word(300, "b")} and a link https://example.com/${word(200, "u")}.\n\n| ${word(60, "c")} | b |\n|---|---|\n| 1 | 2 |`);
  await admin.getByRole("button", { name: "Preview" }).click();
  await expect(admin.getByRole("region", { name: "Preview" })).toBeVisible();
  await expectFits(admin, "");
  await admin.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(admin).toHaveURL(new RegExp(`/cases/${SLUG}\\?notice=published$`));

  // People with the longest names answer and argue; k is 3 on the end-to-end server.
  const people: Page[] = [];
  for (const letter of ["n", "m"]) {
    const page = await narrowPage(browser);
    const email = uniqueEmail(`long-${letter}`);
    await createAccount({ email, name: word(60, letter) });
    await logIn(page, { email });
    people.push(page);
  }
  // The longest display name the profile allows, typed into the form.
  await people[1]!.goto("/me");
  await people[1]!.getByLabel("Display name").fill(word(60, "x"));
  await people[1]!.getByRole("button", { name: "Save profile" }).click();
  await expect(people[1]!.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();
  for (const page of [admin, ...people]) await answerBoth(page);
  const [first] = people as [Page, Page];
  await first.getByLabel("Arguing as the").selectOption("employee");
  await first.getByRole("radio", { name: "For", exact: true }).check();
  await first.getByLabel("Your argument").fill(`Because ${word(400, "a")} **${word(100, "k")}**.`);
  await first.getByRole("button", { name: "Post argument" }).click();
  await expect(first.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();
  await admin.goto(`/cases/${SLUG}`);
  const argument = admin.locator(".argument > article").filter({ hasText: "Because" }).first();
  await argument.getByText("Reply", { exact: true }).click();
  await argument.getByLabel("Your reply").fill(`Yes ${word(300, "r")}`);
  await argument.getByRole("button", { name: "Post reply" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Your reply is posted." })).toBeVisible();
  // The reply is hidden with a long reason, which shows in its place and in the audit log.
  const reply = admin.locator(".argument > article").filter({ hasText: "Yes Rrr" }).first();
  await reply.getByText("Hide (moderation)").click();
  await reply.getByLabel("Reason (kept in the audit log)").fill(`Checking ${word(200, "h")}`);
  await reply.getByRole("button", { name: "Hide argument" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Hidden; the reason is in the audit log." })).toBeVisible();

  // A live workshop on the case with the longest title, a phone with the longest name and a long submission.
  await admin.goto("/workshops");
  await admin.getByLabel("Case", { exact: true }).selectOption(SLUG);
  await admin.getByLabel("Title", { exact: true }).fill(word(120, "l"));
  await admin.getByRole("radio", { name: /Live, while people vote/ }).check();
  await admin.getByRole("button", { name: "Create workshop" }).click();
  await expect(admin.locator(".join-code").first()).toBeVisible();
  const code = (await admin.locator(".join-code").first().textContent())!.trim();
  const control = admin.url();
  const phone = await narrowPage(browser);
  await expectFits(phone, "/join");
  await expectFits(phone, `/join/${code}`);
  await phone.getByLabel("Your name (optional)").fill(word(40, "q"));
  await phone.getByRole("button", { name: "Join" }).click();
  await expect(phone).toHaveURL(new RegExp(`/w/${code}$`));
  await expectFits(phone, "");
  const next = async (stage: string) => {
    await admin.goto(control);
    await admin.getByRole("button", { name: "Next stage →" }).click();
    await expect(admin.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
  };
  await next("Case, part 1 of 1");
  await expectFits(phone, `/w/${code}`);
  await next("Vote, round 1");
  await expectFits(phone, `/w/${code}`);
  await expect(phone.getByText(OPTION)).toBeVisible();
  await expectFits(admin, `${control}/projector`);
  await next("Results, round 1");
  await next("Discussion");
  await phone.goto(`/w/${code}`);
  await phone.getByLabel("Your argument or question").fill(`Consider ${word(300, "z")}`);
  await phone.getByRole("button", { name: "Send" }).click();
  await expect(phone.locator(".submission-list")).toContainText("Consider");
  await expectFits(phone, "");
  await expectFits(admin, `${control}/projector`);
  await expectFits(admin, control);
  await admin.getByRole("button", { name: "Spotlight" }).first().click();
  await expectFits(admin, `${control}/projector`);
  await admin.goto(control);
  await admin.getByRole("checkbox", { name: /end the workshop/ }).check();
  await admin.getByRole("button", { name: "End workshop" }).click();
  await expect(admin.getByText("This workshop has ended.")).toBeVisible();

  // Every kind of page, as the admin (who sees every part) and as a visitor.
  for (const path of [
    "/",
    "/?q=narrow",
    `/cases/${SLUG}`,
    `/cases/${SLUG}/results`,
    `/cases/${SLUG}/edit`,
    `/cases/${SLUG}/history`,
    "/cases/new",
    "/cases/upload",
    "/me",
    "/workshops",
    control,
    `${control}/projector`,
    `${control}/compare`,
    "/privacy",
    "/admin",
    "/admin/audit",
    "/admin/case-problems",
  ]) {
    await expectFits(admin, path);
  }
  await expectFits(first, "/me");
  await expectFits(first, `/cases/${SLUG}`);
  const visitor = await narrowPage(browser);
  for (const path of ["/", `/cases/${SLUG}`, "/login", "/signup", "/privacy", "/join", "/no-such-page"]) await expectFits(visitor, path);
  // A 390 px phone too (issue 16: results cards overflowed there), with the results of a case many answered.
  for (const page of [admin, first]) {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/cases/${SLUG}/results`, "/cases/background-check/results", "/"]) await expectFits(page, path);
    await page.screenshot({ path: test.info().outputPath(`results-390-${page === admin ? "admin" : "participant"}.png`), fullPage: true });
  }
});

test("the editor's preview scrolls by itself and can be reached with the keyboard", async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 600 } })).newPage();
  await logInAsNew(page, "admin", "An admin");
  await page.goto("/cases/background-check/edit");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview).toBeVisible();
  // Taller than the window: it scrolls inside itself.
  expect(await preview.evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
  await expect(preview).toHaveAttribute("tabindex", "0");
  await preview.focus();
  await expect(preview).toBeFocused();
  await page.keyboard.press("PageDown");
  await expect.poll(() => preview.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
  expect(await layoutProblems(page)).toEqual([]);
});
