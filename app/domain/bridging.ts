/**
 * Bridging score: how much an argument is valued across the divide.
 *
 *   bridging = min(E_right, E_wrong) × (1 + 0.5 × (S − 1))
 *
 * E_right and E_wrong count the endorsers whose current judgement on the argument's perspective
 * leans "right" and "wrong"; S is the number of distinct declared standings among all endorsers
 * (at least 1). An argument endorsed only by one side scores 0 however popular it is; one
 * endorsed by both sides scores more the more evenly it is endorsed and the more kinds of people
 * (front line, managers, HR…) endorse it.
 */
import { leanOf } from "./scales";

export interface Endorser {
  /** The endorser's current judgement on the argument's perspective, if they have answered it. */
  judgement: number | null;
  standing: string | null;
}

export function bridgingScore(endorsers: Endorser[]): number {
  let right = 0;
  let wrong = 0;
  for (const e of endorsers) {
    if (e.judgement === null) continue;
    const lean = leanOf(e.judgement);
    if (lean === "right") right += 1;
    else if (lean === "wrong") wrong += 1;
  }
  const standings = new Set(endorsers.map((e) => e.standing).filter((s): s is string => s !== null));
  return Math.min(right, wrong) * (1 + 0.5 * (Math.max(standings.size, 1) - 1));
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
  const byBridging = (a: T, b: T) =>
    Number(b.bridging !== null) - Number(a.bridging !== null) || (b.bridging ?? 0) - (a.bridging ?? 0) || byEndorsed(a, b);
  const compare = sort === "newest" ? newest : sort === "endorsed" ? byEndorsed : byBridging;
  return [...items].sort(compare);
}
