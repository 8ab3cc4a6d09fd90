/**
 * Several online releases read together (ADR 009, "Several releases read together"): the joint
 * test `exposedBySeveralReleases`, on histories worked out by hand, and `planRelease` using it.
 */
import { describe, expect, it } from "vitest";
import { OTHER_GROUP, planRelease, type Breakdown, type PendingPerson, type ReleasedGrouping } from "../../app/domain/disclosure";
import { exposedByBounds, exposedByPersuasion, exposedByRowChurn, exposedBySeveralReleases, inCone, releaseEquations, type HeldRecord, type ReleaseShape } from "../../app/domain/release-equations";

const K = 3;
const BOTH = ["employee", "employer"];
const none: Breakdown = { shown: [], suppressed: true, reason: "everyone who answered is in the same group" };
const groups = (...keys: (string | [string, string[]])[]): Breakdown => ({
  shown: keys.map((key) => (typeof key === "string" ? { key, members: [key], count: 0 } : { key: key[0], members: key[1], count: 0 })),
  suppressed: false,
});
const options = { perspectives: BOTH, gap: true, k: K };

/** Both perspectives' records of one person, taken by release `from` and held until `until`. */
function person(id: number, standing: string, from: number, until: number | null = null, reanswer = false, version = 1): HeldRecord[] {
  return BOTH.map((perspective) => ({ person: id, perspective, standing, version, reanswer, from, until }));
}
/** Records of `count` people numbered from `first`. */
function people(first: number, count: number, standing: string, from: number): HeldRecord[] {
  return Array.from({ length: count }, (_, i) => person(first + i, standing, from)).flat();
}

describe("exposedBySeveralReleases", () => {
  it("finds nothing in batches of k that every release shows whole", () => {
    const records = [...people(1, 3, "frontline", 0), ...people(4, 3, "frontline", 1), ...people(7, 3, "manager", 2)];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }, { grouping: none }];
    expect(exposedBySeveralReleases(records, releases, options)).toBeNull();
  });

  it("finds one person in a standing row minus the batches released since (fourth review, Mara)", () => {
    // Release 0: Mara (manager) and two front line; 1: three front line; 2: three managers (no
    // breakdown); 3: three front line and the first breakdown. manager(3) − (total(2) − total(1)) = Mara.
    const records = [...person(1, "manager", 0), ...people(2, 2, "frontline", 0), ...people(4, 3, "frontline", 1), ...people(7, 3, "manager", 2), ...people(10, 3, "frontline", 3)];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }, { grouping: none }, { grouping: groups("frontline", "manager") }];
    // Mara alone, and so the two front-line people of release 0 (its total minus Mara).
    expect(exposedBySeveralReleases(records, releases, options)).toEqual([1, 2, 3]);
    // The same history without the breakdown isolates nobody.
    expect(exposedBySeveralReleases(records, [...releases.slice(0, 3), { grouping: none }], options)).toBeNull();
  });

  it("finds one person in an option's bar that only the version they answered offered (sixth review)", () => {
    // Release 0: two people on version 1 and Tess on version 2, which added an option: its bar is
    // a sum over the version-2 answers alone, Tess's. Without the population, nobody is exposed.
    const records = [...person(1, "frontline", 0, null, false, 1), ...person(2, "frontline", 0, null, false, 1), ...person(3, "frontline", 0, null, false, 2)];
    expect(exposedBySeveralReleases(records, [{ grouping: none }], options)).toBeNull();
    const added: ReleaseShape = { grouping: none, populations: { employee: [[2]], employer: [] } };
    // Tess alone, and so the two others (the total minus her).
    expect(exposedBySeveralReleases(records, [added], options)).toEqual([1, 2, 3]);
    // With k people on each version the option's bar is a sum over k: nobody alone.
    const more = [...records, ...person(4, "frontline", 0, null, false, 2), ...person(5, "frontline", 0, null, false, 2), ...person(6, "frontline", 0, null, false, 1)];
    expect(exposedBySeveralReleases(more, [added], options)).toBeNull();
  });

  it("finds a change of mind: a record replaced while the rest of its batch is told apart later", () => {
    // Release 0: Fred and two front line. Release 1: Fred's new answer and three managers. Release
    // 2: the breakdown. total(1) − total(0) − manager(2) = Fred's new answer minus his old one.
    const records = [...person(1, "frontline", 0, 1), ...person(1, "frontline", 1, null, true), ...people(2, 2, "frontline", 0), ...people(4, 3, "manager", 1), ...people(7, 3, "frontline", 2)];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }, { grouping: groups("frontline", "manager") }];
    expect(exposedBySeveralReleases(records, releases, options)).toEqual([1]);
  });

  it("finds first answers given before a first release: a total minus its shift, when a released change cancels out", () => {
    // Release 0: Fred and two front line. Release 1: Fred's change and two managers who each
    // corrected their answer before it. total(1) − total(0) − shift(1) = the managers' first answers.
    const records = [
      ...person(1, "frontline", 0, 1),
      ...person(1, "frontline", 1, null, true),
      ...people(2, 2, "frontline", 0),
      ...person(4, "manager", 1, null, true),
      ...person(5, "manager", 1, null, true),
    ];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }];
    expect(exposedBySeveralReleases(records, releases, options)?.sort()).toEqual([4, 5]);
    // With k newcomers' first answers in the same batch, the difference holds them too.
    expect(exposedBySeveralReleases([...records, ...people(6, 3, "manager", 1)], releases, options)).toBeNull();
  });

  it("lets a standing leave a merged group when every batch mixed it with others", () => {
    // Two batches, each of three managers and three front line, merged in release 0 and 1 with one
    // HR person; release 2 shows managers apart. No batch is ever told apart by standing.
    const records = [...people(1, 3, "manager", 0), ...people(4, 3, "frontline", 0), ...person(7, "hr", 0), ...people(8, 3, "manager", 1), ...people(11, 3, "frontline", 1)];
    const merged = groups(["frontline", ["frontline"]], [OTHER_GROUP, ["hr", "manager"]]);
    const split = groups(["frontline", ["frontline", "hr"]], ["manager", ["manager"]]);
    expect(exposedBySeveralReleases(records, [{ grouping: merged }, { grouping: merged }, { grouping: split }], options)).toEqual([7]);
    expect(exposedBySeveralReleases(records, [{ grouping: none }, { grouping: none }, { grouping: split }], options)).toBeNull();
  });

  it("starts at `from`: releases before it contribute no rows", () => {
    const records = [...person(1, "manager", 0), ...people(2, 2, "frontline", 0), ...people(4, 3, "frontline", 1), ...people(7, 3, "manager", 2), ...people(10, 3, "frontline", 3)];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }, { grouping: none }, { grouping: groups("frontline", "manager") }];
    expect(releaseEquations(records, releases, { perspectives: BOTH, gap: true, from: 3 }).rows.length).toBeGreaterThan(0);
    expect(exposedBySeveralReleases(records, releases, { ...options, from: 3 })).toBeNull();
  });

  it("reads each release's rows for the perspectives it showed: a removed perspective's old rows still count", () => {
    // Release 0 showed a third perspective, removed before release 1.
    const three = ["employee", "employer", "customer"];
    const customer = (id: number, from: number): HeldRecord => ({ person: id, perspective: "customer", standing: "frontline", version: 1, reanswer: false, from, until: null });
    const records = [...people(1, 3, "frontline", 0), ...[1, 2, 3].map((id) => customer(id, 0)), ...people(4, 3, "frontline", 1)];
    const releases: ReleaseShape[] = [
      { grouping: none, perspectives: three },
      { grouping: none, perspectives: BOTH },
    ];
    const { rows } = releaseEquations(records, releases, { perspectives: BOTH, gap: true });
    // Release 0: three perspectives and the gap; release 1: two perspectives and the gap.
    expect(rows).toHaveLength(4 + 3);
    expect(exposedBySeveralReleases(records, releases, { ...options, perspectives: BOTH })).toBeNull();
  });

  it("merges unknowns touched by the same rows into atoms of their people", () => {
    const { columns } = releaseEquations(people(1, 4, "frontline", 0), [{ grouping: none }], { perspectives: BOTH, gap: true });
    // Employee answers and employer answers: two atoms of four people each.
    expect(columns.map((c) => c.people.size)).toEqual([4, 4]);
  });
});

describe("planRelease with the records of earlier releases", () => {
  const history: ReleasedGrouping[] = [{ breakdown: none, released: { frontline: 3 }, changed: ["frontline"] }];
  const records = [...person(1, "frontline", 0), ...people(2, 2, "frontline", 0)];
  const corrector = (id: number, standing: string): PendingPerson => ({ id, standing, released: false, wrote: BOTH, reanswered: BOTH });
  const newcomer = (id: number, standing: string): PendingPerson => ({ id, standing, released: false, wrote: BOTH, reanswered: [] });
  const fred: PendingPerson = { id: 1, standing: "frontline", released: true, wrote: BOTH, reanswered: BOTH };

  it("leaves waiting the people a release would expose with the releases before it", () => {
    const plan = planRelease({ perspectives: BOTH, gap: true, history, records, jointFrom: 0, pending: [fred, corrector(4, "manager"), corrector(5, "manager")], k: K });
    expect(plan).toBeNull();
  });

  it("takes the newcomers, while Fred alone would leave release 0's bars (and the correctors' shift is theirs alone)", () => {
    // One standing, so no breakdown. Linearly, total(1) − total(0) − shift(1) holds five people's
    // first answers; but against release 0 only Fred's record leaves, so a bar that shrank would
    // be his first answer (exposedByRowChurn): he waits, and then the two correctors' shift.
    const pending = [fred, corrector(4, "frontline"), corrector(5, "frontline"), newcomer(6, "frontline"), newcomer(7, "frontline"), newcomer(8, "frontline")];
    const plan = planRelease({ perspectives: BOTH, gap: true, history, records, jointFrom: 0, pending, k: K });
    expect(plan?.people).toEqual([6, 7, 8]);
  });

  it("prefers a breakdown to Fred's change: with managers shown apart, his change waits and the newcomers go", () => {
    const pending = [fred, corrector(4, "manager"), corrector(5, "manager"), newcomer(6, "manager"), newcomer(7, "manager"), newcomer(8, "manager")];
    const plan = planRelease({ perspectives: BOTH, gap: true, history, records, jointFrom: 0, pending, k: K });
    // The front-line row would move by Fred alone, and the shift by the two correctors alone.
    expect(plan?.people).toEqual([6, 7, 8]);
    expect(plan?.grouping.shown.map((g) => g.key)).toEqual(["frontline", "manager"]);
  });
});

describe("exposedByRowChurn (bars only grow by who entered)", () => {
  it("finds the one person who entered a row while two others left it, which the linear test allows", () => {
    // Release 0: 1 to 5; release 1: 6, 7, 8 join; release 2: person 9 joins while 2 and 3 leave
    // (their records end, none replaces them). row(2) − row(1) = 9 − 2 − 3: three people, but
    // every bar that grew grew by person 9.
    const records = [
      ...person(1, "frontline", 0),
      ...person(2, "frontline", 0, 2),
      ...person(3, "frontline", 0, 2),
      ...people(4, 2, "frontline", 0),
      ...people(6, 3, "frontline", 1),
      ...person(9, "frontline", 2),
    ];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }, { grouping: none }];
    expect(exposedBySeveralReleases(records, releases, options)).toBeNull();
    expect(exposedByRowChurn(records, releases, options)).toEqual([2, 3, 9]);
  });

  it("finds one re-answer among people of a later batch: against the batch it came from, it leaves alone", () => {
    // Release 0: 1, 2, 3; release 1: 4, 5, 6; release 2: 1, 4 and 5 answer again. Against release
    // 0 only person 1's record left: a bar that shrank since release 0 is their first answer.
    const reanswered = (id: number, from: number) => [...person(id, "frontline", from, 2), ...person(id, "frontline", 2, null, true)];
    const records = [...reanswered(1, 0), ...people(2, 2, "frontline", 0), ...reanswered(4, 1), ...reanswered(5, 1), ...person(6, "frontline", 1)];
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }, { grouping: none }];
    expect(exposedByRowChurn(records, releases, options)).toEqual([1]);
    // Three of the first batch answering again leave it in a set of three: nothing to find.
    const whole = [...reanswered(1, 0), ...reanswered(2, 0), ...reanswered(3, 0), ...people(4, 3, "frontline", 1)];
    expect(exposedByRowChurn(whole, releases, options)).toBeNull();
  });

  it("checks an option population within each shown group, as the group's bars show it (ninth review)", () => {
    // Employee only; version 2 is the only one offering an option (a population of its own).
    // Release 0: front line 1, 2, 3, 20, 21, 22 and managers 4, 5, 6, 23, 24, 25 on version 2,
    // front line 10, 11, 12 and managers 8, 9, 19 on version 1. Release 1: 1, 2, 3, 4, 5, 6, 11,
    // 12 and 19 answer again on version 3, and 10, 8 and 9 on version 2 (they answered before
    // version 3 and waited). Every row checked before has 0 or at least 3 entering and leaving
    // (the population overall: 10, 8, 9 in, six out; the front line: six in, six out), and the
    // linear test finds nothing; but within the front line the population gained 10 alone while
    // 1, 2, 3 left, so its bar that grew is 10's (and within the managers, 8's and 9's).
    const one = (id: number, standing: string, version: number, from: number, until: number | null = null, reanswer = false): HeldRecord => ({
      person: id,
      perspective: "employee",
      standing,
      version,
      reanswer,
      from,
      until,
    });
    const again = (id: number, standing: string, from: number, to: number) => [one(id, standing, from, 0, 1), one(id, standing, to, 1, null, true)];
    const records = [
      ...[1, 2, 3].flatMap((id) => again(id, "frontline", 2, 3)),
      ...[20, 21, 22].map((id) => one(id, "frontline", 2, 0)),
      ...again(10, "frontline", 1, 2),
      ...[11, 12].flatMap((id) => again(id, "frontline", 1, 3)),
      ...[4, 5, 6].flatMap((id) => again(id, "manager", 2, 3)),
      ...[23, 24, 25].map((id) => one(id, "manager", 2, 0)),
      ...[8, 9].flatMap((id) => again(id, "manager", 1, 2)),
      ...again(19, "manager", 1, 3),
    ];
    const employeeOnly = { perspectives: ["employee"], gap: false, k: K };
    const shape: ReleaseShape = { grouping: groups("frontline", "manager"), perspectives: ["employee"], populations: { employee: [[2]] } };
    expect(exposedBySeveralReleases(records, [shape, shape], employeeOnly)).toBeNull();
    expect(exposedByRowChurn(records, [shape, shape], employeeOnly)).toEqual([8, 9, 10]);
    // The same with version 2 retired (its answers shown as options "no longer offered").
    const retired: ReleaseShape = { grouping: groups("frontline", "manager"), perspectives: ["employee"], retired: { employee: [2] } };
    expect(exposedBySeveralReleases(records, [retired, retired], employeeOnly)).toBeNull();
    expect(exposedByRowChurn(records, [retired, retired], employeeOnly)).toEqual([8, 9, 10]);
    // Without a breakdown there is no group's row to check, and the overall rows hold 3 or more.
    const overall: ReleaseShape = { grouping: none, perspectives: ["employee"], populations: { employee: [[2]] } };
    expect(exposedByRowChurn(records, [overall, overall], employeeOnly)).toBeNull();
  });

  it("compares only releases that show the row, and finds nothing in batches of newcomers", () => {
    const records = [...people(1, 3, "frontline", 0), ...people(4, 3, "frontline", 1), ...people(7, 3, "manager", 2)];
    expect(exposedByRowChurn(records, [{ grouping: none }, { grouping: none }, { grouping: none }], options)).toBeNull();
    expect(exposedByRowChurn(records, [{ grouping: none }], options)).toBeNull();
  });

  it("finds one person among many, whatever their place in the records (the rows are bitsets of 32 unknowns a word)", () => {
    // 70 people in release 0 (140 records, with first answers 280 unknowns: nine words); in
    // release 1 the one at `leaving` has gone. Each place puts the leaver in another word or bit,
    // the last bit of a word included.
    for (const leaving of [1, 16, 17, 32, 33, 64, 70]) {
      const records = Array.from({ length: 70 }, (_, i) => person(i + 1, "frontline", 0, i + 1 === leaving ? 1 : null)).flat();
      const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }];
      expect(exposedByRowChurn(records, releases, options)).toEqual([leaving]);
    }
  });
});

describe("exposedByPersuasion (an argument's count is over who could name it)", () => {
  it("leaves out the author and answers given before the argument, so a count over them alone singles one person out", () => {
    // Release 0: 1, 2, 3 first answers; release 1: 1, 2, 3 answer again (positions 11, 12, 13).
    // Person 1 wrote the argument, which was posted after position 11: only 2 and 3 could name it.
    const first = people(1, 3, "frontline", 0).map((r) => ({ ...r, until: 1 }));
    const again = [1, 2, 3].flatMap((id) => person(id, "frontline", 1, null, true).map((r) => ({ ...r, positionId: 10 + id })));
    const releases: ReleaseShape[] = [{ grouping: none }, { grouping: none }];
    const argument = { id: 9, author: 1, perspective: "employee", fromPositionId: 12 };
    expect(exposedByPersuasion([...first, ...again], releases, [argument], options)).toEqual([2, 3]);
    // Posted before every re-answer and by someone else, it could be named by all three.
    expect(exposedByPersuasion([...first, ...again], releases, [{ ...argument, author: 99, fromPositionId: 0 }], options)).toBeNull();
  });
});

describe("inCone (a column as a non-negative combination of others)", () => {
  const col = (entries: Record<number, number>) => new Map(Object.entries(entries).map(([r, c]) => [Number(r), c]));
  it("finds sums of generators, with signs that cancel", () => {
    expect(inCone(col({ 0: 1, 1: 1 }), [col({ 0: 1 }), col({ 1: 1 })])).toBe(true);
    expect(inCone(col({ 0: 1 }), [col({ 0: 1, 1: 1 }), col({ 1: -1 })])).toBe(true);
    expect(inCone(col({ 0: 2, 1: 1, 2: 1 }), [col({ 0: 1, 1: 1 }), col({ 0: 1, 2: 1 }), col({ 1: 1, 2: 1 })])).toBe(true);
  });
  it("refuses what only a negative weight or a missing row would give", () => {
    expect(inCone(col({ 0: 1, 1: 1 }), [col({ 0: 1, 2: 1 }), col({ 1: 1 })])).toBe(false);
    expect(inCone(col({ 0: 1 }), [col({ 0: 1, 1: 1 }), col({ 1: 1 })])).toBe(false);
    expect(inCone(col({ 0: -1 }), [col({ 0: 1 })])).toBe(false);
    // Needs the simplex: every row is reachable with both signs, but no μ ≥ 0 fits.
    expect(inCone(col({ 0: 1, 1: -1 }), [col({ 0: 1, 1: 1 }), col({ 0: -1, 1: 1 }), col({ 0: 1, 1: 1, 2: 1 }), col({ 2: -1, 1: -1, 0: -1 })])).toBe(false);
  });
  it("stops, answering no, when it may spend no more pivots", () => {
    expect(inCone(col({ 0: 2, 1: 1, 2: 1 }), [col({ 0: 1, 1: 1 }), col({ 0: 1, 2: 1 }), col({ 1: 1, 2: 1 })], () => false)).toBe(false);
  });
});

describe("exposedByBounds (bars are counts: bounds across rows, tenth review)", () => {
  const employeeOnly = { perspectives: ["employee"], gap: false, k: K };
  const one = (id: number, from: number, until: number | null = null, reanswer = false, standing = "frontline"): HeldRecord => ({
    person: id,
    perspective: "employee",
    standing,
    version: 1,
    reanswer,
    from,
    until,
  });
  const shape: ReleaseShape = { grouping: none, perspectives: ["employee"] };
  /**
   * Four releases of one perspective: 1, 2, 3 answer (release 0); 4 (Bob), 5, 6 answer (release
   * 1); 1, 2, 3 answer again (release 2); Bob, 1 and 2 answer again (release 3).
   */
  const bobChanges: HeldRecord[] = [
    ...[1, 2].flatMap((id) => [one(id, 0, 2), one(id, 2, 3, true), one(id, 3, null, true)]),
    one(3, 0, 2),
    one(3, 2, null, true),
    one(4, 1, 3),
    one(4, 3, null, true),
    one(5, 1),
    one(6, 1),
  ];

  it("finds an earlier batch's bars minus the bars now: the first answer of the one of that batch who changed", () => {
    // Release 0: 1, 2, 3; release 1: 4 (Bob), 5, 6; release 2: 1, 2, 3 answer again; release 3:
    // Bob, 1 and 2 answer again. Against every earlier release 0 or 3 people left, and no
    // combination is zero on all but a few; but total(1) − total(0) − total(3) = Bob's first
    // answer − the four others held now: a bar positive there is Bob's.
    const records = bobChanges;
    const releases = [shape, shape, shape, shape];
    expect(exposedBySeveralReleases(records, releases, employeeOnly)).toBeNull();
    expect(exposedByRowChurn(records, releases, employeeOnly)).toBeNull();
    expect(exposedByBounds(records, releases, employeeOnly)).toContain(4);
    // Without release 3 nothing is bounded: every small set is covered by whole batches.
    const upTo2 = records.filter((r) => r.from < 3).map((r) => (r.until === 3 ? { ...r, until: null } : r));
    expect(exposedByBounds(upTo2, releases.slice(0, 3), employeeOnly)).toBeNull();
    // With 5 and 6 changing beside Bob, his batch leaves whole; but 1 and 2 then leave their second
    // answers as two (total(2) − total(3) − (total(1) − total(0)) = theirs − the five new ones).
    const bBatch = [5, 6].flatMap((id) => [one(id, 1, 3), one(id, 3, null, true)]);
    const withFiveAndSix = records.filter((r) => r.person !== 5 && r.person !== 6).concat(bBatch);
    // Person 3's second answer is no combination of large atoms alone (it is 1's and 2's second
    // answers plus the five new ones): any combination singling it out also weighs 1 and 2, three
    // people together, so 3 is not exposed.
    expect(exposedByBounds(withFiveAndSix, releases, employeeOnly)).toEqual([1, 2]);
    // Bob, 5 and 6 alone (1 and 2 keep their second answers): every batch leaves whole.
    const batches = [1, 2, 3].flatMap((id) => [one(id, 0, 2), one(id, 2, null, true)]).concat([one(4, 1, 3), one(4, 3, null, true)], bBatch);
    expect(exposedByBounds(batches, releases, employeeOnly)).toBeNull();
  });

  it("finds 'other' then minus a standing shown alone now: the one other person who was merged with it", () => {
    // Release 0: front line 1–3; managers 4–6 and Hal (7, HR) merged as 'other'. Release 1:
    // managers 8–10 and HR 11–13 join, and every standing is shown alone. other(0) −
    // manager(1) = Hal − the three new managers.
    const records = [
      ...[1, 2, 3].map((id) => one(id, 0)),
      ...[4, 5, 6].map((id) => one(id, 0, null, false, "manager")),
      one(7, 0, null, false, "hr"),
      ...[8, 9, 10].map((id) => one(id, 1, null, false, "manager")),
      ...[11, 12, 13].map((id) => one(id, 1, null, false, "hr")),
    ];
    const merged: ReleaseShape = { grouping: groups("frontline", [OTHER_GROUP, ["hr", "manager"]]), perspectives: ["employee"] };
    const split: ReleaseShape = { grouping: groups("frontline", "manager", "hr"), perspectives: ["employee"] };
    expect(exposedBySeveralReleases(records, [merged, split], employeeOnly)).toBeNull();
    expect(exposedByRowChurn(records, [merged, split], employeeOnly)).toBeNull();
    expect(exposedByBounds(records, [merged, split], employeeOnly)).toEqual([7]);
    // Kept merged, 'other' only grows by whole batches.
    expect(exposedByBounds(records, [merged, merged], employeeOnly)).toBeNull();
  });

  it("tests what a new release adds to a history that already bounds someone (releases made before the rule)", () => {
    // The four releases of the first test, made before the bounds test: they bound Bob (4). The
    // combination stays in every later system; counted again, it would refuse every release.
    const records = bobChanges;
    expect(exposedByBounds(records, [shape, shape, shape, shape], employeeOnly)).toContain(4);
    const entry = (people: number): ReleasedGrouping => ({ breakdown: none, released: { frontline: people }, changed: ["frontline"], perspectives: ["employee"] });
    const history = [entry(3), entry(6), entry(6), entry(6)];
    const newcomer = (id: number): PendingPerson => ({ id, standing: "frontline", released: false, wrote: ["employee"], reanswered: [] });
    const plan = planRelease({ perspectives: ["employee"], gap: false, history, records, jointFrom: 0, pending: [newcomer(7), newcomer(8), newcomer(9)], k: K });
    expect(plan?.people).toEqual([7, 8, 9]);
    // Bob known does not let a new set of others through: 5 and 6 answering again alone still wait.
    const again = (id: number): PendingPerson => ({ id, standing: "frontline", released: true, wrote: ["employee"], reanswered: ["employee"] });
    expect(planRelease({ perspectives: ["employee"], gap: false, history, records, jointFrom: 0, pending: [again(5), again(6), newcomer(7)], k: K })).toBeNull();
  });

  it("lets planRelease keep a merged group merged rather than split it around one person", () => {
    const history: ReleasedGrouping[] = [
      { breakdown: groups("frontline", [OTHER_GROUP, ["hr", "manager"]]), released: { frontline: 3, manager: 3, hr: 1 }, changed: ["frontline", "manager", "hr"], perspectives: ["employee"] },
    ];
    const records = [...[1, 2, 3].map((id) => one(id, 0)), ...[4, 5, 6].map((id) => one(id, 0, null, false, "manager")), one(7, 0, null, false, "hr")];
    const newcomer = (id: number, standing: string): PendingPerson => ({ id, standing, released: false, wrote: ["employee"], reanswered: [] });
    const pending = [8, 9, 10].map((id) => newcomer(id, "manager")).concat([11, 12, 13].map((id) => newcomer(id, "hr")));
    const plan = planRelease({ perspectives: ["employee"], gap: false, history, records, jointFrom: 0, pending, k: K });
    expect(plan?.people).toEqual([8, 9, 10, 11, 12, 13]);
    expect(plan?.grouping.shown.map((g) => [g.key, g.members])).toEqual([
      ["frontline", ["frontline"]],
      [OTHER_GROUP, ["hr", "manager"]],
    ]);
  });
});
