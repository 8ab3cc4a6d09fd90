import { describe, expect, it } from "vitest";
import {
  argumentScoreDecision,
  endorsersChangedSince,
  releaseArgumentScores,
  releaseIsDue,
  shownArgumentScores,
  standingForAnswer,
  standingsForScore,
  type CountedEndorser,
} from "../../app/domain/disclosure";
import { OTHER_GROUP } from "../../app/domain/k-threshold";

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

describe("argumentScoreDecision", () => {
  it("keeps the released score until k of the argument's endorsers have changed since", () => {
    expect(argumentScoreDecision(0, 9, 5)).toBe("keep");
    expect(argumentScoreDecision(4, 9, 5)).toBe("keep");
    expect(argumentScoreDecision(5, 9, 5)).toBe("release");
  });

  it("withholds the score once k changes leave fewer than k endorsers counted", () => {
    expect(argumentScoreDecision(5, 4, 5)).toBe("withhold");
    expect(argumentScoreDecision(6, 0, 5)).toBe("withhold");
  });

  it("never lets one endorser's change alone move a score when k is above one", () => {
    for (let k = 2; k <= 10; k += 1) expect(argumentScoreDecision(1, 100, k)).toBe("keep");
  });
});

describe("endorsersChangedSince", () => {
  it("counts endorsers added, endorsers gone and endorsers with a new answer, once each", () => {
    const before = { "1": 10, "2": 20, "3": 30 };
    const now = [
      { userId: 1, positionId: 10 }, // unchanged
      { userId: 2, positionId: 25 }, // answered again
      { userId: 4, positionId: 40 }, // new endorser
    ];
    // 3 gone, 2 re-answered, 4 added.
    expect(endorsersChangedSince(before, now)).toBe(3);
  });

  it("counts every endorser of an argument never scored", () => {
    expect(endorsersChangedSince({}, [{ userId: 1, positionId: 1 }, { userId: 2, positionId: 2 }])).toBe(2);
  });

  it("counts nothing when the same answers are counted", () => {
    expect(endorsersChangedSince({ "7": 70 }, [{ userId: 7, positionId: 70 }])).toBe(0);
  });
});

describe("standingsForScore", () => {
  it("counts every endorser as one kind of person when no standing has k of them", () => {
    // Alone, HR would make the score half again as much: a group of one, told by the score.
    expect(standingsForScore(["frontline", "frontline", "hr"], 3)).toEqual([OTHER_GROUP, OTHER_GROUP, OTHER_GROUP]);
  });

  it("keeps standings with at least k endorsers apart and merges the small ones", () => {
    const standings = ["frontline", "frontline", "manager", "manager", "hr", "other"];
    expect(standingsForScore(standings, 2)).toEqual(["frontline", "frontline", "manager", "manager", OTHER_GROUP, OTHER_GROUP]);
  });

  it("merges a large group too when the small ones are still under k together", () => {
    const standings = ["frontline", "frontline", "frontline", "manager", "manager", "manager", "hr"];
    const groups = standingsForScore(standings, 3);
    expect(new Set(groups).size).toBe(2);
    expect(groups[6]).toBe(OTHER_GROUP);
  });

  it("leaves people with no declared standing uncounted as a kind when they are a group of k", () => {
    expect(standingsForScore([null, null, "hr", "hr"], 2)).toEqual([null, null, "hr", "hr"]);
  });
});

describe("releaseArgumentScores", () => {
  const K = 3;
  let position = 0;
  const endorser = (argumentId: number, userId: number, judgement: number, standing: string | null = "frontline"): CountedEndorser => ({
    argumentId,
    userId,
    positionId: (position += 1),
    judgement,
    standing,
  });

  it("gives no score to an argument with fewer than k endorsers counted", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, 2), endorser(1, 2, -2)], K);
    expect(shownArgumentScores(scores)).toEqual(new Map());
  });

  it("scores an argument once k endorsers are counted, with the bridging formula", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, 2), endorser(1, 2, -2), endorser(1, 3, 1)], K);
    // min(2 right, 1 wrong) × 1 standing
    expect(shownArgumentScores(scores)).toEqual(new Map([[1, 1]]));
  });

  it("keeps an argument's released score while fewer than k of its endorsers changed", () => {
    const first = [endorser(1, 1, 2), endorser(1, 2, -2), endorser(1, 3, -1)];
    const released = releaseArgumentScores({}, first, K);
    // Endorser 1 changes their mind (right → wrong) and someone new endorses: two changes.
    const later = [endorser(1, 1, -3), first[1]!, first[2]!, endorser(1, 4, 3)];
    const again = releaseArgumentScores(released, later, K);
    expect(again["1"]).toEqual(released["1"]);
  });

  it("releases a new score once k endorsers changed, counted from the score's own last release", () => {
    const first = [endorser(1, 1, 2), endorser(1, 2, 2), endorser(1, 3, 2)];
    const released = releaseArgumentScores({}, first, K);
    expect(shownArgumentScores(released).get(1)).toBe(0);
    // Two change their minds: live, the score would now be 1; released, it stays 0.
    const twoChanged = [endorser(1, 1, -3), endorser(1, 2, -3), first[2]!];
    const kept = releaseArgumentScores(released, twoChanged, K);
    expect(shownArgumentScores(kept).get(1)).toBe(0);
    // A third answers again: three changes since the score's release, in two releases of the case.
    const threeChanged = [twoChanged[0]!, twoChanged[1]!, endorser(1, 3, 1)];
    const next = releaseArgumentScores(kept, threeChanged, K);
    expect(shownArgumentScores(next).get(1)).toBe(1);
    expect(next["1"]!.counted).toEqual({ "1": threeChanged[0]!.positionId, "2": threeChanged[1]!.positionId, "3": threeChanged[2]!.positionId });
  });

  it("withdraws a score once k changes leave fewer than k endorsers", () => {
    const first = [endorser(1, 1, 2), endorser(1, 2, -2), endorser(1, 3, -1), endorser(1, 4, 1)];
    const released = releaseArgumentScores({}, first, K);
    expect(shownArgumentScores(released).get(1)).toBe(2);
    const afterThreeLeft = releaseArgumentScores(released, [first[0]!], K);
    expect(shownArgumentScores(afterThreeLeft).has(1)).toBe(false);
    expect(afterThreeLeft["1"]!.counted).toEqual({ "1": first[0]!.positionId });
  });

  it("counts standings under k as one kind of person", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, 2, "frontline"), endorser(1, 2, -2, "frontline"), endorser(1, 3, 1, "hr")], K);
    expect(shownArgumentScores(scores).get(1)).toBe(1);
    const wide = [
      ...[1, 2, 3].map((u) => endorser(2, u, 2, "frontline")),
      ...[4, 5, 6].map((u) => endorser(2, u, -2, "manager")),
    ];
    // min(3, 3) × (1 + 0.5 × 1): two standings of k each.
    expect(shownArgumentScores(releaseArgumentScores({}, wide, K)).get(2)).toBe(4.5);
  });

  it("decides each argument on its own endorsers", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, 2), endorser(1, 2, -2), endorser(1, 3, -1), endorser(2, 1, 2)], K);
    expect([...shownArgumentScores(scores).keys()]).toEqual([1]);
    expect(scores["2"]).toBeUndefined();
  });
});
