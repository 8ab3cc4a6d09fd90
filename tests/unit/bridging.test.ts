import { describe, expect, it } from "vitest";
import {
  ARGUMENT_SORTS,
  bridgingScore,
  countedLean,
  leansToRecord,
  publicLean,
  publicLeans,
  sortArguments,
  type Endorser,
  type PublicLean,
  type SidedArgument,
  type Sortable,
} from "../../app/domain/bridging";

/** Endorsers with these leans: "+" right, "-" wrong, "0" none. */
function endorsers(leans: string, standing: string | null = "frontline"): Endorser[] {
  const of: Record<string, PublicLean | null> = { "+": "right", "-": "wrong", "0": null };
  return [...leans].map((c) => ({ lean: of[c]!, standing }));
}

describe("bridgingScore", () => {
  it("scores an argument nobody has endorsed at 0", () => {
    expect(bridgingScore([])).toBe(0);
  });

  it("scores an argument endorsed only by people leaning right at 0, however many", () => {
    expect(bridgingScore([...endorsers("++++++", "frontline"), ...endorsers("++", "manager"), ...endorsers("+", "hr")])).toBe(0);
  });

  it("scores an argument endorsed only by people leaning wrong at 0, however many", () => {
    expect(bridgingScore([...endorsers("---", "frontline"), ...endorsers("-", "manager")])).toBe(0);
  });

  it("scores the smaller side's endorsements when both sides endorse and all share one standing", () => {
    // min(E_right = 2, E_wrong = 3) × (1 + 0.5 × 0)
    expect(bridgingScore(endorsers("++---"))).toBe(2);
  });

  it("scores an evenly endorsed argument above a lopsided one with as many endorsers", () => {
    expect([bridgingScore(endorsers("+++---")), bridgingScore(endorsers("+++++-"))]).toEqual([3, 1]);
  });

  it("does not count endorsers with no public lean as either side", () => {
    expect(bridgingScore(endorsers("+000"))).toBe(0);
    expect(bridgingScore(endorsers("+-000"))).toBe(1);
  });

  it("adds half again for each further standing among the endorsers", () => {
    const two: Endorser[] = [
      { lean: "right", standing: "frontline" },
      { lean: "wrong", standing: "manager" },
    ];
    const three: Endorser[] = [...two, { lean: "right", standing: "hr" }];
    // min(1, 1) × 1.5 and min(2, 1) × 2
    expect([bridgingScore(two), bridgingScore(three)]).toEqual([1.5, 2]);
  });

  it("multiplies the whole balanced count by the standings factor", () => {
    const mixed = [...endorsers("++", "frontline"), ...endorsers("--", "manager"), ...endorsers("+", "hr"), ...endorsers("-", "other")];
    // min(3, 3) × (1 + 0.5 × 3)
    expect(bridgingScore(mixed)).toBe(7.5);
  });

  it("counts the standings of all endorsers, those with no lean included", () => {
    const all: Endorser[] = [
      { lean: "right", standing: "frontline" },
      { lean: "wrong", standing: "frontline" },
      { lean: null, standing: "hr" },
      { lean: null, standing: "manager" },
    ];
    expect(bridgingScore(all)).toBe(1 * (1 + 0.5 * 2));
  });

  it("does not count an undeclared standing as a kind of person", () => {
    const all: Endorser[] = [
      { lean: "right", standing: null },
      { lean: "wrong", standing: "manager" },
    ];
    expect(bridgingScore(all)).toBe(1);
  });

  it("treats endorsers with no declared standing at all as one kind of person", () => {
    expect(bridgingScore(endorsers("+-+-", null))).toBe(2);
  });

  it("counts a standing once however many endorsers share it", () => {
    expect(bridgingScore([...endorsers("+++", "frontline"), ...endorsers("---", "manager")])).toBe(3 * 1.5);
  });
});

describe("publicLean", () => {
  it('reads "for" (the person in the case was right) as right and "against" as wrong', () => {
    expect(publicLean(["for"])).toBe("right");
    expect(publicLean(["against"])).toBe("wrong");
  });

  it('takes the side endorsed more often, ignoring "it depends"', () => {
    expect(publicLean(["for", "for", "against", "depends", "depends"])).toBe("right");
    expect(publicLean(["for", "against", "against"])).toBe("wrong");
  });

  it('gives no lean on a tie, for "it depends" alone, or for nothing endorsed', () => {
    expect(publicLean(["for", "against"])).toBeNull();
    expect(publicLean(["depends"])).toBeNull();
    expect(publicLean([])).toBeNull();
  });
});

describe("publicLeans", () => {
  const AUTHOR = 99;
  const argument = (id: number, side: SidedArgument["side"], perspective = "employee", visible = true): SidedArgument => ({ id, userId: AUTHOR, perspective, side, visible });
  const endorse = (userId: number, ...argumentIds: number[]) => argumentIds.map((argumentId) => ({ argumentId, userId }));

  it("reads a person's lean on an argument from the other arguments of its perspective they endorsed", () => {
    const sided = [argument(1, "depends"), argument(2, "for"), argument(3, "against"), argument(4, "for")];
    const leans = publicLeans(sided, [...endorse(7, 1, 2, 4), ...endorse(8, 1, 3)]);
    expect(leans.get(1)).toEqual(
      new Map([
        [7, "right"],
        [8, "wrong"],
      ]),
    );
  });

  it("leaves the argument's own side out: endorsing it alone gives no lean on it", () => {
    const sided = [argument(1, "for"), argument(2, "against")];
    // Person 7 endorsed only 1: on 1, no other argument, so no lean.
    expect(publicLeans(sided, endorse(7, 1)).get(1)!.get(7)).toBeNull();
    // Person 8 endorsed both: on 1 they lean wrong (from 2), on 2 right (from 1).
    const both = publicLeans(sided, endorse(8, 1, 2));
    expect([both.get(1)!.get(8), both.get(2)!.get(8)]).toEqual(["wrong", "right"]);
  });

  it("counts only arguments of the same perspective", () => {
    const sided = [argument(1, "depends"), argument(2, "for", "employer"), argument(3, "for", "employer")];
    expect(
      publicLeans(sided, endorse(7, 1, 2, 3))
        .get(1)!
        .get(7),
    ).toBeNull();
  });

  it("counts no hidden or deleted argument's endorsements, as the counting rule says", () => {
    const sided = [argument(1, "depends"), argument(2, "for", "employee", false)];
    expect(
      publicLeans(sided, endorse(7, 1, 2))
        .get(1)!
        .get(7),
    ).toBeNull();
  });

  it("gives every endorser of a top-level argument an entry, and replies none", () => {
    const sided = [argument(1, "for")];
    // Argument 5 is a reply: not sided, so neither it nor its endorsers get a lean.
    const leans = publicLeans(sided, [...endorse(7, 1), ...endorse(8, 5), ...endorse(9, 1, 5)]);
    expect([...leans.keys()]).toEqual([1]);
    expect(leans.get(1)).toEqual(
      new Map([
        [7, null],
        [9, null],
      ]),
    );
  });

  it("gives the same leans whatever order the endorsements come in", () => {
    const sided = [argument(1, "depends"), argument(2, "for"), argument(3, "against")];
    const facts = [...endorse(7, 1, 2), ...endorse(8, 1, 3), ...endorse(9, 1, 2, 3)];
    expect(publicLeans(sided, facts)).toEqual(publicLeans(sided, [...facts].reverse()));
    expect(publicLeans(sided, facts).get(1)).toEqual(
      new Map([
        [7, "right"],
        [8, "wrong"],
        [9, null],
      ]),
    );
  });
});

describe("sortArguments", () => {
  function arg(id: number, bridging: number | null, endorsements: number, createdAt: string): Sortable & { title: string } {
    return { id, bridging, endorsements, createdAt, title: `argument ${id}` };
  }

  it("offers the sorts bridging, most endorsed and newest", () => {
    expect(ARGUMENT_SORTS).toEqual(["bridging", "endorsed", "newest"]);
  });

  it("puts the most bridging argument first when sorting by bridging", () => {
    const items = [arg(1, 0, 9, "2025-01-01T10:00:00Z"), arg(2, 3, 4, "2025-01-01T09:00:00Z"), arg(3, 1.5, 2, "2025-01-01T11:00:00Z")];
    expect(sortArguments(items, "bridging").map((a) => a.id)).toEqual([2, 3, 1]);
  });

  it("breaks bridging ties by endorsements, then by newest, then by the later id", () => {
    const items = [arg(1, 2, 3, "2025-01-01T09:00:00Z"), arg(2, 2, 5, "2025-01-01T08:00:00Z"), arg(3, 2, 3, "2025-01-01T10:00:00Z"), arg(4, 2, 3, "2025-01-01T10:00:00Z")];
    expect(sortArguments(items, "bridging").map((a) => a.id)).toEqual([2, 4, 3, 1]);
  });

  it("puts the most endorsed argument first when sorting by endorsements, whatever its bridging", () => {
    const items = [arg(1, 4, 2, "2025-01-01T10:00:00Z"), arg(2, 0, 7, "2025-01-01T09:00:00Z"), arg(3, 1, 5, "2025-01-01T11:00:00Z")];
    expect(sortArguments(items, "endorsed").map((a) => a.id)).toEqual([2, 3, 1]);
  });

  it("breaks endorsement ties by newest, then by the later id, ignoring bridging", () => {
    const items = [arg(1, 9, 3, "2025-01-01T09:00:00Z"), arg(2, 0, 3, "2025-01-02T09:00:00Z"), arg(3, 5, 3, "2025-01-01T09:00:00Z")];
    expect(sortArguments(items, "endorsed").map((a) => a.id)).toEqual([2, 3, 1]);
  });

  it("puts the newest argument first when sorting by newest, whatever its endorsements", () => {
    const items = [arg(1, 5, 10, "2025-01-01T09:00:00Z"), arg(2, 0, 0, "2025-03-01T09:00:00Z"), arg(3, 1, 1, "2025-02-01T09:00:00Z"), arg(4, 1, 1, "2025-02-01T09:00:00Z")];
    expect(sortArguments(items, "newest").map((a) => a.id)).toEqual([2, 4, 3, 1]);
  });

  it("returns the items themselves, extra fields and all", () => {
    const items = [arg(1, 0, 0, "2025-01-01T09:00:00Z"), arg(2, 0, 0, "2025-01-02T09:00:00Z")];
    const sorted = sortArguments(items, "newest");
    expect(sorted).toEqual([items[1], items[0]]);
    expect(sorted[0].title).toBe("argument 2");
  });

  it("leaves the list it was given in its original order", () => {
    const items = [arg(1, 0, 0, "2025-01-01T09:00:00Z"), arg(2, 1, 5, "2025-01-02T09:00:00Z"), arg(3, 2, 1, "2025-01-03T09:00:00Z")];
    const before = items.map((a) => a.id);
    const sorted = sortArguments(items, "bridging");
    expect(items.map((a) => a.id)).toEqual(before);
    expect(sorted).not.toBe(items);
    expect(sorted.map((a) => a.id)).toEqual([3, 2, 1]);
  });

  it("puts arguments without a released score after every scored one, scored 0 included", () => {
    const items = [arg(1, null, 9, "2025-01-01T10:00:00Z"), arg(2, 0, 1, "2025-01-01T09:00:00Z"), arg(3, 2, 0, "2025-01-01T08:00:00Z")];
    expect(sortArguments(items, "bridging").map((a) => a.id)).toEqual([3, 2, 1]);
  });

  it("orders arguments without a score by endorsements, then newest", () => {
    const items = [arg(1, null, 1, "2025-01-01T10:00:00Z"), arg(2, null, 4, "2025-01-01T09:00:00Z"), arg(3, null, 1, "2025-01-01T11:00:00Z")];
    expect(sortArguments(items, "bridging").map((a) => a.id)).toEqual([2, 3, 1]);
  });

  it("returns an empty list for no arguments", () => {
    expect(sortArguments([], "bridging")).toEqual([]);
  });
});

describe("leansToRecord and countedLean (issue 16: a lean is kept from when it is first known)", () => {
  const current = new Map([
    [
      1,
      new Map<number, "right" | "wrong" | null>([
        [7, "wrong"],
        [8, null],
      ]),
    ],
    [2, new Map<number, "right" | "wrong" | null>([[7, "right"]])],
  ]);

  it("records the lean an endorsement has now when it has none recorded, and nothing when there is none now", () => {
    expect(
      leansToRecord(
        [
          { argumentId: 1, userId: 7, recorded: null },
          { argumentId: 1, userId: 8, recorded: null },
        ],
        current,
      ),
    ).toEqual([{ argumentId: 1, userId: 7, lean: "wrong" }]);
  });

  it("never changes a recorded lean, whatever the lean now", () => {
    expect(leansToRecord([{ argumentId: 2, userId: 7, recorded: "wrong" }], current)).toEqual([]);
    expect(countedLean("wrong", "right")).toBe("wrong");
    expect(countedLean(null, "right")).toBe("right");
    expect(countedLean(null, null)).toBeNull();
  });
});
