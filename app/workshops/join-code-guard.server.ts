/**
 * Every lookup by join code (the join page and its data, the join form, the phone page and its
 * forms, the JSON vote endpoint) answers differently for a real code and an unknown one: it has
 * to, to tell a person they mistyped. So each of them is an oracle for finding live rooms, and
 * each goes through this one guard: a failed lookup spends the client network's small budget
 * ("join-code-miss"), and once it is spent every lookup by code from that network gets the same
 * 429, real code or not, until the window ends. A device that already joined the room it names
 * is not a guess and is never checked (a room's votes must not cost a query more).
 */
import { clientNetwork } from "../domain/rate-windows";
import { checkRateLimit, peekRateLimit, type RateLimitVerdict } from "../http/rate-limit.server";

/**
 * Call after looking a join code up: `found` is whether a workshop has the code. Counts a miss
 * (found false), or checks without counting that the budget is not spent (found true). Returns
 * the verdict: when not allowed, answer 429 with its message and Retry-After, whatever was found.
 */
export function guardCodeLookup(address: string, found: boolean): Promise<RateLimitVerdict> {
  const network = clientNetwork(address);
  return found ? peekRateLimit("join-code-miss", network) : checkRateLimit("join-code-miss", network);
}
