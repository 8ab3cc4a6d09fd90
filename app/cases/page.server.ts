/** Everything the case page shows one viewer, gathered in one place so the route stays thin. */
import type { ThreadView } from "../components/argument-thread";
import { db } from "../platform/db.server";
import { buildThreads, movedByChoices, type ThreadNode } from "../domain/argument-threads";
import { ARGUMENT_SORTS, type ArgumentSort } from "../domain/bridging";
import { LENS_LABELS, type Lens } from "../domain/case-file";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { can } from "../domain/permissions";
import { judgementLabel } from "../domain/scales";
import { listCaseArguments, listCaseEndorsements } from "../models/arguments.server";
import type { CaseRecord } from "../models/cases.server";
import { listMyPositions } from "../models/positions.server";
import { currentRelease } from "../models/result-releases.server";
import type { PublicUser } from "../models/users.server";

export function parseSort(value: string | null): ArgumentSort {
  return (ARGUMENT_SORTS as readonly string[]).includes(value ?? "") ? (value as ArgumentSort) : "bridging";
}

/**
 * A thread as the page shows it. `changedMinds` comes from the release (persuasion.ts), and only
 * for an argument that counts (visible: the counting rule, counting.ts).
 */
function toView(node: ThreadNode, changedMinds: ReadonlyMap<number, number>): ThreadView {
  return {
    id: node.id,
    authorName: node.authorName,
    perspective: node.perspective,
    side: node.side,
    lensLabel: node.lens ? (LENS_LABELS[node.lens as Lens] ?? node.lens) : null,
    html: node.body === null ? null : renderMarkdownCached(node.body),
    body: node.canEdit ? node.body : null,
    status: node.status,
    moderationReason: node.moderationReason,
    edited: node.edited,
    createdAt: node.createdAt,
    endorsements: node.endorsements,
    bridging: node.bridging,
    endorsedByViewer: node.endorsedByViewer,
    canEndorse: node.canEndorse,
    canEdit: node.canEdit,
    canDelete: node.canDelete,
    canReply: node.canReply,
    changedMinds: node.status === "visible" ? (changedMinds.get(node.id) ?? 0) : 0,
    replies: node.replies.map((reply) => toView(reply, changedMinds)),
  };
}

/**
 * The debate part of the case page for one viewer. Bridging scores and the "most bridging" order
 * come from the case's current release (ADR 009), never worked out per read; they count endorsers'
 * public leans, never their answers (ADR 018). Endorsement counts are live.
 */
export async function loadDebate(found: CaseRecord, user: PublicUser | null, sort: ArgumentSort, k: number) {
  const mayModerate = can(user?.role, "argument.moderate");
  const [items, history] = await Promise.all([listCaseArguments(db(), found.id), user ? listMyPositions(db(), user.id, found.id) : Promise.resolve([])]);
  // A case nobody has argued yet (every new one) has nothing to endorse or score: two queries fewer.
  const [endorsements, released] = await Promise.all([items.length > 0 ? listCaseEndorsements(db(), found.id) : [], items.length > 0 ? currentRelease(db(), found.id, k) : null]);
  const changedMinds = new Map((released?.movedBy ?? []).map((m) => [m.argumentId, m.count]));
  const threads = buildThreads(items, endorsements, { userId: user?.id ?? null, mayModerate }, sort, new Date(), released?.argumentScores);
  const current = Object.fromEntries(
    history.filter((p) => p.isCurrent).map((p) => [p.perspective, { option: p.option, optionId: p.optionId, judgement: p.judgement, legal: p.legal, confidence: p.confidence }]),
  );
  const perspectives = found.doc.perspectives.map((p) => p.key);
  const answeredAll = user !== null && perspectives.every((key) => key in current);
  const employee = current.employee;
  const employer = current.employer;
  return {
    signedIn: user !== null,
    mayModerate,
    sort,
    /** When the scores shown were released (with the results), or null before the first release. */
    scoresReleasedAt: released?.releasedAt ?? null,
    threads: threads.map((node) => toView(node, changedMinds)),
    /** Per perspective, the arguments a person changing that answer may name as what moved them. */
    movableBy: Object.fromEntries(found.doc.perspectives.map((p) => [p.key, movedByChoices(threads, user?.id ?? null, p.key)])),
    current,
    history: history.map((p) => ({ ...p, judgementLabel: judgementLabel(p.judgement) })),
    answeredAll,
    mayReadResults: answeredAll || can(user?.role, "results.read-without-answering"),
    // Shown only to the person themselves.
    myGap: employee && employer ? { employee: judgementLabel(employee.judgement), employer: judgementLabel(employer.judgement), gap: employee.judgement - employer.judgement } : null,
  };
}
