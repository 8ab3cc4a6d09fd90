import nodemailer from "nodemailer";
import { readConfig, type MailConfig } from "../platform/config.server";
import { resetLink, RESET_LIFETIME_MS } from "../domain/accounts";

/** Whether the app can send mail: SMTP is configured. Throws on a wrong setting. */
export function mailConfigured(): boolean {
  return readConfig().mail !== null;
}

/**
 * Sends the reset link for `token` to `to`, through the configured SMTP server. Resolves when
 * the server accepted the message; rejects when mail is not configured or the server refuses.
 */
export async function sendResetMail(to: string, token: string, config: MailConfig | null = readConfig().mail): Promise<void> {
  if (!config) throw new Error("Mail is not configured: set SMTP_URL or SMTP_HOST, MAIL_FROM and PUBLIC_URL");
  const link = resetLink(config.publicUrl, token);
  const minutes = RESET_LIFETIME_MS / 60_000;
  const transporter = nodemailer.createTransport(config.transport);
  try {
    await transporter.sendMail({
      from: config.from,
      to,
      subject: "Choose a new Casebook password",
      text: [
        "Someone (we hope you) asked to choose a new password for your Casebook account.",
        "",
        `Open this link within ${minutes} minutes to choose one. It works once:`,
        link,
        "",
        "If you did not ask, ignore this message; your password stays as it is.",
      ].join("\n"),
    });
  } finally {
    transporter.close();
  }
}
