/**
 * Password reset by email (issue 16, ADR 023), end to end: the e2e server is configured with an
 * SMTP server that this test starts (the `smtp-server` package) on the port the config names;
 * the person asks on /forgot-password, the mail arrives, its link sets a new password once.
 */
import { expect, test } from "@playwright/test";
import { smtpPort } from "../../playwright.config";
import { startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";
import { createAccount, logIn, uniqueEmail } from "./utils";

let smtp: SmtpInbox;

test.beforeAll(async () => {
  smtp = await startSmtpInbox(smtpPort);
});

test.afterAll(async () => {
  await smtp.close();
});

/** The reset link in the mail sent to `to` (quoted-printable soft breaks undone). */
async function resetLinkMailedTo(to: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    const mail = smtp.messages.find((m) => m.to === to);
    if (mail) {
      const text = mail.body.replace(/=\r?\n/g, "").replace(/=3D/gi, "=");
      const link = text.match(/https?:\/\/\S+\/reset-password\/[A-Za-z0-9_-]{43}/)?.[0];
      if (!link) throw new Error(`The mail to ${to} holds no reset link:\n${text}`);
      return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No mail arrived for ${to}`);
}

test("a person who forgot their password gets a link by email; it sets a new one once", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("mailed");
  await createAccount({ email, name: `Mailed ${Date.now().toString(36)}` });

  await page.goto("/login");
  await page.getByRole("link", { name: /forgot/i }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(email);
  await page.screenshot({ path: test.info().outputPath("forgot-password.png"), fullPage: true });
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("status")).toBeVisible();
  // The same answer for an address with no account, and no mail for it.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto("/forgot-password");
  await stranger.getByLabel("Email").fill(uniqueEmail("nobody"));
  await stranger.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(stranger.getByRole("status")).toHaveText((await page.getByRole("status").textContent())!);

  const link = await resetLinkMailedTo(email);
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);
  await page.goto(link);
  await page.getByLabel("New password").fill("a password from the mail");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("heading", { name: /My profile/ })).toBeVisible();

  const fresh = await (await browser.newContext()).newPage();
  await logIn(fresh, { email, password: "a password from the mail" });
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByRole("alert")).toContainText("does not work any more");
  expect(smtp.messages.filter((m) => m.to !== email)).toHaveLength(0);
});
