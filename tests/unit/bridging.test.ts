import { describe, expect, it } from "vitest";
import { ARGUMENT_SORTS, bridgingScore, sortArguments, type Endorser, type Sortable } from "../../app/domain/bridging";

function endorsers(judgements: (number | null)[], standing: string | null = "frontline"): Endorser[] {
  return judgements.map((judgement) => ({ judgement, standing }));
}

describe("bridgingScore", () => {
  it("scores an argument nobody has endorsed at 0", () => {
    expect(bridgingScore([])).toBe(0);
  });

  it("scores an argument endorsed only by people who judged it right at 0, however many", () => {
    const all = [...endorsers([3, 2, 1, 3, 3, 2], "frontline"), ...endorsers([1, 2], "manager"), ...endorsers([3], "hr")];
    expect(bridgingScore(all)).toBe(0);
  });

  it("scores an argument endorsed only by people who judged it wrong at 0, however many", () => {
    expect(bridgingScore([...endorsers([-3, -1, -2], "frontline"), ...endorsers([-1], "manager")])).toBe(0);
  });

  it("scores the smaller side's endorsements when both sides endorse and all share one standing", () => {
    // min(E_right = 2, E_wrong = 3) × (1 + 0.5 × 0)
    expect(bridgingScore(endorsers([1, 3, -1, -2, -3]))).toBe(2);
  });

  it("scores an evenly endorsed argument above a lopsided one with as many endorsers", () => {
    const even = bridgingScore(endorsers([1, 1, 1, -1, -1, -1]));
    const lopsided = bridgingScore(endorsers([1, 1, 1, 1, 1, -1]));
    expect([even, lopsided]).toEqual([3, 1]);
  });

  it("does not count torn endorsers (judgement 0) as either side", () => {
    expect(bridgingScore(endorsers([2, 0, 0, 0]))).toBe(0);
    expect(bridgingScore(endorsers([2, -2, 0, 0, 0]))).toBe(1);
  });

  it("does not count endorsers who have not answered the perspective as either side", () => {
    expect(bridgingScore(endorsers([3, null, null]))).toBe(0);
    expect(bridgingScore(endorsers([3, -3, null]))).toBe(1);
  });

  it("adds half again for each further standing among the endorsers", () => {
    const two = [
      { judgement: 2, standing: "frontline" },
      { judgement: -2, standing: "manager" },
    ];
    const three = [...two, { judgement: 1, standing: "hr" }];
    // min(1, 1) × 1.5 and min(2, 1) × 2
    expect([bridgingScore(two), bridgingScore(three)]).toEqual([1.5, 2]);
  });

  it("multiplies the whole balanced count by the standings factor", () => {
    const mixed = [
      ...endorsers([3, 3], "frontline"),
      ...endorsers([-1, -2], "manager"),
      ...endorsers([1], "hr"),
      ...endorsers([-3], "other"),
    ];
    // min(3, 3) × (1 + 0.5 × 3)
    expect(bridgingScore(mixed)).toBe(7.5);
  });

  it("counts the standings of all endorsers, including torn and unanswered ones", () => {
    const all = [
      { judgement: 2, standing: "frontline" },
      { judgement: -2, standing: "frontline" },
      { judgement: 0, standing: "hr" },
      { judgement: null, standing: "manager" },
    ];
    expect(bridgingScore(all)).toBe(1 * (1 + 0.5 * 2));
  });

  it("does not count an undeclared standing as a kind of person", () => {
    const all = [
      { judgement: 2, standing: null },
      { judgement: -2, standing: "manager" },
    ];
    expect(bridgingScore(all)).toBe(1);
  });

  it("treats endorsers with no declared standing at all as one kind of person", () => {
    expect(bridgingScore(endorsers([2, -2, 1, -1], null))).toBe(2);
  });

  it("counts a standing once however many endorsers share it", () => {
    const all = [...endorsers([1, 1, 1], "frontline"), ...endorsers([-1, -1, -1], "manager")];
    expect(bridgingScore(all)).toBe(3 * 1.5);
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
    const items = [
      arg(1, 2, 3, "2025-01-01T09:00:00Z"),
      arg(2, 2, 5, "2025-01-01T08:00:00Z"),
      arg(3, 2, 3, "2025-01-01T10:00:00Z"),
      arg(4, 2, 3, "2025-01-01T10:00:00Z"),
    ];
    expect(sortArguments(items, "bridging").map((a) => a.id)).toEqual([2, 4, 3, 1]);
  });

  it("puts the most endorsed argument first when sorting by endorsements, whatever its bridging", () => {
    const items = [arg(1, 4, 2, "2025-01-01T10:00:00Z"), arg(2, 0, 7, "2025-01-01T09:00:00Z"), arg(3, 1, 5, "2025-01-01T11:00:00Z")];
    expect(sortArguments(items, "endorsed").map((a) => a.id)).toEqual([2, 3, 1]);
  });

  it("breaks endorsement ties by newest, then by the later id, ignoring bridging", () => {
    const items = [
      arg(1, 9, 3, "2025-01-01T09:00:00Z"),
      arg(2, 0, 3, "2025-01-02T09:00:00Z"),
      arg(3, 5, 3, "2025-01-01T09:00:00Z"),
    ];
    expect(sortArguments(items, "endorsed").map((a) => a.id)).toEqual([2, 3, 1]);
  });

  it("puts the newest argument first when sorting by newest, whatever its endorsements", () => {
    const items = [
      arg(1, 5, 10, "2025-01-01T09:00:00Z"),
      arg(2, 0, 0, "2025-03-01T09:00:00Z"),
      arg(3, 1, 1, "2025-02-01T09:00:00Z"),
      arg(4, 1, 1, "2025-02-01T09:00:00Z"),
    ];
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
