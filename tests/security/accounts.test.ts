/**
 * Accounts against an attacker who knows an email: signing in costs the same for an unknown and a
 * real account, guessing a password from one address does not lock its owner out from another,
 * and sign-up does not confirm which emails have accounts. Every request here comes from its own
 * loopback address (raw-http.ts), so the budgets other tests share on 127.0.0.1 are untouched.
 */
import { expect, test } from "@playwright/test";
import { PASSWORD, unique } from "./helpers";
import { awayFromWindowEdge, rawForm } from "./raw-http";

async function newAccount(from: string): Promise<string> {
  const email = `${unique("accounts")}@security.test`;
  const response = await rawForm("/signup", { email, displayName: "Account Owner", password: PASSWORD, redirectTo: "" }, from);
  expect(response.status, response.body.slice(0, 300)).toBe(302);
  return email;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

test("a wrong password takes comparable time for an unknown email and for a real account", async () => {
  test.setTimeout(90_000);
  const email = await newAccount("127.0.0.60");
  const unknown = `${unique("nobody")}@security.test`;
  const timings = { real: [] as number[], unknown: [] as number[] };
  // Interleaved, so a busy moment on the machine falls on both sides; medians ignore the odd outlier.
  for (let i = 0; i < 7; i += 1) {
    for (const [side, who] of [
      ["real", email],
      ["unknown", unknown],
    ] as const) {
      const started = performance.now();
      const response = await rawForm("/login", { email: who, password: `wrong password ${i}`, redirectTo: "" }, "127.0.0.61");
      timings[side].push(performance.now() - started);
      expect(response.status, `${side} attempt ${i}`).toBe(400);
      expect(response.body).toContain("That email and password do not match an account.");
    }
  }
  const [real, none] = [median(timings.real), median(timings.unknown)];
  expect(Math.max(real, none) / Math.min(real, none), `medians: real account ${real.toFixed(0)} ms, unknown email ${none.toFixed(0)} ms`).toBeLessThan(3);
});

test("after many wrong passwords from one address, that address gets 429 and the owner still signs in from another", async () => {
  test.setTimeout(180_000);
  const email = await newAccount("127.0.0.62");
  const attacker = "127.0.0.63";
  // The count must not restart at a window's edge half-way through.
  await awayFromWindowEdge(60_000);
  const answers: number[] = [];
  for (let i = 0; i < 15; i += 1) answers.push((await rawForm("/login", { email, password: `guess number ${i}`, redirectTo: "" }, attacker)).status);
  expect(answers.slice(0, 10), "the first ten guesses are ordinary refusals").toEqual(Array(10).fill(400));
  expect(answers.slice(10), "then the guessing address is refused").toEqual(Array(5).fill(429));
  const refused = await rawForm("/login", { email, password: PASSWORD, redirectTo: "" }, attacker);
  expect(refused.status, "even the right password, from the guessing address").toBe(429);
  expect(refused.body).toContain("Too many sign-in attempts for this account");
  expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);

  const owner = await rawForm("/login", { email, password: PASSWORD, redirectTo: "/me" }, "127.0.0.64");
  expect(owner.status, owner.body.slice(0, 300)).toBe(302);
  expect(owner.headers.location).toBe("/me");
  expect(owner.cookies).toMatch(/casebook_session=/);
});

test("signing up with an email that has an account does not say that it has one", async () => {
  const email = await newAccount("127.0.0.65");
  const response = await rawForm("/signup", { email: email.toUpperCase(), displayName: "Someone Else", password: "another long password", redirectTo: "" }, "127.0.0.66");
  expect(response.status).toBe(400);
  // The refusal is shown at the email field, in words that do not confirm the account.
  expect(response.body).toContain("We could not create an account with this email. If you have signed up before, log in instead.");
  expect(response.body).not.toMatch(/already (exists|has an account|registered|in use|taken)|account with this email (already )?exists/i);
});
