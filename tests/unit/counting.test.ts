import { describe, expect, it } from "vitest";
import {
  contributionCounts,
  countCredits,
  countLensUsage,
  creditCounts,
  creditMayCount,
  creditRefusal,
  phoneMovedByChoices,
  rankByCredits,
  repliesToTell,
  roomSubmissions,
  type Contribution,
  type CreditFacts,
  type ReplyFacts,
} from "../../app/domain/counting";

const shown: Contribution = { id: 1, kind: "argument", visible: true, authorRemoved: false };
const credit = (contributionId: number, overrides: Partial<CreditFacts> = {}): CreditFacts => ({ contributionId, byAuthor: false, byWithdrawn: false, people: 1, ...overrides });

describe("what counts", () => {
  it("counts a contribution only while it is visible and its author is still in the room", () => {
    expect(contributionCounts(shown)).toBe(true);
    expect(contributionCounts({ ...shown, visible: false })).toBe(false);
    expect(contributionCounts({ ...shown, authorRemoved: true })).toBe(false);
  });

  it("counts a credit only on a counted contribution, not by its author, not by a withdrawn giver", () => {
    expect(creditCounts("upvote", shown, credit(1))).toBe(true);
    expect(creditCounts("upvote", shown, credit(1, { byAuthor: true }))).toBe(false);
    expect(creditCounts("upvote", shown, credit(1, { byWithdrawn: true }))).toBe(false);
    expect(creditCounts("upvote", { ...shown, visible: false }, credit(1))).toBe(false);
    expect(creditCounts("endorsement", { ...shown, kind: "reply" }, credit(1))).toBe(true);
  });

  it("counts 'what moved me' only for an argument", () => {
    expect(creditCounts("moved-by", shown, credit(1))).toBe(true);
    expect(creditCounts("moved-by", { ...shown, kind: "question" }, credit(1))).toBe(false);
    expect(creditCounts("moved-by", { ...shown, kind: "reply" }, credit(1))).toBe(false);
  });

  it("says which credits a withdrawal must hold to k: those that count now or once a hidden contribution is shown again", () => {
    expect(creditMayCount("upvote", { kind: "question", authorRemoved: false }, { byAuthor: false })).toBe(true);
    expect(creditMayCount("upvote", { kind: "question", authorRemoved: true }, { byAuthor: false })).toBe(false);
    expect(creditMayCount("upvote", { kind: "argument", authorRemoved: false }, { byAuthor: true })).toBe(false);
    expect(creditMayCount("moved-by", { kind: "question", authorRemoved: false }, { byAuthor: false })).toBe(false);
  });

  it("adds up counted credits per counted contribution, giving one with none 0 and one that does not count no entry", () => {
    const contributions: Contribution[] = [shown, { ...shown, id: 2 }, { ...shown, id: 3, visible: false }];
    const credits = [credit(1, { people: 3 }), credit(1, { byWithdrawn: true, people: 2 }), credit(1, { byAuthor: true }), credit(3, { people: 5 }), credit(9)];
    expect(countCredits("upvote", contributions, credits)).toEqual(
      new Map([
        [1, 3],
        [2, 0],
      ]),
    );
  });

  it("ranks what counts by counted credits, then oldest first, leaving out what does not count", () => {
    const items = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }];
    expect(
      rankByCredits(
        items,
        new Map([
          [1, 1],
          [2, 3],
          [4, 1],
        ]),
      ).map((i) => i.id),
    ).toEqual([2, 1, 4]);
  });
});

describe("creditRefusal (choosing what to endorse, upvote or name as what moved you)", () => {
  const argument = { kind: "argument" as const, visible: true, authorRemoved: false, authorId: 7 };

  it("allows a counted contribution by someone else", () => {
    expect(creditRefusal("moved-by", argument, 8)).toBeNull();
    expect(creditRefusal("upvote", { ...argument, kind: "question" }, 8)).toBeNull();
    expect(creditRefusal("endorsement", { ...argument, kind: "reply" }, 8)).toBeNull();
  });

  it("refuses one's own, what no longer counts, what does not exist, and for 'what moved me' anything but an argument, with a message for each", () => {
    expect(creditRefusal("upvote", argument, 7)).toEqual({ reason: "own", message: "You cannot upvote what you sent yourself." });
    expect(creditRefusal("endorsement", argument, 7)?.message).toBe("You cannot endorse your own argument.");
    expect(creditRefusal("moved-by", { ...argument, visible: false }, 8)?.reason).toBe("gone");
    expect(creditRefusal("moved-by", { ...argument, authorRemoved: true }, 8)?.reason).toBe("gone");
    expect(creditRefusal("moved-by", undefined, 8)?.reason).toBe("missing");
    expect(creditRefusal("moved-by", { ...argument, kind: "question" }, 8)).toEqual({
      reason: "not-an-argument",
      message: "Only an argument can be what moved you, not a question or a reply. Choose one from the list, or none.",
    });
  });
});

describe("a room's submissions", () => {
  const submission = (id: number, overrides: Partial<{ kind: "argument" | "question"; hidden: boolean; authorRemoved: boolean; authorId: number }> = {}) => ({
    id,
    kind: "argument" as const,
    hidden: false,
    authorRemoved: false,
    authorId: 100 + id,
    ...overrides,
  });

  it("lists what counts by counted upvotes, and hidden ones apart with no count; a removed author's in neither", () => {
    const list = roomSubmissions(
      [submission(1), submission(2), submission(3, { hidden: true }), submission(4, { authorRemoved: true }), submission(5, { hidden: true, authorRemoved: true })],
      [credit(1), credit(2, { people: 2 }), credit(2, { byWithdrawn: true, people: 4 }), credit(3, { people: 9 }), credit(4, { people: 9 })],
    );
    expect(list.shown.map((s) => [s.id, s.upvotes])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(list.hidden.map((s) => [s.id, s.upvotes])).toEqual([[3, 0]]);
  });

  it("offers a phone, as what moved it, the shown arguments it did not send", () => {
    const listed = [
      { id: 1, kind: "argument" },
      { id: 2, kind: "question" },
      { id: 3, kind: "argument" },
    ];
    expect(phoneMovedByChoices(listed, [3]).map((s) => s.id)).toEqual([1]);
  });
});

describe("countLensUsage", () => {
  it("counts visible top-level arguments by lens and side, not replies, hidden or deleted ones", () => {
    const item = (id: number, overrides: Partial<{ parentId: number | null; status: "visible" | "hidden" | "deleted"; lens: string | null; side: "for" | "against" | null }> = {}) => ({
      id,
      userId: 1,
      parentId: null,
      status: "visible" as const,
      lens: "care",
      side: "for" as const,
      ...overrides,
    });
    const rows = countLensUsage([item(1), item(2), item(3, { side: "against" }), item(4, { status: "hidden" }), item(5, { status: "deleted" }), item(6, { parentId: 1, lens: null, side: null })]);
    expect(rows).toEqual([
      { lens: "care", side: "for", count: 2 },
      { lens: "care", side: "against", count: 1 },
    ]);
  });
});

describe("repliesToTell (replies to me)", () => {
  const ME = 7;
  const reply = (id: number, overrides: Partial<ReplyFacts> = {}): ReplyFacts => ({ id, userId: 8, parentId: 100, status: "visible", caseStatus: "published", ...overrides });

  it("tells of a visible reply by someone else, in order, and of no hidden, deleted or own reply", () => {
    const replies = [reply(5), reply(4, { status: "hidden" }), reply(3, { status: "deleted" }), reply(2, { userId: ME }), reply(1, { userId: 9 })];
    expect(repliesToTell(replies, { id: ME, role: "participant" }).map((r) => r.id)).toEqual([5, 1]);
  });

  it("tells of a reply on an archived or draft case only someone who writes cases can still read", () => {
    const replies = [reply(3, { caseStatus: "archived" }), reply(2, { caseStatus: "draft" }), reply(1)];
    expect(repliesToTell(replies, { id: ME, role: "participant" }).map((r) => r.id)).toEqual([1]);
    expect(repliesToTell(replies, { id: ME, role: "author" }).map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it("tells of replies only, never a top-level argument", () => {
    expect(repliesToTell([reply(1, { parentId: null })], { id: ME, role: "admin" })).toEqual([]);
  });
});
