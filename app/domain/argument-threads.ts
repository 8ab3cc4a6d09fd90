/**
 * Arranges a case's arguments into threads for one viewer: endorsement counts (live: endorsing
 * is a public action), bridging scores as the case's release gives them (ADR 009), what this
 * viewer may do with each, and what hidden or deleted posts still show. What counts follows the
 * one counting rule (counting.ts): a hidden or deleted post has no counted endorsements and no
 * score, so it neither shows nor orders by them.
 */
import { sortArguments, type ArgumentSort } from "./bridging";
import { argumentContribution, countCredits, creditRefusal, endorsementCredits } from "./counting";
import { isolate } from "./bidi";
import { truncateVisible } from "./visible-length";

export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/** Top-level argument, reply, reply to a reply. */
export const MAX_THREAD_DEPTH = 3;

export interface ThreadInput {
  id: number;
  userId: number;
  authorName: string;
  parentId: number | null;
  perspective: string | null;
  side: string | null;
  lens: string | null;
  body: string;
  status: "visible" | "hidden" | "deleted";
  moderationReason: string | null;
  editedAt: string | null;
  createdAt: string;
}

export interface EndorsementInput {
  argumentId: number;
  userId: number;
}

export interface Viewer {
  userId: number | null;
  mayModerate: boolean;
}

export interface ThreadNode {
  id: number;
  /** Server-side only (never copied into a page's data): who wrote it, for the counting rule. */
  authorId: number;
  authorName: string;
  perspective: string | null;
  side: string | null;
  lens: string | null;
  /** Null when the viewer may not read it (deleted, or hidden from a non-moderator). */
  body: string | null;
  status: "visible" | "hidden" | "deleted";
  moderationReason: string | null;
  edited: boolean;
  createdAt: string;
  /** Endorsements that count (counting.ts): 0 for a hidden or deleted post. */
  endorsements: number;
  /** The released bridging score, or null while the release gives this argument none or it is hidden or deleted. */
  bridging: number | null;
  endorsedByViewer: boolean;
  mine: boolean;
  canEndorse: boolean;
  canEdit: boolean;
  canDelete: boolean;
  canReply: boolean;
  depth: number;
  replies: ThreadNode[];
}

export function canEditArgument(argument: { userId: number; createdAt: string; status: string }, viewerId: number | null, now: Date): boolean {
  return viewerId === argument.userId && argument.status === "visible" && now.getTime() - new Date(argument.createdAt).getTime() <= EDIT_WINDOW_MS;
}

/**
 * @param releasedScores bridging score by argument id, as the case's current release gives them
 *   (`shownArgumentScores`); an argument not in it has no score
 */
export function buildThreads(
  items: ThreadInput[],
  endorsements: EndorsementInput[],
  viewer: Viewer,
  sort: ArgumentSort,
  now: Date,
  releasedScores: ReadonlyMap<number, number> = new Map(),
): ThreadNode[] {
  const endorsersOf = new Map<number, EndorsementInput[]>();
  for (const e of endorsements) endorsersOf.set(e.argumentId, [...(endorsersOf.get(e.argumentId) ?? []), e]);
  const counted = countCredits("endorsement", items.map(argumentContribution), endorsementCredits(new Map(items.map((item) => [item.id, item.userId])), endorsements));
  const childrenOf = new Map<number | null, ThreadInput[]>();
  for (const item of items) childrenOf.set(item.parentId, [...(childrenOf.get(item.parentId) ?? []), item]);

  const toNode = (item: ThreadInput, depth: number): ThreadNode => {
    const endorsers = endorsersOf.get(item.id) ?? [];
    const mine = viewer.userId === item.userId;
    const readable = item.status === "visible" || (item.status === "hidden" && viewer.mayModerate);
    return {
      id: item.id,
      authorId: item.userId,
      authorName: item.status === "deleted" ? "" : item.authorName,
      perspective: item.perspective,
      side: item.side,
      lens: item.lens,
      body: readable ? item.body : null,
      status: item.status,
      // The reason can echo what was hidden, so only moderators and the author read it.
      moderationReason: item.status === "hidden" && (viewer.mayModerate || mine) ? item.moderationReason : null,
      edited: item.editedAt !== null,
      createdAt: item.createdAt,
      endorsements: counted.get(item.id) ?? 0,
      bridging: counted.has(item.id) ? (releasedScores.get(item.id) ?? null) : null,
      endorsedByViewer: viewer.userId !== null && endorsers.some((e) => e.userId === viewer.userId),
      mine,
      canEndorse: viewer.userId !== null && !mine && item.status === "visible",
      canEdit: canEditArgument(item, viewer.userId, now),
      canDelete: mine && item.status !== "deleted",
      canReply: viewer.userId !== null && item.status === "visible" && depth < MAX_THREAD_DEPTH - 1,
      depth,
      // Replies read as a conversation: oldest first.
      replies: [...(childrenOf.get(item.id) ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id).map((child) => toNode(child, depth + 1)),
    };
  };

  const top = (childrenOf.get(null) ?? []).map((item) => toNode(item, 0));
  return sortArguments(top, sort);
}

/**
 * The choices for "which argument moved you?" as one perspective: the top-level arguments made
 * as that perspective that this viewer may name (counting.ts `creditRefusal`: visible, and not
 * their own).
 */
export function movedByChoices(threads: ThreadNode[], viewerId: number | null, perspective: string): { id: number; label: string }[] {
  return threads
    .filter((t) => t.perspective === perspective)
    .filter(
      (t) => t.body !== null && viewerId !== null && creditRefusal("moved-by", { kind: "argument", visible: t.status === "visible", authorRemoved: false, authorId: t.authorId }, viewerId) === null,
    )
    .map((t) => {
      // A plain-text label for a <select>: Markdown emphasis and heading marks dropped; name and
      // text isolated, since an <option> cannot hold <bdi>.
      const text = t
        .body!.replace(/[*_`#>]+/g, "")
        .replace(/\s+/g, " ")
        .trim();
      return { id: t.id, label: `${isolate(t.authorName)}: ${isolate(truncateVisible(text, 80))}` };
    });
}
