/** The results page's data for one case: grouped in SQL, shaped and k-protected by the domain. */
import { readConfig } from "../platform/config.server";
import { db } from "../platform/db.server";
import { LENS_LABELS, type Lens } from "../domain/case-file";
import { argumentContribution, countCredits, countLensUsage, endorsementCredits } from "../domain/counting";
import { foldResultRows, gapResult, perspectiveResult } from "../domain/case-results";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { listCaseArguments, listCaseEndorsements } from "../models/arguments.server";
import { caseVersionDocuments, type CaseRecord } from "../models/cases.server";
import { optionLabels } from "../domain/option-identity";
import { versionNumbers } from "../models/positions.server";
import { currentRelease } from "../models/result-releases.server";

/**
 * The results page's data: the case's released online results (ADR 009: replaced only in steps
 * of at least k people), k-protected per breakdown by the domain; `released` is null until k
 * people have answered.
 */
export async function loadCaseResults(found: CaseRecord) {
  const k = readConfig().kThreshold;
  const [released, items, endorsements, history] = await Promise.all([
    currentRelease(db(), found.id, k),
    listCaseArguments(db(), found.id),
    listCaseEndorsements(db(), found.id),
    caseVersionDocuments(db(), found.id),
  ]);
  const { cells, shifts } = foldResultRows(released?.rows ?? []);
  const gaps = released?.gaps ?? [];
  const versions = await versionNumbers(db(), [...new Set(cells.map((c) => c.caseVersionId))]);
  // Options are counted by id (ADR 017); one a later version removed is named by its last wording.
  const perspectives = found.doc.perspectives.map((p) => perspectiveResult({ ...p, labels: optionLabels(history, p.key) }, cells, shifts, k, released?.grouping));
  const hasBothPerspectives = found.doc.perspectives.some((p) => p.key === "employee") && found.doc.perspectives.some((p) => p.key === "employer");

  // Scores as the release gives them (ADR 009), from endorsers' public leans (ADR 018); counts are
  // live, and only of arguments that count (counting.ts: a hidden or deleted one is not credited).
  const scores = released?.argumentScores ?? new Map<number, number>();
  const endorsementsOf = countCredits("endorsement", items.map(argumentContribution), endorsementCredits(new Map(items.map((a) => [a.id, a.userId])), endorsements));
  const topBridging = items
    .filter((a) => a.parentId === null && endorsementsOf.has(a.id))
    .map((a) => ({ argument: a, score: scores.get(a.id) ?? 0, endorsements: endorsementsOf.get(a.id) ?? 0 }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || b.endorsements - a.endorsements)
    .slice(0, 3)
    .map(({ argument, score, endorsements: count }) => ({
      id: argument.id,
      authorName: argument.authorName,
      perspective: argument.perspective,
      side: argument.side,
      html: renderMarkdownCached(argument.body),
      bridging: score,
      endorsements: count,
    }));

  // Persuasion (persuasion.ts): from the release, only for arguments that count (visible).
  const counting = new Map(items.filter((a) => a.parentId === null && argumentContribution(a).visible).map((a) => [a.id, a]));
  const changedMinds = (released?.movedBy ?? [])
    .filter((m) => counting.has(m.argumentId))
    .slice(0, 5)
    .map((m) => {
      const argument = counting.get(m.argumentId)!;
      return { id: argument.id, authorName: argument.authorName, perspective: argument.perspective, side: argument.side, html: renderMarkdownCached(argument.body), count: m.count };
    });

  return {
    k,
    /** The arguments released answers named most as what changed the person's mind, with those people's lean now. */
    changedMinds,
    released: released ? { at: released.releasedAt, people: released.people, waiting: released.waiting } : null,
    /** Set when answers were given on other versions than the current one. */
    versions: versions.length > 1 || (versions.length === 1 && versions[0] !== found.version) ? { spanned: versions, current: found.version } : null,
    perspectives,
    gap: hasBothPerspectives ? gapResult(gaps, k, released?.grouping) : null,
    lensUsage: countLensUsage(items).map((row) => ({ ...row, lensLabel: row.lens ? (LENS_LABELS[row.lens as Lens] ?? row.lens) : "No lens" })),
    topBridging,
    /** Per released perspective, the mean judgement at first answers and now (sums only, ADR 009). */
    movedSinceFirst: perspectives
      .filter((p) => p.withheld === null)
      .map((p) => ({ key: p.key, first: p.shift.firstMeanJudgement, now: p.meanJudgement, moved: p.shift.firstJudgements.some((step, i) => step.count !== p.judgements[i]?.count) })),
  };
}
