/**
 * Plain HTTP requests from a chosen loopback address (127.0.0.2, 127.0.0.3, …): the server keys
 * rate limits by the socket's address, so a test can be "another client" without touching the
 * budgets every other test shares from 127.0.0.1. Redirects are returned, not followed.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { baseURL, encodeForm, type FormFields } from "./helpers";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The session and other cookies it set, ready for a Cookie header. */
  cookies: string;
}

export function rawRequest(options: { method: "GET" | "POST"; path: string; from: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  const url = new URL(options.path, baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method,
        localAddress: options.from,
        headers: { ...options.headers, ...(options.body ? { "Content-Length": Buffer.byteLength(options.body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            cookies: (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; "),
          }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${options.method} ${options.path} from ${options.from}: no answer in 30 s`)));
    req.on("error", reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** A same-site form POST, as a browser at address `from` sends it. */
export function rawForm(path: string, fields: FormFields, from: string, cookie = ""): Promise<RawResponse> {
  return rawRequest({
    method: "POST",
    path,
    from,
    body: encodeForm(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

/** The sign-in limits' window (RATE_LIMITS in app/http/rate-limit.server.ts): fixed 15-minute windows, starting on the quarter hour. */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

/**
 * Waits, when needed, until a fixed rate-limit window has at least `needMs` left, so a test that
 * counts attempts to a limit does not see the count restart half-way (the server shares this clock).
 */
export async function awayFromWindowEdge(needMs: number, windowMs = SIGN_IN_WINDOW_MS): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}
