import { describe, expect, it } from "vitest";
import {
  buildThreads,
  canEditArgument,
  EDIT_WINDOW_MS,
  MAX_THREAD_DEPTH,
  movedByChoices,
  type EndorsementInput,
  type ThreadInput,
  type ThreadNode,
  type Viewer,
} from "../../app/domain/argument-threads";

const NOW = new Date("2025-06-01T12:00:00.000Z");
const ALICE = 1;
const BOB = 2;
const CAROL = 3;

const alice: Viewer = { userId: ALICE, mayModerate: false };
const bob: Viewer = { userId: BOB, mayModerate: false };
const moderator: Viewer = { userId: CAROL, mayModerate: true };
const anonymous: Viewer = { userId: null, mayModerate: false };

function minutesAgo(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60 * 1000).toISOString();
}

function argument(id: number, overrides: Partial<ThreadInput> = {}): ThreadInput {
  return {
    id,
    userId: ALICE,
    authorName: "Alice",
    parentId: null,
    perspective: "employee",
    side: "for",
    lens: null,
    body: `Argument ${id}`,
    status: "visible",
    moderationReason: null,
    editedAt: null,
    createdAt: minutesAgo(60 - id),
    ...overrides,
  };
}

function endorsement(argumentId: number, userId: number): EndorsementInput {
  return { argumentId, userId };
}

function only(threads: ThreadNode[]): ThreadNode {
  expect(threads).toHaveLength(1);
  return threads[0];
}

describe("buildThreads", () => {
  it("nests replies under the argument they answer, and replies to replies under those", () => {
    const items = [argument(1), argument(2, { parentId: 1, userId: BOB, authorName: "Bob", side: null, perspective: null }), argument(3, { parentId: 2 }), argument(4)];
    const threads = buildThreads(items, [], bob, "newest", NOW);
    expect(threads.map((t) => t.id)).toEqual([4, 1]);
    const first = threads[1];
    expect(first.replies.map((r) => [r.id, r.depth, r.authorName])).toEqual([[2, 1, "Bob"]]);
    expect(first.replies[0].replies.map((r) => [r.id, r.depth])).toEqual([[3, 2]]);
    expect(first.replies[0].replies[0].replies).toEqual([]);
    expect(threads[0].replies).toEqual([]);
  });

  it("lists replies oldest first, however they arrive", () => {
    const items = [
      argument(1, { createdAt: minutesAgo(90) }),
      argument(5, { parentId: 1, createdAt: minutesAgo(10) }),
      argument(3, { parentId: 1, createdAt: minutesAgo(30) }),
      argument(4, { parentId: 1, createdAt: minutesAgo(30) }),
      argument(2, { parentId: 1, createdAt: minutesAgo(50) }),
    ];
    const thread = only(buildThreads(items, [], alice, "newest", NOW));
    expect(thread.replies.map((r) => r.id)).toEqual([2, 3, 4, 5]);
  });

  it("sorts top-level arguments by the chosen sort", () => {
    const items = [argument(1, { createdAt: minutesAgo(30) }), argument(2, { createdAt: minutesAgo(20) }), argument(3, { createdAt: minutesAgo(10) })];
    const endorsements = [endorsement(1, BOB), endorsement(1, CAROL), endorsement(2, BOB), endorsement(2, CAROL), endorsement(2, 4)];
    const released = new Map([[1, 1.5]]);
    expect(buildThreads(items, endorsements, alice, "newest", NOW, released).map((t) => t.id)).toEqual([3, 2, 1]);
    expect(buildThreads(items, endorsements, alice, "endorsed", NOW, released).map((t) => t.id)).toEqual([2, 1, 3]);
    expect(buildThreads(items, endorsements, alice, "bridging", NOW, released).map((t) => t.id)).toEqual([1, 2, 3]);
  });

  it("counts endorsements as they are and takes the bridging score from the release", () => {
    const endorsements = [endorsement(1, BOB), endorsement(1, CAROL), endorsement(1, 4), endorsement(9, BOB)];
    const thread = only(
      buildThreads(
        [argument(1)],
        endorsements,
        anonymous,
        "bridging",
        NOW,
        new Map([
          [1, 2],
          [9, 5],
        ]),
      ),
    );
    expect([thread.endorsements, thread.bridging]).toEqual([3, 2]);
  });

  it("gives an argument the release did not score no bridging score, however many endorse it", () => {
    const endorsements = [BOB, CAROL, 4, 5, 6, 7].map((userId) => endorsement(1, userId));
    const thread = only(buildThreads([argument(1)], endorsements, anonymous, "bridging", NOW, new Map([[2, 3]])));
    expect([thread.endorsements, thread.bridging]).toEqual([6, null]);
  });

  it("gives a hidden or deleted argument no counted endorsements and no score, so it neither shows them nor sorts by them", () => {
    const items = [argument(1, { status: "hidden", moderationReason: "Off topic" }), argument(2, { status: "deleted" }), argument(3)];
    const endorsements = [BOB, CAROL, 4].flatMap((userId) => [endorsement(1, userId), endorsement(2, userId)]).concat(endorsement(3, BOB));
    const released = new Map([
      [1, 4],
      [2, 4],
      [3, 1],
    ]);
    const threads = buildThreads(items, endorsements, moderator, "endorsed", NOW, released);
    expect(threads.map((t) => [t.id, t.endorsements, t.bridging])).toEqual([
      [3, 1, 1],
      [2, 0, null],
      [1, 0, null],
    ]);
    expect(buildThreads(items, endorsements, moderator, "bridging", NOW, released).map((t) => t.id)[0]).toBe(3);
  });

  it("does not count an endorsement by the argument's own author (one stored before it was refused)", () => {
    const thread = only(buildThreads([argument(1)], [endorsement(1, ALICE), endorsement(1, BOB)], anonymous, "bridging", NOW));
    expect(thread.endorsements).toBe(1);
  });

  it("shows an argument nobody endorsed with no endorsements and no bridging score", () => {
    const thread = only(buildThreads([argument(1)], [endorsement(2, BOB)], alice, "bridging", NOW));
    expect([thread.endorsements, thread.bridging, thread.endorsedByViewer]).toEqual([0, null, false]);
  });

  it("tells a viewer which arguments they have endorsed", () => {
    const items = [argument(1), argument(2)];
    const threads = buildThreads(items, [endorsement(1, BOB), endorsement(2, CAROL)], bob, "newest", NOW);
    expect(threads.map((t) => [t.id, t.endorsedByViewer])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it("never marks an argument as endorsed by an anonymous viewer", () => {
    const thread = only(buildThreads([argument(1)], [endorsement(1, BOB)], anonymous, "newest", NOW));
    expect(thread.endorsedByViewer).toBe(false);
  });

  it("lets a signed-in viewer endorse someone else's argument but not their own", () => {
    const items = [argument(1, { userId: ALICE }), argument(2, { userId: BOB, authorName: "Bob" })];
    const threads = buildThreads(items, [], alice, "newest", NOW);
    expect(threads.map((t) => [t.id, t.mine, t.canEndorse])).toEqual([
      [2, false, true],
      [1, true, false],
    ]);
  });

  it("does not let an anonymous viewer endorse, reply, edit or delete", () => {
    const thread = only(buildThreads([argument(1, { createdAt: minutesAgo(1) })], [], anonymous, "newest", NOW));
    expect(thread).toMatchObject({ mine: false, canEndorse: false, canReply: false, canEdit: false, canDelete: false });
  });

  it("lets the author edit within 15 minutes of posting", () => {
    const thread = only(buildThreads([argument(1, { createdAt: minutesAgo(14) })], [], alice, "newest", NOW));
    expect(thread.canEdit).toBe(true);
  });

  it("stops the author editing once 15 minutes have passed", () => {
    const thread = only(buildThreads([argument(1, { createdAt: minutesAgo(16) })], [], alice, "newest", NOW));
    expect(thread.canEdit).toBe(false);
  });

  it("does not let anyone but the author edit, moderators included", () => {
    const items = [argument(1, { createdAt: minutesAgo(1) })];
    expect(only(buildThreads(items, [], bob, "newest", NOW)).canEdit).toBe(false);
    expect(only(buildThreads(items, [], moderator, "newest", NOW)).canEdit).toBe(false);
  });

  it("does not let the author edit an argument a moderator has hidden", () => {
    const items = [argument(1, { createdAt: minutesAgo(1), status: "hidden", moderationReason: "Names a colleague" })];
    expect(only(buildThreads(items, [], alice, "newest", NOW)).canEdit).toBe(false);
  });

  it("shows that an argument was edited", () => {
    const items = [argument(1, { editedAt: minutesAgo(5) }), argument(2)];
    expect(buildThreads(items, [], alice, "newest", NOW).map((t) => [t.id, t.edited])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it("lets the author delete their own argument, hidden or not, but not someone else's", () => {
    const items = [argument(1, { createdAt: minutesAgo(500) }), argument(2, { status: "hidden", moderationReason: "Off topic" }), argument(3, { userId: BOB, authorName: "Bob" })];
    const threads = buildThreads(items, [], alice, "newest", NOW);
    expect(threads.map((t) => [t.id, t.canDelete])).toEqual([
      [3, false],
      [2, true],
      [1, true],
    ]);
  });

  it("does not offer to delete an argument that is already deleted", () => {
    const thread = only(buildThreads([argument(1, { status: "deleted" })], [], alice, "newest", NOW));
    expect(thread.canDelete).toBe(false);
  });

  it(`allows replies down to depth ${MAX_THREAD_DEPTH - 1} but not to a reply at that depth`, () => {
    const items = [argument(1), argument(2, { parentId: 1 }), argument(3, { parentId: 2 })];
    const top = only(buildThreads(items, [], bob, "newest", NOW));
    const reply = top.replies[0];
    const replyToReply = reply.replies[0];
    expect([top.canReply, reply.canReply, replyToReply.canReply]).toEqual([true, true, false]);
    expect(replyToReply.depth).toBe(MAX_THREAD_DEPTH - 1);
  });

  it("does not allow replies to hidden or deleted arguments, nor endorsing them", () => {
    const items = [argument(1, { status: "hidden", moderationReason: "Off topic" }), argument(2, { status: "deleted" })];
    const threads = buildThreads(items, [], bob, "newest", NOW);
    expect(threads.map((t) => [t.id, t.canReply, t.canEndorse])).toEqual([
      [2, false, false],
      [1, false, false],
    ]);
  });

  it("withholds a hidden argument's body and the moderator's reason from other people", () => {
    const items = [argument(1, { body: "Jane in payroll did it", status: "hidden", moderationReason: "Names a colleague" })];
    const thread = only(buildThreads(items, [], bob, "newest", NOW));
    expect(thread).toMatchObject({ status: "hidden", body: null, moderationReason: null });
  });

  it("withholds a hidden argument's body from its own author too, but tells them why it was hidden", () => {
    const items = [argument(1, { body: "Jane in payroll did it", status: "hidden", moderationReason: "Names a colleague" })];
    const thread = only(buildThreads(items, [], alice, "newest", NOW));
    expect(thread.body).toBeNull();
    expect(thread.moderationReason).toBe("Names a colleague");
  });

  it("shows a hidden argument's body to moderators with the reason it was hidden", () => {
    const items = [argument(1, { body: "Jane in payroll did it", status: "hidden", moderationReason: "Names a colleague" })];
    const thread = only(buildThreads(items, [], moderator, "newest", NOW));
    expect(thread).toMatchObject({ status: "hidden", body: "Jane in payroll did it", moderationReason: "Names a colleague", authorName: "Alice" });
  });

  it("shows a deleted argument with neither body nor author name, even to moderators, but keeps its replies", () => {
    const items = [argument(1, { body: "Something I regret", status: "deleted", moderationReason: "left over" }), argument(2, { parentId: 1, userId: BOB, authorName: "Bob", body: "I disagree" })];
    const thread = only(buildThreads(items, [], moderator, "newest", NOW));
    expect(thread).toMatchObject({ status: "deleted", body: null, authorName: "", moderationReason: null });
    expect(thread.replies.map((r) => [r.authorName, r.body])).toEqual([["Bob", "I disagree"]]);
  });

  it("does not show a moderation reason on a visible argument", () => {
    const thread = only(buildThreads([argument(1, { moderationReason: "restored after review" })], [], moderator, "newest", NOW));
    expect(thread.moderationReason).toBeNull();
  });

  it("passes through what the argument says and where it stands", () => {
    const items = [argument(1, { perspective: "employer", side: "depends", lens: "care", body: "It depends on the client." })];
    const thread = only(buildThreads(items, [], bob, "newest", NOW));
    expect(thread).toMatchObject({ id: 1, authorName: "Alice", perspective: "employer", side: "depends", lens: "care", body: "It depends on the client." });
  });

  it("returns no threads for a case without arguments", () => {
    expect(buildThreads([], [], alice, "bridging", NOW)).toEqual([]);
  });
});

describe("canEditArgument", () => {
  const posted = { userId: ALICE, createdAt: "2025-06-01T11:00:00.000Z", status: "visible" };
  const at = (ms: number) => new Date(new Date(posted.createdAt).getTime() + ms);

  it("has a 15-minute edit window", () => {
    expect(EDIT_WINDOW_MS).toBe(15 * 60 * 1000);
  });

  it("lets the author edit right after posting", () => {
    expect(canEditArgument(posted, ALICE, at(0))).toBe(true);
  });

  it("lets the author edit at exactly 15 minutes", () => {
    expect(canEditArgument(posted, ALICE, at(EDIT_WINDOW_MS))).toBe(true);
  });

  it("stops the author editing one millisecond after 15 minutes", () => {
    expect(canEditArgument(posted, ALICE, at(EDIT_WINDOW_MS + 1))).toBe(false);
  });

  it("does not let someone else or an anonymous viewer edit", () => {
    expect([canEditArgument(posted, BOB, at(1000)), canEditArgument(posted, null, at(1000))]).toEqual([false, false]);
  });

  it("does not let the author edit a hidden or deleted argument within the window", () => {
    expect([canEditArgument({ ...posted, status: "hidden" }, ALICE, at(1000)), canEditArgument({ ...posted, status: "deleted" }, ALICE, at(1000))]).toEqual([false, false]);
  });
});

describe("movedByChoices", () => {
  /** Labels isolate the name and the text (Unicode's FSI … PDI), as an <option> cannot hold <bdi>. */
  const iso = (text: string) => `\u2068${text}\u2069`;

  it("lists the visible top-level arguments with their author and text", () => {
    const threads = buildThreads([argument(1, { body: "Compassion matters." }), argument(2, { userId: BOB, authorName: "Bob", body: "Rules are rules." })], [], moderator, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee")).toEqual([
      { id: 2, label: `${iso("Bob")}: ${iso("Rules are rules.")}` },
      { id: 1, label: `${iso("Alice")}: ${iso("Compassion matters.")}` },
    ]);
  });

  it("leaves out the viewer's own arguments (your own cannot be what moved you), and offers nothing to a signed-out viewer", () => {
    const threads = buildThreads([argument(1, { body: "Compassion matters." }), argument(2, { userId: BOB, authorName: "Bob", body: "Rules are rules." })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, ALICE, "employee").map((a) => a.id)).toEqual([2]);
    expect(movedByChoices(threads, null, "employee")).toEqual([]);
  });

  it("leaves out hidden and deleted arguments, even for a moderator who can read them", () => {
    const items = [argument(1), argument(2, { status: "hidden", moderationReason: "Off topic" }), argument(3, { status: "deleted" })];
    const threads = buildThreads(items, [], moderator, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee").map((a) => a.id)).toEqual([1]);
  });

  it("offers only the arguments made as the perspective being answered", () => {
    const threads = buildThreads([argument(1), argument(2, { perspective: "employer", userId: BOB, authorName: "Bob" })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee").map((a) => a.id)).toEqual([1]);
    expect(movedByChoices(threads, CAROL, "employer").map((a) => a.id)).toEqual([2]);
  });

  it("leaves out replies", () => {
    const threads = buildThreads([argument(1), argument(2, { parentId: 1 })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee").map((a) => a.id)).toEqual([1]);
  });

  it("flattens line breaks and Markdown marks into one plain line", () => {
    const threads = buildThreads([argument(1, { body: "# Duty\n\n**Clients** pay for   the _truth_." })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee")).toEqual([{ id: 1, label: `${iso("Alice")}: ${iso("Duty Clients pay for the truth.")}` }]);
  });

  it("keeps a text of 80 characters whole", () => {
    const body = "a".repeat(80);
    const threads = buildThreads([argument(1, { body })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee")[0].label).toBe(`${iso("Alice")}: ${iso(body)}`);
  });

  it("shortens a longer text to 80 characters ending in an ellipsis", () => {
    const threads = buildThreads([argument(1, { body: "b".repeat(81) })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee")[0].label).toBe(`${iso("Alice")}: ${iso(`${"b".repeat(79)}…`)}`);
  });

  it("does not add an ellipsis to a text that only looked long because of its line breaks", () => {
    const body = `${"c".repeat(40)}\n\n\n\n\n\n${"d".repeat(39)}`;
    const threads = buildThreads([argument(1, { body })], [], alice, "newest", NOW);
    expect(movedByChoices(threads, CAROL, "employee")[0].label).toBe(`${iso("Alice")}: ${iso(`${"c".repeat(40)} ${"d".repeat(39)}`)}`);
  });
});
