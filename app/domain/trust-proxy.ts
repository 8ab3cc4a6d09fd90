/**
 * TRUST_PROXY: which proxies in front of Casebook may tell it the client's address, protocol
 * and host (X-Forwarded-For, -Proto, -Host), as Express's `trust proxy` setting.
 *
 * The client's address keys the per-address rate limits (sign-in, sign-up, join, vote). A
 * setting that trusts any sender makes Express take the left-most X-Forwarded-For entry, which
 * the client writes itself, so each client could pick a fresh rate-limit key per request. Such
 * settings are refused at start-up rather than accepted with a warning.
 */
import { isIP } from "node:net";

/** What Express's `trust proxy` is set to: false (trust nobody), a hop count, or proxy addresses and subnets. */
export type TrustProxy = false | number | string[];

/** The widest subnets accepted: 10.0.0.0/8 is the broadest private IPv4 range; /32 is an IPv6 allocation (fc00::/7, the private range, excepted). */
const MIN_IPV4_PREFIX = 8;
const MIN_IPV6_PREFIX = 32;

/** The names proxy-addr (Express's `trust proxy`) knows for the private ranges. */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

const SAFE_VALUES = "the number of proxies in front of Casebook (e.g. TRUST_PROXY=1), or the proxies' addresses or subnets (e.g. TRUST_PROXY=loopback or TRUST_PROXY=10.0.0.5,10.1.0.0/16)";

/** Why one entry of an address list is refused, or null when it is a proxy address or subnet. */
function problemWithEntry(entry: string): string | null {
  if (NAMED_RANGES.has(entry)) return null;
  const [address = "", mask, ...extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra.length > 0) return `"${entry}" is not an IP address, a subnet (address/prefix) or one of loopback, linklocal, uniquelocal`;
  if (mask === undefined) return null;
  const bits = family === 4 ? 32 : 128;
  let prefix: number;
  if (/^\d{1,3}$/.test(mask)) prefix = Number(mask);
  else if (family === 4 && isIP(mask) === 4) {
    // A dotted netmask must be contiguous ones (255.255.0.0), which proxy-addr also requires.
    const binary = mask
      .split(".")
      .map((octet) => Number(octet).toString(2).padStart(8, "0"))
      .join("");
    if (!/^1*0*$/.test(binary)) return `"${entry}" has a netmask that is not a run of ones then zeros`;
    prefix = binary.indexOf("0") === -1 ? 32 : binary.indexOf("0");
  } else return `"${entry}" has a prefix that is neither a number nor an IPv4 netmask`;
  if (prefix > bits) return `"${entry}" has a prefix longer than ${bits} bits`;
  // A /0 "subnet" is every address: the same as trusting everyone. Wider than a private range
  // (10.0.0.0/8, or a /32 for IPv6) is no set of proxies either, and a few broad subnets add up
  // to everyone (0.0.0.0/1 with 128.0.0.0/1); ::ffff:0:0/96 is every IPv4 client, mapped.
  const ipv4Prefix = family === 4 ? prefix : /^::ffff:/i.test(address) ? prefix - 96 : null;
  // Unique local addresses (fc00::/7) are IPv6's private range, as wide as the prefix says.
  const uniqueLocal = family === 6 && /^f[cd]/i.test(address) && prefix >= 7;
  const tooBroad = ipv4Prefix !== null ? ipv4Prefix < MIN_IPV4_PREFIX : prefix < MIN_IPV6_PREFIX && !uniqueLocal;
  if (tooBroad) {
    return `"${entry}" trusts ${prefix === 0 ? "every address" : "a range wider than any set of proxies"} (at most /${MIN_IPV4_PREFIX} for IPv4, /${MIN_IPV6_PREFIX} for IPv6), so clients in it could forge X-Forwarded-For`;
  }
  return null;
}

/**
 * Parses TRUST_PROXY. Unset, empty, "false" or "0" mean trust no proxy; a positive whole number
 * is a hop count; otherwise a comma-separated list of IP addresses, subnets (CIDR or IPv4
 * netmask) and the names loopback, linklocal, uniquelocal.
 *
 * Throws an Error naming TRUST_PROXY and the safe alternatives for "true" (or anything else
 * that trusts every sender, such as 0.0.0.0/0) and for anything malformed.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? "").trim();
  if (value === "" || value === "false" || value === "0") return false;
  if (value.toLowerCase() === "true") {
    throw new Error(`TRUST_PROXY=true is refused: it makes Casebook believe whatever X-Forwarded-For a client sends, so anyone could dodge the rate limits. Set it to ${SAFE_VALUES}.`);
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (!Number.isSafeInteger(hops) || hops > 10) throw new Error(`TRUST_PROXY=${value} is not a believable number of proxies (at most 10). Set it to ${SAFE_VALUES}.`);
    return hops;
  }
  const entries = value.split(",").map((entry) => entry.trim());
  const problems = entries.map((entry) => (entry === "" ? "an empty entry between commas" : problemWithEntry(entry))).filter((p): p is string => p !== null);
  if (problems.length > 0) throw new Error(`TRUST_PROXY="${value}" is refused: ${problems.join("; ")}. Set it to ${SAFE_VALUES}.`);
  return entries;
}
