/** Shared by the security tests: fixtures made by fixtures.setup.ts, request helpers, and body checks. */
import { expect, request, type APIRequestContext, type APIResponse } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Role } from "../../app/domain/permissions";
import type { Visitor } from "../../app/domain/route-access";

export const baseURL = `http://127.0.0.1:${Number(process.env.SECURITY_PORT ?? 3127)}`;
export const PASSWORD = "a long enough password";

/** Everyone the matrix tries: five accounts, a phone that joined the workshop, and nobody. */
export const VISITORS = ["anonymous", "device", "participant", "facilitator", "other-facilitator", "author", "admin"] as const;
export type VisitorName = (typeof VISITORS)[number];
export type AccountName = Exclude<VisitorName, "anonymous" | "device">;
export const ACCOUNTS: readonly AccountName[] = ["admin", "participant", "facilitator", "other-facilitator", "author"];

export interface Account {
  email: string;
  name: string;
  id: number;
  role: Role;
}

export interface WorkshopFixture {
  id: number;
  code: string;
}

export interface Fixtures {
  accounts: Record<AccountName, Account>;
  /** storageState files, one per visitor (anonymous has none). */
  storage: Record<Exclude<VisitorName, "anonymous">, string>;
  /** Run by "facilitator"; "device" joined it. */
  workshop: WorkshopFixture;
  /** Run by "other-facilitator". */
  otherWorkshop: WorkshopFixture;
  /** Run by "facilitator"; the matrix joins it to try POST /join. */
  joinWorkshop: WorkshopFixture;
  /** Published cases the tests share out: nobody else writes to them. */
  cases: { authz: string; archive: string; privacy: string };
  draftSlug: string;
  /** Posted by "participant" on cases.authz. */
  argumentId: number;
  /** Posted by "author" on cases.authz; the matrix hides and restores it. */
  moderationArgumentId: number;
}

export const ROLE_OF: Record<AccountName, Role> = {
  admin: "admin",
  participant: "participant",
  facilitator: "facilitator",
  "other-facilitator": "facilitator",
  author: "author",
};

export function securityDir(): string {
  const dir = process.env.CASEBOOK_SECURITY_DIR;
  if (!dir) throw new Error("CASEBOOK_SECURITY_DIR is not set; run through tests/security/playwright.config.ts");
  return dir;
}

const fixturesPath = () => join(securityDir(), "fixtures.json");

export function saveFixtures(fixtures: Fixtures): void {
  writeFileSync(fixturesPath(), JSON.stringify(fixtures, null, 2));
}

let cached: Fixtures | null = null;
export function fixtures(): Fixtures {
  cached ??= JSON.parse(readFileSync(fixturesPath(), "utf8")) as Fixtures;
  return cached;
}

export function visitorFacts(name: VisitorName): Visitor {
  if (name === "anonymous") return { role: null, runsWorkshop: false, joinedWorkshop: false };
  if (name === "device") return { role: null, runsWorkshop: false, joinedWorkshop: true };
  return { role: ROLE_OF[name], runsWorkshop: name === "facilitator", joinedWorkshop: false };
}

/** A request context carrying the visitor's cookies (a fresh, cookieless one for "anonymous"). */
export async function contextFor(name: VisitorName): Promise<APIRequestContext> {
  return request.newContext({ baseURL, storageState: name === "anonymous" ? undefined : fixtures().storage[name] });
}

export type FormFields = Record<string, string | readonly string[] | undefined>;

export function encodeForm(fields: FormFields): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of typeof value === "string" ? [value] : value) params.append(key, v);
  }
  return params.toString();
}

/** A same-site form POST, as the browser sends it; redirects are returned, not followed. */
export function postForm(ctx: APIRequestContext, path: string, fields: FormFields, headers: Record<string, string> = {}): Promise<APIResponse> {
  return ctx.post(path, {
    data: encodeForm(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL, ...headers },
    maxRedirects: 0,
    timeout: 20_000,
  });
}

export function get(ctx: APIRequestContext, path: string, headers: Record<string, string> = {}): Promise<APIResponse> {
  return ctx.get(path, { maxRedirects: 0, headers, timeout: 20_000 });
}

/** The Cookie header a context would send, for plain fetch (used for streams Playwright would wait on). */
export async function cookieHeader(ctx: APIRequestContext): Promise<string> {
  const state = await ctx.storageState();
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Opens a stream (Server-Sent Events), reads only the status and headers, then hangs up. */
export async function peekStream(ctx: APIRequestContext, path: string): Promise<{ status: number; contentType: string; firstChunk: string }> {
  const abort = new AbortController();
  const response = await fetch(baseURL + path, { headers: { Cookie: await cookieHeader(ctx) }, redirect: "manual", signal: abort.signal });
  let firstChunk = "";
  if (response.body) {
    const reader = response.body.getReader();
    const timer = setTimeout(() => abort.abort(), 2_000);
    try {
      const { value } = await reader.read();
      if (value) firstChunk = new TextDecoder().decode(value);
    } catch {
      // Aborted: nothing arrived in time.
    } finally {
      clearTimeout(timer);
    }
  }
  abort.abort();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", firstChunk };
}

export async function signUp(ctx: APIRequestContext, person: { email: string; name: string; password?: string }): Promise<void> {
  const response = await postForm(ctx, "/signup", { email: person.email, displayName: person.name, password: person.password ?? PASSWORD, redirectTo: "" });
  expect(response.status(), `sign up ${person.email}: ${(await response.text()).slice(0, 300)}`).toBe(302);
}

export async function logIn(ctx: APIRequestContext, email: string, password = PASSWORD): Promise<APIResponse> {
  return postForm(ctx, "/login", { email, password, redirectTo: "" });
}

export async function setProfile(ctx: APIRequestContext, displayName: string, standing: string): Promise<void> {
  const response = await postForm(ctx, "/me", { intent: "profile", displayName, standing });
  expect(response.status(), await response.text()).toBe(200);
}

/** The values of the `<input>`s named `name` in some HTML, in page order, whatever order their attributes come in. */
function inputValues(html: string, name: string): string[] {
  const attribute = (tag: string, key: string) => new RegExp(`\\s${key}="([^"]*)"`).exec(tag)?.[1];
  return [...html.matchAll(/<input\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => attribute(tag, "name") === name)
    .map((tag) => attribute(tag, "value") ?? "");
}

/**
 * What the case page's ballot for `perspective` posts for the option at `index`, read from the page
 * as the browser has it: the option's stable id and the version shown (ADR 017).
 */
export async function ballotFields(ctx: APIRequestContext, slug: string, perspective: string, index: number): Promise<{ option: string; version: string }> {
  const html = await (await get(ctx, `/cases/${slug}`)).text();
  const start = html.indexOf(`id="answer-${perspective}"`);
  const form = html.slice(start, html.indexOf("</form>", start));
  const ids = inputValues(form, "option");
  const version = inputValues(form, "version")[0];
  if (start === -1 || !ids[index] || !version) throw new Error(`no ballot with an option ${index} as the ${perspective} on /cases/${slug}`);
  return { option: ids[index]!, version };
}

/** The stable id of the option at `index` a phone's vote form offers as `perspective` (ADR 017), read from its page. */
export async function phoneOptionId(ctx: APIRequestContext, code: string, perspective: string, index: number): Promise<string> {
  const html = await (await get(ctx, `/w/${code}`)).text();
  const ids = inputValues(html, `option-${perspective}`);
  if (!ids[index]) throw new Error(`no option ${index} as the ${perspective} on /w/${code}`);
  return ids[index]!;
}

/** Answers both perspectives of a published case with the given option (its place on the page) and judgement. */
export async function answerCase(ctx: APIRequestContext, slug: string, option: number, judgement: number, perspectives = ["employee", "employer"]): Promise<void> {
  for (const perspective of perspectives) {
    const ballot = await ballotFields(ctx, slug, perspective, option);
    const response = await postForm(ctx, `/cases/${slug}`, { intent: "position", perspective, ...ballot, judgement: String(judgement), legal: "unsure", confidence: "medium", movedBy: "" });
    expect(response.status(), `answer ${slug} as the ${perspective}`).toBe(200);
  }
}

/** Creates a workshop as the context's account; returns its id and join code. */
export async function createWorkshop(ctx: APIRequestContext, caseSlug: string, title: string, extra: FormFields = {}): Promise<WorkshopFixture> {
  const response = await postForm(ctx, "/workshops", { caseSlug, title, perspectives: ["employee", "employer"], twoRounds: "on", resultsMode: "live", askStanding: "on", ...extra });
  expect(response.status(), (await response.text()).slice(0, 500)).toBe(302);
  const id = Number(/^\/workshops\/(\d+)$/.exec(response.headers()["location"] ?? "")?.[1]);
  expect(id).toBeGreaterThan(0);
  const panel = await (await get(ctx, `/workshops/${id}`)).text();
  const code = /class="join-code"[^>]*>([A-Z2-9]{6})</.exec(panel)?.[1];
  expect(code, "join code on the control panel").toBeTruthy();
  return { id, code: code! };
}

/** Joins a workshop from a device context; the device cookie stays in the context. */
export async function joinWorkshop(ctx: APIRequestContext, code: string, displayName = "", standing = ""): Promise<void> {
  const response = await postForm(ctx, "/join", { code, displayName, standing });
  expect(response.status(), (await response.text()).slice(0, 300)).toBe(302);
  expect(response.headers()["location"]).toBe(`/w/${code}`);
}

export async function control(ctx: APIRequestContext, workshopId: number, intent: string, extra: FormFields = {}): Promise<APIResponse> {
  return postForm(ctx, `/workshops/${workshopId}`, { intent, ...extra });
}

/** Moves a workshop forward until the control panel says the stage is `label` (e.g. "Vote, round 1"). */
export async function advanceTo(ctx: APIRequestContext, workshopId: number, label: string): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const panel = await (await get(ctx, `/workshops/${workshopId}`)).text();
    if (new RegExp(`Now: ${label}`).test(panel.replace(/<!-- -->/g, ""))) return;
    const response = await control(ctx, workshopId, "next");
    expect(response.status(), `next stage towards ${label}`).toBe(200);
  }
  throw new Error(`never reached stage ${label}`);
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

const CWD = process.cwd();

/** Signs that a response leaks internals: a stack trace, a source path, a raw driver error. */
export function leakedInternals(body: string): string | null {
  const checks: [RegExp, string][] = [
    [/\n\s+at [\w$.<>[\] ]+ \(/, "a stack frame"],
    [/\bat (?:async )?(?:Object\.|Module\.|Function\.|new )[\w$]/, "a stack frame"],
    [/node_modules/, "a node_modules path"],
    [/(?:file:\/\/)?\/[\w.-]+\/[\w.-]+\/(?:app|build|server)\/[\w./-]+\.(?:ts|tsx|js|mjs):\d+/, "a source file path with a line"],
    [/\b(?:TypeError|ReferenceError|RangeError|SyntaxError|SqliteError|ZodError): /, "a raw JavaScript error"],
    [/SQLITE_(?:ERROR|INTERNAL|PERM|ABORT|BUSY|LOCKED|NOMEM|READONLY|INTERRUPT|IOERR|CORRUPT|FULL|CANTOPEN|PROTOCOL|SCHEMA|TOOBIG|CONSTRAINT|MISMATCH|MISUSE|RANGE|NOTADB)\b/, "a SQLite error code"],
    [/Error: [^\n<]*\n\s+at /, "an error with its stack"],
  ];
  if (body.includes(CWD)) return `the server's working directory (${CWD})`;
  for (const [pattern, what] of checks) {
    const match = pattern.exec(body);
    if (match) return `${what}: …${body.slice(Math.max(0, match.index - 80), match.index + 120)}…`;
  }
  return null;
}
