/**
 * How long a live page waits before trying its stream again after an outage: exponential
 * (base × 2^attempt), capped, with "equal jitter" (half the step fixed, half random) so a room
 * of 1,000 phones that lost the server at the same moment does not come back at the same
 * moment. Pure; the random source is injected for tests. ADR 020 gives the numbers.
 */
export interface Backoff {
  /** The first wait's upper bound, in milliseconds. */
  baseMs: number;
  /** No wait is longer than this, in milliseconds: a page is live again at most this long after the server is. */
  capMs: number;
}

/**
 * Base 500 ms, cap 4 s: pages must be right within 5 s of recovery (issue 18, `npm run
 * test:ops`), and a page is live again at most one wait plus one failed probe and one
 * connection after the server is; a 5 s cap left nothing for those two.
 */
export const LIVE_RECONNECT: Backoff = { baseMs: 500, capMs: 4_000 };

/**
 * The wait before reconnection attempt `attempt` (0 for the first after a loss), in
 * milliseconds: between half and all of min(capMs, baseMs × 2^attempt). `random` returns a
 * number in [0, 1). A negative or fractional attempt counts as its floor, at least 0.
 */
export function reconnectDelay(attempt: number, backoff: Backoff = LIVE_RECONNECT, random: () => number = Math.random): number {
  const step = Math.max(0, Math.floor(attempt));
  // 2^30 already exceeds any sensible cap; stopping there keeps the number finite.
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(step, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
