/**
 * Stored and reflected XSS in a real browser. Hostile text goes everywhere people or authors can
 * write (arguments, replies, display names, moderation reasons, workshop titles, names and
 * submissions, every field of the case editor, an uploaded case file), then each page that shows
 * it is opened in Chromium with the CSP bypassed, so the test checks our escaping and sanitizing,
 * not only the CSP behind them. A payload that runs sets `window.__xss` (a trapped setter) or
 * opens a dialog; the DOM must also hold no event-handler attributes, script URLs or frames.
 */
import { expect, request, test, type APIRequestContext, type APIResponse, type Browser, type Page } from "@playwright/test";
import {
  advanceTo,
  answerCase,
  baseURL,
  contextFor,
  control,
  createWorkshop,
  fixtures,
  get,
  joinWorkshop,
  phoneOptionId,
  postForm,
  setProfile,
  type VisitorName,
  type WorkshopFixture,
} from "./helpers";
import { MARKDOWN_XSS, SHORT_XSS } from "./hostile-inputs";

test.describe.configure({ mode: "serial" });

const EDITOR_SLUG = "xss-editor-case";
const UPLOAD_SLUG = "xss-upload-case";
/** Fits every short field: 120-character titles, 60-character display names, 40-character workshop names. */
const TITLE = `"><img src=x onerror=__xss='t'><script>__xss='t2'</script>`;
const NAME = `<img src=x onerror=__xss='name'>`;
const OPTIONS = [`<svg onload=__xss='opt1'>`, `"><script>__xss='opt2'</script>`, `</textarea><img src=x onerror=alert(1)>`];

let workshop: WorkshopFixture;

function caseForm(intent: string, stageBody: string): Record<string, string> {
  return {
    intent,
    title: TITLE,
    slug: EDITOR_SLUG,
    summary: SHORT_XSS.slice(0, 6).join(" "),
    tags: "xss, security",
    "perspective-0-prompt": SHORT_XSS.slice(0, 5).join(" "),
    "perspective-0-options": OPTIONS.join("\n"),
    "perspective-1-prompt": SHORT_XSS.slice(5, 10).join(" "),
    "perspective-1-options": [...OPTIONS].reverse().join("\n"),
    judgement: `${SHORT_XSS[2]} ${SHORT_XSS[3]}?`,
    discussion: SHORT_XSS.slice(0, 8).join("\n"),
    stageCount: "2",
    "stage-0-title": `<img src=x onerror=__xss='stage'> stage`,
    "stage-0-body": stageBody,
    "stage-1-title": `"><svg onload=__xss='stage2'>`,
    "stage-1-body": MARKDOWN_XSS,
    facilitatorNotes: MARKDOWN_XSS,
    sources: MARKDOWN_XSS,
  };
}

function uploadFile(): string {
  const yamlString = (s: string) => JSON.stringify(s);
  return [
    "---",
    `slug: ${UPLOAD_SLUG}`,
    `title: ${yamlString(TITLE)}`,
    `summary: ${yamlString(SHORT_XSS.slice(0, 4).join(" "))}`,
    "tags: [xss]",
    "perspectives:",
    "  employee:",
    `    prompt: ${yamlString(SHORT_XSS[1]!)}`,
    `    options: [${OPTIONS.map(yamlString).join(", ")}]`,
    "  employer:",
    `    prompt: ${yamlString(SHORT_XSS[4]!)}`,
    `    options: [${OPTIONS.map(yamlString).join(", ")}]`,
    `judgement: ${yamlString(SHORT_XSS[0]!)}`,
    `discussion: [${yamlString(SHORT_XSS[5]!)}]`,
    "---",
    "",
    `## Stage: ${SHORT_XSS[0]}`,
    "",
    MARKDOWN_XSS,
    "",
    "## Facilitator notes",
    "",
    MARKDOWN_XSS,
    "",
    "## Sources",
    "",
    MARKDOWN_XSS,
    "",
  ].join("\n");
}

async function ok(response: Promise<APIResponse>, expected: number, what: string): Promise<string> {
  const r = await response;
  const body = await r.text();
  expect(r.status(), `${what}: ${body.match(/class="(?:form-error|field-error)"[^>]*>[^<]*/g)?.join(" | ") ?? body.slice(0, 300)}`).toBe(expected);
  return body;
}

async function withContexts<T>(names: VisitorName[], run: (contexts: Record<string, APIRequestContext>) => Promise<T>): Promise<T> {
  const contexts: Record<string, APIRequestContext> = {};
  for (const name of names) contexts[name] = await contextFor(name);
  try {
    return await run(contexts);
  } finally {
    for (const ctx of Object.values(contexts)) await ctx.dispose();
  }
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  await withContexts(["author", "participant", "facilitator", "admin"], async ({ author, participant, facilitator }) => {
    // The editor: every field hostile, published, then edited into a second version for the history diff.
    await ok(postForm(author!, "/cases/new", caseForm("publish", MARKDOWN_XSS)), 302, "create the hostile case in the editor");
    await ok(postForm(author!, `/cases/${EDITOR_SLUG}/edit`, caseForm("publish", `${SHORT_XSS.join("\n\n")}\n\n${MARKDOWN_XSS}`)), 302, "publish a second version");
    // An uploaded case file.
    await ok(
      author!.post("/cases/upload", {
        multipart: { file: { name: `${SHORT_XSS[0]}.md`, mimeType: "text/markdown", buffer: Buffer.from(uploadFile()) }, publish: "on" },
        headers: { Origin: baseURL },
        maxRedirects: 0,
      }),
      302,
      "upload the hostile case file",
    );

    // People: hostile display names, arguments, replies, a hidden argument with a hostile reason.
    await setProfile(participant!, NAME, "manager");
    await setProfile(author!, `"><svg onload=__xss='author'>`, "manager");
    await ok(postForm(participant!, `/cases/${EDITOR_SLUG}`, { intent: "argument", perspective: "employee", side: "for", lens: "care", body: MARKDOWN_XSS }), 200, "post a hostile argument");
    const page = await (await get(participant!, `/cases/${EDITOR_SLUG}?sort=newest`)).text();
    const argumentId = [...page.matchAll(/id="argument-(\d+)"/g)].map((m) => m[1])[0]!;
    await ok(postForm(author!, `/cases/${EDITOR_SLUG}`, { intent: "reply", parentId: argumentId, body: MARKDOWN_XSS }), 200, "reply with hostile Markdown");
    await ok(postForm(participant!, `/cases/${EDITOR_SLUG}`, { intent: "argument", perspective: "employer", side: "against", lens: "", body: SHORT_XSS.join("\n\n") }), 200, "post a second argument");
    const second = [...(await (await get(participant!, `/cases/${EDITOR_SLUG}?sort=newest`)).text()).matchAll(/id="argument-(\d+)"/g)].map((m) => Number(m[1]));
    await ok(postForm(facilitator!, `/cases/${EDITOR_SLUG}`, { intent: "hide", argumentId: String(Math.max(...second)), reason: SHORT_XSS.slice(0, 6).join(" ") }), 200, "hide with a hostile reason");
    await ok(postForm(facilitator!, `/cases/${EDITOR_SLUG}`, { intent: "endorse", argumentId }), 200, "endorse");
    await answerCase(participant!, EDITOR_SLUG, 1, 2);
    await answerCase(facilitator!, EDITOR_SLUG, 0, -2);

    // A workshop on the hostile case, with a hostile title, hostile names and hostile submissions.
    workshop = await createWorkshop(facilitator!, EDITOR_SLUG, TITLE);
    const phones: APIRequestContext[] = [];
    for (const name of [NAME, `"><svg onload=__xss='ph'>`, `'><script>alert(1)</script>`]) {
      const phone = await request.newContext({ baseURL });
      await joinWorkshop(phone, workshop.code, name.slice(0, 40), "frontline");
      phones.push(phone);
    }
    await advanceTo(facilitator!, workshop.id, "Vote, round 1");
    // Entering a vote stage opens voting.
    for (const [i, phone] of phones.entries()) {
      const vote = { "option-employee": await phoneOptionId(phone, workshop.code, "employee", i % 3), "option-employer": await phoneOptionId(phone, workshop.code, "employer", 0) };
      await ok(postForm(phone, `/w/${workshop.code}`, { intent: "vote", ...vote, "judgement-employee": "1", "judgement-employer": "-1" }), 200, "vote");
    }
    await advanceTo(facilitator!, workshop.id, "Discussion");
    for (const phone of phones) {
      await ok(postForm(phone, `/w/${workshop.code}`, { intent: "submit", kind: "argument", body: SHORT_XSS.join(" ").slice(0, 500) }), 200, "submit an argument");
      await ok(postForm(phone, `/w/${workshop.code}`, { intent: "submit", kind: "question", body: MARKDOWN_XSS.slice(0, 500) }), 200, "submit a question");
    }
    const panel = await (await get(facilitator!, `/workshops/${workshop.id}`)).text();
    const submissionId = /name="submissionId" value="(\d+)"/.exec(panel)?.[1];
    expect(submissionId).toBeTruthy();
    await ok(control(facilitator!, workshop.id, "spotlight", { submissionId: submissionId! }), 200, "spotlight");
    // Phones stay joined: their cookies are saved for the phone view below.
    await phones[0]!.storageState({ path: `${fixtures().storage.device}.xss.json` });
    for (const phone of phones) await phone.dispose();
  });
});

/** Installed before any page script: trap `window.__xss` and record CSP reports for the record. */
const TRAP = () => {
  const hits: string[] = [];
  Object.defineProperty(window, "__xssHits", { value: hits });
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get: () => undefined,
    set: (value: unknown) => {
      hits.push(String(value));
    },
  });
};

/** Anything in the DOM that could run script or load a foreign document. */
function domProblems(): string[] {
  const problems: string[] = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcset"];
  for (const el of Array.from(document.querySelectorAll("*"))) {
    const tag = el.tagName.toLowerCase();
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`<${tag} ${name}="${attr.value.slice(0, 40)}">`);
      if (name === "srcdoc") problems.push(`<${tag} srcdoc>`);
      if (urlAttributes.includes(name) && /^\s*(javascript|vbscript|data):/i.test(attr.value.replace(/[\u0000-\u0020]/g, ""))) problems.push(`<${tag} ${name}="${attr.value.slice(0, 40)}">`);
      if (name === "style" && /javascript:|expression\(|url\(/i.test(attr.value)) problems.push(`<${tag} style="${attr.value.slice(0, 40)}">`);
    }
    if (["iframe", "frame", "object", "embed", "base", "applet"].includes(tag)) problems.push(`<${tag}>`);
    if (tag === "meta" && el.closest("body")) problems.push("<meta> in the body");
    if (tag === "script" && !(el as HTMLScriptElement).nonce) problems.push(`<script> without our nonce: ${(el.textContent ?? "").slice(0, 40)}`);
    if (tag === "style" && el.closest("body")) problems.push(`<style> in the body: ${(el.textContent ?? "").slice(0, 40)}`);
    if (tag === "form" && el.closest(".argument-body, .stage > div, .spotlight")) problems.push("<form> inside user content");
  }
  return problems;
}

async function visit(browser: Browser, visitor: VisitorName | "xss-phone", path: string, interact?: (page: Page) => Promise<void>) {
  const storageState = visitor === "anonymous" ? undefined : visitor === "xss-phone" ? `${fixtures().storage.device}.xss.json` : fixtures().storage[visitor];
  const context = await browser.newContext({ storageState, bypassCSP: true });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.addInitScript(TRAP);
  try {
    const response = await page.goto(path, { waitUntil: "load" });
    expect(response?.status(), `${path} as ${visitor}`).toBeLessThan(500);
    // Let hydration, live updates and autofocus handlers have their chance to run.
    await page.waitForTimeout(400);
    if (interact) {
      await interact(page);
      await page.waitForTimeout(400);
    }
    const hits = await page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits);
    expect(hits, `scripts that ran on ${path}`).toEqual([]);
    expect(dialogs, `dialogs on ${path}`).toEqual([]);
    expect(await page.evaluate(domProblems), `dangerous markup on ${path}`).toEqual([]);
    expect(
      pageErrors.filter((e) => /__xss/.test(e)),
      "errors from injected code",
    ).toEqual([]);
    return page;
  } finally {
    await context.close();
  }
}

const PAGES: { visitor: VisitorName | "xss-phone"; path: () => string; what: string }[] = [
  { visitor: "anonymous", path: () => "/", what: "the library with a hostile case" },
  { visitor: "anonymous", path: () => `/?q=${encodeURIComponent(SHORT_XSS.slice(0, 3).join(""))}&tag=${encodeURIComponent('"><script>__xss=1</script>')}`, what: "a reflected search" },
  { visitor: "anonymous", path: () => `/cases/${EDITOR_SLUG}`, what: "the editor's case page" },
  { visitor: "anonymous", path: () => `/cases/${UPLOAD_SLUG}`, what: "the uploaded case page" },
  { visitor: "anonymous", path: () => `/login?redirectTo=${encodeURIComponent(`"><script>__xss='redir'</script>`)}`, what: "a reflected login redirect" },
  { visitor: "anonymous", path: () => `/signup?redirectTo=${encodeURIComponent(`javascript:__xss='redir'`)}`, what: "a reflected sign-up redirect" },
  { visitor: "anonymous", path: () => `/no-such-page/${encodeURIComponent(`<script>__xss='404'</script>`)}`, what: "a reflected 404" },
  { visitor: "anonymous", path: () => `/join/${encodeURIComponent(`<img src=x onerror=__xss=1>`)}`, what: "a reflected join code" },
  { visitor: "anonymous", path: () => `/join/${workshop.code}`, what: "the join page with a hostile title" },
  { visitor: "participant", path: () => `/cases/${EDITOR_SLUG}`, what: "arguments, replies and names" },
  { visitor: "participant", path: () => `/cases/${EDITOR_SLUG}/results`, what: "results with hostile options" },
  { visitor: "participant", path: () => "/me", what: "my activity" },
  { visitor: "facilitator", path: () => `/cases/${EDITOR_SLUG}`, what: "facilitator notes and a hidden argument's reason" },
  { visitor: "facilitator", path: () => `/cases/${UPLOAD_SLUG}`, what: "uploaded facilitator notes" },
  { visitor: "facilitator", path: () => `/cases/${EDITOR_SLUG}/results`, what: "results with bridging arguments" },
  { visitor: "facilitator", path: () => "/workshops", what: "the workshop list" },
  { visitor: "facilitator", path: () => `/workshops/${workshop.id}`, what: "the control panel" },
  { visitor: "facilitator", path: () => `/workshops/${workshop.id}/projector`, what: "the projector" },
  { visitor: "facilitator", path: () => `/workshops/${workshop.id}/compare`, what: "the comparison" },
  { visitor: "xss-phone", path: () => `/w/${workshop.code}`, what: "the phone view" },
  { visitor: "author", path: () => "/", what: "the library for authors" },
  { visitor: "author", path: () => `/cases/${EDITOR_SLUG}/edit`, what: "the editor and its preview" },
  { visitor: "author", path: () => `/cases/${EDITOR_SLUG}/history?from=1&to=2`, what: "the history diff" },
  { visitor: "author", path: () => `/cases/${EDITOR_SLUG}/history?from=${encodeURIComponent("<script>")}&to=2`, what: "the history with a hostile version" },
  { visitor: "author", path: () => `/cases/${EDITOR_SLUG}/source`, what: "the case file" },
  { visitor: "admin", path: () => "/admin", what: "people and roles" },
  { visitor: "admin", path: () => "/admin/audit", what: "the audit log" },
  { visitor: "admin", path: () => `/workshops/${workshop.id}`, what: "the control panel for an admin" },
];

test("the trap and the DOM check catch a payload that does run (so the checks below are not vacuous)", async ({ browser }) => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.addInitScript(TRAP);
  await page.goto("/");
  await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", `<img src=x onerror="__xss='planted'"><a href="javascript:void 0">x</a>`));
  await expect.poll(() => page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits)).toEqual(["planted"]);
  expect(await page.evaluate(domProblems)).toEqual([`<img onerror="__xss='planted'">`, `<a href="javascript:void 0">`]);
  await context.close();
});

for (const { visitor, path, what } of PAGES) {
  test(`nothing runs on ${what} (as ${visitor})`, async ({ browser }) => {
    await visit(browser, visitor, path());
  });
}

test("the hostile text is shown as text, not markup", async ({ browser }) => {
  const context = await browser.newContext({ storageState: fixtures().storage.participant });
  const page = await context.newPage();
  await page.goto(`/cases/${EDITOR_SLUG}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(TITLE);
  await expect(page.locator(".argument-meta strong").first()).toHaveText(NAME);
  await context.close();
});

test("nothing runs in the argument preview (as participant)", async ({ browser }) => {
  await visit(browser, "participant", `/cases/${EDITOR_SLUG}`, async (page) => {
    const form = page.locator("#new-argument");
    await form.getByRole("radio").first().check();
    await form.locator("textarea").fill(MARKDOWN_XSS);
    await form.getByRole("button", { name: "Preview" }).click();
    await expect(form.locator(".preview")).toContainText("raw link");
  });
});

test("nothing runs in the editor's live preview (as author)", async ({ browser }) => {
  await visit(browser, "author", "/cases/new", async (page) => {
    await page.getByLabel("Title", { exact: true }).fill(TITLE);
    await page.getByLabel("Stage 1 title").fill(SHORT_XSS[0]);
    await page.getByLabel("Stage 1 text").fill(MARKDOWN_XSS);
    await page.getByLabel("Facilitator notes").fill(MARKDOWN_XSS);
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.locator(".case-preview")).toContainText("stage", { ignoreCase: true });
  });
});
