import { expect, type Page } from "@playwright/test";
import { join } from "node:path";
import { openDatabase } from "../../db/client";
import type { Role } from "../../db/schema";
import { createUser } from "../../app/models/users.server";
import { hashPassword } from "../../app/accounts/password.server";

export const ADMIN = { email: "admin@casebook.test", name: "Ada Admin", password: "correct horse battery" };

let counter = 0;
/** A fresh address per call, so tests never collide on the shared database. */
export function uniqueEmail(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}@casebook.test`;
}

export async function signUp(page: Page, person: { email: string; name: string; password?: string }): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Display name").fill(person.name);
  await page.getByLabel("Password").fill(person.password ?? "a long enough password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "My profile" })).toBeVisible();
}

/**
 * Makes an account through the app's users model on the end-to-end server's database, without the
 * sign-up form: the form allows 20 sign-ups an hour per network address, and every test comes
 * from one. Also stores what the form would now refuse, as an older version might have (a name
 * with a direction control), and gives it `role` if asked. Log in with `logIn` afterwards.
 */
export async function createAccount(person: { email: string; name: string; password?: string; role?: Role }): Promise<void> {
  const db = openDatabase(join(process.env.CASEBOOK_E2E_DIR!, "casebook.sqlite"));
  try {
    const user = await createUser(db, { email: person.email, displayName: person.name, passwordHash: await hashPassword(person.password ?? "a long enough password") });
    if (person.role) await db.updateTable("users").set({ role: person.role }).where("id", "=", user.id).execute();
  } finally {
    await db.destroy();
  }
}

/**
 * Signs `person` in on `page`. The page's requests come from a network of the person's own (an
 * address derived from the email, sent as X-Forwarded-For, which the suite's server trusts from
 * loopback), as colleagues on their own devices would: sign-in allows 50 attempts per network in
 * 15 minutes, fewer than the whole suite makes.
 */
export async function logIn(page: Page, person: { email: string; password?: string }): Promise<void> {
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": networkOf(person.email) });
  await page.goto("/login");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password ?? "a long enough password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

/** A private IPv4 address that is the same for the same email (10.x.y.z). */
function networkOf(email: string): string {
  let hash = 0;
  for (const c of email) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `10.${(hash >>> 16) & 255}.${(hash >>> 8) & 255}.${hash & 255 || 1}`;
}

/**
 * Signs in a new account with `role` (made by `createAccount`). Tests that need an author or a
 * facilitator use this rather than ADMIN: sign-in allows 10 attempts per account and network in
 * 15 minutes, and every test signs in from one.
 */
export async function logInAsNew(page: Page, role: Role, name = `A ${role}`): Promise<void> {
  const email = uniqueEmail(role);
  await createAccount({ email, name, role });
  await logIn(page, { email });
}
