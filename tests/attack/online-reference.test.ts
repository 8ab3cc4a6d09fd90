/**
 * Plain tests of the online reference model itself (onlineReference in online.ts, ADR 009's
 * "Release per cell, per person, with a sticky grouping"): small scripted cases whose releases
 * can be worked out by hand, so the reference the attacker suite trusts is checked on its own.
 */
import { describe, expect, it } from "vitest";
import type { Standing } from "../../db/schema";
import { onlineReference, type OnlineAction, type OnlineScenario } from "./online";

interface Release {
  overall: string[];
  groups: [string, string[]][];
  score: string;
}

/**
 * One step of a script: a hidden person answers a perspective with a value, endorses R's argument
 * (or withdraws), or R reads the results.
 */
type Step = { person: number; perspective: 0 | 1; value: number } | { endorse: number } | "read";

/** A person answers both perspectives (value 0 unless told). */
const both = (person: number, value = 0): Step[] => [
  { person, perspective: 0, value },
  { person, perspective: 1, value },
];
const read: Step = "read";

/** Every read of the results page: the release then, or null before the first. */
function releases(k: number, hidden: (Standing | null)[], steps: Step[]): (Release | null)[] {
  const world = steps.flatMap((step) => (step === "read" || "endorse" in step ? [] : [step.value]));
  const actions = steps.map((step): OnlineAction =>
    step === "read"
      ? { kind: "read", page: "results", account: 0 }
      : "endorse" in step
        ? { kind: "endorse", who: "hidden", index: step.endorse }
        : { kind: "hidden-answer", person: step.person, perspective: step.perspective },
  );
  return onlineReference({ k, hidden, attackers: [], actions, truth: world }, world)
    .split("\n")
    .map((line) => (line === "nothing released" ? null : (JSON.parse(line) as Release)));
}
const groupKeys = (release: Release | null) => release?.groups.map(([key]) => key);
const groupSize = (release: Release | null, key: string) => release?.groups.find(([g]) => g === key)?.[1].length;

const F = "frontline" as const;
const M = "manager" as const;
const HR = "hr" as const;

describe("the online reference model (ADR 009, release per cell, per person)", () => {
  it("releases nothing before k people answered every perspective", () => {
    const [first, second] = releases(3, [F, F, F], [...both(0), ...both(1), { person: 2, perspective: 0, value: 0 }, read, { person: 2, perspective: 1, value: 0 }, read]);
    expect(first).toBeNull();
    expect(second?.overall).toHaveLength(3);
    // One standing only: a breakdown would repeat the total.
    expect(second?.groups).toEqual([]);
  });

  it("shows both groups once three frontline and three managers answered", () => {
    const [frontline, all] = releases(3, [F, F, F, M, M, M], [...both(0), ...both(1), ...both(2), read, ...both(3), ...both(4), ...both(5), read]);
    expect(frontline?.overall).toHaveLength(3);
    expect(frontline?.groups).toEqual([]);
    expect(all?.overall).toHaveLength(6);
    expect(groupKeys(all)).toEqual([F, M]);
  });

  it("holds one manager and two frontline newcomers: each group's cell would move by fewer than k", () => {
    const base = [...both(0), ...both(1), ...both(2), ...both(3), ...both(4), ...both(5), read];
    const [before, after] = releases(3, [F, F, F, M, M, M, M, F, F], [...base, ...both(6, 3), ...both(7, 3), ...both(8, 3), read]);
    expect(after).toEqual(before);
  });

  it("releases a busy group while a quiet group's one person waits, and takes them later", () => {
    const base = [...both(0), ...both(1), ...both(2), ...both(3), ...both(4), ...both(5)];
    // M6 answers first, then three frontline newcomers; later two more managers.
    const [busy, quiet] = releases(3, [F, F, F, M, M, M, M, F, F, F, M, M], [...base, ...both(6, 3), ...both(7, 1), ...both(8, 1), ...both(9, 1), read, ...both(10, 3), ...both(11, 3), read]);
    expect(busy?.overall).toHaveLength(9);
    expect(groupSize(busy, F)).toBe(6);
    expect(groupSize(busy, M)).toBe(3);
    // M6's answer (3) is nowhere in the release yet.
    expect(busy?.overall.filter((r) => r === "33/33")).toHaveLength(0);
    expect(quiet?.overall).toHaveLength(12);
    expect(busy?.groups.find(([g]) => g === F)).toEqual(quiet?.groups.find(([g]) => g === F));
    expect(groupSize(quiet, M)).toBe(6);
    expect(quiet?.overall.filter((r) => r === "33/33")).toHaveLength(3);
  });

  it("holds a lone re-answerer among newcomers (the shift), until k people re-answered", () => {
    const reanswer = (person: number): Step => ({ person, perspective: 0, value: 3 });
    const [first, newcomers, shifted] = releases(
      3,
      [F, F, F, F, F, F],
      [...both(0), ...both(1), ...both(2), read, reanswer(0), ...both(3), ...both(4), ...both(5), read, reanswer(1), reanswer(2), read],
    );
    expect(first?.overall).toEqual(["00/00", "00/00", "00/00"]);
    // The newcomers are released; H1's re-answer waits, their record stays as released.
    expect(newcomers?.overall).toEqual(Array(6).fill("00/00"));
    expect(shifted?.overall).toEqual([...Array(3).fill("00/00"), ...Array(3).fill("03/00")]);
  });

  it("holds re-answers that move one perspective by fewer than k people", () => {
    const [before, after] = releases(
      3,
      [F, F, F],
      [...both(0), ...both(1), ...both(2), read, { person: 0, perspective: 0, value: 3 }, { person: 1, perspective: 1, value: 3 }, { person: 2, perspective: 1, value: 3 }, read],
    );
    expect(after).toEqual(before);
  });

  it("holds a group's changes to a perspective made by fewer than k of its people", () => {
    // Overall, each perspective moves by 4 or 5 people and frontline's gap by 3, but frontline's
    // employee row would move by H1 alone and its employer row by H2 and H3: they all wait.
    const [before, after] = releases(
      3,
      [F, F, F, M, M, M],
      [
        ...both(0),
        ...both(1),
        ...both(2),
        ...both(3),
        ...both(4),
        ...both(5),
        read,
        { person: 0, perspective: 0, value: 3 },
        { person: 1, perspective: 1, value: 3 },
        { person: 2, perspective: 1, value: 3 },
        ...both(3, 3),
        ...both(4, 3),
        ...both(5, 3),
        read,
      ],
    );
    expect(after?.groups.find(([g]) => g === F)).toEqual(before?.groups.find(([g]) => g === F));
    expect(after?.groups.find(([g]) => g === M)?.[1]).toEqual(["03/03", "03/03", "03/03"]);
  });

  it("does not split a merged group while one of its standings is unchanged since (history rule)", () => {
    // H3 (HR) and two managers are released in "other" beside three frontline. Then three more
    // managers and three more HR people arrive one by one: whichever standing reaches k first is
    // released with "other" kept whole (a row of it beside an unchanged remainder would give
    // that remainder's old answers), so HR and the managers are never shown apart here.
    const reads = releases(
      3,
      [F, F, F, HR, M, M, M, HR, HR, HR, M, M],
      [...both(0), ...both(1), ...both(2), ...both(3), ...both(4), ...both(5), read, ...both(6), read, ...both(7), read, ...both(8), read, ...both(9), read, ...both(10), read, ...both(11), read],
    );
    expect(groupKeys(reads[0]!)).toEqual([F, "_other"]);
    for (const release of reads) expect(groupKeys(release)?.includes(HR) && groupKeys(release)?.includes(M)).toBeFalsy();
    expect(reads.at(-1)!.overall.length).toBeGreaterThan(reads[0]!.overall.length);
  });

  it("keeps a merged group whole when a row leaving it would be unchanged since (history rule)", () => {
    // "other" holds H3 (HR) and three managers; three frontline newcomers arrive, and nobody in
    // "other" answered since: a manager row would equal the managers' old share of "other", and
    // "other" then minus it would be H3's answer. So the managers stay merged.
    const [merged, after] = releases(
      3,
      [F, F, F, HR, M, M, M, F, F, F],
      [...both(0), ...both(1), ...both(2), ...both(3), ...both(4), ...both(5), ...both(6), read, ...both(7), ...both(8), ...both(9), read],
    );
    expect(groupKeys(merged)).toEqual([F, "_other"]);
    expect(groupKeys(after)).not.toContain(M);
  });

  it("never splits a total shown before any breakdown so that one released person is left apart", () => {
    // Five frontline and one HR person released with no breakdown (HR alone would be a group of
    // one). Three managers then make a breakdown possible, but frontline against "other" (HR and
    // managers) would not do: the total before minus frontline after would be the HR person's
    // answer. Frontline and HR stay merged together, beside the managers' own row.
    const [suppressed, broken] = releases(
      3,
      [F, F, F, HR, F, F, M, M, M],
      [...both(0), ...both(1), ...both(2), ...both(3), ...both(4), ...both(5), read, ...both(6, 3), ...both(7, 3), ...both(8, 3), read],
    );
    expect(suppressed?.overall).toHaveLength(6);
    expect(suppressed?.groups).toEqual([]);
    expect(groupKeys(broken)).toEqual([M, "_other"]);
    expect(groupSize(broken, "_other")).toBe(6);
  });

  it("shows no breakdown whose standing row, minus the batches released since, is one person (Mara)", () => {
    // Release 1: Mara (H1, a manager) and two frontline; release 2: three frontline; release 3:
    // three managers, all without breakdown. A manager row would be Mara and the three managers,
    // and total(3) − total(2) is the three managers: the row minus it is Mara. So release 3, and
    // release 4 (three more frontline), show no breakdown, whichever grouping is tried.
    const batches = [
      [...both(0), ...both(1), ...both(2)],
      [...both(3), ...both(4), ...both(5)],
      [...both(6), ...both(7), ...both(8)],
      [...both(9), ...both(10), ...both(11)],
    ];
    const mara = releases(
      3,
      [M, F, F, F, F, F, M, M, M, F, F, F],
      batches.flatMap((batch) => [...batch, read]),
    );
    expect(mara.map((r) => r?.overall.length)).toEqual([3, 6, 9, 12]);
    expect(mara.map(groupKeys)).toEqual([[], [], [], []]);
    // The same batches with a frontline person in Mara's place: the manager row is the three
    // managers' batch, released whole, so release 3 shows the breakdown.
    const control = releases(
      3,
      [F, F, F, F, F, F, M, M, M, F, F, F],
      batches.flatMap((batch) => [...batch, read]),
    );
    expect(control.map(groupKeys)).toEqual([[], [], [F, M], [F, M]]);
  });

  it("holds back a change of mind released beside two people who corrected their answers before their first release", () => {
    // Release 1: Fred (H1) and two others. Two more people each answer and correct both answers,
    // then Fred answers again. Released together, total(2) − total(1) − shift(2) would be the two
    // correctors' first answers (Fred's change cancels out): everyone waits.
    const correct = (person: number): Step[] => [...both(person, 1), ...both(person, 2)];
    const [first, withFred, withNewcomer] = releases(
      3,
      [F, F, F, F, F, F],
      [
        ...both(0),
        ...both(1),
        ...both(2),
        read,
        ...correct(3),
        ...correct(4),
        ...both(0, 3),
        read,
        // A newcomer's first answer would join the correctors' in that difference (three people),
        // but against release 1 Fred alone would leave its bars (bars only grow by who entered):
        // he waits, so the correctors' shift is theirs alone (two) and they wait, and so does the
        // newcomer, alone.
        ...both(5, 1),
        read,
      ],
    );
    expect(first?.overall).toHaveLength(3);
    expect(withFred).toEqual(first);
    expect(withNewcomer).toEqual(first);
  });

  it("scores every endorser, answered or not, with no lean (ADR 018): 0, the same in every world", () => {
    // R's argument is the only one: nobody endorsed another argument, so nobody has a public lean.
    const endorse = (...people: number[]): Step[] => people.map((p) => ({ endorse: p }));
    const script = (value: number): Step[] => [...both(0, value), ...both(1, value), ...both(2, value), ...endorse(0, 1, 3), read, ...both(4, value), ...both(5, value), ...both(6, value), read];
    const people = [F, F, F, M, HR, HR, HR];
    const [before, scored] = releases(3, people, script(0));
    // Endorsing releases nothing: the first release, made before the endorsements, has no score.
    expect(before?.score).toBe("no score");
    // H4 never answered and counts; the score waits for the next release of the results (H5 to H7's).
    expect(JSON.parse(scored!.score)).toEqual({ value: 0, standings: ["frontline", "frontline", "manager"] });
    // Answers are no part of a score: every world shows the same one.
    for (const value of [1, 2, 3]) expect(releases(3, people, script(value))[1]?.score).toBe(scored?.score);
  });

  it("keeps the score when a withdrawal would leave one endorser's standing counted by one score only", () => {
    // R's argument is scored over H1 to H3. Then three newcomers endorse and H1 withdraws: four
    // changes, due; but H1's standing would be counted by the old score alone, a group of one
    // in the signature rule, so the old score stays.
    const endorse = (...people: number[]): Step[] => people.map((p) => ({ endorse: p }));
    const start = [...endorse(0, 1, 2), ...both(0), ...both(1), ...both(2), read];
    const newcomers = [...endorse(3, 4, 5), ...both(3), ...both(4), ...both(5)];
    const [scored, kept] = releases(3, Array<Standing>(6).fill(F), [...start, ...endorse(0), ...newcomers, read]);
    expect(JSON.parse(scored!.score)).toEqual({ value: 0, standings: Array(3).fill("frontline") });
    expect(kept?.overall).toHaveLength(6);
    expect(kept?.score).toBe(scored?.score);
    // Without the withdrawal, the old endorsers and the newcomers are two groups of three: shown.
    const [, rescored] = releases(3, Array<Standing>(6).fill(F), [...start, ...newcomers, read]);
    expect(JSON.parse(rescored!.score)).toEqual({ value: 0, standings: Array(6).fill("frontline") });
  });

  it("keeps the score while fewer than k endorsers changed", () => {
    const endorse = (...people: number[]): Step[] => people.map((p) => ({ endorse: p }));
    // Two newcomers endorse; they and a third newcomer answer, a release of three.
    const [scored, kept] = releases(3, Array<Standing>(6).fill(F), [...endorse(0, 1, 2), ...both(0), ...both(1), ...both(2), read, ...endorse(3, 4), ...both(3), ...both(4), ...both(5), read]);
    expect(JSON.parse(scored!.score)).toEqual({ value: 0, standings: Array(3).fill("frontline") });
    expect(kept?.overall).toHaveLength(6);
    expect(kept?.score).toBe(scored?.score);
  });

  it("plans each release once per scenario: enumerating worlds on one scenario gives each world's own transcript", () => {
    // onlineReference keeps, per scenario object, the release planned after each write (a plan
    // reads who wrote what, never a value). Worlds where a bystander's known answers and the
    // hidden ones differ must still come out as each would alone.
    const actions: OnlineAction[] = [
      { kind: "hidden-answer", person: 0, perspective: 0 },
      { kind: "hidden-answer", person: 0, perspective: 1 },
      { kind: "bystander-answer", person: 0, perspective: 0, value: 1 },
      { kind: "bystander-answer", person: 0, perspective: 1, value: 2 },
      { kind: "read", page: "results", account: 0 },
      { kind: "hidden-answer", person: 0, perspective: 1 },
      { kind: "bystander-answer", person: 0, perspective: 1, value: 3 },
      { kind: "read", page: "results", account: 0 },
    ];
    const scenario = (): OnlineScenario => ({ k: 2, hidden: [F], bystanders: [F], attackers: [], actions, truth: [0, 0, 0] });
    const shared = scenario();
    const worlds = Array.from({ length: 64 }, (_, i) => [i % 4, Math.floor(i / 4) % 4, Math.floor(i / 16)]);
    const transcripts = new Set<string>();
    for (const world of worlds) {
      const alone = onlineReference(scenario(), world);
      expect(onlineReference(shared, world)).toBe(alone);
      transcripts.add(alone);
    }
    // The first release shows H1's first answers beside B1's; the two re-answers are released together.
    expect(transcripts.size).toBe(64);
  });
});
