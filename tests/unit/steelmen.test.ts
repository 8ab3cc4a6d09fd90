import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { releaseSteelmanScores, steelmenToOpen, type SteelmanRatings } from "../../app/domain/disclosure";
import { bestSteelmen, halfPointScore, ratableSide, ratingRefusal, scoreLabel, steelmanSideRefusal, writableSides, type SteelmanFacts } from "../../app/domain/steelmen";

const K = 3;

describe("which side a person steelmen and rates", () => {
  it("writes for the side they did not take, either side when torn, none before answering", () => {
    expect(writableSides(2)).toEqual(["wrong"]);
    expect(writableSides(-1)).toEqual(["right"]);
    expect(writableSides(0)).toEqual(["right", "wrong"]);
    expect(writableSides(undefined)).toEqual([]);
    expect(steelmanSideRefusal(3, "right")).toMatch(/side you did not take/);
    expect(steelmanSideRefusal(3, "wrong")).toBeNull();
    expect(steelmanSideRefusal(undefined, "wrong")).toMatch(/Answer this perspective first/);
  });

  it("rates the side they took, and none when torn", () => {
    expect(ratableSide(1)).toBe("right");
    expect(ratableSide(-3)).toBe("wrong");
    expect(ratableSide(0)).toBeNull();
    expect(ratableSide(undefined)).toBeNull();
  });
});

describe("ratingRefusal", () => {
  const steelman: SteelmanFacts = { id: 7, userId: 1, perspective: "employee", side: "wrong", status: "visible", opened: true };

  it("lets someone who answered the steelman's side rate it", () => {
    expect(ratingRefusal(steelman, 2, -2)).toBeNull();
  });

  it("refuses people who took the other side, were torn or have not answered", () => {
    for (const judgement of [2, 0, undefined]) expect(ratingRefusal(steelman, 2, judgement)).toMatchObject({ status: 403 });
  });

  it("refuses one's own steelman, even after moving to its side", () => {
    expect(ratingRefusal(steelman, 1, -2)).toMatchObject({ status: 403, message: "You cannot rate your own steelman." });
  });

  it("refuses a hidden or deleted steelman, one not open yet, and one not on the case", () => {
    expect(ratingRefusal({ ...steelman, status: "hidden" }, 2, -2)).toMatchObject({ status: 400 });
    expect(ratingRefusal({ ...steelman, status: "deleted" }, 2, -2)).toMatchObject({ status: 400 });
    expect(ratingRefusal({ ...steelman, opened: false }, 2, -2)).toMatchObject({ status: 400, message: "That steelman is not open for rating yet." });
    expect(ratingRefusal(undefined, 2, -2)).toMatchObject({ status: 404 });
  });
});

describe("scores", () => {
  it("are the mean rating in half points", () => {
    expect(halfPointScore([5, 4, 4])).toBe(9);
    expect(halfPointScore([1, 2, 2])).toBe(3);
    expect(scoreLabel(9)).toBe("4.5 of 5");
    expect(scoreLabel(8)).toBe("4 of 5");
  });

  it("show the best three visible steelmen with a released score, best first, then the earliest", () => {
    const s = (id: number, releasedScore: number | null, status: "visible" | "hidden" | "deleted" = "visible") => ({ id, userId: 100 + id, status, releasedScore });
    const best = bestSteelmen([s(1, 6), s(2, 9), s(3, null), s(4, 10, "hidden"), s(5, 9), s(6, 7), s(7, 10, "deleted")]);
    expect(best.map((b) => b.id)).toEqual([2, 5, 6]);
  });
});

describe("steelmenToOpen", () => {
  const pending = (id: number, side: string, counts = true, perspective = "employee") => ({ id, perspective, side, counts });

  it("opens a side's pending steelmen only once k of them are waiting", () => {
    expect(steelmenToOpen([pending(1, "wrong"), pending(2, "wrong")], K)).toEqual([]);
    expect(steelmenToOpen([pending(1, "wrong"), pending(2, "wrong"), pending(3, "wrong"), pending(4, "right")], K)).toEqual([1, 2, 3]);
  });

  it("counts each perspective and side apart, and hidden or deleted steelmen not at all", () => {
    expect(steelmenToOpen([pending(1, "wrong"), pending(2, "wrong"), pending(3, "wrong", true, "employer")], K)).toEqual([]);
    expect(steelmenToOpen([pending(1, "wrong"), pending(2, "wrong"), pending(3, "wrong", false)], K)).toEqual([]);
  });

  it("never opens fewer than k of a side at once", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ side: fc.constantFrom("right", "wrong"), perspective: fc.constantFrom("employee", "employer"), counts: fc.boolean() }), { maxLength: 20 }), (rows) => {
        const steelmen = rows.map((r, i) => ({ id: i + 1, ...r }));
        const opened = new Set(steelmenToOpen(steelmen, K));
        const bySide = new Map<string, number>();
        for (const s of steelmen) if (opened.has(s.id)) bySide.set(s.perspective + s.side, (bySide.get(s.perspective + s.side) ?? 0) + 1);
        for (const count of bySide.values()) expect(count).toBeGreaterThanOrEqual(K);
        for (const s of steelmen) if (opened.has(s.id)) expect(s.counts).toBe(true);
      }),
    );
  });
});

describe("releaseSteelmanScores", () => {
  const rated = (values: number[], releasedValues: (number | null)[] = values.map(() => null)) => values.map((value, i) => ({ value, releasedValue: releasedValues[i] ?? null }));
  const steelman = (ratings: SteelmanRatings["ratings"], releasedScore: number | null = null, counts = true): SteelmanRatings => ({ id: 1, counts, releasedScore, ratings });

  it("shows no score below k ratings, and the mean in half points at k", () => {
    expect(releaseSteelmanScores([steelman(rated([5, 4]))], K).size).toBe(0);
    expect(releaseSteelmanScores([steelman(rated([5, 4, 4]))], K).get(1)).toBe(9);
  });

  it("keeps a released score until at least k ratings are new or changed", () => {
    const released = [5, 4, 4];
    // One new rater and one changed rating: the score stands.
    expect(releaseSteelmanScores([steelman(rated([5, 4, 1, 1], [5, 4, 4, null]), 9)], K).size).toBe(0);
    // A third change: released again, counting every rating.
    expect(releaseSteelmanScores([steelman(rated([5, 1, 1, 1], [...released, null]), 9)], K).get(1)).toBe(4);
  });

  it("releases nothing for a steelman that does not count (hidden or deleted)", () => {
    expect(releaseSteelmanScores([steelman(rated([5, 5, 5, 5]), null, false)], K).size).toBe(0);
  });

  it("never lets a shown score move by fewer than k ratings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.integer({ min: 1, max: 5 }), releasedValue: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }) }), { maxLength: 12 }),
        fc.option(fc.integer({ min: 2, max: 10 }), { nil: null }),
        (ratings, releasedScore) => {
          const released = releaseSteelmanScores([steelman(ratings, releasedScore)], K);
          const changed = ratings.filter((r) => r.value !== r.releasedValue).length;
          if (released.has(1)) {
            expect(changed).toBeGreaterThanOrEqual(K);
            expect(ratings.length).toBeGreaterThanOrEqual(K);
          }
        },
      ),
    );
  });
});
