/**
 * Several online releases read together (ADR 009, "Several releases read together"): the joint
 * test `exposedBySeveralReleases`, on histories worked out by hand, and `planRelease` using it.
 */
import { describe, expect, it } from "vitest";
import { OTHER_GROUP, planRelease, type Breakdown, type PendingPerson, type ReleasedGrouping } from "../../app/domain/disclosure";
import { exposedBySeveralReleases, releaseEquations, type HeldRecord, type ReleaseShape } from "../../app/domain/release-equations";

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
    const releases: ReleaseShape[] = [{ grouping: none, perspectives: three }, { grouping: none, perspectives: BOTH }];
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
  const history: ReleasedGrouping[] = [
    { breakdown: none, released: { frontline: 3 }, changed: ["frontline"] },
  ];
  const records = [...person(1, "frontline", 0), ...people(2, 2, "frontline", 0)];
  const corrector = (id: number, standing: string): PendingPerson => ({ id, standing, released: false, wrote: BOTH, reanswered: BOTH });
  const newcomer = (id: number, standing: string): PendingPerson => ({ id, standing, released: false, wrote: BOTH, reanswered: [] });
  const fred: PendingPerson = { id: 1, standing: "frontline", released: true, wrote: BOTH, reanswered: BOTH };

  it("leaves waiting the people a release would expose with the releases before it", () => {
    const plan = planRelease({ perspectives: BOTH, gap: true, history, records, jointFrom: 0, pending: [fred, corrector(4, "manager"), corrector(5, "manager")], k: K });
    expect(plan).toBeNull();
  });

  it("takes them once newcomers' first answers share their batch", () => {
    // One standing, so no breakdown: total(1) − total(0) − shift(1) holds five people's first answers.
    const pending = [fred, corrector(4, "frontline"), corrector(5, "frontline"), newcomer(6, "frontline"), newcomer(7, "frontline"), newcomer(8, "frontline")];
    const plan = planRelease({ perspectives: BOTH, gap: true, history, records, jointFrom: 0, pending, k: K });
    expect(plan?.people).toEqual([1, 4, 5, 6, 7, 8]);
  });

  it("prefers a breakdown to Fred's change: with managers shown apart, his change waits and the newcomers go", () => {
    const pending = [fred, corrector(4, "manager"), corrector(5, "manager"), newcomer(6, "manager"), newcomer(7, "manager"), newcomer(8, "manager")];
    const plan = planRelease({ perspectives: BOTH, gap: true, history, records, jointFrom: 0, pending, k: K });
    // The front-line row would move by Fred alone, and the shift by the two correctors alone.
    expect(plan?.people).toEqual([6, 7, 8]);
    expect(plan?.grouping.shown.map((g) => g.key)).toEqual(["frontline", "manager"]);
  });
});
