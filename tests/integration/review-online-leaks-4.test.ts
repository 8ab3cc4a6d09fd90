/**
 * Fourth privacy review of online results (ADR 009, "Release per cell, per person, with a sticky
 * grouping"). Each test plays an attack with ordinary accounts (no sybils) read by one reader,
 * and asserts the property that should hold. Each was `it.fails` while its attack worked (the
 * comment says what is learned).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { combine, releaseAttacks, type Perspective, type Row } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, crowd, readResults, perspectiveOf, groupOf, overallRow, argueOn, scoresOn, endorse } = await releaseAttacks(app);

type Results = Awaited<ReturnType<typeof readResults>>;
afterAll(() => app.cleanup());

const totalOf = (r: Results, key: Perspective): Row => overallRow(r, key);

describe("a group whose standing grew by a batch released without a breakdown", () => {
  const slug = "the-lockout";

  // What is learned: Mara's exact answer (option and judgement, as the employee and as the
  // employer). Mara is the only manager in release 1, known by when she answered.
  // Release 1: Mara and two front-line staff (no breakdown). Release 2: three front-line staff
  // (no breakdown). Release 3: three managers (still no breakdown: a manager row would have
  // shown Mara beside release 1). total(3) − total(2) is the three managers' sum, a batch of k.
  // Release 4: three more front-line staff, and the first breakdown: the manager row is Mara and
  // the three managers, none of whom answered again. manager(4) − (total(3) − total(2)) is Mara.
  // `groupingHistoryAllows` compares each earlier release with the new one alone: against
  // releases 1 and 2 the manager row "changed since" (so it is left out as hidden behind unseen
  // changes), against release 3 it is unchanged but release 3's columns (front line 5, managers
  // 4) hide no set under k. The change it treats as unseen was itself released: it is the
  // difference of two released totals.
  it("never lets rows of several releases combine to one person's answer", async () => {
    const reader = await app.person("facilitator", "other");
    const mara = await app.person("participant", "manager");
    await answer(mara, slug, [3, 3], [2, -3]);
    await crowd(slug, "frontline", 2, [0, -1], [1, 1]);
    const release1 = await readResults(reader, slug);
    expect(release1.released?.people).toBe(3);

    await crowd(slug, "frontline", K, [0, -1], [1, 1]);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(3 + K);

    await crowd(slug, "manager", K, [1, 2], [0, 0]);
    const release3 = await readResults(reader, slug);
    expect(release3.released?.people).toBe(3 + 2 * K);
    expect(perspectiveOf(release3, "employee").byStanding.groups).toEqual([]);

    await crowd(slug, "frontline", K, [0, -1], [1, 1]);
    const release4 = await readResults(reader, slug);
    expect(release4.released?.people).toBe(3 + 3 * K);

    const recovered: Record<string, { count: number }> = {};
    for (const key of ["employee", "employer"] as const) {
      const managers = groupOf(release4, key, "manager");
      if (managers)
        recovered[key] = combine([
          [1, managers],
          [-1, totalOf(release3, key)],
          [1, totalOf(release2, key)],
        ]);
    }
    // Before the joint test: employee { count: 1, options: { <Mara's option>: 1 }, judgementSum: 3 },
    // employer { count: 1, options: { <her option>: 1 }, judgementSum: -3 }.
    expect(
      Object.values(recovered).every((r) => r.count === 0 || r.count >= K),
      JSON.stringify(recovered),
    ).toBe(true);
  });
});

describe("a change of mind released beside a batch that a later breakdown takes apart", () => {
  const slug = "the-quiet-fix";

  // What is learned: Fred's change of mind as the employee and as the employer (the option he
  // left, the option he took, and how far his judgement moved). Fred (front line) is in release
  // 1; he answers again (he says so in a reply), and release 2 takes his new answers with two
  // managers who had corrected their own answers before their first release (so the shift cell
  // counts three). total(2) − total(1) = the two managers + Fred's change. Release 3: three more
  // managers (no breakdown); total(3) − total(2) is them. Release 4 (three front-line staff)
  // shows the manager row: the five managers. total(3) − total(1) − manager(4) is Fred's new
  // answer minus his old one. Same root as above: each earlier release is compared with the new
  // one alone, and the changes between releases are treated as unseen although released totals
  // give them.
  it("never lets rows of several releases combine to one person's change of mind", async () => {
    const reader = await app.person("facilitator", "other");
    for (let i = 0; i < 2; i += 1) {
      const manager = await app.person("participant", "manager");
      await answer(manager, slug, [1, 1], [1, 1]);
      await answer(manager, slug, [1, 2], [0, 1]);
    }
    const fred = (await crowd(slug, "frontline", 1, [0, -2], [0, 2]))[0]!;
    await crowd(slug, "frontline", 2, [1, 0], [1, 0]);
    const release1 = await readResults(reader, slug);
    expect(release1.released?.people).toBe(3);

    await answer(fred, slug, [2, 3], [2, -1]);
    const release2 = await readResults(reader, slug);
    // The reviewer's release 2 (Fred's change beside the two managers' corrected answers) is not
    // made: its total minus its shift would be the two managers' first answers.
    expect(release2.released?.people).toBe(3);

    await crowd(slug, "manager", 1, [1, 1], [1, 1]);
    const frontlineLate = await app.person("participant", "frontline");
    await answer(frontlineLate, slug, [1, 0], [1, 0]);
    await crowd(slug, "manager", 2, [1, 1], [1, 1]);
    const release3 = await readResults(reader, slug);

    await crowd(slug, "frontline", K, [1, 0], [1, 0]);
    const release4 = await readResults(reader, slug);
    expect(release4.released?.people).toBeGreaterThan(release3.released?.people ?? 0);

    const recovered: Record<string, ReturnType<typeof combine>> = {};
    for (const key of ["employee", "employer"] as const) {
      const managers = groupOf(release4, key, "manager");
      if (managers)
        recovered[key] = combine([
          [1, totalOf(release3, key)],
          [-1, totalOf(release1, key)],
          [-1, managers],
        ]);
    }
    // Before the joint test: employee { count: 0, options: { <old>: -1, <new>: 1 }, judgementSum: 5 },
    // employer { count: 0, options: { <old>: -1, <new>: 1 }, judgementSum: -3 }: Fred's change.
    expect(
      Object.values(recovered).every((r) => Object.keys(r.options).length === 0 && r.judgementSum === 0),
      JSON.stringify(recovered),
    ).toBe(true);
  });
});

describe("two arguments' scores read at different releases", () => {
  // What was learned: whether Xena leans right as the employee (scores counted answers then; they
  // count public leans since ADR 018, the same in both worlds here, and the rule below still keeps
  // standings apart). Argument A is endorsed by three
  // colleagues and Xena and gets a score at one release. Argument B, endorsed by the same three
  // colleagues only, gets its score at a later release, where A's score was released again (three
  // more people endorsed A), so `shownArgumentScores` compares B with A's new counted set
  // (everyone in both or A only, each k or more) and shows both. A's first score minus B's is
  // about Xena alone: min(1 + [Xena right], 2 + [Xena wrong]) against min(1, 2). The rule
  // compares the scores of one release only; the reader keeps A's earlier score.
  it("shows the same scores whatever one known endorser's lean", async () => {
    const seen: (number | null | undefined)[][] = [];
    for (const [slug, xenaJudgement] of [
      ["the-overpayment", 2],
      ["no-authority", -2],
    ] as const) {
      const reader = await app.person("facilitator", "other");
      const colleagues = [...(await crowd(slug, "frontline", 1, [0, 2])), ...(await crowd(slug, "frontline", 2, [0, -2]))];
      const xena = (await crowd(slug, "frontline", 1, [0, xenaJudgement]))[0]!;
      await crowd(slug, "frontline", 2, [1, 0]); // releases Xena with two others
      const a = await argueOn(slug, reader, `Say so in writing (${slug}).`);
      for (const person of [...colleagues, xena]) await endorse(slug, person, a);
      const later = await crowd(slug, "manager", K, [1, 0]); // a release: A's first score
      const first = (await scoresOn(slug, reader)).get(a);

      const b = await argueOn(slug, reader, `Ask a colleague first (${slug}).`);
      for (const person of colleagues) await endorse(slug, person, b);
      for (const person of later) await endorse(slug, person, a);
      await crowd(slug, "manager", K, [1, 0]); // another release: A again, and B's first score
      const now = await scoresOn(slug, reader);
      seen.push([first, now.get(b)]);
    }
    // Before the rule held over every score ever shown: [[2, 1], [1, 1]]: A's first score minus
    // B's is 1 only if Xena leans right. A's own score may differ (it counts four people).
    const difference = ([first, b]: (number | null | undefined)[]) => (typeof first === "number" && typeof b === "number" ? first - b : "B not shown beside A");
    expect(difference(seen[0]!), JSON.stringify(seen)).toEqual(difference(seen[1]!));
  });
});
