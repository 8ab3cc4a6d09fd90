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

/**
 * The client network an address belongs to, as rate limits key it: an IPv4 address as it is (a
 * room behind NAT already shares one), an IPv4-mapped IPv6 address as its IPv4 address, and any
 * other IPv6 address as its /64 prefix, because one host is usually given a whole /64 and could
 * otherwise take a fresh address for every request (RFC 4291 interface identifiers, RFC 8981
 * temporary addresses). Anything unreadable is returned unchanged.
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const zoneless = address.split("%")[0]!.toLowerCase();
  const halves = zoneless.split("::");
  if (halves.length > 2) return address;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const groups = halves.length === 2 ? [...head, ...new Array<string>(Math.max(0, 8 - head.length - tail.length)).fill("0"), ...tail] : head;
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
