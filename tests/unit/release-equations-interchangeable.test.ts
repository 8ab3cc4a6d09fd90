/**
 * `withoutInterchangeableSurplus` (issue #19): leaving out the records of interchangeable people
 * beyond k of each class changes no test's answer. Random histories of people who answer,
 * re-answer and name arguments, under random groupings (not only the ones a plan would allow, so
 * many histories expose someone), are tested with all their records and with the surplus left out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeSmallGroups } from "../../app/domain/disclosure";
import {
  exposedByPersuasion,
  exposedByRowChurn,
  exposedJointly,
  withoutInterchangeableSurplus,
  type HeldRecord,
  type NamedArgument,
  type ReleaseShape,
} from "../../app/domain/release-equations";

const PERSPECTIVES = ["employee", "employer"];
const STANDINGS = ["frontline", "manager", "hr"];

/** A person: standing, and per perspective the release of their first answer and of an optional re-answer. */
const personArbitrary = fc.record({
  standing: fc.constantFrom(...STANDINGS),
  version: fc.constantFrom(1, 1, 1, 2),
  answers: fc.tuple(
    fc.record({ from: fc.nat({ max: 3 }), reanswerAfter: fc.option(fc.integer({ min: 1, max: 2 }), { freq: 3 }) }),
    fc.record({ from: fc.nat({ max: 3 }), reanswerAfter: fc.option(fc.integer({ min: 1, max: 2 }), { freq: 3 }) }),
  ),
});

const historyArbitrary = fc.record({
  k: fc.integer({ min: 2, max: 5 }),
  // Many alike people, so classes larger than k are common.
  people: fc.array(personArbitrary, { minLength: 1, maxLength: 40 }),
  copies: fc.integer({ min: 1, max: 6 }),
  releases: fc.integer({ min: 2, max: 5 }),
  groupings: fc.array(fc.tuple(fc.nat({ max: 12 }), fc.nat({ max: 12 }), fc.nat({ max: 12 })), { minLength: 5, maxLength: 5 }),
  arguments: fc.array(fc.record({ author: fc.nat({ max: 39 }), fromPositionId: fc.nat({ max: 400 }) }), { maxLength: 2 }),
  retired: fc.boolean(),
});

type History = typeof historyArbitrary extends fc.Arbitrary<infer T> ? T : never;

function historyOf(h: History) {
  const records: HeldRecord[] = [];
  let positionId = 0;
  let person = 0;
  for (const template of h.people) {
    for (let copy = 0; copy < h.copies; copy += 1) {
      person += 1;
      PERSPECTIVES.forEach((perspective, index) => {
        const answer = template.answers[index]!;
        const from = Math.min(answer.from, h.releases - 1);
        const reanswerAt = answer.reanswerAfter === null ? null : from + answer.reanswerAfter;
        const first = (positionId += 1);
        const changes = reanswerAt !== null && reanswerAt < h.releases;
        records.push({ person, perspective, standing: template.standing, version: template.version, reanswer: false, from, until: changes ? reanswerAt : null, positionId: first });
        if (changes) records.push({ person, perspective, standing: template.standing, version: template.version, reanswer: true, from: reanswerAt!, until: null, positionId: (positionId += 1) });
      });
    }
  }
  const releases: ReleaseShape[] = Array.from({ length: h.releases }, (_, r) => ({
    grouping: mergeSmallGroups(STANDINGS.map((key, i) => ({ key, count: h.groupings[r]![i]! })), h.k),
    perspectives: PERSPECTIVES,
    retired: h.retired ? { employee: [2] } : undefined,
  }));
  const named: NamedArgument[] = h.arguments.map((a, id) => ({ id: id + 1, author: a.author + 1, perspective: "employee", fromPositionId: a.fromPositionId }));
  return { records, releases, named };
}

describe("withoutInterchangeableSurplus", () => {
  it("changes no test's answer", () => {
    let reduced = 0;
    let exposing = 0;
    fc.assert(
      fc.property(historyArbitrary, (h) => {
        const { records, releases, named } = historyOf(h);
        const keepAll = new Set(named.map((a) => a.author));
        const kept = withoutInterchangeableSurplus(records, h.k, keepAll, named);
        if (kept.length < records.length) reduced += 1;
        const options = { perspectives: PERSPECTIVES, gap: true, from: 0, k: h.k };
        if (exposedJointly(records, releases, options) || exposedByRowChurn(records, releases, options)) exposing += 1;
        expect(exposedJointly(kept, releases, options)).toEqual(exposedJointly(records, releases, options));
        expect(exposedByRowChurn(kept, releases, options)).toEqual(exposedByRowChurn(records, releases, options));
        expect(exposedByPersuasion(kept, releases, named, options)).toEqual(exposedByPersuasion(records, releases, named, options));
      }),
      { numRuns: 300, seed: 20261130 },
    );
    // The property is about something: many histories had a surplus to leave out, and many expose someone.
    expect(reduced).toBeGreaterThan(100);
    expect(exposing).toBeGreaterThan(50);
  });

  it("keeps k people of a class, the lowest ids, and every record of people it must keep", () => {
    const alike = (person: number): HeldRecord => ({ person, perspective: "employee", standing: "frontline", version: 1, reanswer: false, from: 0, until: null, positionId: 100 + person });
    const records = [5, 3, 9, 1, 7, 2].map(alike);
    expect(withoutInterchangeableSurplus(records, 3, new Set()).map((r) => r.person)).toEqual([3, 1, 2]);
    expect(withoutInterchangeableSurplus(records, 3, new Set([9])).map((r) => r.person)).toEqual([3, 9, 1, 2]);
    // A person alike in one perspective but not the other is in another class.
    const other = { ...alike(4), perspective: "employer" };
    expect(withoutInterchangeableSurplus([...records, alike(4), other], 3, new Set()).map((r) => r.person)).toEqual([3, 1, 2, 4, 4]);
  });
});
