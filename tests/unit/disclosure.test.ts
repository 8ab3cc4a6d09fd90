import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  argumentScoreDecision,
  cellReleased,
  countsHolding,
  endorserContribution,
  endorsersChangedSince,
  gapReleased,
  groupOfStanding,
  movedByShown,
  OTHER_GROUP,
  release,
  releaseArgumentScores,
  releaseIsDue,
  removalNotice,
  resultsAppearAt,
  shiftReleased,
  shownArgumentScores,
  releaseShownScores,
  standingForAnswer,
  standingBreakdownReleased,
  standingsForScore,
  withdrawalIsSafe,
  workshopCellKey,
  workshopGrouping,
  type CountedEndorser,
  optionPopulations,
  planRelease,
  planReleaseSteps,
  releasedAnswersKey,
  type Breakdown,
  type PendingPerson,
} from "../../app/domain/disclosure";

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

describe("planRelease", () => {
  const K = 3;
  const BOTH = ["employee", "employer"];
  let nextId = 1;
  /** `count` newcomers of one standing who answered both perspectives once. */
  const newcomers = (standing: string, count: number): PendingPerson[] => Array.from({ length: count }, () => ({ id: nextId++, standing, released: false, wrote: BOTH, reanswered: [] }));
  const returning = (standing: string, wrote: string[], reanswered = wrote): PendingPerson => ({ id: nextId++, standing, released: true, wrote, reanswered });
  const plan = (pending: PendingPerson[], released: Record<string, number> = {}, previous: Breakdown | null = null) =>
    planRelease({ perspectives: BOTH, gap: true, history: previous ? [{ breakdown: previous, released }] : [], pending, k: K });
  const shown = (...groups: [string, number][]): Breakdown => ({ shown: groups.map(([key, count]) => ({ key, members: [key], count })), suppressed: false });

  it("planReleaseSteps yields between the groupings it tests and ends with planRelease's plan (a server runs it a slice at a time)", () => {
    const previous = shown(["frontline", K], ["manager", K]);
    const pending = [returning("manager", BOTH), ...newcomers("frontline", K), ...newcomers("hr", 1), ...newcomers("exec", 2)];
    const input = { perspectives: BOTH, gap: true, history: [{ breakdown: previous, released: { frontline: K, manager: K } }], pending, k: K };
    const steps = planReleaseSteps(input);
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields += 1;
    expect(yields).toBeGreaterThan(0);
    expect(step.value).toEqual(planRelease(input));
    expect(step.value?.people.length).toBeGreaterThan(0);
  });

  it("makes a first release only from k people, and shows groups of k", () => {
    expect(plan(newcomers("frontline", K - 1))).toBeNull();
    const first = plan([...newcomers("frontline", K), ...newcomers("manager", K)]);
    expect(first?.people).toHaveLength(2 * K);
    expect(first?.grouping.shown.map((g) => g.key)).toEqual(["frontline", "manager"]);
  });

  it("takes a busy group's k changes and leaves a quiet group's one change waiting", () => {
    const previous = shown(["frontline", K], ["manager", K]);
    const bob = returning("manager", BOTH);
    const frontline = newcomers("frontline", K);
    const next = plan([bob, ...frontline], { frontline: K, manager: K }, previous);
    expect(next?.people).toEqual(frontline.map((p) => p.id));
  });

  it("never moves a shown group by one person, even when the perspective moves by k", () => {
    // The attacker review's scenario: one manager and K-1 front-line people answer.
    const previous = shown(["frontline", K], ["manager", K]);
    expect(plan([returning("manager", BOTH), ...newcomers("frontline", K - 1)], { frontline: K, manager: K }, previous)).toBeNull();
  });

  it("holds a lone re-answer back from the shift, while newcomers are released", () => {
    const carol = returning("frontline", ["employee"]);
    const fresh = newcomers("frontline", K);
    const next = plan([carol, ...fresh], { frontline: 2 * K }, { shown: [], suppressed: true, reason: "everyone who answered is in the same group" });
    expect(next?.people).toEqual(fresh.map((p) => p.id));
  });

  it("moves one perspective only by k writes: one employee re-answer waits beside employer re-answers", () => {
    const previous: Breakdown = { shown: [], suppressed: true, reason: "everyone who answered is in the same group" };
    const known = returning("manager", ["employee"]);
    const others = Array.from({ length: K }, () => returning("manager", ["employer"]));
    const next = plan([known, ...others], { manager: 2 * K }, previous);
    expect(next?.people).toEqual(others.map((p) => p.id));
  });

  it("counts a newcomer's re-answer before their first release as a change of mind", () => {
    const early = { ...newcomers("frontline", 1)[0]!, reanswered: ["employee"] };
    const next = plan([early, ...newcomers("frontline", K)]);
    expect(next?.people).not.toContain(early.id);
    expect(next?.people).toHaveLength(K);
  });

  it("keeps a small standing merged while 1 to k-1 of its people are released (sticky grouping)", () => {
    // Released: frontline 3, manager 3, and one HR person inside "other" with 2 "undeclared".
    const previous: Breakdown = {
      shown: [
        { key: "frontline", members: ["frontline"], count: 3 },
        { key: "manager", members: ["manager"], count: 3 },
        { key: OTHER_GROUP, members: ["hr", "undeclared"], count: 3 },
      ],
      suppressed: false,
    };
    const released = { frontline: 3, manager: 3, hr: 1, undeclared: 2 };
    // Three more HR people: HR alone would now hold 4, but its one released person may not leave "other".
    const next = plan(newcomers("hr", K), released, previous);
    expect(next).not.toBeNull();
    const other = next!.grouping.shown.find((g) => g.key === OTHER_GROUP);
    expect(other?.members).toContain("hr");
  });

  it("does not break down a total shown before any breakdown when the rest would be fewer than k", () => {
    // Released: 3 front-line people and 1 HR person, shown only as a total. Three managers arrive.
    const previous: Breakdown = { shown: [], suppressed: true, reason: "any breakdown would single out a group of fewer than 3 people" };
    const next = plan(newcomers("manager", K), { frontline: 3, hr: 1 }, previous);
    expect(next).not.toBeNull();
    // Front-line may not be shown on its own: the old total minus its unchanged row would be the HR person.
    for (const group of next!.grouping.shown) expect(group.members.includes("frontline") && !group.members.includes("hr")).toBe(false);
  });

  it("holds a lone answer on a version whose options changed since, whether it enters or leaves that version's bars", () => {
    const onVersionOne = { employee: { released: null, current: 1 }, employer: { released: null, current: 2 } };
    const retiredPlan = (pending: PendingPerson[], releasedAnswers: Record<string, number> = {}) =>
      planRelease({ perspectives: BOTH, gap: true, history: [], retiredVersions: { employee: [1], employer: [] }, releasedAnswers, pending, k: K });
    const dana: PendingPerson = { ...newcomers("frontline", 1)[0]!, versions: onVersionOne };
    const fresh = newcomers("frontline", K);
    expect(retiredPlan([dana, ...fresh])?.people).toEqual(fresh.map((p) => p.id));
    // With K-1 others who answered that version, she is released with them.
    const peers = newcomers("frontline", K - 1).map((p) => ({ ...p, versions: onVersionOne }));
    expect(retiredPlan([dana, ...peers])?.people).toEqual([dana, ...peers].map((p) => p.id));
  });

  it("holds a lone answer on the only version offering an option (added later, or removed and brought back)", () => {
    const onVersionTwo = { employee: { released: null, current: 2 }, employer: { released: null, current: 2 } };
    const populationPlan = (pending: PendingPerson[]) => planRelease({ perspectives: BOTH, gap: true, history: [], optionPopulations: { employee: [[2]], employer: [] }, pending, k: K });
    const tess: PendingPerson = { ...newcomers("frontline", 1)[0]!, versions: onVersionTwo };
    const onVersionOne = newcomers("frontline", K).map((p) => ({ ...p, versions: { employee: { released: null, current: 1 }, employer: { released: null, current: 1 } } }));
    expect(populationPlan([tess, ...onVersionOne])?.people).toEqual(onVersionOne.map((p) => p.id));
    // With K-1 others on version 2, she is released with them.
    const peers = newcomers("frontline", K - 1).map((p) => ({ ...p, versions: onVersionTwo }));
    expect(populationPlan([tess, ...peers, ...onVersionOne])?.people).toHaveLength(2 * K);
  });

  it("never leaves 1 to k-1 answers on a version whose options changed since", () => {
    // K+1 released answers on version 1; K of them re-answer on version 2, which would leave one.
    const history = [{ breakdown: { shown: [], suppressed: true, reason: "x" } as Breakdown, released: { frontline: K + 1 } }];
    const leaving = Array.from({ length: K }, () => ({ ...returning("frontline", ["employee"], []), versions: { employee: { released: 1, current: 2 } } }));
    const input = { perspectives: BOTH, gap: true, history, retiredVersions: { employee: [1], employer: [] }, pending: leaving, k: K };
    expect(planRelease({ ...input, releasedAnswers: { [releasedAnswersKey("employee", 1, "frontline")]: K + 1 } })).toBeNull();
    // With 2K released there, K leave and K stay: released.
    expect(planRelease({ ...input, releasedAnswers: { [releasedAnswersKey("employee", 1, "frontline")]: 2 * K } })?.people).toHaveLength(K);
  });

  it("never splits a group two releases later so that one released person is left apart (every earlier release is checked)", () => {
    // Release 1: front line shown; "other" = three managers and Hana, the only HR person.
    const merged: Breakdown = {
      shown: [
        { key: "frontline", members: ["frontline"], count: 3 },
        { key: OTHER_GROUP, members: ["hr", "manager"], count: 4 },
      ],
      suppressed: false,
    };
    const release1 = { breakdown: merged, released: { frontline: 3, manager: 3, hr: 1 }, changed: ["frontline", "hr", "manager"] };
    // Release 2: two "other" newcomers and one undeclared join "other".
    const merged2: Breakdown = {
      shown: [
        { key: "frontline", members: ["frontline"], count: 3 },
        { key: OTHER_GROUP, members: ["hr", "manager", "other", "undeclared"], count: 7 },
      ],
      suppressed: false,
    };
    const release2 = { breakdown: merged2, released: { frontline: 3, manager: 3, hr: 1, other: 2, undeclared: 1 }, changed: ["other", "undeclared"] };
    // Three front-line newcomers now: the managers (3, unchanged since release 1) may not leave
    // "other", since release 1's "other" minus their row would be Hana's answer.
    const next = planRelease({ perspectives: BOTH, gap: true, history: [release1, release2], pending: newcomers("frontline", K), k: K });
    expect(next).not.toBeNull();
    expect(next!.grouping.shown.map((g) => g.key)).not.toContain("manager");
    // Checked against the previous release alone, the split passes: manager 3 and the rest 4.
    const againstLastOnly = planRelease({ perspectives: BOTH, gap: true, history: [release2], pending: newcomers("frontline", K), k: K });
    expect(againstLastOnly!.grouping.shown.map((g) => g.key)).toContain("manager");
  });

  it("lets a first breakdown appear when every standing changed since the release that showed none", () => {
    // Release 1: three front-line people and two managers, no breakdown (K = 3: managers under K).
    const release1 = { breakdown: { shown: [], suppressed: true, reason: "x" } as Breakdown, released: { frontline: 3, manager: 2 }, changed: ["frontline", "manager"] };
    // Newcomers in both standings: the old total cannot be split, as each row also holds new people.
    const next = planRelease({ perspectives: BOTH, gap: true, history: [release1], pending: [...newcomers("frontline", K), ...newcomers("manager", K)], k: K });
    expect(next!.grouping.shown.map((g) => g.key).sort()).toEqual(["frontline", "manager"]);
  });

  it("does not let people who moved group but did not write a perspective pad that perspective's group cell", () => {
    // Released: K front-line people, no breakdown. Now: K HR newcomers, K-1 of the front-line
    // people re-answer as the employer only, and Xavier, a front-line newcomer. The front-line
    // row's employee figures would move by Xavier alone: the others' employee answers were in the
    // old total already (attacker review).
    const history = [{ breakdown: { shown: [], suppressed: true, reason: "x" } as Breakdown, released: { frontline: K }, changed: ["frontline"] }];
    // The HR newcomers each corrected their employer answer once, so the employer shift moves by 2K-1.
    const hr = newcomers("hr", K).map((p) => ({ ...p, reanswered: ["employer"] }));
    const employerOnly = Array.from({ length: K - 1 }, () => returning("frontline", ["employer"]));
    const xavier = newcomers("frontline", 1)[0]!;
    const next = planRelease({ perspectives: BOTH, gap: true, history, pending: [...hr, ...employerOnly, xavier], k: K });
    expect(next?.people ?? []).not.toContain(xavier.id);
  });

  it("decides from who wrote, never from values: the same writes give the same plan", () => {
    const people = [...newcomers("frontline", K), returning("frontline", ["employer"])];
    expect(plan(people, { frontline: K }, { shown: [], suppressed: true, reason: "x" })).toEqual(plan(people, { frontline: K }, { shown: [], suppressed: true, reason: "x" }));
  });
});

describe("optionPopulations", () => {
  it("gives, for each option not every version offered, the versions that offered it", () => {
    const offered = new Map<number, string[]>([
      [1, ["report", "help", "ask"]],
      [2, ["report", "help"]],
      [3, ["report", "help", "ask", "proof"]],
    ]);
    // "ask" was removed and brought back; "proof" was added; "report" and "help" are everyone's.
    expect(optionPopulations(offered)).toEqual([[1, 3], [3]]);
  });

  it("gives none when every version offered the same options, and sets each once", () => {
    expect(
      optionPopulations(
        new Map([
          [1, ["a", "b"]],
          [2, ["b", "a"]],
        ]),
      ),
    ).toEqual([]);
    expect(
      optionPopulations(
        new Map([
          [1, ["a"]],
          [2, ["a", "b", "c"]],
        ]),
      ),
    ).toEqual([[2]]);
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
  const e = (userId: number, lean: CountedEndorser["lean"], standing: string | null = "frontline") => ({ userId, lean, standing });
  const before = { "1": endorserContribution(e(1, "right")), "2": endorserContribution(e(2, "wrong")), "3": endorserContribution(e(3, null)), "5": endorserContribution(e(5, "right")) };

  it("counts endorsers added, gone, with a new public lean or a new standing, once each", () => {
    const now = [
      e(1, "right"), // unchanged
      e(2, "right"), // lean changed
      e(5, "right", "manager"), // standing changed
      e(4, null), // new endorser
    ];
    // 3 gone, 2's lean, 5's standing, 4 added.
    expect(endorsersChangedSince(before, now)).toBe(4);
  });

  it("counts every endorser of an argument never scored", () => {
    expect(endorsersChangedSince({}, [e(1, null), e(2, "wrong")])).toBe(2);
  });

  it("counts nothing when every endorser adds the same as before", () => {
    expect(endorsersChangedSince(before, [e(1, "right"), e(2, "wrong"), e(3, null), e(5, "right")])).toBe(0);
  });

  it("counts every endorser of a score stored before ADR 018 (a positions row id) as changed once", () => {
    expect(endorsersChangedSince({ "1": 10, "2": 20 }, [e(1, "right"), e(2, null)])).toBe(2);
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
  const endorser = (argumentId: number, userId: number, lean: CountedEndorser["lean"], standing: string | null = "frontline"): CountedEndorser => ({ argumentId, userId, lean, standing });

  it("gives no score to an argument with fewer than k endorsers counted", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, "right"), endorser(1, 2, "wrong")], K);
    expect(shownArgumentScores(scores, K).shown).toEqual(new Map());
  });

  it("scores an argument once k endorsers are counted, with the bridging formula over public leans", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, "right"), endorser(1, 2, "wrong"), endorser(1, 3, "right")], K);
    // min(2 right, 1 wrong) × 1 standing
    expect(shownArgumentScores(scores, K).shown).toEqual(new Map([[1, 1]]));
  });

  it("counts endorsers with no public lean towards k, on neither side", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, "right"), endorser(1, 2, "wrong"), endorser(1, 3, null)], K);
    expect(shownArgumentScores(scores, K).shown).toEqual(new Map([[1, 1]]));
  });

  it("keeps an argument's released score while fewer than k of its endorsers changed", () => {
    const first = [endorser(1, 1, "right"), endorser(1, 2, "wrong"), endorser(1, 3, "wrong")];
    const released = releaseArgumentScores({}, first, K);
    // Endorser 1 now leans wrong and someone new endorses: two changes.
    const later = [endorser(1, 1, "wrong"), first[1]!, first[2]!, endorser(1, 4, "right")];
    const again = releaseArgumentScores(released, later, K);
    expect(again["1"]).toEqual(released["1"]);
  });

  it("releases a new score once k endorsers changed, counted from the score's own last release", () => {
    const first = [endorser(1, 1, "right"), endorser(1, 2, "right"), endorser(1, 3, "right")];
    const released = releaseArgumentScores({}, first, K);
    expect(shownArgumentScores(released, K).shown.get(1)).toBe(0);
    // Two now lean wrong: worked out now, the score would be 1; released, it stays 0.
    const twoChanged = [endorser(1, 1, "wrong"), endorser(1, 2, "wrong"), first[2]!];
    const kept = releaseArgumentScores(released, twoChanged, K);
    expect(shownArgumentScores(kept, K).shown.get(1)).toBe(0);
    // A third changes standing: three changes since the score's release, in two releases of the case.
    const threeChanged = [twoChanged[0]!, twoChanged[1]!, endorser(1, 3, "right", "manager")];
    const next = releaseArgumentScores(kept, threeChanged, K);
    expect(shownArgumentScores(next, K).shown.get(1)).toBe(1);
    expect(next["1"]!.counted).toEqual({ "1": "wrong/frontline", "2": "wrong/frontline", "3": "right/manager" });
  });

  it("withdraws a score once k changes leave fewer than k endorsers", () => {
    const first = [endorser(1, 1, "right"), endorser(1, 2, "wrong"), endorser(1, 3, "wrong"), endorser(1, 4, "right")];
    const released = releaseArgumentScores({}, first, K);
    expect(shownArgumentScores(released, K).shown.get(1)).toBe(2);
    const afterThreeLeft = releaseArgumentScores(released, [first[0]!], K);
    expect(shownArgumentScores(afterThreeLeft, K).shown.has(1)).toBe(false);
    expect(afterThreeLeft["1"]!.counted).toEqual({ "1": "right/frontline" });
  });

  it("counts standings under k as one kind of person", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, "right", "frontline"), endorser(1, 2, "wrong", "frontline"), endorser(1, 3, "right", "hr")], K);
    expect(shownArgumentScores(scores, K).shown.get(1)).toBe(1);
    const wide = [...[1, 2, 3].map((u) => endorser(2, u, "right", "frontline")), ...[4, 5, 6].map((u) => endorser(2, u, "wrong", "manager"))];
    // min(3, 3) × (1 + 0.5 × 1): two standings of k each.
    expect(shownArgumentScores(releaseArgumentScores({}, wide, K), K).shown.get(2)).toBe(4.5);
  });

  it("never shows two scores whose endorsers differ by 1 to k-1 people", () => {
    // Arguments 1 and 2 share three endorsers; Vera also endorses 2. Side by side, their standings
    // terms would differ by her standing alone: 2 is not shown beside 1.
    const shared = [1, 2, 3].flatMap((u) => [endorser(1, u, u === 1 ? "right" : "wrong"), endorser(2, u, u === 1 ? "right" : "wrong")]);
    const vera = endorser(2, 4, "right");
    expect([...shownArgumentScores(releaseArgumentScores({}, [...shared, vera], K), K).shown.keys()]).toEqual([1]);
    // With K people apart, both are shown: what differs is about K people.
    const more = [4, 5, 6].map((u) => endorser(2, u, "right"));
    expect([...shownArgumentScores(releaseArgumentScores({}, [...shared, ...more], K), K).shown.keys()]).toEqual([1, 2]);
  });

  it("keeps no two shown scores apart for a lean alone: leans are public", () => {
    // The same three endorse 1 and 2, but each leans differently on each (their other endorsements
    // differ): only standings are protected, so both scores are shown.
    const leans: CountedEndorser["lean"][] = ["right", "wrong", null];
    const endorsers = [1, 2, 3].flatMap((u) => [endorser(1, u, leans[u - 1]!), endorser(2, u, leans[(u + 1) % 3]!)]);
    expect([...shownArgumentScores(releaseArgumentScores({}, endorsers, K), K).shown.keys()]).toEqual([1, 2]);
  });

  it("keeps an argument's shown score when its new one would tell one endorser's new standing apart", () => {
    const before = [endorser(1, 1, "right"), endorser(1, 2, "wrong"), endorser(1, 3, "right")];
    const first = releaseShownScores({}, before, K, []);
    expect(first.shown.get(1)).toBeDefined();
    // Three newcomers, and endorser 1 declares another standing: k changed, so the score is due,
    // but endorser 1's old standing would be a set of one (counted by the first score only).
    const after = [endorser(1, 1, "right", "manager"), before[1]!, before[2]!, endorser(1, 4, "right"), endorser(1, 5, "right"), endorser(1, 6, "wrong")];
    const second = releaseShownScores(first.scores, after, K, first.everShown);
    expect(second.shown.get(1)).toBe(first.shown.get(1));
    expect(second.scores["1"]).toBe(first.scores["1"]);
    // Two more change standing with endorser 1: the old standings now number k, and the new score shows.
    const third = releaseShownScores(second.scores, [after[0]!, endorser(1, 2, "wrong", "manager"), endorser(1, 3, "right", "manager"), ...after.slice(3)], K, second.everShown);
    expect(third.scores["1"]).not.toBe(first.scores["1"]);
    expect(third.shown.has(1)).toBe(true);
  });

  it("shows a score that differs from the last only in public leans, once k endorsers changed", () => {
    const before = [1, 2, 3, 4].map((u) => endorser(1, u, "right"));
    const first = releaseShownScores({}, before, K, []);
    expect(first.shown.get(1)).toBe(0);
    // Three of the four now lean wrong (they endorsed other arguments since); nobody's standing changed.
    const after = [endorser(1, 1, "wrong"), endorser(1, 2, "wrong"), endorser(1, 3, "wrong"), endorser(1, 4, "right")];
    expect(releaseShownScores(first.scores, after, K, first.everShown).shown.get(1)).toBe(1);
  });

  it("decides each argument on its own endorsers", () => {
    const scores = releaseArgumentScores({}, [endorser(1, 1, "right"), endorser(1, 2, "wrong"), endorser(1, 3, "wrong"), endorser(2, 1, "right")], K);
    expect([...shownArgumentScores(scores, K).shown.keys()]).toEqual([1]);
    expect(scores["2"]).toBeUndefined();
  });
});

describe("countsHolding and withdrawalIsSafe (removals never move a count by fewer than k)", () => {
  const PERSPECTIVES = ["employee", "employer"];
  const both = (round: number) => [
    { round, perspective: "employee" },
    { round, perspective: "employer" },
  ];

  it("names every count a person's votes are part of: cells, rounds answered in full, shifts", () => {
    expect(countsHolding([...both(1), { round: 2, perspective: "employee" }], PERSPECTIVES)).toEqual(new Set(["cell 1 employee", "cell 1 employer", "cell 2 employee", "round 1", "shift employee"]));
    expect(countsHolding([], PERSPECTIVES)).toEqual(new Set());
  });

  it("names the submission counts a person's upvotes and 'what moved me' are part of, so they leave only with k others", () => {
    const upvoter = countsHolding([], PERSPECTIVES, ["upvote 12"]);
    expect(upvoter).toEqual(new Set(["upvote 12"]));
    expect(countsHolding(both(2), PERSPECTIVES, ["moved-by 12"])).toEqual(new Set(["cell 2 employee", "cell 2 employer", "round 2", "moved-by 12"]));
    // One upvoter of a submission among removed people who did nothing else: that count would lose one known person.
    expect(withdrawalIsSafe([upvoter, new Set(), new Set()], 3)).toBe(false);
    expect(withdrawalIsSafe([upvoter, upvoter, upvoter], 3)).toBe(true);
  });

  it("allows a withdrawal only when each count loses none or at least k of the pending people", () => {
    const roundOne = countsHolding(both(1), PERSPECTIVES);
    const roundTwo = countsHolding(both(2), PERSPECTIVES);
    expect(withdrawalIsSafe([roundOne, roundOne, roundOne], 3)).toBe(true);
    expect(withdrawalIsSafe([roundOne, roundOne], 3)).toBe(false);
    // Two who voted in round 1 and one who voted in round 2: round 2 would lose one named person.
    expect(withdrawalIsSafe([roundOne, roundOne, roundTwo], 3)).toBe(false);
    // Removed people without votes change no count.
    expect(withdrawalIsSafe([new Set(), new Set()], 3)).toBe(true);
  });

  it("keys the shift only for people in both rounds 1 and 2: round 3 (after the swap, ADR 032) is in no shift", () => {
    const round = (r: number, perspective = "employee") => ({ round: r, perspective });
    expect(countsHolding([round(2), round(3)], PERSPECTIVES)).toEqual(new Set(["cell 2 employee", "cell 3 employee"]));
    expect(countsHolding([round(1), round(3)], PERSPECTIVES)).toEqual(new Set(["cell 1 employee", "cell 3 employee"]));
    expect(countsHolding([round(1), round(2), round(3)], PERSPECTIVES)).toEqual(new Set(["cell 1 employee", "cell 2 employee", "cell 3 employee", "shift employee"]));
    // k = 2: A in rounds 1 and 2, C and C' in 2 and 3, D in 1 and 3. Each round loses two or more,
    // but the shift (round 1 -> round 2) loses A alone: not safe (reproductions.test.ts, 18).
    const [a, c, d] = [both(1).concat(both(2)), both(2).concat(both(3)), both(1).concat(both(3))].map((cells) => countsHolding(cells, PERSPECTIVES));
    expect(withdrawalIsSafe([a!, c!, c!, d!], 2)).toBe(false);
  });

  it("never lets a withdrawal move the shift's people (both rounds 1 and 2) by 1 to k-1, with a third round (property)", () => {
    // Phones answer every perspective of a round at once: a person is the rounds they voted in.
    const person = fc.subarray([1, 2, 3]).map((rounds) => rounds.flatMap(both));
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.array(person, { maxLength: 8 }), (k, people) => {
        if (
          !withdrawalIsSafe(
            people.map((cells) => countsHolding(cells, PERSPECTIVES)),
            k,
          )
        )
          return;
        for (const p of PERSPECTIVES) {
          const lost = people.filter((cells) => [1, 2].every((r) => cells.some((c) => c.round === r && c.perspective === p))).length;
          expect(lost === 0 || lost >= k, `the ${p} shift loses ${lost}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("never lets a withdrawal move any count by 1 to k-1 people (property)", () => {
    const cell = fc.record({ round: fc.constantFrom(1, 2), perspective: fc.constantFrom("employee", "employer") });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.uniqueArray(cell, { selector: (c) => `${c.round} ${c.perspective}`, maxLength: 4 }), { maxLength: 8 }), (k, people) => {
        const pending = people.map((cells) => countsHolding(cells, PERSPECTIVES));
        if (!withdrawalIsSafe(pending, k)) return;
        for (const key of new Set(pending.flatMap((counts) => [...counts]))) {
          const lost = pending.filter((counts) => counts.has(key)).length;
          expect(lost === 0 || lost >= k, `${key} loses ${lost}`).toBe(true);
        }
      }),
    );
  });
});

describe("release rules of the live room", () => {
  it("releases a tally, a gap and a shift only at k counted people", () => {
    for (const rule of [cellReleased, gapReleased, shiftReleased]) {
      expect(rule(0, 5)).toBe(false);
      expect(rule(4, 5)).toBe(false);
      expect(rule(5, 5)).toBe(true);
      expect(rule(40, 5)).toBe(true);
    }
  });

  it("withholds the shift while 1 to k-1 people answered only one of the two rounds (an early leaver, a late joiner)", () => {
    expect(shiftReleased(8, 5, 1, 0)).toBe(false);
    expect(shiftReleased(8, 5, 0, 4)).toBe(false);
    expect(shiftReleased(8, 5, 5, 0)).toBe(true);
    expect(shiftReleased(8, 5, 0, 0)).toBe(true);
    expect(shiftReleased(8, 5, 6, 7)).toBe(true);
  });

  it("says how many named an argument as what moved them only from k people", () => {
    expect(movedByShown(4, 5)).toBe(false);
    expect(movedByShown(5, 5)).toBe(true);
  });

  it("keeps a released aggregate whole, and of a withheld one only what identifies it and k", () => {
    const tally = { round: 1, perspective: "employee", respondents: 4, meanJudgement: 1.5 };
    expect(release(tally, true, 5, ["round", "perspective"])).toEqual({ ...tally, released: true });
    expect(release(tally, false, 5, ["round", "perspective"])).toEqual({ round: 1, perspective: "employee", released: false, k: 5 });
  });

  it("tells every audience, in words, that results appear at k voters, and the facilitator how removals count", () => {
    expect(resultsAppearAt(5)).toBe("Results appear when 5 people have voted");
    expect(removalNotice(5)).toMatch(/keep counting until every count they are part of can lose at least 5 removed people at once/);
  });
});

describe("workshopGrouping and groupOfStanding (one grouping per workshop)", () => {
  const grouping = workshopGrouping(
    [
      { standing: "frontline", people: 5 },
      { standing: "manager", people: 5 },
      { standing: "hr", people: 2 },
      { standing: null, people: 0 },
    ],
    5,
  );

  it("merges small standings with complementary suppression, as mergeSmallGroups", () => {
    expect(grouping).toEqual({
      suppressed: false,
      shown: [
        { key: "frontline", members: ["frontline"], count: 5 },
        { key: OTHER_GROUP, members: ["hr", "manager"], count: 7 },
      ],
    });
  });

  it("puts each standing's answers in its shown group, people without a standing under undeclared", () => {
    expect(groupOfStanding(grouping, "frontline")).toBe("frontline");
    expect(groupOfStanding(grouping, "manager")).toBe(OTHER_GROUP);
    expect(groupOfStanding(grouping, "hr")).toBe(OTHER_GROUP);
    const withUndeclared = workshopGrouping(
      [
        { standing: null, people: 6 },
        { standing: "hr", people: 5 },
      ],
      5,
    );
    expect(groupOfStanding(withUndeclared, null)).toBe("undeclared");
  });

  it("gives no group at all when the grouping is suppressed", () => {
    const suppressed = workshopGrouping([{ standing: "frontline", people: 4 }], 5);
    expect(suppressed.suppressed).toBe(true);
    expect(groupOfStanding(suppressed, "frontline")).toBeNull();
  });

  const round = (one: number, two: number) => ({ [workshopCellKey(1, "employee")]: one, [workshopCellKey(2, "employee")]: two });

  it("merges a standing that has k people in the workshop but fewer in one released round", () => {
    const thin = workshopGrouping(
      [
        { standing: "frontline", people: 5, cells: round(5, 5) },
        { standing: "manager", people: 6, cells: round(6, 6) },
        { standing: "hr", people: 5, cells: round(5, 1) },
      ],
      5,
    );
    // hr is thin in round 2, so it is merged; the merged group alone would be thin there too, so frontline joins it.
    expect(thin).toEqual({
      suppressed: false,
      shown: [
        { key: "manager", members: ["manager"], count: 6 },
        { key: OTHER_GROUP, members: ["frontline", "hr"], count: 10 },
      ],
    });
  });

  it("ignores a round nobody in a standing answered, and cells too small to be released at all", () => {
    const grouping = workshopGrouping(
      [
        { standing: "frontline", people: 5, cells: { ...round(5, 0), [workshopCellKey(3, "employee")]: 1 } },
        { standing: "manager", people: 5, cells: { ...round(5, 6), [workshopCellKey(3, "employee")]: 1 } },
      ],
      5,
    );
    expect(grouping.shown.map((g) => g.key)).toEqual(["frontline", "manager"]);
  });

  it("holds every shown group to 0 or at least k voters in every released cell (property)", () => {
    const K = 3;
    const standing = fc.constantFrom("frontline", "manager", "hr", "legal", null);
    const voter = fc.record({ standing, cells: fc.subarray(["1:employee", "1:employer", "2:employee", "2:employer"], { minLength: 1 }) });
    fc.assert(
      fc.property(fc.array(voter, { maxLength: 14 }), (voters) => {
        const byStanding = new Map<string | null, { people: number; cells: Record<string, number> }>();
        for (const v of voters) {
          const entry = byStanding.get(v.standing) ?? { people: 0, cells: {} };
          entry.people += 1;
          for (const cell of v.cells) entry.cells[cell] = (entry.cells[cell] ?? 0) + 1;
          byStanding.set(v.standing, entry);
        }
        const grouping = workshopGrouping(
          [...byStanding].map(([s, e]) => ({ standing: s, ...e })),
          K,
        );
        if (grouping.suppressed) return;
        for (const cell of ["1:employee", "1:employer", "2:employee", "2:employer"]) {
          const total = voters.filter((v) => v.cells.includes(cell)).length;
          if (!cellReleased(total, K)) continue;
          for (const group of grouping.shown) {
            const people = voters.filter((v) => v.cells.includes(cell) && groupOfStanding(grouping, v.standing) === group.key).length;
            expect(people === 0 || people >= K, `${group.key} in ${cell}: ${people}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("standingBreakdownReleased", () => {
  it("releases breakdowns by standing once, when the workshop has ended", () => {
    expect(standingBreakdownReleased(false)).toBe(false);
    expect(standingBreakdownReleased(true)).toBe(true);
  });
});
