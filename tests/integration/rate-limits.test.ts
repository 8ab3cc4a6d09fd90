import { afterAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const app = await startApp();
const loginRoute = await import("../../app/routes/login");
const { countHits, peekHits } = await import("../../app/models/rate-limits.server");
const { createUser } = await import("../../app/models/users.server");
const { hashPassword } = await import("../../app/accounts/password.server");
const countHit = async (db: Parameters<typeof countHits>[0], key: string, windowMs: number, now: number) => (await countHits(db, [{ key, windowMs }], now)).get(key)!;
afterAll(() => app.cleanup());

describe("rate limits", () => {
  it("count hits within a window and start again in the next", async () => {
    const t = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect((await countHit(app.db(), "probe", 60_000, t)).count).toBe(1);
    expect((await countHit(app.db(), "probe", 60_000, t + 10_000)).count).toBe(2);
    expect((await countHit(app.db(), "probe", 60_000, t + 60_000)).count).toBe(1);
  });

  it("count several keys in one statement, each in its own window, a repeated key once", async () => {
    const t = Date.UTC(2026, 0, 1, 13, 0, 0);
    const hits = [
      { key: "room:a", windowMs: 60_000 },
      { key: "device:a", windowMs: 1_000 },
      { key: "room:a", windowMs: 60_000 },
    ];
    const first = await countHits(app.db(), hits, t);
    expect([first.get("room:a")!.count, first.get("device:a")!.count]).toEqual([1, 1]);
    const second = await countHits(app.db(), hits, t + 1_500);
    expect(second.get("room:a")).toEqual({ count: 2, resetAt: t + 60_000 });
    expect(second.get("device:a")).toEqual({ count: 1, resetAt: t + 2_000 }); // a new one-second window
    expect((await countHit(app.db(), "room:a", 60_000, t + 2_000)).count).toBe(3);
  });

  it("can be read without counting a hit: the current window's count, 0 in a window not hit yet", async () => {
    const t = Date.UTC(2026, 0, 1, 14, 0, 0);
    await countHit(app.db(), "miss:10.0.0.9", 60_000, t);
    await countHit(app.db(), "miss:10.0.0.9", 60_000, t + 1_000);
    const hits = [
      { key: "miss:10.0.0.9", windowMs: 60_000 },
      { key: "miss:never", windowMs: 60_000 },
    ];
    expect((await peekHits(app.db(), hits, t + 2_000)).get("miss:10.0.0.9")).toEqual({ count: 2, resetAt: t + 60_000 });
    expect((await peekHits(app.db(), hits, t + 3_000)).get("miss:10.0.0.9")!.count).toBe(2);
    expect((await peekHits(app.db(), hits, t + 3_000)).get("miss:never")!.count).toBe(0);
    expect((await peekHits(app.db(), hits, t + 61_000)).get("miss:10.0.0.9")!.count).toBe(0);
  });

  it("answer the eleventh failed sign-in for one account with 429 and a clear message", async () => {
    const attempt = () => settle(() => loginRoute.action({ request: app.post("/login", { email: "victim@casebook.test", password: "guess" }), params: {}, context: { clientIp: "203.0.113.9" } }));
    for (let i = 0; i < 10; i += 1) expect(((await attempt()) as Response).status).toBe(400);
    const blocked = (await attempt()) as Response;
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await json<{ errors: { form: string } }>(blocked)).errors.form).toMatch(/Too many sign-in attempts/);
  });

  it("let the owner sign in from another address while one address is refused for guessing their password", async () => {
    await createUser(app.db(), { email: "owner@casebook.test", displayName: "Owner", passwordHash: await hashPassword("the owner's long password") });
    const attempt = (password: string, clientIp: string) =>
      settle(() => loginRoute.action({ request: app.post("/login", { email: "owner@casebook.test", password }), params: {}, context: { clientIp } }));
    for (let i = 0; i < 10; i += 1) expect(((await attempt("guess", "198.51.100.7")) as Response).status).toBe(400);
    for (let i = 0; i < 20; i += 1) expect(((await attempt("guess", "198.51.100.7")) as Response).status).toBe(429);
    // The owner's own address: their password works (302 to home), and a typo is an ordinary 400.
    expect(((await attempt("typo by the owner", "192.0.2.44")) as Response).status).toBe(400);
    const owner = (await attempt("the owner's long password", "192.0.2.44")) as Response;
    expect(owner.status).toBe(302);
  });
});
