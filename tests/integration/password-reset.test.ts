import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";
import { settle, startApp } from "./app-under-test";

/**
 * Password reset and deactivation (issue 16, ADR 023), through the routes as the server calls
 * them, with mail going to a real SMTP server this test starts on its own port.
 */
const SMTP_PORT = 2525 + Math.floor(Math.random() * 400);
let smtp: SmtpInbox;

const BASE = "http://casebook.test";
const app = await startApp();
const { hashPassword, verifyPassword } = await import("../../app/accounts/password.server");
const { createUser, findUserByEmail } = await import("../../app/models/users.server");
const { getUser, signIn } = await import("../../app/accounts/auth.server");
const forgotRoute = await import("../../app/routes/forgot-password");
const resetRoute = await import("../../app/routes/reset-password.$token");
const loginRoute = await import("../../app/routes/login");
const adminRoute = await import("../../app/routes/admin._index");
const { createPasswordReset } = await import("../../app/models/password-resets.server");

async function cookieFor(userId: number): Promise<string> {
  const response = await signIn(new Request(`${BASE}/login`), userId, "/");
  return (response.headers.get("Set-Cookie") ?? "").split(";")[0]!;
}

async function waitForMail(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const found = smtp.messages.find((m) => m.to === to);
    if (found) return found.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`No mail arrived for ${to}`);
}

let adminId: number;
let adminCookie: string;

beforeAll(async () => {
  smtp = await startSmtpInbox(SMTP_PORT);
  process.env.SMTP_URL = `smtp://127.0.0.1:${SMTP_PORT}`;
  process.env.MAIL_FROM = "Casebook <casebook@casebook.test>";
  process.env.PUBLIC_URL = "https://casebook.example.org";
  const admin = await app.person("admin");
  adminId = admin.id;
  adminCookie = admin.cookie;
});

afterAll(async () => {
  for (const name of ["SMTP_URL", "MAIL_FROM", "PUBLIC_URL"]) delete process.env[name];
  await smtp.close();
  await app.db().destroy();
});

describe("password reset by email", () => {
  it("mails a link to PUBLIC_URL that sets a new password once, ends other sessions and is audited", async () => {
    const user = await createUser(app.db(), { email: "mia@casebook.test", displayName: "Mia", passwordHash: await hashPassword("old password here") });
    const otherDevice = await cookieFor(user.id);
    // A forged Host header does not change where the link points.
    const request = new Request("http://evil.test/forgot-password", {
      method: "POST",
      body: new URLSearchParams({ email: "MIA@casebook.test" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const answer = (await forgotRoute.action({ request, params: {}, context: { clientIp: "10.0.0.1" } })) as { sent: string };
    expect(answer.sent).toMatch(/If an account uses that email/);

    const body = await waitForMail("mia@casebook.test");
    const link = /https:\/\/casebook\.example\.org\/reset-password\/([A-Za-z0-9_-]{43})/.exec(body.replace(/=\r?\n/g, ""));
    expect(link).not.toBeNull();
    const token = link![1]!;
    const stored = await app.db().selectFrom("password_resets").select("token_hash").where("user_id", "=", user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(token);

    expect(await resetRoute.loader({ request: new Request(`${BASE}/reset-password/${token}`), params: { token }, context: {} })).toEqual({ usable: true, message: "" });
    const tooShort = (await resetRoute.action({ request: app.post(`/reset-password/${token}`, { newPassword: "short" }), params: { token }, context: {} })) as Response;
    expect(tooShort.status).toBe(400);

    const done = (await settle(() => resetRoute.action({ request: app.post(`/reset-password/${token}`, { newPassword: "brand new password" }), params: { token }, context: {} }))) as Response;
    expect(done.status).toBe(302);
    const newCookie = (done.headers.get("Set-Cookie") ?? "").split(";")[0]!;
    expect((await getUser(new Request(BASE, { headers: { Cookie: newCookie } })))?.id).toBe(user.id);
    expect(await getUser(new Request(BASE, { headers: { Cookie: otherDevice } }))).toBeNull();
    expect(await verifyPassword("brand new password", (await findUserByEmail(app.db(), "mia@casebook.test"))!.password_hash)).toBe(true);
    const audit = await app.db().selectFrom("audit_log").select("action").where("subject_id", "=", String(user.id)).execute();
    expect(audit.map((a) => a.action)).toContain("user.password-reset");

    // Single use.
    const again = (await resetRoute.action({ request: app.post(`/reset-password/${token}`, { newPassword: "another new password" }), params: { token }, context: {} })) as Response;
    expect(again.status).toBe(400);
    expect(((await again.json()) as { errors: { form: string } }).errors.form).toMatch(/does not work any more/);
  });

  it("answers the same for an email with no account, and sends nothing", async () => {
    await createUser(app.db(), { email: "known@casebook.test", displayName: "Known", passwordHash: "scrypt$test" });
    const known = await forgotRoute.action({ request: app.post("/forgot-password", { email: "known@casebook.test" }), params: {}, context: { clientIp: "10.0.0.2" } });
    const unknown = await forgotRoute.action({ request: app.post("/forgot-password", { email: "nobody@casebook.test" }), params: {}, context: { clientIp: "10.0.0.2" } });
    expect(unknown).toEqual(known);
    await waitForMail("known@casebook.test");
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.some((m) => m.to === "nobody@casebook.test")).toBe(false);
  });

  it("is rate-limited per account with the same 429 whether or not it exists", async () => {
    const statuses: number[] = [];
    for (const email of ["known@casebook.test", "ghost@casebook.test"]) {
      let last: unknown;
      for (let i = 0; i < 4; i++) last = await forgotRoute.action({ request: app.post("/forgot-password", { email }), params: {}, context: { clientIp: `10.1.${i}.${email.length}` } });
      statuses.push(last instanceof Response ? last.status : 200);
    }
    expect(statuses).toEqual([429, 429]);
  });

  it("refuses an expired token", async () => {
    const user = await createUser(app.db(), { email: "old@casebook.test", displayName: "Old", passwordHash: "scrypt$test" });
    const { token } = await createPasswordReset(app.db(), user.id, null, new Date(Date.now() - 61 * 60 * 1000));
    expect(await resetRoute.loader({ request: new Request(`${BASE}/reset-password/${token}`), params: { token }, context: {} })).toMatchObject({ usable: false });
    const result = (await resetRoute.action({ request: app.post(`/reset-password/${token}`, { newPassword: "brand new password" }), params: { token }, context: {} })) as Response;
    expect(result.status).toBe(400);
  });

  it("keeps only the newest link of an account working", async () => {
    const user = await createUser(app.db(), { email: "twice@casebook.test", displayName: "Twice", passwordHash: "scrypt$test" });
    const first = await createPasswordReset(app.db(), user.id, null);
    await createPasswordReset(app.db(), user.id, null);
    expect(await resetRoute.loader({ request: new Request(`${BASE}/reset-password/${first.token}`), params: { token: first.token }, context: {} })).toMatchObject({ usable: false });
  });
});

describe("admin account actions", () => {
  it("makes a one-time reset link shown once, audited", async () => {
    const user = await createUser(app.db(), { email: "lin@casebook.test", displayName: "Lin", passwordHash: "scrypt$test" });
    const result = (await adminRoute.action({ request: app.post("/admin", { userId: String(user.id), intent: "reset-link" }, adminCookie), params: {}, context: {} })) as { link: string };
    const token = /\/reset-password\/([A-Za-z0-9_-]{43})$/.exec(result.link)![1]!;
    expect(result.link.startsWith("https://casebook.example.org/")).toBe(true);
    const done = (await settle(() => resetRoute.action({ request: app.post(`/reset-password/${token}`, { newPassword: "lin's new password" }), params: { token }, context: {} }))) as Response;
    expect(done.status).toBe(302);
    const audit = await app.db().selectFrom("audit_log").select(["action", "actor_user_id"]).where("subject_id", "=", String(user.id)).execute();
    expect(audit).toContainEqual({ action: "user.reset-link-created", actor_user_id: adminId });
  });

  it("deactivates an account: sessions end, sign-in refused, answers kept; reactivation lets it back in", async () => {
    const person = await app.person("participant");
    await app
      .db()
      .updateTable("users")
      .set({ password_hash: await hashPassword("person password") })
      .where("id", "=", person.id)
      .execute();
    await app.answerCase(person, "background-check", [0, 1], [1, -1]);
    const answersBefore = await app.db().selectFrom("positions").select("id").where("user_id", "=", person.id).execute();
    expect(answersBefore.length).toBeGreaterThan(0);

    await adminRoute.action({ request: app.post("/admin", { userId: String(person.id), intent: "deactivate" }, adminCookie), params: {}, context: {} });
    expect(await getUser(new Request(BASE, { headers: { Cookie: person.cookie } }))).toBeNull();
    const email = (await app.db().selectFrom("users").select("email").where("id", "=", person.id).executeTakeFirstOrThrow()).email;
    const login = (await settle(() => loginRoute.action({ request: app.post("/login", { email, password: "person password" }), params: {}, context: { clientIp: "10.2.0.1" } }))) as Response;
    expect(login.status).toBe(403);
    expect(await app.db().selectFrom("positions").select("id").where("user_id", "=", person.id).execute()).toEqual(answersBefore);
    // No reset for a deactivated account, by mail or by link.
    const link = (await adminRoute.action({ request: app.post("/admin", { userId: String(person.id), intent: "reset-link" }, adminCookie), params: {}, context: {} })) as Response;
    expect(link.status).toBe(400);

    await adminRoute.action({ request: app.post("/admin", { userId: String(person.id), intent: "reactivate" }, adminCookie), params: {}, context: {} });
    const back = (await settle(() => loginRoute.action({ request: app.post("/login", { email, password: "person password" }), params: {}, context: { clientIp: "10.2.0.1" } }))) as Response;
    expect(back.status).toBe(302);
    const audit = await app.db().selectFrom("audit_log").select("action").where("subject_id", "=", String(person.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["user.deactivated", "user.reactivated"]));
  });

  it("never deactivates the last active admin", async () => {
    const result = (await adminRoute.action({ request: app.post("/admin", { userId: String(adminId), intent: "deactivate" }, adminCookie), params: {}, context: {} })) as Response;
    expect(result.status).toBe(400);
    expect(((await result.json()) as { error: string }).error).toMatch(/at least one active admin/);
    expect(await getUser(new Request(BASE, { headers: { Cookie: adminCookie } }))).not.toBeNull();
  });
});
