/**
 * Bridging score: how much an argument is valued across the divide.
 *
 *   bridging = min(E_right, E_wrong) × (1 + 0.5 × (S − 1))
 *
 * E_right and E_wrong count the endorsers whose **public lean** on the argument is "right" and
 * "wrong" (`publicLeans`): read from the other arguments they endorsed, never from their private
 * answers (ADR 018). S is the number of distinct declared standings among all endorsers (at
 * least 1). An argument endorsed only by one side scores 0 however popular it is; one endorsed by
 * both sides scores more the more evenly it is endorsed and the more kinds of people (front line,
 * managers, HR…) endorse it.
 */
import { creditCounts } from "./counting";
import type { Side } from "./scales";

/**
 * Where an endorser stands on what the person in the case did, as their public endorsements show
 * it: "right" (they endorse more arguments for it than against it) or "wrong" (the reverse).
 */
export type PublicLean = "right" | "wrong";

export interface Endorser {
  /** The endorser's public lean on the argument (`publicLeans`); null when they have none. */
  lean: PublicLean | null;
  standing: string | null;
}

export function bridgingScore(endorsers: Endorser[]): number {
  let right = 0;
  let wrong = 0;
  for (const e of endorsers) {
    if (e.lean === "right") right += 1;
    else if (e.lean === "wrong") wrong += 1;
  }
  const standings = new Set(endorsers.map((e) => e.standing).filter((s): s is string => s !== null));
  return Math.min(right, wrong) * (1 + 0.5 * (Math.max(standings.size, 1) - 1));
}

/**
 * The lean a set of endorsed arguments' sides shows. An argument's side is taken on what the
 * person in the case did, the question the judgement asks ("Was the rep right to go off
 * script?"; the form's legend: "Your side, on what the person in the case did"): "for" says they
 * were right, "against" that they were wrong, "it depends" neither.
 *
 * @param sides the sides of the arguments a person endorsed (any order, repeats counted)
 * @returns "right" when "for" outnumbers "against", "wrong" when "against" outnumbers "for", null
 *   on a tie (none of either included)
 */
export function publicLean(sides: readonly Side[]): PublicLean | null {
  return leanOfNet(sides.reduce((net, side) => net + netOf(side), 0));
}

/** What one endorsed argument adds to "for" minus "against". */
const netOf = (side: Side) => (side === "for" ? 1 : side === "against" ? -1 : 0);
const leanOfNet = (net: number): PublicLean | null => (net > 0 ? "right" : net < 0 ? "wrong" : null);

/** A top-level argument of a case as the public-lean rule reads it. */
export interface SidedArgument {
  id: number;
  /** The author's user id: their own endorsement would not count (counting.ts). */
  userId: number;
  perspective: string;
  side: Side;
  /** Visible (not hidden by a moderator nor deleted): only then are its endorsements public and counted. */
  visible: boolean;
}

/**
 * Each endorser's public lean on each top-level argument they endorse (ADR 018). A person's lean
 * on argument A is `publicLean` of the sides of the *other* top-level arguments of the same case
 * and perspective that they endorsed, counted by the counting rule (`creditCounts`: visible
 * arguments, not their own). Endorsements are public under the person's display name, so a lean,
 * and therefore a bridging score, is a function of public facts only: no answer of anyone's goes
 * into it, whoever the endorsers are. A's own side is left out, so endorsing A never makes its
 * endorser lean towards A's side by that endorsement alone. Replies have no perspective or side:
 * they neither get nor give a lean.
 *
 * @param sided the case's top-level arguments (replies left out)
 * @param endorsements every endorsement of the case's arguments: who endorsed which argument
 * @returns argument id → endorser user id → lean (null: none), for every endorsement of a sided argument
 */
export function publicLeans(sided: readonly SidedArgument[], endorsements: readonly { argumentId: number; userId: number }[]): Map<number, Map<number, PublicLean | null>> {
  const byId = new Map(sided.map((a) => [a.id, a]));
  const counts = (a: SidedArgument, userId: number) =>
    creditCounts("endorsement", { kind: "argument", visible: a.visible, authorRemoved: false }, { byAuthor: a.userId === userId, byWithdrawn: false });
  // Per person and perspective: "for" minus "against" over every counted endorsement.
  const net = new Map<string, number>();
  const key = (userId: number, perspective: string) => JSON.stringify([userId, perspective]);
  for (const e of endorsements) {
    const argument = byId.get(e.argumentId);
    if (!argument || !counts(argument, e.userId)) continue;
    net.set(key(e.userId, argument.perspective), (net.get(key(e.userId, argument.perspective)) ?? 0) + netOf(argument.side));
  }
  const leans = new Map<number, Map<number, PublicLean | null>>();
  for (const e of endorsements) {
    const argument = byId.get(e.argumentId);
    if (!argument) continue;
    // The other arguments only: this one's own contribution, if it counted, is taken back out.
    const others = (net.get(key(e.userId, argument.perspective)) ?? 0) - (counts(argument, e.userId) ? netOf(argument.side) : 0);
    const mine = leans.get(argument.id) ?? new Map<number, PublicLean | null>();
    mine.set(e.userId, leanOfNet(others));
    leans.set(argument.id, mine);
  }
  return leans;
}

/**
 * The leans to record now (issue 16, ADR 018 "A lean is kept from when it is first known"): an
 * endorsement with no recorded lean takes the endorser's public lean on that argument as
 * `publicLeans` gives it now, when they have one; a recorded lean never changes afterwards. So an
 * endorser persuaded later (who goes on to endorse the other side's arguments) still counts on the
 * side they were on when their endorsement first told: persuading people raises an argument's
 * bridging score instead of erasing it.
 *
 * @param endorsements endorsements with the lean recorded on each (null: none yet)
 * @param current `publicLeans` of the case now
 * @returns the endorsements whose lean is to be recorded, with that lean
 */
export function leansToRecord(
  endorsements: readonly { argumentId: number; userId: number; recorded: PublicLean | null }[],
  current: ReadonlyMap<number, ReadonlyMap<number, PublicLean | null>>,
): { argumentId: number; userId: number; lean: PublicLean }[] {
  return endorsements.flatMap((e) => {
    const lean = e.recorded === null ? (current.get(e.argumentId)?.get(e.userId) ?? null) : null;
    return lean === null ? [] : [{ argumentId: e.argumentId, userId: e.userId, lean }];
  });
}

/**
 * The lean a release counts for one endorsement: the recorded one once there is one
 * (`leansToRecord`), else the public lean now (null: none).
 */
export function countedLean(recorded: PublicLean | null, now: PublicLean | null): PublicLean | null {
  return recorded ?? now;
}

export const ARGUMENT_SORTS = ["bridging", "endorsed", "newest"] as const;
export type ArgumentSort = (typeof ARGUMENT_SORTS)[number];

export interface Sortable {
  id: number;
  /** null for an argument with no released score: it sorts after every scored one. */
  bridging: number | null;
  endorsements: number;
  createdAt: string;
}

/**
 * Ties fall back to endorsements, then newest first, so the order is stable. By bridging, scored
 * arguments come first (highest score first), then those without a score yet.
 */
export function sortArguments<T extends Sortable>(items: T[], sort: ArgumentSort): T[] {
  const newest = (a: T, b: T) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id;
  const byEndorsed = (a: T, b: T) => b.endorsements - a.endorsements || newest(a, b);
  const byBridging = (a: T, b: T) => Number(b.bridging !== null) - Number(a.bridging !== null) || (b.bridging ?? 0) - (a.bridging ?? 0) || byEndorsed(a, b);
  const compare = sort === "newest" ? newest : sort === "endorsed" ? byEndorsed : byBridging;
  return [...items].sort(compare);
}
