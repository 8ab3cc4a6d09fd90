/**
 * `withoutInterchangeableSurplus` (issue #19): which records it keeps. That leaving the others
 * out changes no test's answer, and no plan, is the property of
 * tests/unit/release-equations-review11.test.ts (random histories, many exposing someone).
 */
import { describe, expect, it } from "vitest";
import { withoutInterchangeableSurplus, type HeldRecord } from "../../app/domain/release-equations";

describe("withoutInterchangeableSurplus", () => {
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
