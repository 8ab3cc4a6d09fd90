/**
 * A real SMTP server for tests of mail the app sends (`smtp-server`, no auth, no STARTTLS),
 * keeping every message it receives: the password reset tests (integration and end-to-end).
 */
import { SMTPServer } from "smtp-server";

export interface SmtpInbox {
  /** Messages received so far: recipients (comma-joined) and the raw message. */
  readonly messages: { to: string; body: string }[];
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1:`port`; resolves once it listens, rejects if it cannot. */
export async function startSmtpInbox(port: number): Promise<SmtpInbox> {
  const messages: { to: string; body: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      stream.on("end", () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address).join(","), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
