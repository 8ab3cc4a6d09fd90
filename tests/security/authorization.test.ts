/**
 * The authorization matrix: one test per route in ROUTE_ACCESS × visitor, the expected answer
 * derived from the table and `can()`. Allowed visitors must reach the page or the action's own
 * validation; refused ones get a login redirect (no account), 403, 404 (hidden drafts) or the
 * join page (workshop phones), and no data.
 */
import { expect, request, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { accessOutcome, ROUTE_ACCESS, type AccessOutcome, type RouteAccess } from "../../app/domain/route-access";
import { baseURL, contextFor, fixtures, get, leakedInternals, logIn, peekStream, postForm, visitorFacts, VISITORS, type FormFields, type VisitorName } from "./helpers";

// Tests in this file run in order in one worker (fullyParallel is off): archive before restore, next before back.

interface Sent {
  status: number;
  location: string;
  contentType: string;
  body: string;
}

interface Probe {
  /** Sends the request as this visitor. */
  send: (ctx: APIRequestContext, visitor: VisitorName) => Promise<Sent>;
  /** What an allowed visitor gets; throws (expect) otherwise. */
  allowed: (sent: Sent, visitor: VisitorName) => void;
  /** The path it really sends to, when that is not the table's example. */
  path?: string;
}

async function sent(response: APIResponse): Promise<Sent> {
  const headers = response.headers();
  return { status: response.status(), location: headers["location"] ?? "", contentType: headers["content-type"] ?? "", body: await response.text() };
}

function fill(path: string): string {
  const f = fixtures();
  return path.replace(":slug", f.cases.authz).replace(":draft", f.draftSlug).replace(":id", String(f.workshop.id)).replace(":code", f.workshop.code);
}

/** Paths may hold the table's placeholders; they are filled when the request is sent, after setup. */
const getPage = (path: string) => async (ctx: APIRequestContext) => sent(await get(ctx, fill(path)));
const post = (path: string, fields: () => FormFields) => async (ctx: APIRequestContext) => sent(await postForm(ctx, fill(path), fields()));

function status(expected: number | number[], text?: string | RegExp) {
  return (s: Sent) => {
    expect([expected].flat(), `status (body: ${s.body.slice(0, 200)})`).toContain(s.status);
    // Pages are long: report what was missing, not the whole page.
    if (typeof text === "string") expect(s.body.includes(text), `the response contains ${JSON.stringify(text)}`).toBe(true);
    else if (text) expect(text.test(s.body), `the response matches ${text}`).toBe(true);
  };
}

function redirectTo(location: string | RegExp) {
  return (s: Sent) => {
    expect(s.status).toBe(302);
    if (typeof location === "string") expect(s.location).toBe(location);
    else expect(s.location).toMatch(location);
  };
}

const hasAccount = (visitor: VisitorName) => visitor !== "anonymous" && visitor !== "device";

/** A page that signed-in people are sent away from (login and sign-up). */
function pageOrAway(away: string) {
  return (s: Sent, visitor: VisitorName) => (hasAccount(visitor) ? redirectTo(away)(s) : status(200)(s));
}

/** Same as fixtures().cases.archive (fixtures are read lazily, the table of probes is built at load). */
const ARCHIVE_CASE = "the-lockout";
const CONTROL_PANEL = "Arguments and questions from the room";
const controlProbe = (intent: string, extra: FormFields = {}): Probe => ({
  send: post("/workshops/:id", () => ({ intent, ...extra })),
  // The control's own answer (done, or refused by the stage machine) on the re-rendered panel.
  allowed: status([200, 400, 404, 409], CONTROL_PANEL),
});
const caseAction = (fields: () => FormFields, expected: number | number[], text: string): Probe => ({
  send: post("/cases/:slug", fields),
  allowed: status(expected, text),
});
const editorProbe = (path: string, intent: string): Probe => ({
  send: post(path, () => ({ intent, stageCount: "1" })),
  // preview and add-stage re-render the editor; save and publish refuse an empty case on its fields.
  allowed: intent === "save" || intent === "publish" ? status(400, "Must not be empty") : status(200, "Preview"),
});
const phoneProbe = (fields: FormFields, expected: number[], text: RegExp): Probe => ({
  send: post("/w/:code", () => fields),
  allowed: status(expected, text),
});

const PROBES: Record<string, Probe> = {
  "GET /": { send: getPage("/"), allowed: status(200, "Case library") },
  "GET /healthz": { send: getPage("/healthz"), allowed: status(200, '"status":"ok"') },
  "GET /livez": { send: getPage("/livez"), allowed: status(200, '"status":"ok"') },
  "GET /readyz": { send: getPage("/readyz"), allowed: status(200, '"status":"ok"') },
  "GET /privacy": { send: getPage("/privacy"), allowed: status(200, "Your answers and your privacy") },
  "GET /no-such-page": { send: getPage("/no-such-page"), allowed: status(404, "There is no page at this address") },
  "GET /signup": { send: getPage("/signup"), allowed: pageOrAway("/me") },
  // Signed in, the re-rendered form's loader sends people on, as it does for GET.
  "POST /signup": {
    send: post("/signup", () => ({ email: "", displayName: "", password: "" })),
    allowed: (s, v) => (hasAccount(v) ? redirectTo("/me")(s) : status(400, "Enter your email address.")(s)),
  },
  "GET /login": { send: getPage("/login"), allowed: pageOrAway("/") },
  "POST /login": { send: post("/login", () => ({ email: "", password: "" })), allowed: (s, v) => (hasAccount(v) ? redirectTo("/")(s) : status(400, "Enter your email address.")(s)) },
  "GET /logout": { send: getPage("/logout"), allowed: redirectTo("/") },
  "GET /forgot-password": { send: getPage("/forgot-password"), allowed: pageOrAway("/me") },
  // The suite runs without SMTP: the form says so (ADR 023); signed in, the re-rendered form's loader sends people on.
  "POST /forgot-password": { send: post("/forgot-password", () => ({ email: "" })), allowed: (s, v) => (hasAccount(v) ? redirectTo("/me")(s) : status(400, "cannot send mail")(s)) },
  "GET /reset-password/not-a-reset-token": { send: getPage("/reset-password/not-a-reset-token"), allowed: status(200, "does not work any more") },
  "POST /reset-password/not-a-reset-token": { send: post("/reset-password/not-a-reset-token", () => ({ password: "" })), allowed: status(400) },
  "POST /logout": {
    // Logging out the shared fixture session would break every later test: sign in afresh first.
    async send(ctx, visitor) {
      if (!hasAccount(visitor)) return sent(await postForm(ctx, "/logout", {}));
      const fresh = await request.newContext({ baseURL });
      try {
        expect((await logIn(fresh, fixtures().accounts[visitor as Exclude<VisitorName, "anonymous" | "device">].email)).status()).toBe(302);
        expect((await get(fresh, "/me")).status()).toBe(200);
        const result = await sent(await postForm(fresh, "/logout", {}));
        // The session is gone, not just the cookie.
        expect((await get(fresh, "/me")).status()).toBe(302);
        return result;
      } finally {
        await fresh.dispose();
      }
    },
    allowed: redirectTo("/"),
  },
  "GET /me": { send: getPage("/me"), allowed: status(200, "My profile") },
  "POST /me profile": { send: post("/me", () => ({ intent: "profile", displayName: "", standing: "manager" })), allowed: status(400, "Enter a display name.") },
  "POST /me password": { send: post("/me", () => ({ intent: "password", currentPassword: "", newPassword: "" })), allowed: status(400, "Enter your current password.") },
  "GET /admin": { send: getPage("/admin"), allowed: status(200, "People and roles") },
  "POST /admin": { send: post("/admin", () => ({ userId: String(fixtures().accounts.admin.id), role: "admin" })), allowed: status(200, "is already admin") },
  "GET /admin/audit": { send: getPage("/admin/audit"), allowed: status(200, "Audit log") },
  "GET /admin/case-problems": { send: getPage("/admin/case-problems"), allowed: status(200, "Case file problems") },

  "GET /cases/:slug": { send: getPage("/cases/:slug"), allowed: status(200, "Take a side, twice") },
  "GET /cases/:draft": { send: getPage("/cases/:draft"), allowed: status(200, "Draft: only authors and admins can see this case.") },
  "POST /cases/:slug position": caseAction(() => ({ intent: "position", perspective: "employee", option: "", judgement: "1", legal: "yes", confidence: "high" }), 400, "Choose what you would do."),
  "POST /cases/:slug preview": caseAction(() => ({ intent: "preview", perspective: "employee", side: "for", lens: "", body: "Preview of **bold**" }), 200, "<strong>bold</strong>"),
  "POST /cases/:slug argument": caseAction(() => ({ intent: "argument", perspective: "employee", side: "for", lens: "", body: "" }), 400, "Write something before posting."),
  "POST /cases/:slug reply": caseAction(() => ({ intent: "reply", parentId: String(fixtures().argumentId), body: "" }), 400, "Write something before posting."),
  "POST /cases/:slug endorse": caseAction(() => ({ intent: "endorse", argumentId: "999999" }), 404, "That argument does not exist on this case."),
  "POST /cases/:slug edit": caseAction(() => ({ intent: "edit", argumentId: String(fixtures().argumentId), body: "" }), 400, "Write something before posting."),
  "POST /cases/:slug delete": caseAction(() => ({ intent: "delete", argumentId: "999999" }), 404, "That argument does not exist on this case."),
  "POST /cases/:slug hide": caseAction(
    () => ({ intent: "hide", argumentId: String(fixtures().moderationArgumentId), reason: "Checked by the security suite" }),
    200,
    "Hidden; the reason is in the audit log.",
  ),
  "POST /cases/:slug restore": caseAction(() => ({ intent: "restore", argumentId: String(fixtures().moderationArgumentId), reason: "Checked by the security suite" }), 200, "Restored."),
  "POST /cases/:slug steelman": caseAction(() => ({ intent: "steelman", perspective: "employee", side: "wrong", body: "" }), 400, "Write something before posting."),
  "POST /cases/:slug rate-steelman": caseAction(() => ({ intent: "rate-steelman", steelmanId: "999999", rating: "3" }), 404, "That steelman does not exist on this case."),
  "POST /cases/:slug steelman-delete": caseAction(() => ({ intent: "steelman-delete", steelmanId: "999999" }), 404, "That steelman does not exist on this case."),
  "POST /cases/:slug steelman-hide": caseAction(() => ({ intent: "steelman-hide", steelmanId: "999999", reason: "Checked by the security suite" }), 404, "That steelman does not exist on this case."),
  "POST /cases/:slug steelman-restore": caseAction(
    () => ({ intent: "steelman-restore", steelmanId: "999999", reason: "Checked by the security suite" }),
    404,
    "That steelman does not exist on this case.",
  ),
  "GET /cases/:slug/results": { send: getPage("/cases/:slug/results"), allowed: status(200, "Where people stand") },
  "GET /cases/:slug/source": {
    send: getPage("/cases/:slug/source"),
    allowed: (s) => {
      status(200, "## Stage:")(s);
      expect(s.contentType).toContain("text/markdown");
    },
  },
  "GET /cases/:slug/history": { send: getPage("/cases/:slug/history"), allowed: status(200, "History of") },
  "GET /cases/:slug/edit": { send: getPage("/cases/:slug/edit"), allowed: status(200, "Edit:") },
  "POST /cases/:slug/edit preview": editorProbe("/cases/:slug/edit", "preview"),
  "POST /cases/:slug/edit add-stage": editorProbe("/cases/:slug/edit", "add-stage"),
  "POST /cases/:slug/edit save": editorProbe("/cases/:slug/edit", "save"),
  "POST /cases/:slug/edit publish": editorProbe("/cases/:slug/edit", "publish"),
  // Archive and restore go in pairs on a case no other test reads, so it always ends published.
  "POST /cases/:slug/edit archive": {
    send: post(`/cases/${ARCHIVE_CASE}/edit`, () => ({ intent: "archive" })),
    allowed: redirectTo(new RegExp(`^/cases/${ARCHIVE_CASE}\\?notice=archived$`)),
    path: `/cases/${ARCHIVE_CASE}/edit`,
  },
  "POST /cases/:slug/edit restore": {
    send: post(`/cases/${ARCHIVE_CASE}/edit`, () => ({ intent: "restore" })),
    allowed: redirectTo(new RegExp(`^/cases/${ARCHIVE_CASE}\\?notice=restored$`)),
    path: `/cases/${ARCHIVE_CASE}/edit`,
  },
  "GET /cases/new": { send: getPage("/cases/new"), allowed: status(200, "New case") },
  "POST /cases/new preview": editorProbe("/cases/new", "preview"),
  "POST /cases/new add-stage": editorProbe("/cases/new", "add-stage"),
  "POST /cases/new save": editorProbe("/cases/new", "save"),
  "POST /cases/new publish": editorProbe("/cases/new", "publish"),
  "GET /cases/upload": { send: getPage("/cases/upload"), allowed: status(200, "Upload a case file") },
  "POST /cases/upload": {
    async send(ctx) {
      return sent(await ctx.post("/cases/upload", { multipart: { file: { name: "empty.md", mimeType: "text/markdown", buffer: Buffer.alloc(0) } }, headers: { Origin: baseURL }, maxRedirects: 0 }));
    },
    allowed: status(400, "choose a .md case file to upload"),
  },

  "GET /workshops": { send: getPage("/workshops"), allowed: status(200, "New workshop") },
  "POST /workshops": { send: post("/workshops", () => ({ caseSlug: "", title: "" })), allowed: status(400, "Choose a case.") },
  "GET /workshops/:id": { send: getPage("/workshops/:id"), allowed: status(200, CONTROL_PANEL) },
  "POST /workshops/:id next": controlProbe("next"),
  "POST /workshops/:id back": controlProbe("back"),
  "POST /workshops/:id open-voting": controlProbe("open-voting"),
  "POST /workshops/:id close-voting": controlProbe("close-voting"),
  "POST /workshops/:id reveal-results": controlProbe("reveal-results"),
  "POST /workshops/:id end": controlProbe("end"),
  "POST /workshops/:id reset-round": controlProbe("reset-round", { round: "1" }),
  "POST /workshops/:id remove-participant": controlProbe("remove-participant", { participantId: "999999" }),
  "POST /workshops/:id spotlight": controlProbe("spotlight", { submissionId: "999999" }),
  "POST /workshops/:id hide-submission": controlProbe("hide-submission", { submissionId: "999999" }),
  "POST /workshops/:id show-submission": controlProbe("show-submission", { submissionId: "999999" }),
  "POST /workshops/:id assign-roles": controlProbe("assign-roles"),
  "POST /workshops/:id move-role": controlProbe("move-role", { participantId: "999999", role: "employer" }),
  "POST /workshops/:id start-timer": controlProbe("start-timer", { minutes: "5" }),
  "POST /workshops/:id stop-timer": controlProbe("stop-timer"),
  "POST /workshops/:id swap-roles": controlProbe("swap-roles"),
  "POST /workshops/:id hide-text": controlProbe("hide-text", { textId: "999999" }),
  "POST /workshops/:id show-text": controlProbe("show-text", { textId: "999999" }),
  "GET /workshops/:id/projector": { send: getPage("/workshops/:id/projector"), allowed: status(200, "Join: ") },
  "GET /workshops/:id/compare": { send: getPage("/workshops/:id/compare"), allowed: status(200, "Compare") },
  "GET /workshops/:id/debrief.md": {
    send: getPage("/workshops/:id/debrief.md"),
    allowed: (s) => {
      status(200, "Authorization matrix room")(s);
      expect(s.contentType).toContain("text/markdown");
    },
  },
  "GET /workshops/:id/positions.csv": {
    send: getPage("/workshops/:id/positions.csv"),
    allowed: (s) => {
      status(200, "respondent,round,perspective")(s);
      expect(s.contentType).toContain("text/csv");
    },
  },
  "GET /workshops/:id/events": {
    async send(ctx) {
      const { status: code, contentType, firstChunk } = await peekStream(ctx, fill("/workshops/:id/events"));
      return { status: code, location: "", contentType, body: firstChunk };
    },
    allowed: (s) => {
      expect(s.status).toBe(200);
      expect(s.contentType).toContain("text/event-stream");
    },
  },

  "GET /join": { send: getPage("/join"), allowed: status(200, "Join a workshop") },
  "GET /join/:code": { send: getPage("/join/:code"), allowed: status(200, "Authorization matrix room") },
  "POST /join": {
    send: post("/join", () => ({ code: fixtures().joinWorkshop.code, displayName: "", standing: "" })),
    allowed: (s) => redirectTo(`/w/${fixtures().joinWorkshop.code}`)(s),
  },
  "POST /join/:code": {
    send: async (ctx) => sent(await postForm(ctx, `/join/${fixtures().joinWorkshop.code}`, { code: fixtures().joinWorkshop.code, displayName: "", standing: "" })),
    allowed: (s) => redirectTo(`/w/${fixtures().joinWorkshop.code}`)(s),
  },
  "GET /w/:code": { send: getPage("/w/:code"), allowed: status(200, "Authorization matrix room") },
  "POST /w/:code vote": phoneProbe({ intent: "vote" }, [400, 409], /Voting is not open right now|Choose what you would do/),
  "POST /w/:code submit": phoneProbe({ intent: "submit", kind: "question", body: "" }, [400, 409], /Arguments and questions can be sent during the discussion|Write something first/),
  "POST /w/:code upvote": phoneProbe({ intent: "upvote", submissionId: "999999" }, [404, 409], /That is no longer on the list|This workshop has ended/),
  "POST /w/:code write": phoneProbe({ intent: "write", kind: "steelman", body: "Their best case" }, [409], /Only a role-play workshop has steelman and rehearsal steps|This workshop has ended/),
  "POST /w/:code rate": phoneProbe({ intent: "rate", kind: "steelman", textId: "999999", fair: "3" }, [409], /Rating is open only during the step's rating stage|This workshop has ended/),
  "POST /w/:code/vote": {
    send: post("/w/:code/vote", () => ({})),
    allowed: (s) => {
      status([400, 409], /Voting is not open right now|Choose what you would do/)(s);
      expect(s.contentType).toContain("application/json");
    },
  },
};

const keyOf = (entry: RouteAccess) => `${entry.method} ${entry.path}${entry.intent ? ` ${entry.intent}` : ""}`;

function expectRefusal(outcome: Exclude<AccessOutcome, "allow">, s: Sent, path: string): void {
  switch (outcome) {
    case "login":
      expect(s.status, s.body.slice(0, 200)).toBe(302);
      expect(s.location).toMatch(/^\/login\?redirectTo=/);
      expect(decodeURIComponent(s.location.split("redirectTo=")[1] ?? "")).toBe(path);
      return;
    case "forbidden":
      expect(s.status, s.body.slice(0, 200)).toBe(403);
      return;
    case "not-found":
      expect(s.status, s.body.slice(0, 200)).toBe(404);
      return;
    case "join":
      expect(s.status, s.body.slice(0, 200)).toBe(302);
      expect(s.location).toBe(`/join/${fixtures().workshop.code}`);
      return;
  }
}

test("every route module is in the access table, and every table entry has a probe", () => {
  const routesDir = join(process.cwd(), "app", "routes");
  for (const file of readdirSync(routesDir)) {
    const source = readFileSync(join(routesDir, file), "utf8");
    const entries = ROUTE_ACCESS.filter((e) => e.file === file);
    // A loader or a page component answers GET; an action answers POST.
    if (/export (async )?function loader|export const loader|export default/.test(source))
      expect(
        entries.some((e) => e.method === "GET"),
        `GET ${file} in ROUTE_ACCESS`,
      ).toBe(true);
    if (/export (async )?function action|export const action/.test(source))
      expect(
        entries.some((e) => e.method === "POST"),
        `POST ${file} in ROUTE_ACCESS`,
      ).toBe(true);
  }
  for (const entry of ROUTE_ACCESS) {
    expect(existsSync(join(routesDir, entry.file)), `${keyOf(entry)}: ${entry.file} exists`).toBe(true);
    expect(PROBES[keyOf(entry)], `a probe for ${keyOf(entry)}`).toBeDefined();
  }
});

for (const entry of ROUTE_ACCESS) {
  test.describe(keyOf(entry), () => {
    for (const visitor of VISITORS) {
      const outcome = accessOutcome(entry, visitorFacts(visitor));
      test(`${visitor}: ${outcome}`, async () => {
        const probe = PROBES[keyOf(entry)]!;
        const ctx = await contextFor(visitor);
        try {
          const s = await probe.send(ctx, visitor);
          expect(leakedInternals(s.body), "no internals in the response").toBeNull();
          if (outcome === "allow") probe.allowed(s, visitor);
          else expectRefusal(outcome, s, probe.path ?? fill(entry.path));
        } finally {
          await ctx.dispose();
        }
      });
    }
  });
}

/** The same pages fetched as data (what client-side navigation asks for) are refused the same way, with no loader data. */
const PAGE_GETS = ROUTE_ACCESS.filter((e) => e.method === "GET" && e.file.endsWith(".tsx") && e.file !== "$.tsx" && e.rule !== "public");
test.describe("single-fetch .data requests", () => {
  for (const entry of PAGE_GETS) {
    for (const visitor of VISITORS) {
      const outcome = accessOutcome(entry, visitorFacts(visitor));
      if (outcome === "allow") continue;
      test(`${entry.path}.data as ${visitor}: ${outcome}`, async () => {
        const ctx = await contextFor(visitor);
        try {
          const path = fill(entry.path);
          const s = await sent(await get(ctx, `${path}.data`));
          expect(leakedInternals(s.body)).toBeNull();
          if (outcome === "login" || outcome === "join") {
            // Single fetch answers a redirect with 202 and the target in the body.
            expect([202, 302, 204]).toContain(s.status);
            expect(s.body + s.location).toContain(outcome === "login" ? "/login?redirectTo=" : `/join/${fixtures().workshop.code}`);
          } else {
            expect(s.status).toBe(outcome === "forbidden" ? 403 : 404);
          }
        } finally {
          await ctx.dispose();
        }
      });
    }
  }
});

/** Rules the table cannot express: what belongs to whom inside one route. */
test.describe("ownership", () => {
  test("only its author may edit or delete an argument, whatever their role", async () => {
    for (const visitor of ["facilitator", "author", "admin"] as const) {
      const ctx = await contextFor(visitor);
      const argumentId = String(fixtures().argumentId);
      const edit = await sent(await postForm(ctx, `/cases/${fixtures().cases.authz}`, { intent: "edit", argumentId, body: `Rewritten by the ${visitor}` }));
      expect(edit.status, `edit as ${visitor}`).toBe(403);
      const del = await sent(await postForm(ctx, `/cases/${fixtures().cases.authz}`, { intent: "delete", argumentId }));
      expect(del.status, `delete as ${visitor}`).toBe(403);
      await ctx.dispose();
    }
    const anonymous = await contextFor("anonymous");
    const page = await (await get(anonymous, `/cases/${fixtures().cases.authz}`)).text();
    expect(page).toContain("An argument by the participant.");
    expect(page).not.toContain("Rewritten by the");
    await anonymous.dispose();
  });

  test("nobody endorses their own argument", async () => {
    const participant = await contextFor("participant");
    const s = await sent(await postForm(participant, `/cases/${fixtures().cases.authz}`, { intent: "endorse", argumentId: String(fixtures().argumentId) }));
    expect(s.status).toBe(403);
    await participant.dispose();
  });

  test("a phone that joined one workshop cannot see or act in another", async () => {
    const device = await contextFor("device");
    const other = fixtures().otherWorkshop;
    const view = await sent(await get(device, `/w/${other.code}`));
    expect(view.status).toBe(302);
    expect(view.location).toBe(`/join/${other.code}`);
    const vote = await sent(await postForm(device, `/w/${other.code}`, { intent: "submit", kind: "question", body: "Not my room" }));
    expect(vote.status).toBe(302);
    expect((await peekStream(device, `/workshops/${other.id}/events`)).status).toBe(403);
    await device.dispose();
  });

  test("a facilitator cannot reach another facilitator's workshop through its exports or stream", async () => {
    const facilitator = await contextFor("facilitator");
    const other = fixtures().otherWorkshop;
    for (const path of [`/workshops/${other.id}`, `/workshops/${other.id}/projector`, `/workshops/${other.id}/compare`, `/workshops/${other.id}/debrief.md`, `/workshops/${other.id}/positions.csv`]) {
      expect((await get(facilitator, path)).status(), path).toBe(403);
    }
    expect((await peekStream(facilitator, `/workshops/${other.id}/events`)).status).toBe(403);
    expect((await postForm(facilitator, `/workshops/${other.id}`, { intent: "end", confirm: "yes" })).status()).toBe(403);
    await facilitator.dispose();
  });

  test("a non-admin's session cannot promote itself", async () => {
    for (const visitor of ["participant", "facilitator", "author"] as const) {
      const ctx = await contextFor(visitor);
      const s = await sent(await postForm(ctx, "/admin", { userId: String(fixtures().accounts[visitor].id), role: "admin" }));
      expect(s.status, visitor).toBe(403);
      const me = await (await get(ctx, "/me")).text();
      expect(me, visitor).not.toContain("role: Admin");
      await ctx.dispose();
    }
  });
});
