import { describe, expect, it } from "vitest";
import { changedMindsLabel, persuasionNews, tallyMovedBy } from "../../app/domain/persuasion";

describe("tallyMovedBy", () => {
  it("sums each argument's answers, most persuasive first, and says nothing of those answers but their number (ninth review)", () => {
    expect(
      tallyMovedBy([
        { argumentId: 7, perspective: "employee", count: 1 },
        { argumentId: 3, perspective: "employee", count: 2 },
        { argumentId: 7, perspective: "employer", count: 1 },
        { argumentId: 3, perspective: "employee", count: 1 },
        { argumentId: 9, perspective: "employer", count: 0 },
      ]),
    ).toEqual([
      { argumentId: 3, count: 3 },
      { argumentId: 7, count: 2 },
    ]);
  });

  it("orders ties by argument id, and gives nothing for nothing", () => {
    const rows = [5, 2].map((argumentId) => ({ argumentId, perspective: "employee", count: 1 }));
    expect(tallyMovedBy(rows).map((m) => m.argumentId)).toEqual([2, 5]);
    expect(tallyMovedBy([])).toEqual([]);
  });

  it("adds signed changes to stored counts, so a count goes down and an argument at zero leaves (eleventh review)", () => {
    const stored = [
      { argumentId: 4, perspective: "", count: 3 },
      { argumentId: 6, perspective: "", count: 2 },
    ];
    const changes = [
      { argumentId: 4, perspective: "employee", count: -3 },
      { argumentId: 6, perspective: "employee", count: -1 },
      { argumentId: 8, perspective: "employee", count: 1 },
    ];
    expect(tallyMovedBy([...stored, ...changes])).toEqual([
      { argumentId: 6, count: 1 },
      { argumentId: 8, count: 1 },
    ]);
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
