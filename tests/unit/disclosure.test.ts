import { describe, expect, it } from "vitest";
import { releaseIsDue, standingForAnswer } from "../../app/domain/disclosure";

describe("releaseIsDue", () => {
  it("waits until k people have changed something since the last release", () => {
    expect(releaseIsDue(0, 5)).toBe(false);
    expect(releaseIsDue(4, 5)).toBe(false);
    expect(releaseIsDue(5, 5)).toBe(true);
    expect(releaseIsDue(12, 5)).toBe(true);
  });

  it("never releases a single person's change when k is above one", () => {
    for (let k = 2; k <= 10; k += 1) expect(releaseIsDue(1, k)).toBe(false);
  });
});

describe("standingForAnswer", () => {
  it("uses the profile's standing for a first answer", () => {
    expect(standingForAnswer(undefined, "manager")).toBe("manager");
    expect(standingForAnswer(undefined, null)).toBeNull();
  });

  it("keeps the standing of the first answer on the case, whatever the profile says now", () => {
    expect(standingForAnswer("manager", "frontline")).toBe("manager");
    expect(standingForAnswer(null, "hr")).toBeNull();
  });
});
