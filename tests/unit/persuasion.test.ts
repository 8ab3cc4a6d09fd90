import { describe, expect, it } from "vitest";
import { changedMindsLabel, persuasionNews, tallyMovedBy } from "../../app/domain/persuasion";

describe("tallyMovedBy", () => {
  it("sums each argument's answers by the lean they hold now, most persuasive first", () => {
    expect(
      tallyMovedBy([
        { argumentId: 7, perspective: "employee", judgement: 2, count: 1 },
        { argumentId: 3, perspective: "employee", judgement: -1, count: 2 },
        { argumentId: 7, perspective: "employee", judgement: 0, count: 1 },
        { argumentId: 3, perspective: "employee", judgement: 3, count: 1 },
        { argumentId: 9, perspective: "employer", judgement: 1, count: 0 },
      ]),
    ).toEqual([
      { argumentId: 3, count: 3, leans: { wrong: 2, torn: 0, right: 1 } },
      { argumentId: 7, count: 2, leans: { wrong: 0, torn: 1, right: 1 } },
    ]);
  });

  it("orders ties by argument id, and gives nothing for nothing", () => {
    const rows = [5, 2].map((argumentId) => ({ argumentId, perspective: "employee", judgement: 1, count: 1 }));
    expect(tallyMovedBy(rows).map((m) => m.argumentId)).toEqual([2, 5]);
    expect(tallyMovedBy([])).toEqual([]);
  });
});

describe("persuasionNews", () => {
  it("counts what is new since the person last looked, never below zero when a count falls", () => {
    expect(persuasionNews([2, 3], 1)).toEqual({ total: 5, unread: 4 });
    expect(persuasionNews([1], 4)).toEqual({ total: 1, unread: 0 });
    expect(persuasionNews([], 0)).toEqual({ total: 0, unread: 0 });
  });
});

describe("changedMindsLabel", () => {
  it("says person or people", () => {
    expect(changedMindsLabel(1)).toBe("changed 1 person's mind");
    expect(changedMindsLabel(4)).toBe("changed 4 people's minds");
  });
});
