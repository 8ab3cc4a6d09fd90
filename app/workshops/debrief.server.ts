/**
 * Gathers a workshop's counted votes for its debrief and CSV, through the same release rules
 * (disclosure.ts) and the same workshop grouping by standing.
 */
import { randomInt } from "node:crypto";
import { readConfig } from "../platform/config.server";
import { db } from "../platform/db.server";
import { STANDING_LABELS } from "../domain/permissions";
import { findCaseVersionDocument } from "../models/cases.server";
import { contentDisposition } from "../domain/content-disposition";
import { buildDebrief, buildPositionsCsv, exportFileName } from "../domain/workshop-exports";
import { ratingsByStanding, standingBreakdownReleased, workshopGrouping } from "../domain/disclosure";
import { countCredits, roomSubmissions, submissionContribution } from "../domain/counting";
import { roomGap, roundTallies, shiftRows } from "../domain/workshop-view";
import { hasSwap, planRounds, TEXT_KINDS, workshopPlan } from "../domain/workshop-stages";
import { countedRatingsWithStanding } from "../models/role-play-texts.server";
import { roomBestTexts, roomModelAnswers } from "./role-play-steps.server";
import { phaseComparison } from "../domain/role-play-phases";
import type { Workshop } from "../models/workshops.server";
import { countJoined } from "../models/participants.server";
import { countedVoterStandings, exportVotes, workshopGaps, votersInOneRoundOnly, workshopShifts, workshopTallies, workshopTalliesByStanding } from "../models/workshop-tallies.server";
import { listSubmissions, movedByFacts } from "../models/submissions.server";

/** Whether the exports may break answers down by standing yet (`standingBreakdownReleased`: once the workshop has ended). */
function standingsReleased(workshop: Workshop): boolean {
  return standingBreakdownReleased(workshop.state.stage === "ended");
}

export async function workshopDebrief(workshop: Workshop): Promise<string> {
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const k = readConfig().kThreshold;
  const swap = hasSwap(workshop);
  const rounds = planRounds({ twoRounds: workshop.twoRounds, swap });
  const perspectives = doc.perspectives.filter((p) => workshop.perspectives.includes(p.key));
  const [tallyRows, byStanding, standings, gapRows, shifts, oneRoundOnly, participants, submissions, movedBy] = await Promise.all([
    workshopTallies(db(), workshop.id),
    workshopTalliesByStanding(db(), workshop.id),
    countedVoterStandings(db(), workshop.id),
    workshopGaps(db(), workshop.id),
    workshop.twoRounds ? workshopShifts(db(), workshop.id) : Promise.resolve([]),
    workshop.twoRounds ? votersInOneRoundOnly(db(), workshop.id) : Promise.resolve({}),
    countJoined(db(), workshop.id),
    listSubmissions(db(), workshop.id),
    movedByFacts(db(), workshop.id),
  ]);
  // Listed, ordered and credited by the one counting rule (counting.ts), as on every screen.
  const { shown } = roomSubmissions(submissions.submissions, submissions.upvotes);
  const moved = countCredits("moved-by", submissions.submissions.map(submissionContribution), movedBy);
  const spotlight = shown.find((s) => s.id === workshop.spotlightSubmissionId);
  const tallies = roundTallies(tallyRows, perspectives, rounds, k);
  const gaps = rounds.map((r) => roomGap(gapRows, r, k));
  // Role-play's written steps (ADR 034): the best texts, and ratings by standing under the workshop's one grouping.
  const plan = workshopPlan(workshop, doc);
  const grouping = workshopGrouping(standings, k);
  const best = await roomBestTexts(db(), workshop.id, plan);
  const textSteps = await Promise.all(
    TEXT_KINDS.filter((kind) => plan[kind]).map(async (kind) => ({
      kind,
      best: best.find((b) => b.kind === kind)!.texts.map((t) => ({ body: t.body, side: t.side, score: t.score })),
      byStanding: ratingsByStanding(grouping, await countedRatingsWithStanding(db(), workshop.id, kind), k, workshop.state.stage === "ended"),
    })),
  );
  const modelAnswers = roomModelAnswers(workshop, doc, plan);
  return buildDebrief({
    title: workshop.title,
    code: workshop.code,
    startedAt: workshop.createdAt,
    endedAt: workshop.endedAt,
    caseTitle: doc.title,
    caseSummary: doc.summary,
    judgementQuestion: doc.judgement,
    discussion: doc.discussion,
    participants,
    k,
    rounds,
    tallies,
    byStanding,
    grouping,
    standingsReleased: standingsReleased(workshop),
    gaps: gaps.filter((g) => g !== null),
    // Role-play with the swap (ADR 032): the same released tallies and gaps, phase by phase.
    phases: swap
      ? phaseComparison(
          tallies,
          Object.fromEntries(rounds.map((r, i) => [r, gaps[i]])),
          perspectives.map((p) => p.key),
          k,
        )
      : null,
    shift: workshop.twoRounds
      ? shiftRows(
          shifts,
          perspectives.map((p) => p.key),
          k,
          oneRoundOnly,
        )
      : null,
    spotlight: spotlight ? { kind: spotlight.kind, body: spotlight.body, upvotes: spotlight.upvotes } : null,
    topSubmissions: shown.slice(0, 10).map((s) => ({ kind: s.kind, body: s.body, upvotes: s.upvotes, movedPeople: moved.get(s.id) ?? 0 })),
    standingLabels: STANDING_LABELS,
    textSteps,
    modelAnswers: modelAnswers && modelAnswers.map((m) => ({ name: m.name, prompt: m.prompt, markdown: doc.rehearsals.find((r) => r.perspective === m.role)!.modelAnswers! })),
  });
}

/** Fisher–Yates with a cryptographic source, so export numbering says nothing about join order. */
function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export async function workshopPositionsCsv(workshop: Workshop): Promise<string> {
  const k = readConfig().kThreshold;
  const [votes, standings] = await Promise.all([exportVotes(db(), workshop.id), countedVoterStandings(db(), workshop.id)]);
  return buildPositionsCsv(
    votes.map((v) => ({ respondentKey: v.participant_id, round: v.round, perspective: v.perspective, option: v.option, judgement: v.judgement, standing: v.standing })),
    k,
    shuffle,
    { grouping: workshopGrouping(standings, k), standingsReleased: standingsReleased(workshop) },
  );
}

/** The `Content-Disposition` of a workshop's download, e.g. `attachment; filename="tuesday-lab-K7M2QP.csv"; filename*=UTF-8''tuesday-lab-K7M2QP.csv`. */
export function exportDisposition(workshop: Workshop, extension: string): string {
  return contentDisposition("attachment", exportFileName(workshop.title, workshop.code, extension));
}
