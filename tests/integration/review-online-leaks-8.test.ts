/**
 * Eighth privacy review of online results (ADR 009), after "Bars only grow by who entered" and
 * "Persuasion counts are over who could name the argument" (seventh review). Each test plays an
 * attack with ordinary accounts (no sybils) and asserts the property that should hold; each is
 * `it.fails` while its attack works (the comment says what is learned and how). Fixing a leak
 * turns its test red: then change `it.fails` to `it`. Attacks tried and refused today are plain
 * tests documenting them.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, readResults, actOn, argueOn } = await releaseAttacks(app);
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
  it.fails("never shows two arguments' counts whose sum exceeds who could name both", async () => {
    const reader = await app.person("facilitator", "other");
    const ada = await app.person("participant", "frontline");
    const [vic, pat, pia, pam] = [await app.person("participant", "frontline"), await app.person("participant", "frontline"), await app.person("participant", "frontline"), await app.person("participant", "frontline")];
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
    expect(second.released?.at, "the four re-answers are released").not.toBe(first.released?.at);

    // Who could name A2: re-answers to its perspective given after it, by others than its author.
    const couldNameBoth = 3; // Pat, Pia, Pam (public: who answered when)
    const shown = changedMinds(second, a1) + changedMinds(second, a2);
    // On the current code: A1 changed 2 minds, A2 changed 2: 4 > 3, so Vic named A1.
    expect(shown, `A1 ${changedMinds(second, a1)}, A2 ${changedMinds(second, a2)}`).toBeLessThanOrEqual(couldNameBoth);
  });
});
