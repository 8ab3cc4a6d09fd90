/**
 * Tenth privacy review of online results (ADR 009): bars growing inside a combination of
 * different rows across releases, under non-negativity of counts (named by the ninth review).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { combine, releaseAttacks, type Row } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, answerOne, readResults, groupOf, overallRow } = await releaseAttacks(app);
type Results = Awaited<ReturnType<typeof readResults>>;
type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

/**
 * Runs `answers` as one burst: while they are sent (through the case page's action, as usual),
 * a plan of the case is in flight, so every answer's trigger folds into the one trailing plan
 * (`PacedSingleFlight`, ADR 024), which then plans them together. This is what a busy case does
 * when answers arrive while a plan runs; here the plan in flight is held open by the test so the
 * burst is the same on every run.
 */
async function inOneBurst(slug: string, answers: () => Promise<void>) {
  const { singleton } = await import("../../app/singleton.server");
  const { PacedSingleFlight } = await import("../../app/paced-single-flight.server");
  const planning = singleton("result-release-planning", () => new PacedSingleFlight<number>(1));
  const caseId = (await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
  let open!: () => void;
  const held = planning.run(caseId, () => new Promise<void>((resolve) => (open = resolve)), "fresh");
  try {
    await answers();
  } finally {
    open();
    await held;
  }
}

/** A group's employee row as a reader sees it (people, option counts, mean judgement); an empty row when not shown. */
function groupRow(r: Results, group: string): Row {
  const g = groupOf(r, "employee", group);
  return g ? { count: g.count, options: g.options, meanJudgement: g.meanJudgement } : { count: 0, options: [], meanJudgement: 0 };
}

/** The options whose count is positive in a combination: a bar that grew, which only its positive side's people can hold. */
const grown = (c: ReturnType<typeof combine>) => Object.entries(c.options).filter(([, n]) => n > 0).map(([label]) => label);

describe("a merged group split apart", () => {
  it("never lets 'other' then minus a standing shown alone now single out who else was in 'other'", async () => {
    const slug = "background-check";
    const reader = await app.person("facilitator", "other");
    const many = async (standing: "frontline" | "manager" | "hr", n: number, employee: [number, number]) => {
      const people: Person[] = [];
      for (let i = 0; i < n; i += 1) {
        const who = await app.person("participant", standing);
        await answer(who, slug, employee, [0, 0]);
        people.push(who);
      }
      return people;
    };
    await inOneBurst(slug, async () => {
      await many("frontline", 3, [0, -1]);
      await many("manager", 3, [0, -1]);
      await many("hr", 1, [1, 2]); // Hal: the one HR person
    });
    const first = await readResults(reader, slug);
    expect(first.released?.people).toBe(7);
    expect(groupOf(first, "employee", "_other")?.count, "managers and Hal merged").toBe(4);

    await inOneBurst(slug, async () => {
      await many("manager", 3, [0, -1]);
      await many("hr", 3, [0, -1]);
    });
    const second = await readResults(reader, slug);

    // The reader's working: 'other' then held the three managers and Hal; the managers' row now
    // holds the same three managers (none answered again: public) and three newcomers. So
    // other(then) − manager(now) = Hal − the newcomers: a bar positive there is Hal's.
    const difference = combine([[1, groupRow(first, "_other")], [-1, groupRow(second, "manager")]]);
    const shown = groupOf(second, "employee", "manager") !== undefined;
    expect(shown ? grown(difference) : [], `released ${second.released?.people}; groups ${JSON.stringify(second.perspectives[0]!.byStanding.groups.map((g) => [g.key, g.count]))}`).toEqual([]);
  });
});

describe("a batch's bars, less the bars now", () => {
  it("never lets an earlier batch's bars minus today's single out one of that batch who changed since", async () => {
    const slug = "the-quiet-fix";
    const reader = await app.person("facilitator", "other");
    const newcomers = async (n: number, option: number) => {
      const people: Person[] = [];
      for (let i = 0; i < n; i += 1) {
        const who = await app.person("participant", "frontline");
        await answer(who, slug, [option, 0], [0, 0]);
        people.push(who);
      }
      return people;
    };
    const [a1, a2, a3] = (await newcomers(3, 0)) as [Person, Person, Person];
    const release1 = await readResults(reader, slug);
    const bob = await app.person("participant", "frontline"); // b1
    await answer(bob, slug, [2, 0], [0, 0]);
    const [b2, b3] = (await newcomers(2, 1)) as [Person, Person];
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(6);
    for (const who of [a1, a2, a3]) await answerOne(who, slug, "employee", 1, 1);
    const release3 = await readResults(reader, slug);
    for (const who of [bob, a1, a2]) await answerOne(who, slug, "employee", 1, 1);
    const release4 = await readResults(reader, slug);

    // The reader's working: release 2 minus release 1 is the b batch (Bob, b2, b3); b2 and b3
    // have not answered again since (public), so their answers are in release 4's bars too.
    // (release 2 − release 1) − release 4 = Bob's first answer − the four others' answers now:
    // a bar positive there is Bob's.
    const difference = combine([[1, overallRow(release2, "employee")], [-1, overallRow(release1, "employee")], [-1, overallRow(release4, "employee")]]);
    const released = [release3, release4].map((r) => r.released?.at).join(" then ");
    expect(grown(difference), `${released}; ${JSON.stringify(difference)}`).toEqual([]);

    // Bob's change is not lost: once b2 and b3 answer again too, his batch's first answers leave
    // the bars together and the three changes are released.
    for (const who of [b2, b3]) await answerOne(who, slug, "employee", 1, 1);
    const release5 = await readResults(reader, slug);
    expect(overallRow(release5, "employee").options.find((o) => o.count > 0 && o.label !== overallRow(release5, "employee").options[1]!.label), "every answer now on the second option").toBeUndefined();
  });
});

describe("a first batch released unbroken, then split by a breakdown", () => {
  it("never lets the first release's total minus a group row now single out the one of that batch outside the group", async () => {
    const slug = "the-overpayment";
    const reader = await app.person("facilitator", "other");
    const mara = await app.person("participant", "manager");
    const front = [await app.person("participant", "frontline"), await app.person("participant", "frontline")];
    await answer(mara, slug, [2, 3], [0, 0]);
    for (const who of front) await answer(who, slug, [0, -1], [0, 0]);
    const release1 = await readResults(reader, slug);
    expect(release1.released?.people).toBe(3);

    await inOneBurst(slug, async () => {
      for (const standing of ["manager", "frontline"] as const) {
        for (let i = 0; i < 3; i += 1) await answer(await app.person("participant", standing), slug, [0, -1], [0, 0]);
      }
    });
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people, "the six newcomers are released together").toBe(9);

    // The reader's working: release 1 held Mara and the two front-line colleagues; the front-line
    // row now holds those two (unchanged: public) and three newcomers. total(1) − frontline(2) =
    // Mara − the newcomers: a bar positive there is Mara's.
    const difference = combine([[1, overallRow(release1, "employee")], [-1, groupRow(release2, "frontline")]]);
    const shown = groupOf(release2, "employee", "frontline") !== undefined;
    expect(shown ? grown(difference) : [], JSON.stringify(release2.perspectives[0]!.byStanding)).toEqual([]);
  });
});
