/**
 * The hostile-input corpus against every form action and resource route: each input becomes one
 * request per target (placed in the target's fields in turn, sometimes doubled into an array or
 * with the field left out), then every raw body, and for uploads every hostile case file. The
 * server must answer each with 2xx, 3xx or a 4xx that carries a message: never a 5xx, never a
 * stack trace or a server path. Runs last: it drains rate limits on purpose (429 is a fine answer).
 */
import { expect, request, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import {
  ACCOUNTS,
  advanceTo,
  baseURL,
  contextFor,
  cookieHeader,
  createWorkshop,
  encodeForm,
  fixtures,
  get,
  joinWorkshop,
  leakedInternals,
  peekStream,
  PASSWORD,
  type FormFields,
  type VisitorName,
  type WorkshopFixture,
} from "./helpers";
import { CORPUS, hostileCaseFiles, RAW_BODIES, type HostileInput } from "./hostile-inputs";

test.describe.configure({ mode: "parallel" });

const CONTROL_INTENTS = [
  "next",
  "back",
  "open-voting",
  "close-voting",
  "reveal-results",
  "end",
  "reset-round",
  "remove-participant",
  "spotlight",
  "hide-submission",
  "show-submission",
  "lock-room",
  "unlock-room",
  "set-capacity",
  "void-burst",
  "void-burst-confirm",
  "assign-roles",
  "move-role",
  "start-timer",
  "stop-timer",
  "swap-roles",
  "hide-text",
  "show-text",
];
const CASE_INTENTS = ["position", "preview", "argument", "reply", "endorse", "edit", "delete", "hide", "restore", "steelman", "rate-steelman", "steelman-delete", "steelman-hide", "steelman-restore"];
const EDITOR_INTENTS = ["preview", "save", "publish", "add-stage"];
const EDIT_CASE = "the-fee-waiver";
const FILE_CASE = "corpus-upload";

interface Outcome {
  what: string;
  status: number;
  contentType: string;
  body: string;
  /** The Location header of a redirect ("" otherwise). */
  location?: string;
}

const problems: string[] = [];
/** How many answers of each status a test got, noted on the test for the report. */
const statuses = new Map<number, number>();

/** Fails the test with the first problems in the message and every one of them attached. */
async function expectNoProblems(): Promise<void> {
  test.info().annotations.push({
    type: "statuses",
    description: [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(" "),
  });
  statuses.clear();
  if (problems.length > 0) {
    writeFileSync(test.info().outputPath("problems.txt"), problems.join("\n"));
    await test.info().attach("problems.txt", { path: test.info().outputPath("problems.txt"), contentType: "text/plain" });
  }
  expect(
    problems,
    `${problems.length} problems, first ones:\n${problems
      .slice(0, 10)
      .map((p) => p.slice(0, 300))
      .join("\n")}`,
  ).toEqual([]);
}

/** 2xx, 3xx, or a 4xx that says something; never a 5xx or internals. */
function judge(outcome: Outcome | null): void {
  if (!outcome) return;
  const { what, status, contentType, body } = outcome;
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const leak = leakedInternals(body);
  if (leak) problems.push(`${what}: ${status} leaks ${leak}`);
  if (status >= 500) problems.push(`${what}: ${status} ${body.slice(0, 200)}`);
  // However hostile the input (a redirectTo among them), a redirect never leaves this site.
  if (outcome.location && new URL(outcome.location, baseURL).origin !== new URL(baseURL).origin) problems.push(`${what}: redirects off the site to ${outcome.location}`);
  else if (status >= 400 && status !== 431 && status !== 413) {
    const html = contentType.includes("text/html");
    // On a page: shown where it can be seen (beside its form, or at the top of the page when its
    // form is not there, e.g. a forged target). Express's own answer to a path it cannot decode
    // is a bare "<pre>Bad Request</pre>" page.
    const shown = /class="(?:form-error|field-error|notice)"|class="error-page"|role="alert"|<pre>Bad Request<\/pre>/.test(body);
    const hasMessage = html ? shown : body.trim().length > 0;
    if (!hasMessage) problems.push(`${what}: ${status} without a message (${contentType}) ${body.slice(0, 120)}`);
  } else if (status < 200 || status >= 400) {
    if (status !== 431 && status !== 413) problems.push(`${what}: unexpected status ${status}`);
  }
}

/**
 * Node answers some requests before reading a 1 MB body (a rate limit, a redirect to log in) and
 * then closes the connection, which the client may see as a reset. That is refusal, not a crash;
 * any other transport error is a problem.
 */
async function outcomeOf(what: string, sending: Promise<Answer>): Promise<Outcome | null> {
  try {
    const response = await sending;
    const headers = response.headers();
    return { what, status: response.status(), contentType: headers["content-type"] ?? "", body: await response.text(), location: headers["location"] ?? "" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const big = /oversized|1 MB|3 MB|10,000|\(\d{6,} chars\)/.test(what);
    if (big && /ECONNRESET|EPIPE|socket hang up/.test(message)) return null;
    problems.push(`${what}: the request failed: ${message.split("\n")[0]}`);
    return null;
  }
}

/** Runs the jobs a few at a time: enough to keep the server busy, not enough to time out. */
async function pool<T>(items: readonly T[], concurrency: number, job: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await job(items[index]!, index);
      }
    }),
  );
}

function describe(input: HostileInput, index: number): string {
  const shown = input.value.length > 40 ? `${input.value.slice(0, 40)}… (${input.value.length} chars)` : input.value;
  return `#${index} ${input.kind} ${JSON.stringify(shown)}`;
}

/**
 * Puts the input into one of the fields (in turn): every 7th input doubles the field into an
 * array, every 11th leaves the field out altogether, so wrong types and missing fields come up.
 */
function place(base: FormFields, fields: readonly string[], input: HostileInput, index: number): FormFields {
  const field = fields[index % fields.length]!;
  const out: FormFields = { ...base };
  if (index % 11 === 10) delete out[field];
  else if (index % 7 === 6) out[field] = [input.value, input.value, "x"];
  else out[field] = input.value;
  return out;
}

/**
 * Each request on its own connection: when Node answers before reading a big body it closes the
 * socket, and a client reusing that socket would see the next, innocent request reset.
 */
const FRESH = { Connection: "close" };

function post(ctx: APIRequestContext, path: string, fields: FormFields): Promise<APIResponse> {
  return ctx.post(path, { data: encodeForm(fields), headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL, ...FRESH }, maxRedirects: 0, timeout: 30_000 });
}

/** What outcomeOf reads of an answer: Playwright's APIResponse, or one read by sendChunked. */
type Answer = Pick<APIResponse, "status" | "headers" | "text">;

function postRaw(ctx: APIRequestContext, path: string, raw: (typeof RAW_BODIES)[number]): Promise<Answer> {
  const headers: Record<string, string> = { Origin: baseURL, ...FRESH };
  if (raw.contentType) headers["Content-Type"] = raw.contentType;
  if (raw.name.startsWith("gzip")) headers["Content-Encoding"] = "gzip";
  if (raw.chunked) return sendChunked(ctx, path, raw.body, headers);
  return ctx.post(path, { data: raw.body, headers, maxRedirects: 0, timeout: 30_000 });
}

/**
 * POSTs the body with Transfer-Encoding: chunked (64 KB chunks, no Content-Length), which
 * Playwright's request API cannot send, carrying the context's cookies.
 */
async function sendChunked(ctx: APIRequestContext, path: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  const cookie = await cookieHeader(ctx);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(new URL(path, baseURL), { method: "POST", headers: { ...headers, ...(cookie ? { Cookie: cookie } : {}), "Transfer-Encoding": "chunked" }, timeout: 30_000 });
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        const flat = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join("\n") : String(v ?? "")]));
        resolve({ status: () => res.statusCode ?? 0, headers: () => flat, text: () => Promise.resolve(text) } as Answer);
      });
    });
    // The server may hang up on the rest of a refused body once it has answered.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
    req.end();
  });
}

/**
 * A URL-safe piece of a path: capped so the request line stays under Node's 16 KB header limit
 * (beyond it Node itself answers 431 and hangs up), lone surrogates made well-formed, encoded.
 */
function segment(value: string): string {
  return encodeURIComponent(Buffer.from(value.slice(0, 1500), "utf8").toString("utf8"));
}

interface FormTarget {
  name: string;
  path: string | (() => string);
  /** Who sends it; several accounts share the per-person write limit. */
  who: VisitorName[];
  base: (index: number) => FormFields;
  fields: readonly string[];
  /** Rotated into `intent` when the target has several actions. */
  intents?: readonly string[];
}

/** Per worker (beforeAll runs in each): a workshop and the cookies of the phones that joined it. */
let corpusWorkshop: WorkshopFixture;
const phoneStates: Awaited<ReturnType<APIRequestContext["storageState"]>>[] = [];

function formTargets(): FormTarget[] {
  const f = fixtures();
  const accountIds = Object.values(f.accounts).map((a) => String(a.id));
  const caseBase = (i: number): FormFields => ({
    perspective: i % 2 ? "employee" : "employer",
    option: "1",
    judgement: "2",
    legal: "unsure",
    confidence: "low",
    movedBy: "",
    side: "depends",
    lens: "",
    body: "A fair point, plainly made.",
    parentId: String(f.argumentId),
    argumentId: String(f.argumentId),
    reason: "Corpus moderation",
  });
  const editorBase = (slug: string) => (): FormFields => ({
    title: "A corpus case",
    slug,
    summary: "Made by the hostile-input corpus.",
    tags: "corpus",
    "perspective-0-prompt": "You are the employee. What do you do?",
    "perspective-0-options": "Speak up\nStay quiet",
    "perspective-1-prompt": "You are the employer. What do you do?",
    "perspective-1-options": "Thank them\nIgnore it",
    "perspective-2-key": "",
    judgement: "Was it right?",
    discussion: "Why?",
    lenses: ["care"],
    stageCount: "1",
    "stage-0-title": "Only stage",
    "stage-0-body": "Something happened.",
    facilitatorNotes: "Notes.",
    sources: "",
  });
  const editorFields = [
    "title",
    "slug",
    "summary",
    "tags",
    "perspective-0-prompt",
    "perspective-0-options",
    "perspective-1-options",
    "perspective-2-key",
    "judgement",
    "discussion",
    "lenses",
    "stageCount",
    "stage-0-title",
    "stage-0-body",
    "stage-7-body",
    "facilitatorNotes",
    "sources",
    "intent",
  ];
  return [
    {
      name: "POST /signup",
      path: "/signup",
      who: ["anonymous"],
      base: (i) => ({ email: `corpus-${i}@security.test`, displayName: "Corpus", password: PASSWORD, redirectTo: "/me" }),
      fields: ["email", "displayName", "password", "redirectTo"],
    },
    {
      name: "POST /login",
      path: "/login",
      who: ["anonymous"],
      base: () => ({ email: f.accounts.participant.email, password: "not the password", redirectTo: "/" }),
      fields: ["email", "password", "redirectTo"],
    },
    {
      name: "POST /me (profile)",
      path: "/me",
      who: ["participant", "author"],
      base: () => ({ intent: "profile", displayName: "Corpus Person", standing: "manager" }),
      fields: ["displayName", "standing", "intent"],
    },
    {
      name: "POST /me (password)",
      path: "/me",
      who: ["other-facilitator"],
      base: () => ({ intent: "password", currentPassword: "wrong current password", newPassword: "a new long password" }),
      fields: ["currentPassword", "newPassword"],
    },
    { name: "POST /admin", path: "/admin", who: ["admin"], base: () => ({ userId: accountIds[0], role: "admin" }), fields: ["userId", "role"] },
    {
      name: `POST /cases/:slug (${CASE_INTENTS.join(", ")})`,
      path: `/cases/${f.cases.authz}`,
      who: [...ACCOUNTS],
      base: caseBase,
      fields: ["intent", "perspective", "option", "judgement", "legal", "confidence", "movedBy", "side", "lens", "body", "parentId", "argumentId", "reason"],
      intents: CASE_INTENTS,
    },
    { name: "POST /cases/new", path: "/cases/new", who: ["author", "admin"], base: (i) => editorBase(`corpus-new-${i}`)(), fields: editorFields, intents: EDITOR_INTENTS },
    {
      name: "POST /cases/:slug/edit",
      path: `/cases/${EDIT_CASE}/edit`,
      who: ["author", "admin"],
      base: editorBase(EDIT_CASE),
      fields: editorFields,
      intents: [...EDITOR_INTENTS, "archive", "restore"],
    },
    {
      name: "POST /workshops",
      path: "/workshops",
      who: ["facilitator", "admin"],
      base: () => ({ caseSlug: f.cases.authz, title: "Corpus room", perspectives: ["employee", "employer"], twoRounds: "on", resultsMode: "live", askStanding: "on", capacity: "" }),
      fields: ["caseSlug", "title", "perspectives", "twoRounds", "resultsMode", "askStanding", "capacity", "rolePlay"],
    },
    {
      name: "POST /workshops/:id (controls)",
      path: () => `/workshops/${corpusWorkshop.id}`,
      who: ["facilitator", "admin"],
      base: () => ({
        round: "1",
        confirm: "no",
        participantId: "1",
        submissionId: "1",
        capacity: "",
        minutes: "5",
        since: "2026-01-01T00:00:00.000Z",
        until: "2026-01-01T00:05:00.000Z",
        role: "employer",
      }),
      fields: ["intent", "round", "confirm", "participantId", "submissionId", "capacity", "minutes", "since", "until", "role"],
      intents: CONTROL_INTENTS,
    },
    {
      name: "POST /join",
      path: "/join",
      who: ["anonymous"],
      base: () => ({ code: corpusWorkshop.code, displayName: "Corpus phone", standing: "manager" }),
      fields: ["code", "displayName", "standing"],
    },
  ];
}

/**
 * Send every input (then every raw body) to one form target. Visitors without an account get a
 * fresh context per request: once a sign-up succeeds (or a join sets a device cookie, limited per
 * device) the next answers would only be redirects away from the form.
 */
async function runFormTarget(target: FormTarget): Promise<void> {
  const anonymous = target.who.length === 1 && target.who[0] === "anonymous";
  const contexts: APIRequestContext[] = anonymous ? [] : await Promise.all(target.who.map((who) => contextFor(who)));
  const path = () => (typeof target.path === "string" ? target.path : target.path());
  const withContext = async (index: number, send: (ctx: APIRequestContext) => Promise<void>) => {
    const ctx = anonymous ? await request.newContext({ baseURL }) : contexts[index % contexts.length]!;
    try {
      await send(ctx);
    } finally {
      if (anonymous) await ctx.dispose();
    }
  };
  try {
    await pool(CORPUS, 4, async (input, index) => {
      const base = target.base(index);
      if (target.intents) base.intent = target.intents[index % target.intents.length];
      const fields = place(base, target.fields, input, index);
      await withContext(index, async (ctx) => judge(await outcomeOf(`${target.name} ${describe(input, index)}`, post(ctx, path(), fields))));
    });
    for (const [index, raw] of RAW_BODIES.entries()) {
      await withContext(index, async (ctx) => judge(await outcomeOf(`${target.name} raw ${raw.name}`, postRaw(ctx, path(), raw))));
    }
  } finally {
    for (const ctx of contexts) await ctx.dispose();
  }
}

test.beforeAll(async () => {
  test.setTimeout(60_000);
  // A workshop of its own, with a few phones, so the controls and the phone actions have something to act on.
  const facilitator = await contextFor("facilitator");
  corpusWorkshop = await createWorkshop(facilitator, fixtures().cases.authz, "Corpus room");
  for (let i = 0; i < 8; i += 1) {
    // Its own network: the corpus spends 127.0.0.1's budget of wrong join codes, and this set-up
    // may run in one worker while the other is already sending the corpus.
    const phone = await request.newContext({ baseURL, extraHTTPHeaders: { "X-Forwarded-For": "10.66.0.1" } });
    await joinWorkshop(phone, corpusWorkshop.code, `Corpus phone ${i}`, "frontline");
    phoneStates.push(await phone.storageState());
    await phone.dispose();
  }
  await advanceTo(facilitator, corpusWorkshop.id, "Discussion");
  await facilitator.dispose();
});

test.afterAll(async () => {
  // The server survived, and nothing in the corpus dropped a table or changed the admin.
  const admin = await contextFor("admin");
  expect((await get(admin, "/healthz")).status()).toBe(200);
  const page = await (await get(admin, "/admin")).text();
  for (const account of Object.values(fixtures().accounts)) expect(page.includes(account.email), account.email).toBe(true);
  await admin.dispose();
});

test("the corpus has at least 200 inputs of every kind the brief names", () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(200);
  const kinds = new Set(CORPUS.map((i) => i.kind));
  for (const kind of ["xss", "xss-markdown", "sql", "traversal", "number", "unicode", "join-code", "yaml", "oversized", "other", "url"]) expect(kinds).toContain(kind);
  expect(RAW_BODIES.some((b) => b.name.includes("UTF-8"))).toBe(true);
  expect(RAW_BODIES.filter((b) => b.chunked).map((b) => b.body.length)).toContain(0);
  expect(RAW_BODIES.some((b) => b.chunked && b.body.length > 2 * 1024 * 1024)).toBe(true);
});

for (const name of [
  "POST /signup",
  "POST /login",
  "POST /me (profile)",
  "POST /me (password)",
  "POST /admin",
  "POST /cases/:slug",
  "POST /cases/new",
  "POST /cases/:slug/edit",
  "POST /workshops",
  "POST /workshops/:id (controls)",
  "POST /join",
]) {
  test(`${name}: every hostile input is answered without a crash or a leak`, async () => {
    test.setTimeout(120_000);
    problems.length = 0;
    statuses.clear();
    const target = formTargets().find((t) => t.name.startsWith(name))!;
    await runFormTarget(target);
    await expectNoProblems();
  });
}

test("POST /w/:code (vote, submit, upvote, write, rate): every hostile input is answered without a crash or a leak", async () => {
  test.setTimeout(120_000);
  problems.length = 0;
  statuses.clear();
  const phones = await Promise.all(phoneStates.map((storageState) => request.newContext({ baseURL, storageState })));
  const intents = ["vote", "submit", "upvote", "write", "rate"];
  // "step": the vote's Next and Back without JavaScript (ADR 025).
  const fields = ["intent", "option-employee", "judgement-employee", "option-employer", "judgement-employer", "movedBy", "kind", "body", "submissionId", "step", "textId", "fair"];
  try {
    await pool(CORPUS, 4, async (input, index) => {
      const base: FormFields = {
        intent: intents[index % intents.length],
        "option-employee": "0",
        "judgement-employee": "1",
        "option-employer": "1",
        "judgement-employer": "-1",
        movedBy: "",
        kind: "question",
        body: "Why?",
        submissionId: "1",
        textId: "1",
        fair: "3",
      };
      const path = index % 13 === 12 ? `/w/${segment(input.value)}` : `/w/${corpusWorkshop.code}`;
      judge(await outcomeOf(`POST ${path.slice(0, 60)} ${describe(input, index)}`, post(phones[index % phones.length]!, path, place(base, fields, input, index))));
    });
    for (const [i, raw] of RAW_BODIES.entries()) judge(await outcomeOf(`POST /w/:code raw ${raw.name}`, postRaw(phones[i % phones.length]!, `/w/${corpusWorkshop.code}`, raw)));
  } finally {
    for (const phone of phones) await phone.dispose();
  }
  await expectNoProblems();
});

test("POST /w/:code/vote (the JSON vote endpoint): every hostile input is answered without a crash or a leak", async () => {
  test.setTimeout(120_000);
  problems.length = 0;
  statuses.clear();
  const phones = await Promise.all(phoneStates.map((storageState) => request.newContext({ baseURL, storageState })));
  const fields = ["intent", "option-employee", "judgement-employee", "option-employer", "judgement-employer", "movedBy"];
  try {
    await pool(CORPUS, 4, async (input, index) => {
      const base: FormFields = { "option-employee": "0", "judgement-employee": "1", "option-employer": "1", "judgement-employer": "-1", movedBy: "" };
      const path = index % 13 === 12 ? `/w/${segment(input.value)}/vote` : `/w/${corpusWorkshop.code}/vote`;
      const outcome = await outcomeOf(`POST ${path.slice(0, 60)} ${describe(input, index)}`, post(phones[index % phones.length]!, path, place(base, fields, input, index)));
      if (outcome && outcome.status < 500 && outcome.status !== 413 && outcome.status !== 431 && !outcome.contentType.includes("application/json") && outcome.status !== 404) {
        problems.push(`${outcome.what}: ${outcome.status} answered as ${outcome.contentType}, not JSON`);
      }
      judge(outcome);
    });
    for (const [i, raw] of RAW_BODIES.entries()) judge(await outcomeOf(`POST /w/:code/vote raw ${raw.name}`, postRaw(phones[i % phones.length]!, `/w/${corpusWorkshop.code}/vote`, raw)));
  } finally {
    for (const phone of phones) await phone.dispose();
  }
  await expectNoProblems();
});

test("POST /cases/upload: every hostile input and hostile case file is refused with a message or saved", async () => {
  test.setTimeout(120_000);
  problems.length = 0;
  statuses.clear();
  const author = await contextFor("author");
  const valid = (title: string) =>
    `---\nslug: ${FILE_CASE}\ntitle: ${title}\nsummary: A corpus upload.\nperspectives:\n  employee:\n    prompt: What?\n    options: [A, B]\n  employer:\n    prompt: What?\n    options: [A, B]\njudgement: Right?\ndiscussion: [Why?]\n---\n\n## Stage: One\n\nText.\n`;
  const upload = (name: string, content: Buffer, publish: string) =>
    author.post("/cases/upload", { multipart: { file: { name, mimeType: "text/markdown", buffer: content }, publish }, headers: { Origin: baseURL, ...FRESH }, maxRedirects: 0, timeout: 30_000 });
  try {
    await pool(CORPUS, 4, async (input, index) => {
      // In turn: the input as a YAML value, as the whole file, as the file name, as the publish flag.
      const mode = index % 4;
      const content = mode === 0 ? valid(input.value) : mode === 1 ? input.value : valid("Fine");
      const name = mode === 2 ? input.value.slice(0, 2000).replace(/[\r\n"]/g, "_") || "x" : "case.md";
      judge(await outcomeOf(`POST /cases/upload ${describe(input, index)} (mode ${mode})`, upload(name, Buffer.from(content), mode === 3 ? input.value : "")));
    });
    // A file over the server's 2 MB body limit is refused before it is read: its name says "oversized", which lets a reset through.
    for (const file of hostileCaseFiles()) {
      const size = file.content.length > 2 * 1024 * 1024 ? ` (oversized, ${file.content.length} bytes)` : "";
      judge(await outcomeOf(`POST /cases/upload file ${file.name.slice(0, 40)}${size}`, upload(file.name, file.content, "on")));
    }
    for (const raw of RAW_BODIES) judge(await outcomeOf(`POST /cases/upload raw ${raw.name}`, postRaw(author, "/cases/upload", raw)));
  } finally {
    await author.dispose();
  }
  await expectNoProblems();
});

test("the editor takes hostile case files' YAML as text, not structure", async () => {
  problems.length = 0;
  statuses.clear();
  const author = await contextFor("author");
  try {
    for (const file of hostileCaseFiles().slice(0, 12)) {
      const text = file.content.toString("utf8").slice(0, 250_000);
      for (const field of ["title", "summary", "stage-0-body", "facilitatorNotes", "perspective-0-options", "discussion"]) {
        const fields: FormFields = {
          intent: "save",
          title: "YAML in the editor",
          slug: "corpus-yaml",
          summary: "s",
          "perspective-0-prompt": "p",
          "perspective-0-options": "A\nB",
          "perspective-1-prompt": "p",
          "perspective-1-options": "A\nB",
          judgement: "j",
          discussion: "d",
          stageCount: "1",
          "stage-0-title": "t",
          "stage-0-body": "b",
          [field]: text,
        };
        judge(await outcomeOf(`POST /cases/new ${file.name.slice(0, 30)} in ${field}`, post(author, "/cases/new", fields)));
      }
    }
  } finally {
    await author.dispose();
  }
  await expectNoProblems();
});

/** GET routes with the input in the path or query. Whole-path inputs also go unencoded, to reach the router as typed. */
const GET_TARGETS: { name: string; who: VisitorName; path: (v: string) => string }[] = [
  { name: "GET /?q&tag", who: "anonymous", path: (v) => `/?q=${segment(v)}&tag=${segment(v)}` },
  { name: "GET /cases/:slug", who: "anonymous", path: (v) => `/cases/${segment(v)}` },
  { name: "GET /cases/:slug?sort", who: "participant", path: (v) => `/cases/${fixtures().cases.authz}?sort=${segment(v)}` },
  { name: "GET /cases/:slug/results", who: "facilitator", path: (v) => `/cases/${segment(v)}/results` },
  { name: "GET /cases/:slug/source", who: "author", path: (v) => `/cases/${segment(v)}/source?download=${segment(v)}` },
  { name: "GET /cases/:slug/edit", who: "author", path: (v) => `/cases/${segment(v)}/edit` },
  { name: "GET /cases/:slug/history?from&to", who: "author", path: (v) => `/cases/${EDIT_CASE}/history?from=${segment(v)}&to=${segment(v)}` },
  { name: "GET /cases/:slug/history?from", who: "author", path: (v) => `/cases/${EDIT_CASE}/history?from=${segment(v)}&to=1` },
  { name: "GET /workshops?case", who: "facilitator", path: (v) => `/workshops?case=${segment(v)}` },
  { name: "GET /workshops/:id", who: "facilitator", path: (v) => `/workshops/${segment(v)}` },
  { name: "GET /workshops/:id/projector", who: "admin", path: (v) => `/workshops/${segment(v)}/projector` },
  { name: "GET /workshops/:id/compare", who: "admin", path: (v) => `/workshops/${segment(v)}/compare` },
  { name: "GET /workshops/:id/debrief.md", who: "admin", path: (v) => `/workshops/${segment(v)}/debrief.md` },
  { name: "GET /workshops/:id/positions.csv", who: "admin", path: (v) => `/workshops/${segment(v)}/positions.csv` },
  { name: "GET /join/:code", who: "anonymous", path: (v) => `/join/${segment(v)}` },
  { name: "GET /w/:code", who: "device", path: (v) => `/w/${segment(v)}` },
  { name: "GET /login?redirectTo", who: "anonymous", path: (v) => `/login?redirectTo=${segment(v)}` },
  { name: "GET /cases/:slug.data", who: "author", path: (v) => `/cases/${segment(v)}.data` },
];

test("GET routes: every hostile input in a path or query is answered without a crash or a leak", async () => {
  test.setTimeout(150_000);
  problems.length = 0;
  statuses.clear();
  const contexts = new Map<VisitorName, APIRequestContext>();
  for (const who of new Set(GET_TARGETS.map((t) => t.who))) contexts.set(who, await contextFor(who));
  const jobs = GET_TARGETS.flatMap((target) => CORPUS.map((input, index) => ({ target, input, index })));
  try {
    await pool(jobs, 6, async ({ target, input, index }) => {
      const path = target.path(input.value);
      judge(await outcomeOf(`${target.name} ${describe(input, index)}`, get(contexts.get(target.who)!, path)));
    });
    // Malformed percent-encoding and raw bytes in the path, which the router must decode.
    for (const bad of ["%", "%ZZ", "%FF%FE", "%E0%A4%A", "%C0%AF", "%00", "%u202E", "%25%", "%2F..%2F..", "a%0d%0aSet-Cookie:x=1"]) {
      for (const path of [`/cases/${bad}`, `/cases/${bad}/results`, `/workshops/${bad}`, `/w/${bad}`, `/join/${bad}`, `/?q=${bad}`, `/cases/the-overpayment/history?from=${bad}`]) {
        judge(await outcomeOf(`GET ${path}`, get(contexts.get("author") ?? (await contextFor("author")), path)));
      }
    }
    // Unencoded traversal, as a careless client or a proxy would pass it on.
    const admin = contexts.get("admin") ?? (await contextFor("admin"));
    for (const input of CORPUS.filter((i) => i.kind === "traversal")) {
      const value = input.value.replace(/^\/+/, ""); // "//x" would name another host
      for (const path of [`/cases/${value}`, `/cases/${value}/source`, `/workshops/${value}/debrief.md`, `/${value}`, `/assets/${value}`]) {
        judge(await outcomeOf(`GET ${path}`, get(admin, path)));
      }
    }
  } finally {
    for (const ctx of contexts.values()) await ctx.dispose();
  }
  await expectNoProblems();
});

test("GET /workshops/:id/events: hostile ids and views get a clean refusal or a stream", async () => {
  test.setTimeout(120_000);
  problems.length = 0;
  statuses.clear();
  const facilitator = await contextFor("facilitator");
  try {
    await pool(CORPUS, 4, async (input, index) => {
      const path = index % 2 ? `/workshops/${segment(input.value)}/events` : `/workshops/${corpusWorkshop.id}/events?view=${segment(input.value)}`;
      const s = await peekStream(facilitator, path);
      judge({ what: `GET ${path.slice(0, 80)} ${describe(input, index)}`, status: s.status, contentType: s.contentType, body: s.firstChunk });
    });
  } finally {
    await facilitator.dispose();
  }
  await expectNoProblems();
});
