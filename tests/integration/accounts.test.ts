import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Routes use the app's database singleton; point it at a temporary file before anything opens it.
const dir = mkdtempSync(join(tmpdir(), "casebook-accounts-"));
process.env.DATABASE_PATH = join(dir, "casebook.sqlite");

const { db } = await import("../../app/platform/db.server");
const { migrateToLatest } = await import("../../db/client");
const { importCaseFiles } = await import("../../app/models/cases.server");
const { readCaseFiles } = await import("../../app/cases/files.server");
const { signIn, getUser } = await import("../../app/accounts/auth.server");
const meRoute = await import("../../app/routes/me");
const logoutRoute = await import("../../app/routes/logout");
const { createUser, findUserById } = await import("../../app/models/users.server");
const { hashPassword, verifyPassword, verifyPasswordInConstantCost } = await import("../../app/accounts/password.server");
const adminRoute = await import("../../app/routes/admin._index");
const caseRoute = await import("../../app/routes/cases.$slug");
const problemsRoute = await import("../../app/routes/admin.case-problems");
const signupRoute = await import("../../app/routes/signup");
const sourceRoute = await import("../../app/routes/cases.$slug_.source");

const BASE = "http://casebook.test";

async function cookieFor(userId: number): Promise<string> {
  const response = await signIn(new Request(`${BASE}/login`), userId, "/");
  return (response.headers.get("Set-Cookie") ?? "").split(";")[0]!;
}

function get(path: string, cookie?: string): Request {
  return new Request(`${BASE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

function post(path: string, fields: Record<string, string>, cookie?: string): Request {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
  });
}

/** Runs a loader or action and returns what it returned or threw, as a Response where it was one. */
async function run(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await fn();
  } catch (thrown) {
    return thrown;
  }
}

let adminCookie: string;
let participantCookie: string;
let facilitatorCookie: string;
let participantId: number;

beforeAll(async () => {
  await migrateToLatest(db());
  await importCaseFiles(db(), readCaseFiles("cases"));
  const admin = await createUser(db(), { email: "first@casebook.test", displayName: "First", passwordHash: await hashPassword("first password!") });
  const participant = await createUser(db(), { email: "pat@casebook.test", displayName: "Pat", passwordHash: await hashPassword("pat password!") });
  const facilitator = await createUser(db(), { email: "fay@casebook.test", displayName: "Fay", passwordHash: await hashPassword("fay password!") });
  await db().updateTable("users").set({ role: "facilitator" }).where("id", "=", facilitator.id).execute();
  expect(admin.role).toBe("admin");
  expect(participant.role).toBe("participant");
  participantId = participant.id;
  adminCookie = await cookieFor(admin.id);
  participantCookie = await cookieFor(participant.id);
  facilitatorCookie = await cookieFor(facilitator.id);
});

afterAll(async () => {
  await db().destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe("passwords", () => {
  it("are stored as salted scrypt hashes that verify only the right password", async () => {
    const hash = await hashPassword("a long enough password");
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain("a long enough password");
    expect(await hashPassword("a long enough password")).not.toBe(hash);
    expect(await verifyPassword("a long enough password", hash)).toBe(true);
    expect(await verifyPassword("a long enough passworD", hash)).toBe(false);
  });

  it("are checked with the same scrypt work when there is no account, which never matches", async () => {
    const hash = await hashPassword("a long enough password");
    expect(await verifyPasswordInConstantCost("a long enough password", hash)).toBe(true);
    expect(await verifyPasswordInConstantCost("a long enough password", undefined)).toBe(false);
    expect(await verifyPasswordInConstantCost("", undefined)).toBe(false);
  });
});

describe("sign-up", () => {
  it("answers bad input with 400 and a message per field", async () => {
    const result = (await run(() => signupRoute.action({ request: post("/signup", { email: "nope", displayName: "", password: "short" }), params: {}, context: {} }))) as Response;
    expect(result.status).toBe(400);
    const body = (await result.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(["displayName", "email", "password"]);
  });

  it("refuses an email that already has an account, ignoring case, without saying that it has one", async () => {
    const result = (await run(() =>
      signupRoute.action({ request: post("/signup", { email: "PAT@casebook.test", displayName: "Pat again", password: "a long enough password" }), params: {}, context: {} }),
    )) as Response;
    expect(result.status).toBe(400);
    const message = ((await result.json()) as { errors: Record<string, string> }).errors.email;
    expect(message).toBe("We could not create an account with this email. If you have signed up before, log in instead.");
    expect(message).not.toMatch(/already|exists|registered|taken/i);
  });
});

describe("authorization", () => {
  it("sends an anonymous visitor of the admin page to log in", async () => {
    const result = (await run(() => adminRoute.loader({ request: get("/admin"), params: {}, context: {} }))) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin");
  });

  it("refuses the admin page and its action to a participant, even by URL", async () => {
    const page = (await run(() => adminRoute.loader({ request: get("/admin", participantCookie), params: {}, context: {} }))) as Response;
    expect(page.status).toBe(403);
    const change = (await run(() => adminRoute.action({ request: post("/admin", { userId: String(participantId), role: "admin" }, participantCookie), params: {}, context: {} }))) as Response;
    expect(change.status).toBe(403);
    expect((await findUserById(db(), participantId))?.role).toBe("participant");
  });

  it("refuses the case problems page to a facilitator and shows it to an admin", async () => {
    expect(((await run(() => problemsRoute.loader({ request: get("/admin/case-problems", facilitatorCookie), params: {}, context: {} }))) as Response).status).toBe(403);
    const data = (await problemsRoute.loader({ request: get("/admin/case-problems", adminCookie), params: {}, context: {} })) as { problems: unknown[] };
    expect(data.problems).toEqual([]);
  });

  it("withholds facilitator notes from participants and anonymous readers", async () => {
    const args = (cookie?: string) => ({ request: get("/cases/background-check", cookie), params: { slug: "background-check" }, context: {} });
    expect((await caseRoute.loader(args())).facilitatorNotesHtml).toBeNull();
    expect((await caseRoute.loader(args(participantCookie))).facilitatorNotesHtml).toBeNull();
    expect((await caseRoute.loader(args(facilitatorCookie))).facilitatorNotesHtml).toEqual(expect.stringContaining("<p>"));
  });

  it("serves the case file source only to those who may read facilitator notes", async () => {
    const args = (cookie?: string) => ({ request: get("/cases/background-check/source", cookie), params: { slug: "background-check" }, context: {} });
    expect(((await run(() => sourceRoute.loader(args(participantCookie)))) as Response).status).toBe(403);
    const source = await sourceRoute.loader(args(facilitatorCookie));
    expect(source.headers.get("Content-Type")).toContain("text/markdown");
    expect(await source.text()).toContain("slug: background-check");
  });

  it("lets the admin change a role and records it in the audit log", async () => {
    const result = await adminRoute.action({ request: post("/admin", { userId: String(participantId), role: "author" }, adminCookie), params: {}, context: {} });
    expect(result).toEqual({ name: "Pat", message: "is now author." });
    expect((await findUserById(db(), participantId))?.role).toBe("author");
    const audit = await db().selectFrom("audit_log").selectAll().execute();
    expect(audit.at(-1)?.detail).toBe("\u2068Pat\u2069: participant → author");
  });

  it("refuses an unknown role with 400", async () => {
    const result = (await run(() => adminRoute.action({ request: post("/admin", { userId: String(participantId), role: "overlord" }, adminCookie), params: {}, context: {} }))) as Response;
    expect(result.status).toBe(400);
  });
});

describe("sessions", () => {
  it("sign everyone out on a password change, except the device that changed it, which gets a new session", async () => {
    const user = await createUser(db(), { email: "rotate@casebook.test", displayName: "Rotate", passwordHash: await hashPassword("old password!!") });
    const laptop = await cookieFor(user.id);
    const phone = await cookieFor(user.id);
    const wrong = (await run(() =>
      meRoute.action({ request: post("/me", { intent: "password", currentPassword: "nope", newPassword: "a brand new password" }, laptop), params: {}, context: {} }),
    )) as Response;
    expect(wrong.status).toBe(400);
    const changed = (await run(() =>
      meRoute.action({ request: post("/me", { intent: "password", currentPassword: "old password!!", newPassword: "a brand new password" }, laptop), params: {}, context: {} }),
    )) as Response;
    expect(changed.status).toBe(302);
    const fresh = (changed.headers.get("Set-Cookie") ?? "").split(";")[0]!;
    expect(fresh).not.toBe(laptop);
    expect(await getUser(get("/me", laptop))).toBeNull();
    expect(await getUser(get("/me", phone))).toBeNull();
    expect((await getUser(get("/me", fresh)))?.id).toBe(user.id);
  });

  it("issue a new session id on every sign-in and delete it on logout", async () => {
    const user = await createUser(db(), { email: "logout@casebook.test", displayName: "Out", passwordHash: await hashPassword("some password") });
    const first = await cookieFor(user.id);
    const second = (await signIn(get("/login", first), user.id, "/")).headers.get("Set-Cookie")!.split(";")[0]!;
    expect(second).not.toBe(first);
    expect(await getUser(get("/", first))).toBeNull();
    await logoutRoute.action({ request: post("/logout", {}, second), params: {}, context: {} });
    expect(await getUser(get("/", second))).toBeNull();
  });
});
