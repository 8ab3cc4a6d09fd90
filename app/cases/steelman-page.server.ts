/**
 * The steelman part of the case page for one viewer (ADR 031): what they may write, what they
 * may rate, and the best steelmen released so far. Steelmen are shown without their authors'
 * names: a steelman's side says which side its author did not take.
 */
import { db } from "../platform/db.server";
import { contributionCounts, steelmanContribution } from "../domain/counting";
import type { CaseDocument } from "../domain/case-file";
import { can } from "../domain/permissions";
import { bestSteelmen, ratableSide, scoreLabel, STEELMAN_SIDES, writableSides, type SteelmanSide } from "../domain/steelmen";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { listCaseSteelmen, myRatings, releaseSteelmenIfDue } from "../models/steelmen.server";
import type { PublicUser } from "../models/users.server";

export interface SteelmanView {
  id: number;
  perspective: string;
  side: SteelmanSide;
  html: string;
}

/**
 * @param current the viewer's current answers by perspective (their judgement is what decides
 *   which side they may write for and rate)
 * @param mayReadResults whether the viewer may see results (answered every perspective, or a
 *   role that reads results without answering): the best steelmen are results, withheld as they are
 */
export async function loadSteelmen(doc: CaseDocument, caseId: number, user: PublicUser | null, current: Record<string, { judgement: number }>, mayReadResults: boolean, k: number) {
  // A case nobody has steelmanned (most) costs one query: nothing to open or score.
  let steelmen = await listCaseSteelmen(db(), caseId);
  if (steelmen.length > 0 && (await releaseSteelmenIfDue(db(), caseId, k))) steelmen = await listCaseSteelmen(db(), caseId);
  const ratings = user && steelmen.length > 0 ? await myRatings(db(), caseId, user.id) : new Map<number, number>();
  const mayModerate = can(user?.role, "argument.moderate");
  const view = (s: (typeof steelmen)[number]): SteelmanView => ({ id: s.id, perspective: s.perspective, side: s.side, html: renderMarkdownCached(s.body) });
  const counts = (s: (typeof steelmen)[number]) => contributionCounts(steelmanContribution(s));
  const perspectives = doc.perspectives.map((p) => p.key);

  const write = user
    ? perspectives
        .filter((key) => key in current)
        .map((perspective) => {
          const mine = steelmen.find((s) => s.userId === user.id && s.perspective === perspective && s.status !== "deleted");
          return {
            perspective,
            sides: writableSides(current[perspective]!.judgement),
            mine: mine ? { ...view(mine), body: mine.body, opened: mine.opened, hidden: mine.status === "hidden" } : null,
          };
        })
    : [];

  const rate = user
    ? perspectives.flatMap((perspective) => {
        const side = ratableSide(current[perspective]?.judgement);
        if (!side) return [];
        const items = steelmen.filter((s) => s.perspective === perspective && s.side === side && s.opened && counts(s) && s.userId !== user.id);
        return [{ perspective, side, items: items.map((s) => ({ ...view(s), myRating: ratings.get(s.id) ?? null })) }];
      })
    : [];

  const best = mayReadResults
    ? perspectives.map((perspective) => ({
        perspective,
        sides: STEELMAN_SIDES.map((side) => ({
          side,
          items: bestSteelmen(steelmen.filter((s) => s.perspective === perspective && s.side === side)).map((s) => ({
            ...view(s),
            score: scoreLabel(s.releasedScore),
          })),
        })),
      }))
    : null;

  return {
    write,
    rate,
    best,
    mayModerate,
    /** For moderators: every opened steelman that counts (to hide) and every hidden one (to restore). */
    moderation: mayModerate ? { open: steelmen.filter((s) => s.opened && counts(s)).map(view), hidden: steelmen.filter((s) => s.status === "hidden").map(view) } : null,
  };
}
