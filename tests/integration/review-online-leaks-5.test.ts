/**
 * Fifth privacy review of online results (ADR 009), after the joint test of several releases
 * (`exposedBySeveralReleases`) and the signature rule over every score ever shown. Each test plays
 * an attack with ordinary accounts (no sybils) and asserts the property that should hold; each
 * was `it.fails` while its attack worked (the comment says what was learned and how).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, answerOne, crowd, readResults, perspectiveOf, argueOn, scoresOn, endorse } = await releaseAttacks(app);

type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

describe("a bridging score read beside the results", () => {
  // What was learned: whether Mara leans right or wrong as the employee. Release 1 is Mara and two
  // colleagues (one leans right, two wrong: the judgement bars say so, not who). Release 2 is three
  // newcomers (release 2's bars minus release 1's: one right, two wrong). An argument is endorsed
  // by Mara and the three newcomers; at release 3 its score is shown (four endorsers, one set:
  // the signature rule passes). Counted from answers, its score was min(right, wrong) over the
  // four: 2 if Mara leans right, 1 if she leans wrong, held only against other scores, never
  // against the results' rows: endorsers = a released batch plus one person, so (score, batch's
  // bars) gave that person's lean. Scores now count public leans (ADR 018). The two worlds below
  // differ only in who of release 1 leans right (Mara or a colleague): every bar of every release
  // is the same, and so is every public act (each endorser also endorses an argument for or
  // against, the same ones in both worlds).
  it("shows the same score whatever one known endorser's lean, when the results are the same", async () => {
    const seen: (number | null | undefined)[] = [];
    const bars: string[] = [];
    const barsOf = async (reader: Person, slug: string) => {
      const { perspectives, gap, released } = await readResults(reader, slug);
      // The two cases word their options differently and offer different numbers of them: bars
      // are compared as the counts of nonzero bars in order, without wording.
      const unworded = (key: string, value: unknown) =>
        key === "prompt" || key === "label" || key === "id" ? undefined : key === "options" && Array.isArray(value) ? value.filter((o: { count: number }) => o.count > 0) : value;
      return JSON.stringify({ perspectives, gap, people: released?.people }, unworded);
    };
    for (const [slug, maraJudgement, colleagueJudgement] of [
      ["the-fee-waiver", 2, -2],
      ["off-script", -2, 2],
    ] as const) {
      const reader = await app.person("facilitator", "other");
      const mara = await app.person("participant", "frontline");
      await answer(mara, slug, [0, maraJudgement]);
      await crowd(slug, "frontline", 1, [0, colleagueJudgement]);
      await crowd(slug, "frontline", 1, [0, -2]);
      expect((await readResults(reader, slug)).released?.people).toBe(3);
      const release1 = await barsOf(reader, slug);

      const batch = [...(await crowd(slug, "frontline", 1, [0, 2])), ...(await crowd(slug, "frontline", 2, [0, -2]))];
      expect((await readResults(reader, slug)).released?.people).toBe(6);

      const argument = await argueOn(slug, reader, `Ask for the numbers first (${slug}).`);
      // Public sides: Mara and one newcomer endorse an argument for, the two other newcomers one against.
      const forIt = await argueOn(slug, reader, `For: she was right (${slug}).`, "for");
      const against = await argueOn(slug, reader, `Against: she was wrong (${slug}).`, "against");
      for (const person of [mara, batch[0]!]) await endorse(slug, person, forIt);
      for (const person of [batch[1]!, batch[2]!]) await endorse(slug, person, against);
      for (const person of [mara, ...batch]) await endorse(slug, person, argument);
      await crowd(slug, "manager", K, [1, 0]); // release 3: the argument's first score
      expect((await readResults(reader, slug)).released?.people).toBe(9);
      bars.push(release1 + (await barsOf(reader, slug)));
      seen.push((await scoresOn(slug, reader)).get(argument));
    }
    // Every bar of releases 1 and 3 is the same in both worlds (release 2's too: the same people).
    expect(bars[0], "the bars of both worlds").toEqual(bars[1]);
    // min(2 right, 2 wrong) in public, in both worlds. With the leak (counted from answers): [2, 1]
    // (Mara right, then Mara wrong).
    expect(seen).toEqual([2, 2]);
  });
});

/** The case's author publishes a new version made from the current one's source by `edit`. */
async function publish(slug: string, edit: (source: string) => string) {
  const { findCaseBySlug, findCaseVersionSource, saveCaseVersion } = await import("../../app/models/cases.server");
  const { parseCaseFile } = await import("../../app/domain/case-file");
  const found = (await findCaseBySlug(app.db(), slug))!;
  const source = edit((await findCaseVersionSource(app.db(), found.id, found.version))!);
  const parsed = parseCaseFile(source);
  if (!parsed.ok) throw new Error(`the edited case must parse: ${JSON.stringify(parsed.problems)}`);
  await saveCaseVersion(app.db(), { doc: parsed.doc, source, origin: "app", filePath: null, userId: null });
}
const CUSTOMER = "\n  customer:\n    prompt: You are the patient. What do you do?\n    options:\n      - Thank the nurse\n      - Report the nurse\n      - Say nothing\n";
const withCustomer = (source: string) => source.replace("\njudgement:", `${CUSTOMER}judgement:`);
const withoutCustomer = (source: string) => source.replace(CUSTOMER, "\n");

describe("a perspective the author removes and later restores", () => {
  const slug = "empathy-from-the-top";

  // What is learned: Mara's exact answer as the customer (option and judgement). The author adds
  // a customer perspective; Mara (the one manager) and two front-line staff answer all three and
  // are released together (no breakdown). Three managers and three front-line staff answer as
  // the employee and the employer only (a front-line colleague's lone change of mind waits, so
  // the next plan looks at them again); the author then removes the customer perspective, and
  // the next plan releases the six at once, with a breakdown by standing (the joint test passes: as the employee and employer, the manager row is Mara with
  // three others). A release is planned and tested over the current perspectives only, so nothing
  // checked how the customer answers fall into the new groups. When the author restores the
  // customer perspective, the stored release is shown again with it, under its grouping: the
  // manager row as the customer counts Mara alone (the other managers never answered it).
  it("never shows a standing row of fewer than k people when a removed perspective comes back", async () => {
    const reader = await app.person("facilitator", "other");
    await publish(slug, withCustomer);
    const mara = await app.person("participant", "manager");
    const front = [await app.person("participant", "frontline"), await app.person("participant", "frontline")];
    for (const [person, customer] of [
      [mara, [2, -3]],
      [front[0]!, [0, 1]],
      [front[1]!, [0, 1]],
    ] as const) {
      await answerOne(person, slug, "employee", 0, 1);
      await answerOne(person, slug, "employer", 0, 1);
      await answerOne(person, slug, "customer", customer[0], customer[1]);
    }
    expect((await readResults(reader, slug)).released?.people).toBe(3);

    // One front-line colleague answers again as the employee: alone, the change waits.
    await answerOne(front[0]!, slug, "employee", 1, 1);
    // Three managers and three front-line staff answer as the employee and the employer (they
    // wait for their customer answers); the author removes the customer perspective; the next
    // answer written (the reader's, to one perspective) plans a release, which takes the six at once.
    await crowd(slug, "manager", K, [0, 1], [0, 1]);
    await crowd(slug, "frontline", K, [0, 1], [0, 1]);
    await publish(slug, withoutCustomer);
    await answerOne(reader, slug, "employee", 0, 0);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(3 + 2 * K);
    // Until the tenth review this release showed front line and managers apart, which is how the
    // customer row below came to hold Mara alone. It no longer may: release 1's total minus this
    // release's front-line row is Mara's answers minus three newcomers' (a bar positive there is
    // hers; ADR 009, "Bars are counts: bounds across rows"), so the six are released unbroken.
    expect(
      perspectiveOf(release2, "employee")
        .byStanding.groups.map((g) => g.key)
        .sort(),
    ).toEqual([]);

    await publish(slug, withCustomer);
    const restored = await readResults(reader, slug);
    const rows = perspectiveOf(restored, "customer").byStanding.groups.map((g) => ({ key: g.key, count: g.count, options: g.options.filter((o) => o.count > 0), mean: g.meanJudgement }));
    // With the leak: manager { count: 1, options: [Say nothing: 1], mean: -3 }: Mara's answer (and a front-line row of 2).
    expect(
      rows.every((row) => row.count === 0 || row.count >= K),
      JSON.stringify(rows),
    ).toBe(true);
  });
});
