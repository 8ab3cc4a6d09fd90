import { expect, type Page } from "@playwright/test";

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

export async function logIn(page: Page, person: { email: string; password?: string }): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password ?? "a long enough password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}
