import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeSmallGroups, ratingsByStanding, releaseSteelmanScores, type StandingRating } from "../../app/domain/disclosure";
import {
  bestTexts,
  BEST_TEXTS_SHOWN,
  criterionMet,
  rateRefusal,
  ratesText,
  readRating,
  targetRoleFor,
  textForm,
  textScoreLabel,
  textsToRate,
  writeRefusal,
  type TextFacts,
} from "../../app/domain/role-play-texts";

const ROLES = ["employee", "employer"];
const THREE = ["employee", "employer", "client"];

const text = (over: Partial<TextFacts> = {}): TextFacts => ({ id: 1, kind: "steelman", authorId: 10, role: "employee", targetRole: "employer", hidden: false, authorRemoved: false, ...over });
const form = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe("whom a steelman argues for", () => {
  it("is the other role with two roles, and the next in the case's order with three (as the swap passes roles on)", () => {
    expect(targetRoleFor("steelman", ROLES, "employee")).toBe("employer");
    expect(targetRoleFor("steelman", ROLES, "employer")).toBe("employee");
    expect(targetRoleFor("steelman", THREE, "employer")).toBe("client");
    expect(targetRoleFor("steelman", THREE, "client")).toBe("employee");
  });

  it("is nobody in particular for a rehearsal line, which the other side(s) rate", () => {
    expect(targetRoleFor("rehearsal", THREE, "employee")).toBeNull();
  });
});

describe("writeRefusal", () => {
  const player = { role: "employee", removed: false };

  it("lets a participant with a role write during the step's writing stage", () => {
    expect(writeRefusal("steelman", "steelman", ROLES, player, false)).toBeNull();
    expect(writeRefusal("rehearsal", "rehearsal", ROLES, player, false)).toBeNull();
  });

  it("refuses at any other stage with 409, including the step's own rating stage", () => {
    for (const stage of ["discussion", "steelman-rating", "steelman-best", "rehearsal", "vote-2", "ended"] as const) {
      expect(writeRefusal("steelman", stage, ROLES, player, false)?.status).toBe(409);
    }
  });

  it("refuses a phone without a role, a removed one, an ordinary room, and a text already rated", () => {
    expect(writeRefusal("steelman", "steelman", ROLES, { role: null, removed: false }, false)).toMatchObject({ status: 403 });
    expect(writeRefusal("steelman", "steelman", ROLES, { role: "client", removed: false }, false)).toMatchObject({ status: 403 });
    expect(writeRefusal("steelman", "steelman", ROLES, { role: "employee", removed: true }, false)).toMatchObject({ status: 403 });
    expect(writeRefusal("steelman", "steelman", null, player, false)).toMatchObject({ status: 409 });
    expect(writeRefusal("steelman", "steelman", ROLES, player, true)).toMatchObject({ status: 409, field: "body" });
  });
});

describe("who rates what", () => {
  it("a steelman: only the people playing the role it argues for", () => {
    expect(ratesText(text(), "employer")).toBe(true);
    expect(ratesText(text(), "employee")).toBe(false);
    expect(ratesText(text({ role: "employee", targetRole: "employer" }), "client")).toBe(false);
    expect(ratesText(text(), null)).toBe(false);
  });

  it("a rehearsal line: anyone of another role, the people it is spoken to", () => {
    const line = text({ kind: "rehearsal", targetRole: null });
    expect(ratesText(line, "employer")).toBe(true);
    expect(ratesText(line, "client")).toBe(true);
    expect(ratesText(line, "employee")).toBe(false);
  });
});

describe("rateRefusal", () => {
  const rater = { id: 20, role: "employer", removed: false };

  it("lets the other role rate during the rating stage", () => {
    expect(rateRefusal("steelman", "steelman-rating", text(), rater)).toBeNull();
  });

  it("refuses outside the rating stage with 409", () => {
    for (const stage of ["steelman", "steelman-best", "rehearsal-rating", "vote-2"] as const) expect(rateRefusal("steelman", stage, text(), rater)).toMatchObject({ status: 409 });
  });

  it("refuses one's own text (403), a missing, hidden or removed author's text (404), and the wrong role (403)", () => {
    expect(rateRefusal("steelman", "steelman-rating", text({ authorId: 20, role: "employee" }), rater)).toMatchObject({ status: 403, field: "textId" });
    expect(rateRefusal("steelman", "steelman-rating", undefined, rater)).toMatchObject({ status: 404 });
    expect(rateRefusal("steelman", "steelman-rating", text({ hidden: true }), rater)).toMatchObject({ status: 404 });
    expect(rateRefusal("steelman", "steelman-rating", text({ authorRemoved: true }), rater)).toMatchObject({ status: 404 });
    expect(rateRefusal("steelman", "steelman-rating", text(), { ...rater, role: "employee" })).toMatchObject({ status: 403 });
    expect(rateRefusal("steelman", "steelman-rating", text(), { ...rater, removed: true })).toMatchObject({ status: 403 });
    expect(rateRefusal("steelman", "steelman-rating", text({ kind: "rehearsal" }), rater)).toMatchObject({ status: 404 });
  });

  it("never lets anyone rate their own text, whatever their role (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom("steelman", "rehearsal" as const), fc.constantFrom(...THREE), fc.constantFrom(...THREE), (kind, role, raterRole) => {
        const own = text({ kind, role, targetRole: targetRoleFor(kind, THREE, role), authorId: 5 });
        expect(rateRefusal(kind, `${kind}-rating`, own, { id: 5, role: raterRole, removed: false })).not.toBeNull();
      }),
    );
  });
});

describe("textsToRate", () => {
  it("lists what a rater rates: counted texts for their role, never their own, oldest first", () => {
    const texts = [
      text({ id: 3, authorId: 1 }),
      text({ id: 1, authorId: 2 }),
      text({ id: 2, authorId: 3, hidden: true }),
      text({ id: 4, authorId: 4, role: "employer", targetRole: "employee" }),
      text({ id: 5, authorId: 5, authorRemoved: true }),
    ];
    expect(textsToRate(texts, { id: 9, role: "employer" }).map((t) => t.id)).toEqual([1, 3]);
    expect(textsToRate(texts, { id: 4, role: "employee" }).map((t) => t.id)).toEqual([]);
    expect(textsToRate(texts, { id: 9, role: "employee" }).map((t) => t.id)).toEqual([4]);
  });
});

describe("reading the forms", () => {
  it("takes a steelman's rating from 1 to 5 and refuses anything else on the field `fair`", () => {
    expect(readRating("steelman", form({ fair: "4" }))).toEqual({ ok: true, rating: { value: 4, criteria: null } });
    for (const bad of ["0", "6", "", "4.5", "x"]) expect(readRating("steelman", form({ fair: bad }))).toMatchObject({ ok: false, field: "fair" });
    expect(readRating("steelman", form({}))).toMatchObject({ ok: false, field: "fair" });
  });

  it("takes a rehearsal rating as three yes/no answers: the yeses are its value, the criteria a bit each", () => {
    const read = readRating("rehearsal", form({ feeling: "yes", honest: "no", "next-step": "yes" }));
    expect(read).toEqual({ ok: true, rating: { value: 2, criteria: 0b101 } });
    expect(read.ok && [0, 1, 2].map((i) => criterionMet(read.rating.criteria, i))).toEqual([true, false, true]);
    expect(readRating("rehearsal", form({ feeling: "yes", honest: "maybe", "next-step": "no" }))).toMatchObject({ ok: false, field: "honest" });
    expect(readRating("rehearsal", form({ feeling: "yes", honest: "no" }))).toMatchObject({ ok: false, field: "next-step" });
  });

  it("refuses an empty or too long text", () => {
    expect(textForm.safeParse({ body: "   " }).success).toBe(false);
    expect(textForm.safeParse({ body: "x".repeat(1001) }).success).toBe(false);
    expect(textForm.safeParse({ body: "You are right to be angry." }).success).toBe(true);
  });
});

describe("scores and the best", () => {
  it("labels scores coarsely, in half points of each scale", () => {
    expect(textScoreLabel("steelman", 9)).toBe("4.5 of 5 fair to the other side");
    expect(textScoreLabel("rehearsal", 4)).toBe("2 of 3 criteria met");
  });

  it("releases a rehearsal line's score only at k counted ratings, as a steelman's (one rule for both)", () => {
    const line = (n: number) => ({ id: 1, counts: true, releasedScore: null, ratings: Array.from({ length: n }, () => ({ value: 2, releasedValue: null })) });
    expect(releaseSteelmanScores([line(2)], 3).size).toBe(0);
    expect(releaseSteelmanScores([line(3)], 3).get(1)).toBe(4);
  });

  it("shows the best counted texts with a released score, best first then oldest, at most three", () => {
    const texts = [
      { ...text({ id: 1 }), releasedScore: 8 },
      { ...text({ id: 2 }), releasedScore: 10 },
      { ...text({ id: 3, hidden: true }), releasedScore: 10 },
      { ...text({ id: 4 }), releasedScore: null },
      { ...text({ id: 5 }), releasedScore: 8 },
      { ...text({ id: 6 }), releasedScore: 6 },
      { ...text({ id: 7, authorRemoved: true }), releasedScore: 10 },
    ];
    expect(bestTexts(texts).map((t) => t.id)).toEqual([2, 1, 5]);
    expect(BEST_TEXTS_SHOWN).toBe(3);
  });
});

describe("ratingsByStanding (the k rules)", () => {
  const K = 3;
  const grouping = mergeSmallGroups(
    [
      { key: "frontline", count: 4 },
      { key: "manager", count: 3 },
    ],
    K,
  );
  const ratings = (frontline: number, manager: number): StandingRating[] => [
    ...Array.from({ length: frontline }, (_, i) => ({ raterId: i, standing: "frontline", value: 4 })),
    ...Array.from({ length: manager }, (_, i) => ({ raterId: 100 + i, standing: "manager", value: 2 })),
  ];

  it("shows each group's average once the workshop has ended and every group that rated has k raters", () => {
    expect(ratingsByStanding(grouping, ratings(3, 3), K, true)).toEqual({
      released: true,
      rows: [
        { group: "frontline", members: ["frontline"], halfPoints: 8 },
        { group: "manager", members: ["manager"], halfPoints: 4 },
      ],
    });
  });

  it("shows nothing while the workshop runs", () => {
    expect(ratingsByStanding(grouping, ratings(3, 3), K, false)).toMatchObject({ released: false });
  });

  it("shows nothing at all when one group has 1 to k−1 raters (no group read off the others)", () => {
    expect(ratingsByStanding(grouping, ratings(3, 2), K, true)).toMatchObject({ released: false });
  });

  it("says a group gave no ratings rather than hiding the others", () => {
    expect(ratingsByStanding(grouping, ratings(3, 0), K, true)).toMatchObject({ released: true, rows: [{ halfPoints: 8 }, { halfPoints: null }] });
  });

  it("never shows a group's figure from fewer than k raters (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ raterId: fc.integer({ min: 1, max: 12 }), standing: fc.constantFrom("frontline", "manager", null), value: fc.integer({ min: 1, max: 5 }) }), { maxLength: 40 }),
        (rows) => {
          const result = ratingsByStanding(grouping, rows, K, true);
          if (!result.released) return;
          for (const row of result.rows) {
            const raters = new Set(rows.filter((r) => row.members.includes(r.standing ?? "undeclared")).map((r) => r.raterId));
            expect(row.halfPoints === null || raters.size >= K).toBe(true);
          }
        },
      ),
    );
  });
});
