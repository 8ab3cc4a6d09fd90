import { describe, expect, it } from "vitest";
import { countOf, formatSignedPoints, formatUtc, plural } from "../../app/domain/format";

describe('plurals (issue 16: no "1 points", "1 upvotes")', () => {
  it("use the singular for exactly one", () => {
    expect(countOf(1, "upvote", "upvotes")).toBe("1 upvote");
    expect(countOf(0, "upvote", "upvotes")).toBe("0 upvotes");
    expect(countOf(2, "person", "people")).toBe("2 people");
    expect(plural(-1, "point", "points")).toBe("point");
  });
  it("count points as shown after rounding", () => {
    expect(formatSignedPoints(1)).toBe("+1 point");
    expect(formatSignedPoints(1.04)).toBe("+1 point");
    expect(formatSignedPoints(-1)).toBe("-1 point");
    expect(formatSignedPoints(1.3)).toBe("+1.3 points");
    expect(formatSignedPoints(0)).toBe("0 points");
  });
});

describe("times", () => {
  it("shows a stored time in UTC to the minute, or to the second", () => {
    expect(formatUtc("2026-03-01T14:05:09.123Z")).toBe("2026-03-01 14:05");
    expect(formatUtc("2026-03-01T14:05:09.123Z", "second")).toBe("2026-03-01 14:05:09");
  });
});
