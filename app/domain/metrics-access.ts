/**
 * Who may read /metrics (ADR 022). Metrics say how busy the service is, which rooms are live and
 * when the database is away: not for the public internet.
 *
 * - With METRICS_TOKEN set: anyone sending `Authorization: Bearer <token>`, from anywhere (a
 *   Prometheus on another host), compared in constant time. Nobody else, not even loopback.
 * - Without it: only a direct connection from this host (127.0.0.0/8, ::1) that no proxy
 *   forwarded. A reverse proxy on the same host also connects from loopback, so a request
 *   carrying X-Forwarded-For, Forwarded or X-Real-IP is refused: it came through the proxy,
 *   from anyone. (The README's nginx example also answers /metrics with 404 itself.)
 */
import { timingSafeEqual } from "node:crypto";

export interface MetricsRequest {
  /** The configured METRICS_TOKEN, or null. */
  token: string | null;
  /** The Authorization header, if any. */
  authorization: string | undefined;
  /** The TCP peer's address (the socket's, never a forwarded one). */
  remoteAddress: string | undefined;
  /** Whether the request carries any of X-Forwarded-For, Forwarded, X-Real-IP. */
  forwarded: boolean;
}

export type MetricsAccess = { allowed: true } | { allowed: false; status: 401 | 403; message: string };

/** Whether `address` is this host's loopback (IPv4 127/8, IPv6 ::1, or IPv4 loopback mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === "::1";
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The decision for one request to /metrics; refusals carry the status and a message saying what would be let in. */
export function metricsAccess(request: MetricsRequest): MetricsAccess {
  if (request.token !== null) {
    const sent = /^Bearer ([^\s]+)$/i.exec(request.authorization ?? "")?.[1];
    if (sent !== undefined && sameToken(sent, request.token)) return { allowed: true };
    return { allowed: false, status: 401, message: "Metrics need the token configured in METRICS_TOKEN, sent as Authorization: Bearer <token>." };
  }
  if (isLoopback(request.remoteAddress) && !request.forwarded) return { allowed: true };
  return { allowed: false, status: 403, message: "Metrics are served only to direct connections from this host. Set METRICS_TOKEN to scrape them from elsewhere." };
}
