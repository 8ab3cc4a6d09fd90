import type { HeadersFunction } from "@remix-run/node";
import { db } from "../platform/db.server";
import type { WindowCounts, WindowHit } from "../domain/rate-windows";
import { RedisWindowCounter } from "../live/redis-counter.server";
import { sharedRedisHealth } from "../live/redis-health.server";
import { countHits, peekHits } from "../models/rate-limits.server";
import { onShutdown } from "../platform/shutdown.server";
import { singleton } from "../platform/singleton.server";
import { readConfig } from "../platform/config.server";

/** Limits per kind of request; generous for people, tight enough to stop scripted guessing. */
export const RATE_LIMITS = {
  // Sign-in is limited per account *and address*, so guessing from one address cannot lock the owner out
  // from another; the per-account ceiling counts only attempts the per-address limits let through, so
  // reaching it takes 20 addresses or more (see docs/decisions/014-sign-in-throttling-and-account-enumeration.md).
  "login-account-address": { limit: 10, windowMs: 15 * 60 * 1000, message: "Too many sign-in attempts for this account from your network. Wait 15 minutes and try again." },
  "login-account": { limit: 200, windowMs: 15 * 60 * 1000, message: "Too many sign-in attempts for this account. Wait 15 minutes and try again." },
  "login-address": { limit: 50, windowMs: 15 * 60 * 1000, message: "Too many sign-in attempts from your network. Wait 15 minutes and try again." },
  // Reset mail (ADR 023): per address so one network cannot mail-bomb, per account so nobody's inbox floods.
  "reset-address": { limit: 10, windowMs: 60 * 60 * 1000, message: "Too many password reset requests from your network. Try again in an hour." },
  "reset-account": { limit: 3, windowMs: 60 * 60 * 1000, message: "Too many password reset requests. Try again in an hour." },
  signup: { limit: 20, windowMs: 60 * 60 * 1000, message: "Too many new accounts from your network. Try again in an hour." },
  write: { limit: 60, windowMs: 60 * 1000, message: "You are doing that very fast. Wait a minute and try again." },
  // A whole room often shares one network address, so per-address limits are room-sized: a
  // room of 1,000 may join within a minute (the burst), but one network adds at most 3,000 phones
  // an hour (a script dropping its cookie to join again is a new phone each time).
  "join-address": { limit: 1000, windowMs: 60 * 1000, message: "Too many people are joining from your network at once. Wait a moment and try again." },
  "join-address-hour": { limit: 3000, windowMs: 60 * 60 * 1000, message: "Too many people have joined from your network this hour. Ask the facilitator for help." },
  // Wrong join codes per client network: a few typos pass, guessing live rooms does not. Once
  // spent, every lookup by code from that network is refused (known codes too), so the answers
  // say nothing about which codes are real (see guardCodeLookup).
  "join-code-miss": { limit: 20, windowMs: 10 * 60 * 1000, message: "Too many wrong workshop codes from your network. Wait a few minutes, then check the code on the screen." },
  "join-device": { limit: 20, windowMs: 60 * 1000, message: "Too many attempts to join from this device. Wait a minute and try again." },
  "vote-address": { limit: 6000, windowMs: 60 * 1000, message: "Too many votes from your network at once. Wait a moment and try again." },
  "vote-device": { limit: 30, windowMs: 60 * 1000, message: "You are voting very fast. Wait a minute and try again." },
} as const;

export type RateLimitKind = keyof typeof RATE_LIMITS;

export interface RateLimitVerdict {
  allowed: boolean;
  message: string;
  retryAfterSeconds: number;
}

export function checkRateLimit(kind: RateLimitKind, identity: string): Promise<RateLimitVerdict> {
  return checkRateLimits([[kind, identity]]);
}

/** With REDIS_URL (several processes), counters live in Redis; otherwise in the database. */
function redisCounter(): RedisWindowCounter | null {
  return singleton("rate-limit-redis", () => {
    const { redisUrl, redisPrefix } = readConfig();
    if (!redisUrl) return null;
    const counter = new RedisWindowCounter(redisUrl, redisPrefix, sharedRedisHealth());
    // After the last request: a vote still in flight at SIGTERM checks its limits here.
    onShutdown(() => counter.close(), "after-requests");
    return counter;
  });
}

/**
 * Runs a counter operation in Redis when there is one, and in the database when not or when
 * Redis fails: at once while Redis is known to be down, else after at most the command time
 * limit (ADR 020), so limits never lapse and a vote never waits on a hung Redis. One place for that rule.
 */
async function inRedisElseDatabase(redisOp: (redis: RedisWindowCounter) => Promise<WindowCounts>, databaseOp: () => Promise<WindowCounts>): Promise<WindowCounts> {
  const redis = redisCounter();
  if (redis) {
    try {
      return await redisOp(redis);
    } catch {
      // Redis is down; the shared database still counts.
    }
  }
  return databaseOp();
}

/** Counts the hits (Redis, else the database). */
function countWindowHits(hits: WindowHit[]): Promise<WindowCounts> {
  return inRedisElseDatabase(
    (redis) => redis.countHits(hits),
    () => countHits(db(), hits),
  );
}

/** The count so far in each key's current window, without counting a hit (Redis, else the database). */
function peekWindowHits(hits: WindowHit[]): Promise<WindowCounts> {
  return inRedisElseDatabase(
    (redis) => redis.peekHits(hits),
    () => peekHits(db(), hits),
  );
}

/**
 * Whether this identity has already spent a limit, without spending any of it: for requests
 * that succeed but must still be refused once a budget of failures is spent (guardCodeLookup).
 */
export async function peekRateLimit(kind: RateLimitKind, identity: string): Promise<RateLimitVerdict> {
  const rule = RATE_LIMITS[kind];
  const { count, resetAt } = (await peekWindowHits([{ key: `${kind}:${identity}`, windowMs: rule.windowMs }])).get(`${kind}:${identity}`)!;
  if (count > rule.limit) return { allowed: false, message: rule.message, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - Date.now()) / 1000)) };
  return { allowed: true, message: "", retryAfterSeconds: 0 };
}

/** Several limits counted at once (one round trip); the first one exceeded, in the order given, decides. */
export async function checkRateLimits(checks: readonly (readonly [RateLimitKind, string])[]): Promise<RateLimitVerdict> {
  const counts = await countWindowHits(checks.map(([kind, identity]) => ({ key: `${kind}:${identity}`, windowMs: RATE_LIMITS[kind].windowMs })));
  for (const [kind, identity] of checks) {
    const rule = RATE_LIMITS[kind];
    const { count, resetAt } = counts.get(`${kind}:${identity}`)!;
    if (count > rule.limit) return { allowed: false, message: rule.message, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - Date.now()) / 1000)) };
  }
  return { allowed: true, message: "", retryAfterSeconds: 0 };
}

/**
 * The sign-in limits for one attempt on `account` (the lower-cased email) from `address`: first
 * per address and per account-and-address (counted together), then, only when those allow it,
 * the account's own ceiling. So an address over its limits adds nothing to the account's count,
 * and the owner signing in from another address is not refused because of it. Resolves to the
 * first limit exceeded, or allowed.
 */
export async function checkSignInLimits(address: string, account: string): Promise<RateLimitVerdict> {
  const perAddress = await checkRateLimits([
    ["login-address", address],
    ["login-account-address", `${account} ${address}`],
  ]);
  if (!perAddress.allowed) return perAddress;
  return checkRateLimit("login-account", account);
}

/** The 429 answer: the caller's body (field errors and the rule's message) and when to retry. */
export function tooManyRequests(body: unknown, verdict: RateLimitVerdict): Response {
  return Response.json(body, { status: 429, headers: { "Retry-After": String(verdict.retryAfterSeconds) } });
}

export function clientAddress(context: { clientIp?: string } | undefined): string {
  return context?.clientIp || "unknown";
}

/**
 * A route's `headers` export for actions and loaders that answer (or throw) 429: Remix passes on
 * only the cookies of those responses to the page (and to single-fetch data), so Retry-After
 * would be dropped.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After") ?? errorHeaders?.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
