/**
 * One rule for what counts (issue 15, item 4), used by every count, sort and choice of arguments,
 * replies, workshop submissions, endorsements, upvotes and "what moved me":
 *
 * - a **contribution** (an online argument or reply, a workshop argument or question) counts
 *   while it is visible (not hidden by a moderator, not deleted by its author) and its author has
 *   not been removed from the room;
 * - a **credit** given to it (an endorsement, an upvote, naming it as what moved you) counts when
 *   the contribution counts, the credit is not its author's own, and the person who gave it has
 *   not been withdrawn from the room's counts (ADR 009, "Removals": removed people's credits leave
 *   the counts together with their votes, when that is safe).
 *
 * What is stored never changes: a hidden argument keeps its endorsements, and they count again
 * when a moderator restores it. The models read the facts (who wrote what, status, removal,
 * withdrawal), grouped where a room is large; this module alone decides what they add up to.
 */
import type { CaseStatus, Role } from "../../db/schema";
import { caseVisibility } from "./permissions";

/**
 * What a credit is: a "this moved me" endorsement online, an upvote in a room, naming it as what
 * moved you, rating a steelman "fair to us" (ADR 031), or rating a role-play room's steelman or
 * rehearsal line (ADR 034).
 */
export type CreditKind = "endorsement" | "upvote" | "moved-by" | "fair-rating" | "text-rating";

export interface Contribution {
  id: number;
  /** A top-level argument, a workshop question, a reply to an online argument, or a steelman (ADR 031). */
  kind: "argument" | "question" | "reply" | "steelman" | "role-play-text";
  /** Not hidden by a moderator nor deleted by its author. */
  visible: boolean;
  /** The author was removed from the workshop (never true online: accounts are not removed). */
  authorRemoved: boolean;
}

/**
 * Credits given to one contribution by people alike in what the rule looks at, and how many
 * people gave them (a model may read one row per credit, `people` 1, or group them).
 */
export interface CreditFacts {
  contributionId: number;
  /** Given by the contribution's own author. */
  byAuthor: boolean;
  /** Given by a removed participant whose counts have been withdrawn (ADR 009, "Removals"). */
  byWithdrawn: boolean;
  people: number;
}

/** Whether a contribution counts: shown to everyone, by someone still in the room. */
export function contributionCounts(contribution: Pick<Contribution, "visible" | "authorRemoved">): boolean {
  return contribution.visible && !contribution.authorRemoved;
}

/**
 * Whether a credit counts: its contribution counts, it is not the author's own, its giver was not
 * withdrawn, and "what moved me" names an argument.
 */
export function creditCounts(kind: CreditKind, contribution: Pick<Contribution, "kind" | "visible" | "authorRemoved">, credit: Pick<CreditFacts, "byAuthor" | "byWithdrawn">): boolean {
  return contributionCounts(contribution) && !credit.byAuthor && !credit.byWithdrawn && (kind !== "moved-by" || contribution.kind === "argument");
}

/**
 * Whether a credit is part of a count now or may be later (once a moderator shows its
 * contribution again): neither the author's own nor on a removed author's contribution, which
 * are final. What a withdrawal of removed people must hold to k (ADR 009, "Removals").
 */
export function creditMayCount(kind: CreditKind, contribution: Pick<Contribution, "kind" | "authorRemoved">, credit: Pick<CreditFacts, "byAuthor">): boolean {
  return !contribution.authorRemoved && !credit.byAuthor && (kind !== "moved-by" || contribution.kind === "argument");
}

/**
 * Counted credits of one kind per contribution: every contribution that counts gets an entry (0
 * when none of its credits count); one that does not count gets none.
 */
export function countCredits(kind: CreditKind, contributions: readonly Contribution[], credits: readonly CreditFacts[]): Map<number, number> {
  const byId = new Map(contributions.map((c) => [c.id, c]));
  const counted = new Map<number, number>();
  for (const c of contributions) if (contributionCounts(c)) counted.set(c.id, 0);
  for (const credit of credits) {
    const contribution = byId.get(credit.contributionId);
    if (contribution && creditCounts(kind, contribution, credit)) counted.set(credit.contributionId, counted.get(credit.contributionId)! + credit.people);
  }
  return counted;
}

/**
 * Contributions that count, most credited first, then oldest first (lowest id): the order of a
 * room's list of arguments and questions on every screen and in the debrief.
 *
 * @param credits counted credits per contribution id (`countCredits`); an item not in it is left out
 */
export function rankByCredits<T extends { id: number }>(items: readonly T[], credits: ReadonlyMap<number, number>): T[] {
  return items.filter((item) => credits.has(item.id)).sort((a, b) => credits.get(b.id)! - credits.get(a.id)! || a.id - b.id);
}

/** Why a credit is refused: no such contribution here, it is one's own, it no longer counts, or it is not an argument. */
export type CreditRefusal = { reason: "missing" | "own" | "gone" | "not-an-argument"; message: string };

const MESSAGES: Record<CreditKind, Record<CreditRefusal["reason"], string>> = {
  endorsement: {
    missing: "That argument does not exist on this case.",
    gone: "That argument can no longer be endorsed.",
    own: "You cannot endorse your own argument.",
    "not-an-argument": "That argument can no longer be endorsed.",
  },
  upvote: {
    missing: "That is no longer on the list.",
    gone: "That is no longer on the list.",
    own: "You cannot upvote what you sent yourself.",
    "not-an-argument": "That is no longer on the list.",
  },
  "moved-by": {
    missing: "Choose an argument from the list, or none.",
    gone: "That argument has been hidden or deleted, so it cannot be what moved you. Choose another from the list, or none.",
    own: "Your own argument cannot be what moved you. Choose someone else's from the list, or none.",
    "not-an-argument": "Only an argument can be what moved you, not a question or a reply. Choose one from the list, or none.",
  },
  "text-rating": {
    missing: "That text is not in this workshop's step.",
    gone: "That text has been hidden, or its author left the room, so it can no longer be rated.",
    own: "You cannot rate what you wrote yourself.",
    "not-an-argument": "That text can no longer be rated.",
  },
  "fair-rating": {
    missing: "That steelman does not exist on this case.",
    gone: "That steelman has been hidden or deleted, so it can no longer be rated.",
    own: "You cannot rate your own steelman.",
    "not-an-argument": "That steelman can no longer be rated.",
  },
};

/**
 * Whether `actorId` may give this credit to `contribution` now (the choice side of the rule):
 * the contribution must exist where the credit is given, must not be the actor's own, must count,
 * and for "what moved me" must be an argument (a question or a reply is not an argument one can
 * be moved by). Replies may be endorsed and questions upvoted.
 *
 * @param contribution undefined when no such contribution exists where the credit is given (this
 *   case, this workshop)
 * @param actorId the account (online) or participant (room) giving the credit
 * @returns null when allowed, else the reason and a message for the person
 */
export function creditRefusal(kind: CreditKind, contribution: (Pick<Contribution, "kind" | "visible" | "authorRemoved"> & { authorId: number }) | undefined, actorId: number): CreditRefusal | null {
  const refuse = (reason: CreditRefusal["reason"]): CreditRefusal => ({ reason, message: MESSAGES[kind][reason] });
  if (!contribution) return refuse("missing");
  if (contribution.authorId === actorId) return refuse("own");
  if (!contributionCounts(contribution)) return refuse("gone");
  if (kind === "moved-by" && contribution.kind !== "argument") return refuse("not-an-argument");
  return null;
}

/** An online argument or reply as the rule sees it (an account is never removed from a case). */
export function argumentContribution(argument: { id: number; userId: number; parentId: number | null; status: "visible" | "hidden" | "deleted" }): Contribution & { authorId: number } {
  return { id: argument.id, kind: argument.parentId === null ? "argument" : "reply", visible: argument.status === "visible", authorRemoved: false, authorId: argument.userId };
}

/** A steelman as the rule sees it (ADR 031): it counts while visible; its "fair to us" ratings are its credits. */
export function steelmanContribution(steelman: { id: number; userId: number; status: "visible" | "hidden" | "deleted" }): Contribution & { authorId: number } {
  return { id: steelman.id, kind: "steelman", visible: steelman.status === "visible", authorRemoved: false, authorId: steelman.userId };
}

/**
 * A role-play room's written text, a steelman or a rehearsal line (ADR 034), as the rule sees it:
 * it counts while not hidden and its author is still in the room; its ratings are its credits.
 */
export function rolePlayTextContribution(text: { id: number; authorId: number; hidden: boolean; authorRemoved: boolean }): Contribution & { authorId: number } {
  return { id: text.id, kind: "role-play-text", visible: !text.hidden, authorRemoved: text.authorRemoved, authorId: text.authorId };
}

/** A reply to one of a person's posts, with what the rule reads: its author, status, and its case's status. */
export interface ReplyFacts {
  id: number;
  userId: number;
  parentId: number | null;
  status: "visible" | "hidden" | "deleted";
  caseStatus: CaseStatus;
}

/**
 * The replies to tell a person about ("replies to me", the header's number and /me): those that
 * count (visible: not hidden by a moderator, not deleted by its author), written by someone else,
 * on a case the person may still read (an archived case is not, except to those who write cases).
 * Order is kept.
 *
 * @param reader the person the replies answer: their account id and role
 */
export function repliesToTell<T extends ReplyFacts>(replies: readonly T[], reader: { id: number; role: Role }): T[] {
  return replies.filter((reply) => {
    const contribution = argumentContribution(reply);
    return contribution.kind === "reply" && contributionCounts(contribution) && contribution.authorId !== reader.id && caseVisibility(reply.caseStatus, reader.role).page;
  });
}

/** Endorsements (who endorsed which argument) as credits, one per endorsement. */
export function endorsementCredits(authors: ReadonlyMap<number, number>, endorsements: readonly { argumentId: number; userId: number }[]): CreditFacts[] {
  return endorsements.map((e) => ({ contributionId: e.argumentId, byAuthor: authors.get(e.argumentId) === e.userId, byWithdrawn: false, people: 1 }));
}

/** A workshop submission as the rule sees it. */
export function submissionContribution(submission: { id: number; kind: "argument" | "question"; hidden: boolean; authorRemoved: boolean; authorId: number }): Contribution & { authorId: number } {
  return { id: submission.id, kind: submission.kind, visible: !submission.hidden, authorRemoved: submission.authorRemoved, authorId: submission.authorId };
}

/**
 * Top-level arguments that count, by lens and side (the results page's "lenses used by side").
 * Rows only for combinations with at least one argument.
 */
export function countLensUsage<S extends string>(
  items: readonly { id: number; userId: number; parentId: number | null; status: "visible" | "hidden" | "deleted"; lens: string | null; side: S | null }[],
): { lens: string | null; side: S | null; count: number }[] {
  const rows = new Map<string, { lens: string | null; side: S | null; count: number }>();
  for (const item of items) {
    const contribution = argumentContribution(item);
    if (contribution.kind !== "argument" || !contributionCounts(contribution)) continue;
    const key = JSON.stringify([item.lens, item.side]);
    const row = rows.get(key) ?? { lens: item.lens, side: item.side, count: 0 };
    row.count += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/**
 * A room's submissions as every screen and the debrief list them: those shown to the room (they
 * count), most upvoted first, each with its counted upvotes; and those a moderator hid (their
 * authors still in the room), for the facilitator to show again, oldest first, with no count.
 * A removed author's submissions are in neither.
 */
export function roomSubmissions<T extends { id: number; kind: "argument" | "question"; hidden: boolean; authorRemoved: boolean; authorId: number }>(
  submissions: readonly T[],
  upvotes: readonly CreditFacts[],
): { shown: (T & { upvotes: number })[]; hidden: (T & { upvotes: number })[] } {
  const counted = countCredits("upvote", submissions.map(submissionContribution), upvotes);
  return {
    shown: rankByCredits(submissions, counted).map((s) => ({ ...s, upvotes: counted.get(s.id)! })),
    hidden: submissions
      .filter((s) => s.hidden && !s.authorRemoved)
      .sort((a, b) => a.id - b.id)
      .map((s) => ({ ...s, upvotes: 0 })),
  };
}

/**
 * What a phone may name as "the argument that moved me": of the submissions its room is shown
 * (those already count), the arguments it did not send itself. The server checks the same rule
 * (`creditRefusal`); this keeps the phone from offering what would be refused.
 */
export function phoneMovedByChoices<T extends { id: number; kind: string }>(shown: readonly T[], ownIds: readonly number[]): T[] {
  return shown.filter((s) => s.kind === "argument" && !ownIds.includes(s.id));
}
