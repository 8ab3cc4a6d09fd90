/**
 * Ninth privacy review of online results (ADR 009), after "Persuasion counts are over who could
 * name the argument" and the first-answer churn row (eighth review), and the two-transaction
 * planning of ADR 024. Each test plays an attack with ordinary accounts (no sybils) and asserts
 * the property that should hold; each is `it.fails` while its attack works (the comment says what
 * is learned and how, by whom). Fixing a leak turns its test red: then change `it.fails` to `it`.
 * Attacks tried and refused today are plain tests documenting them.
 *
 * Found: (1, 2, 3) "changed N minds" shows, per argument, the lean its namers hold *now*: a
 * function of the answer's judgement as well as of the argument named. The joint test reads
 * persuasion as a system of its own whose unknown per re-answer is only the argument named, so
 * when the counts of a perspective's arguments together cover the re-answers that could name them,
 * their leans are those people's current leans, a row over answers the bars' system never sees;
 * beside the bars (a step grows only by who entered) they give the lean of whoever else entered:
 * a re-answer given before the argument (1), beside two arguments (2), or the author's own (3,
 * read by someone who controls nothing). Closed by showing only the count online (ADR 009,
 * "Persuasion online is a count"): the three tests now pass, and fail again if a lean comes back.
 * Tried and refused: (4) an option population within one
 * group of standings, whose entering and leaving the churn rule did not check (refused in the app
 * by the per-step cells and the linear test; the rule's gap is now closed, with a unit test);
 * (5) plans made between two transactions raced by answers and reads (ADR 024); (6) /me's
 * persuasion and the library's count around one answer.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";
import { leanOf, type Lean } from "../../app/domain/scales";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, answerOne, readResults, actOn, argueOn, perspectiveOf, groupOf } = await releaseAttacks(app);
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

/** The employee's judgement distribution as the results show it: step of the scale → people. */
const judgementsOf = (r: Results): Map<number, number> => new Map(perspectiveOf(r, "employee").judgements.map((s) => [s.value, s.count]));
const changedMinds = (r: Results, id: number) => r.changedMinds.find((m) => m.id === id);
/** The leans shown beside an argument's count, if the page shows any (it no longer does: null). */
const leansOf = (m: ReturnType<typeof changedMinds>): Record<Lean, number> | null => (m && "leans" in m ? (m as unknown as { leans: Record<Lean, number> }).leans : null);

describe("the leans of the people an argument moved, beside the bars", () => {
  // What is learned: where Pam's new employee judgement leans (here: exactly +2), by any reader
  // of the results page, when the people who could name an argument all named it.
  // Persuasion shows, per argument, how many released answers name it *and the lean those
  // answers hold now* (`tallyMovedBy`: a breakdown of its namers' judgements). The joint test
  // reads persuasion as a system of its own (`exposedByPersuasion`), whose unknown per re-answer
  // is only which argument it names, a part "no other row shows"; but the leans are a function of
  // the judgement too, which the bars show. When an argument's count equals its population (every
  // re-answer that could name it did), its leans are the leans of a public set of people's
  // current answers: a row over answers that the bars' system never sees.
  // Six people answer (employee judgement −1 or 0, nobody at +2). Pam answers again (+2); Ada
  // posts argument A; Vic, Pat and Pia answer again naming A (−2 each). One release takes the
  // four re-answers: every cell holds 4 people, the bars' churn is 4 entering and 4 leaving, A's
  // population is 3 (Vic, Pat, Pia: after A, not its author). The bars' +2 step grew by one: one
  // of the four who entered holds +2 (a bar grows only by who entered). A "changed 3 people's
  // minds, wrong: 3": the three who could name A all lean wrong. So the +2 is Pam's. In general:
  // the bars' entering people minus an argument's namers, by lean, is what the others hold now;
  // it is a non-negativity leak (like the seventh review's) through a row the churn rule does
  // not know, the namers' leans.
  // The property: no step of the scale grows, between two releases, while every person who
  // entered the bars and could have given it is fewer than k (the others are accounted for by
  // an argument's leans).
  it("never shows an argument's leans that, beside the bars, single out who else moved", async () => {
    const slug = "no-authority";
    const reader = await app.person("facilitator", "other");
    const ada = await app.person("participant", "frontline");
    const people: Person[] = [];
    for (const judgement of [-1, -1, 0, 0, -1, 0]) {
      const who = await app.person("participant", "frontline");
      await answer(who, slug, [0, judgement], [0, -1]);
      people.push(who);
    }
    const [vic, pat, pia, pam] = people as [Person, Person, Person, Person];
    const first = await readResults(reader, slug);
    expect(first.released?.people).toBe(6);

    await tick();
    await againAsEmployee(slug, pam, 1, 2, null);
    await tick();
    const a = await argueOn(slug, ada, "A promise in the manager's name is the manager's promise.");
    await tick();
    for (const who of [vic, pat, pia]) await againAsEmployee(slug, who, 1, -2, a);
    const second = await readResults(reader, slug);

    // The reader's working: which steps grew (only the four who entered can have made them grow),
    // and which of them the argument's namers cannot hold.
    const [before, after] = [judgementsOf(first), judgementsOf(second)];
    const grew = [...after].filter(([value, count]) => count > (before.get(value) ?? 0)).map(([value]) => value);
    const moved = changedMinds(second, a);
    const namersEverywhere = moved?.count === 3; // A's population: Vic, Pat, Pia (public: who answered when)
    const shownLeans = leansOf(moved);
    const namersLeans = new Set((["wrong", "torn", "right"] as Lean[]).filter((lean) => (shownLeans?.[lean] ?? 0) > 0));
    // Without leans shown, the namers may hold any value: nothing singles Pam out.
    const onlyPam = namersEverywhere && shownLeans ? grew.filter((value) => !namersLeans.has(leanOf(value))) : [];
    // On the current code: released, the four re-answers taken; the +2 step grew (and −2), A changed 3 minds, all leaning wrong: the +2 is Pam's.
    expect(onlyPam, `released ${second.released?.at !== first.released?.at}; grew ${JSON.stringify(grew)}; A ${JSON.stringify(moved)}`).toEqual([]);
  });

  // What is learned: the same, Pam's new judgement (+2), when no argument's count equals its
  // population: what matters is that the arguments' counts *together* cover a population. Ada
  // posts A and B; Vic names A, Pat and Pia name B (after Pam's re-answer, which names nothing).
  // A "changed 1 person's mind, wrong: 1", B "changed 2, wrong: 2": A and B have the same
  // population (Vic, Pat, Pia), the counts sum to it, so every one of the three leans wrong, and
  // the +2 that entered the bars is Pam's. A fix must bound the leans of every union of
  // arguments (or not show leans), not only an argument whose count is its whole population.
  it("never shows arguments' leans that together cover who could name them, beside the bars", async () => {
    const slug = "off-script";
    const reader = await app.person("facilitator", "other");
    const ada = await app.person("participant", "frontline");
    const people: Person[] = [];
    for (const judgement of [-1, -1, 0, 0, -1, 0]) {
      const who = await app.person("participant", "frontline");
      await answer(who, slug, [0, judgement], [0, -1]);
      people.push(who);
    }
    const [vic, pat, pia, pam] = people as [Person, Person, Person, Person];
    const first = await readResults(reader, slug);
    expect(first.released?.people).toBe(6);

    await tick();
    await againAsEmployee(slug, pam, 1, 2, null);
    await tick();
    const a = await argueOn(slug, ada, "The script is there for the customer, not for the rep.");
    const b = await argueOn(slug, ada, "Going off script without telling anyone is the real fault.", "against");
    await tick();
    await againAsEmployee(slug, vic, 1, -2, a);
    for (const who of [pat, pia]) await againAsEmployee(slug, who, 1, -1, b);
    const second = await readResults(reader, slug);

    const [before, after] = [judgementsOf(first), judgementsOf(second)];
    const grew = [...after].filter(([value, count]) => count > (before.get(value) ?? 0)).map(([value]) => value);
    const [movedA, movedB] = [changedMinds(second, a), changedMinds(second, b)];
    const covered = (movedA?.count ?? 0) + (movedB?.count ?? 0) === 3; // A's and B's population: Vic, Pat, Pia
    const [leansA, leansB] = [leansOf(movedA), leansOf(movedB)];
    const namersLeans = new Set((["wrong", "torn", "right"] as Lean[]).filter((lean) => (leansA?.[lean] ?? 0) + (leansB?.[lean] ?? 0) > 0));
    const onlyPam = covered && (leansA || leansB) ? grew.filter((value) => !namersLeans.has(leanOf(value))) : [];
    // On the current code: released; the +2 step grew; A 1 and B 2, all leaning wrong: the +2 is Pam's.
    expect(onlyPam, `released ${second.released?.at !== first.released?.at}; grew ${JSON.stringify(grew)}; A ${JSON.stringify(leansA)} B ${JSON.stringify(leansB)}`).toEqual([]);
  });

  // What is learned: where Ada's new judgement leans, Ada being the author of the argument the
  // others credit, by a reader who controls nothing (no timing, no account of their own in play).
  // The same class through the author's exclusion: Ada may not name her own argument, so A's
  // population is everyone else who answered again after it. Ada posts A; Ada answers again
  // (+2); Vic, Pat and Pia answer again naming A (−2). A "changed 3 people's minds, wrong: 3"
  // covers its population; the bars' +2 that grew is Ada's.
  it("never shows an argument's leans that, beside the bars, single out its author's change", async () => {
    const slug = "background-check";
    const reader = await app.person("facilitator", "other");
    const people: Person[] = [];
    for (const judgement of [-1, -1, 0, 0, -1, 0]) {
      const who = await app.person("participant", "frontline");
      await answer(who, slug, [0, judgement], [0, -1]);
      people.push(who);
    }
    const [ada, vic, pat, pia] = people as [Person, Person, Person, Person];
    const first = await readResults(reader, slug);
    expect(first.released?.people).toBe(6);

    await tick();
    const a = await argueOn(slug, ada, "Covering for a colleague is kind until a patient pays for it.");
    await tick();
    await againAsEmployee(slug, ada, 1, 2, null);
    for (const who of [vic, pat, pia]) await againAsEmployee(slug, who, 1, -2, a);
    const second = await readResults(reader, slug);

    const [before, after] = [judgementsOf(first), judgementsOf(second)];
    const grew = [...after].filter(([value, count]) => count > (before.get(value) ?? 0)).map(([value]) => value);
    const moved = changedMinds(second, a);
    const namersEverywhere = moved?.count === 3; // A's population: Vic, Pat, Pia (Ada wrote it)
    const shownLeans = leansOf(moved);
    const namersLeans = new Set((["wrong", "torn", "right"] as Lean[]).filter((lean) => (shownLeans?.[lean] ?? 0) > 0));
    const onlyAda = namersEverywhere && shownLeans ? grew.filter((value) => !namersLeans.has(leanOf(value))) : [];
    // On the current code: released; the +2 step grew; A changed 3 minds, all leaning wrong: the +2 is Ada's.
    expect(onlyAda, `released ${second.released?.at !== first.released?.at}; grew ${JSON.stringify(grew)}; A ${JSON.stringify(shownLeans)}`).toEqual([]);
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

/** Whether `who`'s answer to `perspective` is held by the case's release now. */
async function isReleased(slug: string, who: Person, perspective: string): Promise<boolean> {
  const found = (await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
  const row = await app
    .db()
    .selectFrom("released_positions")
    .select("position_id")
    .where("case_id", "=", found)
    .where("user_id", "=", who.id)
    .where("perspective", "=", perspective)
    .executeTakeFirst();
  return row !== undefined;
}

describe("an option only one version offered, within one group of standings", () => {
  const slug = "the-lockout";
  const X = "Ask a colleague to watch the sensor while you clear it";
  const LAST = "      - Do the lockout and ask maintenance to fix the sensor\n";

  // Tried: that Tess (frontline) chose X, an option only version 2 offered, read by any reader
  // of the results page comparing two releases' frontline rows. Found by reading: the churn rule
  // (`exposedByRowChurn`) checked each option population and retired version overall, and each
  // shown group overall, but not an option population (or retired version) *within* a group,
  // though the group's bars show it (X's bar in "frontline" counts only frontline answers on
  // version 2); planRelease's cells count that population's changes entering and leaving
  // together. So within a group one person could enter while others left, with every row the
  // rule checked holding 0 or at least k entering and leaving.
  // Played: release 1, three frontline and three managers on version 1; the author adds X
  // (version 2); six frontline (Ann, Ben, Cal first) and six managers (Dee, Eve, Fay first)
  // answer on version 2, none choosing X (releases 2 to 5, three at a time). Tess (frontline),
  // Ned and Nia (managers) answer on version 2, Tess choosing X, and wait. The author removes X
  // (version 3); Ann, Dee, Ben, Eve, Cal and Fay answer again on version 3. Refused today, but not
  // by the churn rule: a whole batch leaving a group's population can be released on its own as
  // soon as it is complete (Ann, Ben, Cal; then Dee, Eve, Fay), and Tess, alone in frontline's
  // version-2 cell, then waits; a partial batch leaving would split its atom, which the linear
  // test refuses (the stayer beside Tess). The gap in the rule itself is shown, with the linear
  // test finding nothing, by a unit test (`release-equations.test.ts`, "checks an option
  // population within each shown group"), and closed: the churn rule now also checks each
  // retired version and option population within each shown group (ADR 009, ninth review).
  // A plain test: it fails if a change lets Tess in with fewer than k entering beside her.
  it("never shows a group's bar of an option population grown by fewer than k who entered it", async () => {
    const reader = await app.person("facilitator", "other");
    const person = (standing: "frontline" | "manager") => app.person("participant", standing);
    const onVersion1: Person[] = [];
    for (const standing of ["frontline", "manager"] as const) for (let i = 0; i < 3; i += 1) onVersion1.push(await person(standing));
    for (const who of onVersion1) await answer(who, slug, [0, -1], [1, 0]);
    const release1 = await readResults(reader, slug);
    expect(release1.released?.people).toBe(6);

    await publish(slug, (s) => s.replace(LAST, `${LAST}      - ${X}\n`));
    const frontline: Person[] = [];
    const managers: Person[] = [];
    for (let i = 0; i < 6; i += 1) frontline.push(await person("frontline"));
    for (let i = 0; i < 6; i += 1) managers.push(await person("manager"));
    for (const who of [...frontline, ...managers]) await answer(who, slug, [0, 1], [1, 0]);
    const release2 = await readResults(reader, slug);
    expect(release2.released?.people, "releases 2 to 5 take the twelve on version 2, three at a time").toBe(18);

    const tess = await person("frontline");
    const [ned, nia] = [await person("manager"), await person("manager")];
    await answer(tess, slug, [4, 2], [1, 0]);
    for (const who of [ned, nia]) await answer(who, slug, [0, 1], [1, 0]);
    expect((await readResults(reader, slug)).released?.at, "Tess, Ned and Nia wait").toBe(release2.released?.at);

    await publish(slug, (s) => s.replace(`      - ${X}\n`, ""));
    const [ann, ben, cal] = frontline as [Person, Person, Person];
    const [dee, eve, fay] = managers as [Person, Person, Person];
    for (const who of [ann, dee, ben, eve, cal, fay]) await answer(who, slug, [0, 0], [1, 0]);
    const release3 = await readResults(reader, slug);

    const xIn = (r: Results, group: string) => groupOf(r, "employee", group)?.options.find((o) => o.label === X)?.count ?? 0;
    const grew = xIn(release3, "frontline") - xIn(release2, "frontline");
    // Who entered frontline's answers on version 2 between the releases: Tess alone, if she was taken.
    const entered = (await isReleased(slug, tess, "employee")) ? 1 : 0;
    const diagnosis = `released ${release3.released?.at !== release2.released?.at} (${release3.released?.people} people); X in frontline ${xIn(release2, "frontline")} then ${xIn(release3, "frontline")}, in managers ${xIn(release3, "manager")}`;
    // Today: released (Ann, Ben, Cal, then Dee, Eve, Fay), X in frontline 0 then 0; Tess waits.
    expect(grew <= 0 || entered === 0 || entered >= K, diagnosis).toBe(true);
  });
});

describe("plans made between two transactions (ADR 024), raced by answers", () => {
  // Tried: whether a plan made on a read a moment old can be made to release fewer than k
  // changes, by an attacker who answers, re-answers and reads all at once (several accounts,
  // requests in flight together, so the answers land between a plan's read and its write, and
  // readers fold into the paced trailing plan). What could go wrong: a plan counts its changes
  // on the read, but `writePlan` works the figures out again from the database at write time; if
  // an answer written in between were taken (or a newer release overwritten), a release could
  // hold a batch of 1 to k−1 people, or two releases could differ by one answer.
  // Refused today: positions rows never change, the plan takes each person's rows as read (an
  // answer written meanwhile is after its cursor and waits for the next plan), and the write
  // checks the release row is the one planned against (`fingerprintOf`), else plans again. Every
  // release, however the requests interleave, takes 0 or at least k people's records per
  // perspective, and the last read shows exactly the people released.
  it("takes 0 or at least k people per release, however answers and reads interleave", async () => {
    const slug = "the-fee-waiver";
    const readers = [await app.person("facilitator", "other"), await app.person("facilitator", "hr")];
    const read = () => Promise.all(readers.map((r) => readResults(r, slug)));
    const everyone: Person[] = [];
    const newcomers = async (count: number) => {
      const people: Person[] = [];
      for (let i = 0; i < count; i += 1) people.push(await app.person("participant", "frontline"));
      everyone.push(...people);
      return people;
    };
    for (const who of await newcomers(3)) await answer(who, slug, [0, -1], [0, -1]);
    await read();
    // Rounds of requests in flight together: newcomers, re-answers and readers.
    for (const round of [2, 1, 2, 4]) {
      const fresh = await newcomers(round);
      const again = everyone.slice(0, round);
      await Promise.all([
        read(),
        ...fresh.map((who, i) => answer(who, slug, [i % 3, (i % 5) - 2], [1, 0])),
        read(),
        ...again.map((who, i) => answerOne(who, slug, "employee", (i + 1) % 3, 1 - i)),
        read(),
      ]);
    }
    const last = (await read())[0]!;
    const found = (await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
    const taken = await app
      .db()
      .selectFrom("release_records")
      .select(["from_release", "perspective", (eb) => eb.fn.count<number>("user_id").distinct().as("people")])
      .where("case_id", "=", found)
      .groupBy(["from_release", "perspective"])
      .execute();
    expect(new Set(taken.map((t) => t.from_release)).size, "several releases were made while requests raced").toBeGreaterThanOrEqual(3);
    const small = taken.filter((t) => Number(t.people) > 0 && Number(t.people) < K);
    expect(small, JSON.stringify(taken)).toEqual([]);
    const released = await app.db().selectFrom("released_positions").select("user_id").distinct().where("case_id", "=", found).execute();
    expect(last.released?.people).toBe(released.length);
  });
});

describe("an author's /me and the library, read around one answer", () => {
  // Tried: what one person's answer does to the figures outside the results page. Ada (an
  // argument's author) reads /me, where "your arguments changed N minds" and its "new since you
  // last looked" are hers alone to see, and anyone reads the library's "N took part", just
  // before and just after Vic alone answers again naming her argument (and just after Nia alone
  // answers for the first time). If either moved with one answer, Ada would learn that Vic named
  // her argument (and the library that Nia's answer counted). Refused today: /me reads each
  // case's stored release (`changedMindsByAuthor`), the library its released people
  // (`readLibrary`'s `releasedPeople`), and a release takes 0 or at least k people: both stay put
  // until k people have changed, and then move with the case page.
  it("moves /me's persuasion and the library's count only with a release of k people", async () => {
    const slug = "the-quiet-fix";
    const meRoute = await import("../../app/routes/me");
    const indexRoute = await import("../../app/routes/_index");
    const reader = await app.person("facilitator", "other");
    const ada = await app.person("participant", "frontline");
    const mine = async () => {
      const data = await meRoute.loader({ request: app.get("/me", ada.cookie), params: {}, context: {} });
      return { total: data.persuasion.total, unread: data.persuasion.unread };
    };
    const tookPart = async () => {
      const data = await indexRoute.loader({ request: app.get("/", reader.cookie), params: {}, context: {} });
      return data.cases.find((c) => c.slug === slug)?.participants ?? null;
    };
    const people: Person[] = [];
    for (let i = 0; i < 6; i += 1) {
      const who = await app.person("participant", "frontline");
      await answer(who, slug, [0, -1], [0, -1]);
      people.push(who);
    }
    await readResults(reader, slug);
    await tick();
    const argument = await argueOn(slug, ada, "Fixing it quietly still leaves the customers who were hurt.");
    await tick();
    const before = { me: await mine(), library: await tookPart() };
    expect(before.library).toBe(6);

    await againAsEmployee(slug, people[0]!, 1, 2, argument);
    const nia = await app.person("participant", "frontline");
    await answer(nia, slug, [1, 1], [0, -1]);
    await readResults(reader, slug);
    expect({ me: await mine(), library: await tookPart() }, "one re-answer and one newcomer move nothing").toEqual(before);

    for (const who of people.slice(1, 3)) await againAsEmployee(slug, who, 1, 1, argument);
    await readResults(reader, slug);
    const after = { me: await mine(), library: await tookPart() };
    expect(after.me.total, "three re-answers naming it, released together").toBe(3);
  });
});
