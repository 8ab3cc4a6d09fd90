/**
 * Seventh privacy review of online results (ADR 009), after option populations and sums-only
 * figures (sixth review). Each test plays an attack with ordinary accounts (no sybils) and
 * asserts the property that should hold; each is `it.fails` while its attack works (the comment
 * says what is learned and how). Fixing a leak turns its test red: then change `it.fails` to `it`.
 *
 * The joint test (`exposedBySeveralReleases`) treats each answer as a vector that may be
 * anything, and refuses a release when some combination of shown rows is nonzero on 1 to k−1
 * people only. But a bar counts people: it is a sum of one-hot vectors (an option, a step of the
 * judgement scale, a legal answer and lean), never negative. When two releases of one row differ
 * by people *entering* it and other people *leaving* it without entering again, every bar that
 * grew grew by the people who entered. The combination is nonzero on at least k people (who
 * entered and who left), so the joint test allows it; its positive part is the answers of those
 * who entered alone. The first two tests play it on the bars (a perspective taken back and asked
 * again, an option removed while an answer on it waits); the fourth on the persuasion figures
 * (issue 16: which argument changed someone's mind); the third, through the merged group of
 * small standings without any edit, is refused today and is a plain test.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import type { Standing } from "../../db/schema";
import { releaseAttacks, type Perspective } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, answerOne, readResults, groupOf, perspectiveOf } = await releaseAttacks(app);
const OTHER = "_other";

/** `count` new people of one standing (null: none declared) answering both perspectives. */
async function crowdOf(standing: Standing | null, count: number, employee: [number, number], employer: [number, number]) {
  const people: Awaited<ReturnType<typeof app.person>>[] = [];
  for (let i = 0; i < count; i += 1) {
    const who = await app.person("participant", standing);
    await answer(who, "no-authority", employee, employer);
    people.push(who);
  }
  return people;
}

type Results = Awaited<ReturnType<typeof readResults>>;
afterAll(() => app.cleanup());

/** The case's author publishes a new version made from the current one's source by `edit`. */
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

/**
 * What grew between two reads of one perspective's bars: every option and every step of the
 * judgement scale whose count is higher in `after` than in `before` (by how much). A perspective
 * not shown counts as no bars.
 */
function grown(before: Results, after: Results, key: Perspective): Record<string, number> {
  const bars = (r: Results) => {
    const p = r.released ? r.perspectives.find((q) => q.key === key) : undefined;
    const counts: Record<string, number> = {};
    if (!p || p.withheld !== null) return counts;
    for (const o of p.options) counts[`option: ${o.label}`] = o.count;
    for (const j of p.judgements) counts[`judgement: ${j.value}`] = j.count;
    for (const row of p.legalByLean) for (const [lean, count] of Object.entries(row.counts)) counts[`legal ${row.legal}, leaning ${lean}`] = count;
    return counts;
  };
  const [a, b] = [bars(before), bars(after)];
  const out: Record<string, number> = {};
  for (const [label, count] of Object.entries(b)) if (count > (a[label] ?? 0)) out[label] = count - (a[label] ?? 0);
  return out;
}

describe("a perspective taken back and asked again beside a new one", () => {
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

  // What is learned: Tess's whole answer as the customer (her option, her judgement, and her
  // legal answer with its lean), and with it the sum of Mo's and Max's answers as the customer
  // (two people).
  // Release 1: Ann, Ben and Mo answer all three perspectives; release 2: Cat, Dan and Max. The
  // author takes the customer perspective out (version 2); Tess and two colleagues answer as the
  // employee and the employer and are released without it (release 3). The author then puts
  // the customer back word for word and adds a colleague's perspective (version 3): every
  // released customer answer is taken back, to come back only through a release that takes it
  // (ADR 009, fifth review), and only people who answered every perspective can be taken. Ann,
  // Ben, Cat and Dan answer as the colleague (their customer answers are the same ones); Mo and
  // Max do not come back. Nothing is released: those four alone would be release 2's customer
  // bars minus Mo and Max. Then Tess answers as the customer and the colleague, and release 4
  // takes the five. customer(4) − customer(2) is Tess's answer minus Mo's and Max's: three
  // people, so the joint test lets it through. But bars only count people: every bar that grew
  // from release 2 to release 4 grew by Tess, the only one who entered the customer's bars.
  // Unless Mo or Max gave the very same answer, each of Tess's choices is the one bar of its
  // kind that grew (and what shrank, with her answer added back, is Mo's and Max's).
  it("never shows bars that grew, between two releases, by one person alone", async () => {
    const reader = await app.person("facilitator", "other");
    const person = () => app.person("participant", "frontline");
    type Person = Awaited<ReturnType<typeof person>>;
    const answerAll = async (who: Person, customer: [number, number]) => {
      await answer(who, slug, [0, 1], [0, 1]);
      await answerOne(who, slug, "customer", ...customer);
    };
    const asColleague = (who: Person) => answerOne(who, slug, "colleague" as Perspective, 0, 1);
    const [ann, ben, mo] = [await person(), await person(), await person()];
    await answerAll(ann, [0, -1]);
    await answerAll(ben, [0, -1]);
    await answerAll(mo, [1, -2]);
    const release1 = await readResults(reader, slug);
    expect(release1.released?.people).toBe(3);
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
    expect(release3.released?.people, "Tess and two colleagues, without the customer").toBe(9);

    await publish(slug, (s) => s.replace("judgement: ", `${customerBlock}${COLLEAGUE}judgement: `));
    for (const who of [ann, ben, cat, dan]) await asColleague(who);
    const waiting = await readResults(reader, slug);
    expect(waiting.released?.at, "four taken again alone would show Mo and Max: nothing is released").toBe(release3.released?.at);

    await answerOne(tess, slug, "customer", 3, 3); // "Hang up and post about it online", clearly right
    await asColleague(tess);
    const release4 = await readResults(reader, slug);
    const tessAnswer = grown(release2, release4, "customer");
    // On the current code, release 4 takes the five, and what grew since release 2 is Tess's answer:
    // { "option: Hang up and post about it online": 1, "judgement: 3": 1, "legal unsure, leaning right": 1 }.
    expect(tessAnswer, `release 4 (${release4.released?.people} people) grew by Tess alone`).toEqual({});
  });
});

describe("an option removed while one answer on it waits", () => {
  const slug = "the-overpayment";
  const REMOVED = "Hand the file to a colleague because of the conflict";

  // What is learned: that Tess's answer as the employee is the option the author removed since
  // ("Hand the file to a colleague because of the conflict"), though she was released in a batch
  // of six and her option's bar is the answers of four people.
  // Release 1: Sam, Sue and Leo; release 2: Sid, Lou and Lee (every one on version 1, none on
  // the option). Tess answers on version 1 too, picking that option; alone, she waits. The
  // author removes the option (version 2). Uma and Vic answer on version 2, and Leo, Lou and Lee
  // answer again as the employee (on version 2). Release 3 takes the six: every cell changes by
  // at least k (the version-1 population by Tess, Leo, Lou and Lee; what stays on version 1 is
  // four), and no combination of rows is nonzero on fewer than k people, so the joint test lets
  // it through. But the removed option can only hold answers given on version 1, and between
  // release 2 and release 3 the only person who entered version 1's answers is Tess (Leo, Lou and
  // Lee left them). Its bar, "no longer offered", grew from 0 to 1: it is Tess's. Had the
  // version offered two options since removed, the one that grew would say which was hers.
  it("never shows a bar that grew, between two releases, by one person alone", async () => {
    const reader = await app.person("facilitator", "other");
    const person = () => app.person("participant", "frontline");
    const [sam, sue, leo] = [await person(), await person(), await person()];
    for (const who of [sam, sue, leo]) await answer(who, slug, [0, -1], [1, 0]);
    const [sid, lou, lee] = [await person(), await person(), await person()];
    for (const who of [sid, lou, lee]) await answer(who, slug, [1, 1], [1, 0]);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(6);
    const tess = await person();
    await answer(tess, slug, [3, 2], [1, 0]); // the option about to be removed
    expect((await readResults(reader, slug)).released?.at, "Tess waits").toBe(release2.released?.at);

    await publish(slug, (s) => s.replace(`      - ${REMOVED}\n`, ""));
    for (let i = 0; i < 2; i += 1) await answer(await person(), slug, [0, 1], [1, 0]);
    for (const who of [leo, lou, lee]) await answerOne(who, slug, "employee", 1, 0);
    const release3 = await readResults(reader, slug);
    const grew = grown(release2, release3, "employee");
    // On the current code, release 3 holds 9 people and `grew` has { "option: Hand the file to a colleague because of the conflict": 1 }: Tess's.
    expect(grew[`option: ${REMOVED}`], `release 3 (${release3.released?.people} people): ${JSON.stringify(grew)}`).toBeUndefined();
  });
});

describe("a standing that leaves the merged group while one newcomer joins it", () => {
  const slug = "no-authority";

  // The same class without any edit of the case, tried and blocked today (a plain test: it
  // documents that the attack fails, and fails if a change lets it through).
  // Release 1: three front-line staff (no breakdown). Release 2: Mia and Max (managers) and Hal
  // (HR): the breakdown shows front line and "other standings" (managers and HR, merged: each
  // is under k). Release 3: Oz (standing "other") and two people who declared none join "other
  // standings". Then Fay (front line) answers again beside two front-line newcomers, Mia and Max
  // answer again, a third manager answers, and Tess (HR) answers last. Managers would number k
  // and get a row of their own, leaving "other standings" (HR, "other", undeclared) with one
  // newcomer: Tess. Every cell the page shows changes by at least k of the people taken ("other
  // standings" by Mia and Max, who wrote and leave it, and Tess, who enters it), so had the
  // release been made, every bar of "other standings" that grew would have grown by Tess alone.
  // It is not made: the joint test refuses every grouping taking them, and everyone taken waits.
  // Its rows are more than the page shows: a shift row per group (the page shows the shift
  // overall only), on which the managers' two re-answers and Fay's one are fewer than k. With
  // those rows left out (tried by hand), a smaller release is made instead, with the managers
  // still merged: the class is closed here by the joint test's conservative rows, not by a rule
  // about people entering a row.
  it("never shows a group's bars that grew, between two releases, by one person alone", async () => {
    const reader = await app.person("facilitator", "other");
    const [fay] = await crowdOf("frontline", 3, [0, 1], [0, 1]);
    const [mia, max] = await crowdOf("manager", 2, [1, -1], [1, -1]);
    await crowdOf("hr", 1, [0, 1], [0, 1]);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people).toBe(6);
    expect(groupOf(release2, "employee", OTHER)?.count, "managers and HR merged").toBe(3);
    await crowdOf("other", 1, [0, 1], [0, 1]);
    await crowdOf(null, 2, [0, 1], [0, 1]);
    const release3 = await readResults(reader, slug);
    expect(release3.released?.people).toBe(9);
    expect(groupOf(release3, "employee", OTHER)?.count).toBe(6);

    await answer(fay!, slug, [0, 2], [0, 2]);
    await crowdOf("frontline", 2, [0, 1], [0, 1]);
    await answer(mia!, slug, [0, 1], [0, 1]);
    await answer(max!, slug, [0, 1], [0, 1]);
    await crowdOf("manager", 1, [0, 1], [0, 1]);
    const tess = await app.person("participant", "hr");
    await answer(tess, slug, [2, 3], [3, -3]);
    const release4 = await readResults(reader, slug);
    const grewOf = (key: Perspective) => {
      const [before, after] = [groupOf(release3, key, OTHER), groupOf(release4, key, OTHER)];
      const out: Record<string, number> = {};
      for (const o of after?.options ?? []) {
        const was = before?.options.find((b) => b.id === o.id)?.count ?? 0;
        if (o.count > was) out[o.label] = o.count - was;
      }
      return out;
    };
    const grew = { employee: grewOf("employee"), employer: grewOf("employer") };
    // On the current code, release 4 holds 15 people with a managers' row, and "other standings"
    // grew by Tess's options only: employee { <option 3>: 1 }, employer { <option 4>: 1 }.
    expect(grew, `release 4 (${release4.released?.people} people, groups ${JSON.stringify(perspectiveOf(release4, "employee").byStanding.groups.map((g) => [g.key, g.count]))})`).toEqual({
      employee: {},
      employer: {},
    });
  });
});

describe("persuasion (issue 16) when a perspective is taken back and asked again beside a new one", () => {
  const slug = "the-covering-nurse";
  const THIRD = "colleague" as Perspective;
  const BLOCK = / {2}colleague:\n(?: {4}.*\n)+/;
  const ADDED = ["  customer:", "    prompt: You are a patient on the ward that night. What do you do?", "    options:", "      - Ask for another nurse", "      - Say nothing", ""].join("\n");

  // What is learned: which argument changed Tess's mind as the colleague, and the lean of her new
  // answer (a protected answer, ADR 009: "which argument moved them"), besides her new answer.
  // The same class as the first test, read off the persuasion figures the results page shows
  // ("changed 1 person's mind", with the lean now) instead of the bars.
  // Nine people answer all three perspectives, in three batches of three (Ann, Mo, Xia; Ben,
  // Max, Yan; Tess, Mia, Zoe). Mo, Max and Ann answer again as the colleague (a release), then
  // Mia, Ben and Tess (another): none names an argument. The author takes the colleague out
  // (version 2); three newcomers are released without it. The author brings the colleague back
  // and adds a customer's perspective (version 3). Ann and Ben answer as the customer: their two
  // re-answers wait (the shift cell). Tess answers again as the colleague, naming Ann's argument
  // as what changed her mind, and answers as the customer: the next release takes Ann, Ben and
  // Tess. The six who do not answer as the customer left the colleague's figures: every
  // persuasion figure that grew since the last release showing the colleague grew by Tess alone.
  it("never shows persuasion that grew, between two releases, by one person alone", async () => {
    const { actOn } = await releaseAttacks(app);
    const reader = await app.person("facilitator", "other");
    const person = () => app.person("participant", "frontline");
    type Person = Awaited<ReturnType<typeof person>>;
    const again = async (who: Person, option: number, judgement: number, movedBy = "") =>
      actOn(slug, who, { intent: "position", perspective: THIRD, ...(await app.ballot(slug, THIRD, option)), judgement: String(judgement), legal: "unsure", confidence: "medium", movedBy });
    const answerAll = async (who: Person) => {
      await answer(who, slug, [0, 1], [0, 1]);
      await answerOne(who, slug, THIRD, 0, -1);
    };
    const nine: Person[] = [];
    for (let i = 0; i < 9; i += 1) {
      nine.push(await person());
      await answerAll(nine[i]!);
    }
    const [ann, mo, , ben, max, , tess, mia] = nine;
    const body = "She asked for time; a week is what a friend would give.";
    await actOn(slug, ann!, { intent: "argument", perspective: THIRD, side: "for", lens: "", body });
    const argument = (await app.db().selectFrom("arguments").select("id").where("body", "=", body).executeTakeFirstOrThrow()).id;
    for (const who of [mo, max, ann, mia, ben, tess]) await again(who!, 1, -2);
    const shown = await readResults(reader, slug);
    expect(shown.released?.people).toBe(9);

    const { findCaseBySlug, findCaseVersionSource } = await import("../../app/models/cases.server");
    const found = (await findCaseBySlug(app.db(), slug))!;
    const block = BLOCK.exec((await findCaseVersionSource(app.db(), found.id, found.version))!)![0];
    await publish(slug, (s) => s.replace(BLOCK, ""));
    await readResults(reader, slug);
    for (let i = 0; i < K; i += 1) await answer(await person(), slug, [0, 1], [0, 1]);
    const without = await readResults(reader, slug);
    expect(without.released?.people).toBe(12);

    await publish(slug, (s) => s.replace("judgement: ", `${block}${ADDED}judgement: `));
    for (const who of [ann, ben]) await answerOne(who!, slug, "customer", 0, 1);
    expect((await readResults(reader, slug)).released?.at, "two re-answers wait").toBe(without.released?.at);
    await again(tess!, 2, 3, String(argument));
    await answerOne(tess!, slug, "customer", 0, 1);
    const last = await readResults(reader, slug);
    const moved = (r: Results) => r.changedMinds;
    const before = moved(shown).find((m) => m.id === argument);
    const after = moved(last).find((m) => m.id === argument);
    const grew = after && after.count > (before?.count ?? 0) ? { count: after.count - (before?.count ?? 0) } : null;
    // On the current code, the last release shows Ann's argument "changed 1 person's mind", leaning right: Tess.
    expect(grew, `last release (${last.released?.people} people); the colleague's bars grew by ${JSON.stringify(grown(shown, last, THIRD))}`).toBeNull();
  });
});
