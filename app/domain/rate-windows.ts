/** Fixed-window rate counting, as both counter stores (the database and Redis) do it. Pure. */

export interface WindowHit {
  key: string;
  windowMs: number;
}

export type WindowCounts = Map<string, { count: number; resetAt: number }>;

/**
 * Each key once (a store may not count a key twice in one write), in sorted order (so two
 * writers over the same keys take their locks in one order), with the start of its current window.
 */
export function fixedWindows(hits: readonly WindowHit[], now: number): (WindowHit & { startMs: number })[] {
  return [...new Map(hits.map((hit) => [hit.key, hit])).values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((hit) => ({ ...hit, startMs: Math.floor(now / hit.windowMs) * hit.windowMs }));
}
