/**
 * Eighth privacy review of online results (ADR 009), after "Bars only grow by who entered" and
 * "Persuasion counts are over who could name the argument" (seventh review). Each test plays an
 * attack with ordinary accounts (no sybils) and asserts the property that should hold; each is
 * `it.fails` while its attack works (the comment says what is learned and how). Fixing a leak
 * turns its test red: then change `it.fails` to `it`. Attacks tried and refused today are plain
 * tests documenting them.
 *
 * Found: (1, 2) the persuasion figures of different arguments are tested one argument at a
 * time, each with an unknown of its own per answer, but one answer names at most one argument:
 * two arguments whose populations differ by one person (posted either side of that person's
 * re-answer, or one of them theirs) give which argument moved that person when the others all
 * named one of the two. (3) The churn rule checks the bars, not the judgements at first answers
 * ("Since people first answered"): re-answers pad the bars' entering and leaving people to k,
 * while the first answers gain one newcomer alone. Tried and refused: an option removed and
 * offered again around a waiting answer (4); release timing depending on what was named (5).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks, type Perspective } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, answerOne, readResults, actOn, argueOn, perspectiveOf } = await releaseAttacks(app);
type Results = Awaited<ReturnType<typeof readResults>>;
type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

/** Waits long enough that the next row's `created_at` (ISO, milliseconds) is strictly later. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A re-answer as the employee, as the case page's form sends it, naming `movedBy` (an argument id) or nothing. */
async function againAsEmployee(slug: string, who: Person, option: number, judgement: number, movedBy: number | null) {
  await actOn(slug, who, {
    intent: "position",
    perspective: "employee",
    ...(await app.ballot(slug, "employee", option)),
    judgement: String(judgement),
    legal: "unsure",
    confidence: "medium",
    movedBy: movedBy === null ? "" : String(movedBy),
  });
}

const changedMinds = (r: Results, id: number) => r.changedMinds.find((m) => m.id === id)?.count ?? 0;

describe("persuasion figures of two arguments read together (one answer names at most one)", () => {
  const slug = "no-authority";

  // What is learned: which argument changed Vic's mind (a protected answer, ADR 009: "which
  // argument moved them"), by an attacker who only posts an argument at a moment of their
  // choosing and reads the case page.
  // The joint test gives each argument's "changed N minds" a population of its own (the
  // re-answers that could name it: to its perspective, given after it was posted, by someone
  // other than its author) and an unknown of its own per person (`exposedByPersuasion`), and
  // tests each argument alone. But one answer names at most one argument: the figures of two
  // arguments are not independent. For arguments A1 and A2 whose populations differ by one
  // person, count(A1) + count(A2) can exceed the smaller population only by that person.
  // Vic, Pat, Pia, Pam and two more answer (two releases of three). Ada posts A1; Vic answers again naming A1; Ada
  // posts A2 right after Vic's re-answer (who answered when is public: ADR 009's model takes it
  // as such); Pat answers again naming A1, Pia and Pam naming A2. Release 2 takes the four
  // re-answers (every cell: 4 or 0 people; A1's population is 4 people, A2's 3). The case page
  // says A1 changed 2 minds and A2 changed 2. Only Pat, Pia and Pam could name A2 (3 people),
  // and each names at most one of the two, so at most 3 of the 4 come from them: the fourth is
  // Vic's, and Vic could not name A2 (posted after his answer), so Vic named A1. Nobody of the
  // three was unanimous (two arguments were named); what gives Vic away is that they all named
  // one of the two. The same holds for an argument's author, who is outside their own
  // argument's population: an argument posted just before theirs, with no re-answer between,
  // has a population larger by the author alone.
  // The property: the sum of two shown counts never exceeds the re-answers that could name
  // both (otherwise the excess is named by the few who could name only one).
  it("never shows two arguments' counts whose sum exceeds who could name both", async () => {
    const reader = await app.person("facilitator", "other");
    const ada = await app.person("participant", "frontline");
    const [vic, pat, pia, pam] = [
      await app.person("participant", "frontline"),
      await app.person("participant", "frontline"),
      await app.person("participant", "frontline"),
      await app.person("participant", "frontline"),
    ];
    for (const who of [vic, pat, pia, pam]) await answer(who!, slug, [0, -1], [0, -1]);
    for (let i = 0; i < 2; i += 1) await answer(await app.person("participant", "frontline"), slug, [0, -1], [0, -1]);
    const first = await readResults(reader, slug);
    expect(first.released?.people, "Vic, Pat, Pia, Pam and two more, in two batches").toBe(6);

    await tick();
    const a1 = await argueOn(slug, ada, "A promise made in the manager's name binds the manager.");
    await tick();
    await againAsEmployee(slug, vic!, 1, 2, a1);
    await tick();
    const a2 = await argueOn(slug, ada, "Nobody may commit the firm without authority; say so plainly.", "against");
    await tick();
    await againAsEmployee(slug, pat!, 1, 1, a1);
    await againAsEmployee(slug, pia!, 1, 1, a2);
    await againAsEmployee(slug, pam!, 1, 1, a2);
    const second = await readResults(reader, slug);
    // Since the fix (an argument's count read together with the others of its perspective,
    // `exposedByPersuasion`), Vic waits, and so do the others until the counts hide him: either
    // way, what is shown must keep the property below.

    // Who could name A2: re-answers to its perspective given after it, by others than its author.
    const couldNameBoth = 3; // Pat, Pia, Pam (public: who answered when)
    const shown = changedMinds(second, a1) + changedMinds(second, a2);
    // On the current code: A1 changed 2 minds, A2 changed 2: 4 > 3, so Vic named A1.
    expect(shown, `A1 ${changedMinds(second, a1)}, A2 ${changedMinds(second, a2)}`).toBeLessThanOrEqual(couldNameBoth);
  });

  // What is learned: which argument changed Vic's mind, when Vic has written an argument of his
  // own; the attacker controls no timing at all and only reads the case page.
  // The same class as above, through the author's exclusion: nobody may name their own
  // argument, so the population of an argument posted just before Vic's (no re-answer between
  // the two) is Vic's argument's population and Vic. Ada posts A; Vic posts V; Vic answers again
  // naming A; Pat answers again naming A, Pia and Pam naming V. The case page says A changed 2
  // minds and V changed 2: only Pat, Pia and Pam could name V, each names one argument at most,
  // so the fourth is Vic's, on A.
  it("never shows counts that exceed, together, who could name both (the author's own argument)", async () => {
    const slug = "the-overpayment";
    const reader = await app.person("facilitator", "other");
    const ada = await app.person("participant", "frontline");
    const [vic, pat, pia, pam] = [
      await app.person("participant", "frontline"),
      await app.person("participant", "frontline"),
      await app.person("participant", "frontline"),
      await app.person("participant", "frontline"),
    ];
    for (const who of [vic, pat, pia, pam]) await answer(who!, slug, [0, -1], [0, -1]);
    for (let i = 0; i < 2; i += 1) await answer(await app.person("participant", "frontline"), slug, [0, -1], [0, -1]);
    const first = await readResults(reader, slug);
    expect(first.released?.people).toBe(6);

    await tick();
    const a = await argueOn(slug, ada, "Money paid by mistake is the firm's; say so at once.");
    await tick();
    const v = await argueOn(slug, vic!, "Tell the customer before anyone else does.", "against");
    await tick();
    await againAsEmployee(slug, vic!, 1, 2, a);
    await againAsEmployee(slug, pat!, 1, 1, a);
    await againAsEmployee(slug, pia!, 1, 1, v);
    await againAsEmployee(slug, pam!, 1, 1, v);
    const second = await readResults(reader, slug);
    // Since the fix (an argument's count read together with the others of its perspective,
    // `exposedByPersuasion`), Vic waits, and so do the others until the counts hide him: either
    // way, what is shown must keep the property below.
    const couldNameBoth = 3; // Pat, Pia, Pam: Vic may not name his own argument
    // On the current code: A changed 2 minds, V changed 2: 4 > 3, so Vic named A.
    expect(changedMinds(second, a) + changedMinds(second, v), `A ${changedMinds(second, a)}, V ${changedMinds(second, v)}`).toBeLessThanOrEqual(couldNameBoth);
  });
});

/** The case's author publishes a new version made from the current one's source by `edit` (as in the seventh review). */
async function publish(slug: string, edit: (source: string) => string) {
  const { findCaseBySlug, findCaseVersionSource, saveCaseVersion } = await import("../../app/models/cases.server");
  const { parseCaseFile } = await import("../../app/domain/case-file");
  const found = (await findCaseBySlug(app.db(), slug))!;
  const before = (await findCaseVersionSource(app.db(), found.id, found.version))!;
  const source = edit(before);
  if (source === before) throw new Error("the edit must change the case");
  const parsed = parseCaseFile(source);
  if (!parsed.ok) throw new Error(`the edited case must parse: ${JSON.stringify(parsed.problems)}`);
  await saveCaseVersion(app.db(), { doc: parsed.doc, source, origin: "app", filePath: null, userId: null });
}

/** The "Since people first answered" column: per step of the scale, how many released people's first answer had that judgement. */
function firstJudgements(r: Results, key: Perspective): Record<string, number> {
  const p = r.released ? r.perspectives.find((q) => q.key === key) : undefined;
  const out: Record<string, number> = {};
  if (!p || p.withheld !== null) return out;
  for (const step of p.shift.firstJudgements) if (step.count > 0) out[String(step.value)] = step.count;
  return out;
}

describe('the judgements at first answers ("Since people first answered") when a perspective is taken back and asked again', () => {
  const slug = "the-frightened-rep";
  const CUSTOMER = / {2}customer:\n(?: {4}.*\n)+/;
  const COLLEAGUE = [
    "  colleague:",
    "    prompt: You sit next to her on the phones and heard the whole call. What do you do?",
    "    options:",
    "      - Take over the call",
    "      - Mute and tell her she is doing fine",
    "      - Fetch the team lead",
    "",
  ].join("\n");

  // What is learned: Tess's judgement as the customer (her first answer, which is her answer).
  // The seventh review's first attack, closed for the bars by the churn rule
  // (`exposedByRowChurn`: per perspective, the people entering and leaving each row number 0 or
  // at least k), played on a figure the churn rule does not check: the judgements at first
  // answers, a sum over every released person of their first answer to the perspective. Its
  // entering people are only the newcomers: people who answer again enter the bars (their new
  // answer) and leave them (their old one), so they pad the bars' churn to k, but their first
  // answer was in the column before and stays.
  // Release 1: Ann, Ben and Mo answer all three perspectives; release 2: Cat, Dan and Max. The
  // author takes the customer perspective out; Tess and two others answer as the employee and
  // the employer and are released without it. The author puts the customer back word for word
  // and adds a colleague's perspective: every released customer answer is taken back, to come
  // back only through a release that takes it. Tess answers as the customer and the colleague
  // (she waits); Ann, Ben and Cat answer the customer again and, with Dan, answer as the
  // colleague; Mo and Max do not come back. The next release takes the five: the customer's bars
  // gain Tess and the three new answers (4 entering) and lose Mo, Max and the three old answers
  // (5 leaving); the shift holds three re-answers. But the judgements at first answers, since
  // release 2, lost Mo's and Max's and gained Tess's alone: the step of the scale that grew is
  // her judgement.
  it("never shows judgements at first answers that grew, between two releases, by one person alone", async () => {
    const reader = await app.person("facilitator", "other");
    const person = () => app.person("participant", "frontline");
    const answerAll = async (who: Person, customer: [number, number]) => {
      await answer(who, slug, [0, 1], [0, 1]);
      await answerOne(who, slug, "customer", ...customer);
    };
    const asColleague = (who: Person) => answerOne(who, slug, "colleague" as Perspective, 0, 1);
    const [ann, ben, mo] = [await person(), await person(), await person()];
    await answerAll(ann, [0, -1]);
    await answerAll(ben, [0, -1]);
    await answerAll(mo, [1, -2]);
    const [cat, dan, max] = [await person(), await person(), await person()];
    await answerAll(cat, [0, -1]);
    await answerAll(dan, [0, -1]);
    await answerAll(max, [1, -2]);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(6);

    const { findCaseBySlug, findCaseVersionSource } = await import("../../app/models/cases.server");
    const found = (await findCaseBySlug(app.db(), slug))!;
    const customerBlock = CUSTOMER.exec((await findCaseVersionSource(app.db(), found.id, found.version))!)![0];
    await publish(slug, (s) => s.replace(CUSTOMER, ""));
    await readResults(reader, slug);
    const tess = await person();
    await answer(tess, slug, [0, 1], [0, 1]);
    for (let i = 0; i < K - 1; i += 1) await answer(await person(), slug, [0, 1], [0, 1]);
    const release3 = await readResults(reader, slug);
    expect(release3.released?.people, "Tess and two more, without the customer").toBe(9);

    await publish(slug, (s) => s.replace("judgement: ", `${customerBlock}${COLLEAGUE}judgement: `));
    await answerOne(tess, slug, "customer", 3, 3);
    await asColleague(tess);
    for (const who of [ann, ben, cat]) await answerOne(who, slug, "customer", 2, 2);
    for (const who of [dan, ann, ben, cat]) await asColleague(who);
    const release4 = await readResults(reader, slug);
    const [before, after] = [firstJudgements(release2, "customer"), firstJudgements(release4, "customer")];
    const grew: Record<string, number> = {};
    for (const [step, count] of Object.entries(after)) if (count > (before[step] ?? 0)) grew[step] = count - (before[step] ?? 0);
    // On the current code: release 4 (9 people) and the first judgements went from { -2: 2, -1: 4 } to { 3: 1, -1: 4 }: grew by { "3": 1 }, Tess's.
    expect(
      grew,
      `release 4 (${release4.released?.people} people); first judgements ${JSON.stringify(before)} then ${JSON.stringify(after)}; bars now ${JSON.stringify(perspectiveOf(release4, "customer").judgements)}`,
    ).toEqual({});
  });
});

describe("an option removed while one answer on it waits, then offered again", () => {
  const slug = "the-lockout";
  const OPTION = "Clear it yourself without lockout but never let others do it";

  // Tried: the seventh review's second attack (an option removed while one answer on it
  // waits; closed by the churn rule on the option's population row), with the option brought
  // back before the release that would take Tess: the option's population is then the answers on
  // versions 1 and 3, a set of versions no earlier release showed a row for, so the churn rule
  // (which compares rows by key) has no earlier row to compare it with.
  // Releases 1 and 2: six people on version 1, none on OPTION. Tess answers on version 1,
  // picking OPTION; alone, she waits. The author removes OPTION (version 2); two newcomers
  // answer on version 2, and Leo, Lou and Lee (released on version 1) answer again on version 2.
  // The author puts OPTION back (version 3). Refused today: nothing is released (Tess, on
  // version 1, is the only one entering the option's population). Only when k−1 newcomers answer
  // on version 3 is she released, beside them: OPTION's bar grew by one of three people who could
  // have chosen it. A plain test: it fails if a change lets Tess in with fewer than k.
  it("never shows a bar that grew, between two releases, by one person alone", async () => {
    const reader = await app.person("facilitator", "other");
    const person = () => app.person("participant", "frontline");
    const [sam, sue, leo] = [await person(), await person(), await person()];
    for (const who of [sam, sue, leo]) await answer(who, slug, [0, -1], [1, 0]);
    const [sid, lou, lee] = [await person(), await person(), await person()];
    for (const who of [sid, lou, lee]) await answer(who, slug, [2, 1], [1, 0]);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(6);
    const tess = await person();
    await answer(tess, slug, [1, 2], [1, 0]);
    expect((await readResults(reader, slug)).released?.at, "Tess waits").toBe(release2.released?.at);

    await publish(slug, (s) => s.replace(`      - ${OPTION}\n`, ""));
    for (let i = 0; i < 2; i += 1) await answer(await person(), slug, [0, 1], [1, 0]);
    for (const who of [leo, lou, lee]) await answerOne(who, slug, "employee", 1, 0);
    await publish(slug, (s) =>
      s.replace("    options:\n      - Do the full lockout every time and miss the rate\n", `    options:\n      - Do the full lockout every time and miss the rate\n      - ${OPTION}\n`),
    );
    const stuck = await readResults(reader, slug);
    expect(stuck.released?.at, "Tess, the only one entering the option's population, waits").toBe(release2.released?.at);
    for (let i = 0; i < K - 1; i += 1) await answer(await person(), slug, [0, 1], [1, 0]);
    const release3 = await readResults(reader, slug);
    const count = (r: Results) => perspectiveOf(r, "employee").options.find((o) => o.label === OPTION)?.count ?? 0;
    // Who entered the option's population (answers on a version offering it, held by release 3 and not by release 2).
    const found = (await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
    const versions = (await app.db().selectFrom("case_versions").select("id").where("case_id", "=", found).orderBy("id").execute()).map((v) => v.id);
    const offering = [versions[0]!, versions.at(-1)!];
    const entered = await app
      .db()
      .selectFrom("release_records as rr")
      .innerJoin("positions as p", "p.id", "rr.position_id")
      .select("rr.user_id")
      .where("rr.case_id", "=", found)
      .where("rr.perspective", "=", "employee")
      .where("rr.from_release", ">=", 2)
      .where("p.case_version_id", "in", offering)
      .execute();
    const grew = count(release3) - count(release2);
    const diagnosis = `release 3 (${release3.released?.people} people): OPTION grew by ${grew}; ${entered.length} entered its population`;
    expect(grew === 0 || entered.length >= K, diagnosis).toBe(true);
    expect(grew, diagnosis).toBe(1);
  });
});

describe("whether a release happens never depends on which argument people named", () => {
  // Tried: a timing side channel. If whether (or whom) a release takes depended on the values of
  // answers (here: which argument each re-answer names), the release's moment would tell them,
  // whatever it shows. The same actions are played on two cases, differing only in what Pat and
  // Pia name: Ada's argument, posted after Vic's re-answer (so its population is Pat and Pia, 2
  // people), or nothing. Refused today: each case is released at the same step (the fourth
  // re-answer, when three could name the argument): `planRelease` and the persuasion populations
  // read who could name an argument, never who did. A plain test: it fails if a release comes to depend on what was named.
  it("releases the same people at the same steps whatever argument is named", async () => {
    const reader = await app.person("facilitator", "other");
    const play = async (slug: string, named: boolean) => {
      // Per look, how many releases the case has had so far (a new release time is a new release).
      const seen: string[] = [];
      const steps: number[] = [];
      const look = async () => {
        const at = (await readResults(reader, slug)).released?.at;
        if (at && !seen.includes(at)) seen.push(at);
        steps.push(seen.length);
      };
      const ada = await app.person("participant", "frontline");
      const people: Person[] = [];
      for (let i = 0; i < 6; i += 1) {
        people.push(await app.person("participant", "frontline"));
        await answer(people[i]!, slug, [0, -1], [0, -1]);
      }
      await look();
      const [vic, pat, pia, pam, pol, pen] = people;
      await tick();
      await againAsEmployee(slug, vic!, 1, 2, null);
      await tick();
      const argument = await argueOn(slug, ada, `Ada's reading of ${slug}: the rules were plain.`);
      await tick();
      await againAsEmployee(slug, pat!, 1, 1, named ? argument : null);
      await look();
      await againAsEmployee(slug, pia!, 1, 1, named ? argument : null);
      await look();
      for (const who of [pam, pol, pen]) {
        await againAsEmployee(slug, who!, 2, 0, null);
        await look();
      }
      return steps;
    };
    const withNames = await play("off-script", true);
    const without = await play("background-check", false);
    expect(withNames).toEqual(without);
    expect(withNames.at(-1), `releases at each look: ${JSON.stringify(withNames)}`).toBeGreaterThan(withNames[0]!);
  });
});
