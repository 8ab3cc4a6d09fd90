/**
 * Fifth privacy review of online results (ADR 009), after the joint test of several releases
 * (`exposedBySeveralReleases`) and the signature rule over every score ever shown. Each test plays
 * an attack with ordinary accounts (no sybils) and asserts the property that should hold; it is
 * `it.fails` while its attack works (the comment says what is learned and how).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { caseRoute, answer, crowd, readResults } = await releaseAttacks(app);

type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

async function actOn(slug: string, person: Person, fields: Record<string, string>) {
  const response = await caseRoute.action({ request: app.post(`/cases/${slug}`, fields, person.cookie), params: { slug }, context: {} });
  if (response.status !== 200) throw new Error(`${fields.intent} refused: ${response.status}`);
}
/** Posts an argument as the employee; returns its id. */
async function argueOn(slug: string, author: Person, body: string): Promise<number> {
  await actOn(slug, author, { intent: "argument", perspective: "employee", side: "for", lens: "", body });
  return (await app.db().selectFrom("arguments").select("id").where("body", "=", body).executeTakeFirstOrThrow()).id;
}
/** Every argument's bridging score as the case page's data gives it. */
async function scoresOn(slug: string, reader: Person): Promise<Map<number, number | null>> {
  const data = await caseRoute.loader({ request: app.get(`/cases/${slug}?sort=bridging`, reader.cookie), params: { slug }, context: {} });
  return new Map(data.debate.threads.map((t) => [t.id, t.bridging]));
}
const endorse = (slug: string, person: Person, id: number) => actOn(slug, person, { intent: "endorse", argumentId: String(id) });

describe("a bridging score read beside the results", () => {
  // What is learned: whether Mara leans right or wrong as the employee. Release 1 is Mara and two
  // colleagues (one leans right, two wrong: the judgement bars say so, not who). Release 2 is three
  // newcomers (release 2's bars minus release 1's: one right, two wrong). An argument is endorsed
  // by Mara and the three newcomers; at release 3 its score is shown (four endorsers, one set:
  // the signature rule passes). Its score is min(right, wrong) over the four: 2 if Mara leans
  // right, 1 if she leans wrong. The score is a release of the endorsers' answers, but it is held
  // only against other scores, never against the results' rows: endorsers = a released batch plus
  // one person, so (score, batch's bars) gives that person's lean. The two worlds below differ only
  // in who of release 1 leans right (Mara or a colleague): every bar of every release is the same.
  it.fails("shows the same score whatever one known endorser's lean, when the results are the same", async () => {
    const seen: (number | null | undefined)[] = [];
    const bars: string[] = [];
    const barsOf = async (reader: Person, slug: string) => {
      const { perspectives, gap, released } = await readResults(reader, slug);
      // The two cases word their options differently and offer different numbers of them: bars
      // are compared as the counts of nonzero bars in order, without wording.
      const unworded = (key: string, value: unknown) =>
        key === "prompt" || key === "label" ? undefined : key === "options" && Array.isArray(value) ? value.filter((o: { count: number }) => o.count > 0) : value;
      return JSON.stringify({ perspectives, gap, people: released?.people }, unworded);
    };
    for (const [slug, maraJudgement, colleagueJudgement] of [["the-fee-waiver", 2, -2], ["off-script", -2, 2]] as const) {
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
      for (const person of [mara, ...batch]) await endorse(slug, person, argument);
      await crowd(slug, "manager", K, [1, 0]); // release 3: the argument's first score
      expect((await readResults(reader, slug)).released?.people).toBe(9);
      bars.push(release1 + (await barsOf(reader, slug)));
      seen.push((await scoresOn(slug, reader)).get(argument));
    }
    // Every bar of releases 1 and 3 is the same in both worlds (release 2's too: the same people).
    expect(bars[0], "the bars of both worlds").toEqual(bars[1]);
    // With the leak: [2, 1] (Mara right, then Mara wrong).
    expect(seen[0], JSON.stringify(seen)).toEqual(seen[1]);
  });
});
