import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ratingSample, RATING_SAMPLE } from "../../app/domain/role-play-texts";

const texts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: 100 + i }));

/** How many raters are shown each text when every rater 0 … raters − 1 gets their sample. */
function ratersPerText(n: number, raters: number, k: number): number[] {
  const shown = new Array<number>(n).fill(0);
  for (let r = 0; r < raters; r += 1) for (const t of ratingSample(texts(n), r, raters, k)) shown[t.id - 100]! += 1;
  return shown;
}

describe("which texts a rater is shown in a large room", () => {
  it("shows a small room every text", () => {
    expect(ratingSample(texts(3), 0, 3, 3)).toEqual(texts(3));
    expect(ratingSample(texts(RATING_SAMPLE), 2, 40, 5)).toHaveLength(RATING_SAMPLE);
  });

  it("shows each of 500 raters a handful of 500 texts, each text to at least k of them", () => {
    expect(ratingSample(texts(500), 7, 500, 5)).toHaveLength(RATING_SAMPLE);
    const shown = ratersPerText(500, 500, 5);
    expect(Math.min(...shown)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...shown) - Math.min(...shown)).toBeLessThanOrEqual(1);
  });

  it("shows more texts to each rater when raters are few, so every text still reaches k", () => {
    // 200 texts, 60 raters, k = 5: at least ⌈5·200/60⌉ = 17 each.
    expect(ratingSample(texts(200), 0, 60, 5)).toHaveLength(17);
    expect(Math.min(...ratersPerText(200, 60, 5))).toBeGreaterThanOrEqual(5);
  });

  it("keeps a text the rater already rated in their list", () => {
    const sample = ratingSample(texts(500), 0, 500, 5, new Set([450]));
    expect(sample.map((t) => t.id)).toContain(450);
    expect(sample).toHaveLength(RATING_SAMPLE + 1);
  });

  it("gives a rater outside the count every text", () => {
    expect(ratingSample(texts(50), 50, 50, 5)).toHaveLength(50);
    expect(ratingSample(texts(50), -1, 50, 5)).toHaveLength(50);
  });

  it("for any room, shows every text to between ⌊R·s/n⌋ and one more raters, and to k or more whenever there are k raters", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 2, max: 10 }), (n, raters, k) => {
        const shown = ratersPerText(n, raters, k);
        expect(Math.max(...shown) - Math.min(...shown)).toBeLessThanOrEqual(1);
        if (raters >= k) expect(Math.min(...shown)).toBeGreaterThanOrEqual(k);
      }),
      { numRuns: 200 },
    );
  });
});
