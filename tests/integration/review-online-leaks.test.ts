/**
 * Privacy review of issue 13 (ADR 009), online results: leaks that remain after releases in
 * steps of k people. Each test plays the attack with ordinary accounts (no sybils) and states the
 * property that should hold; they fail on the code as reviewed.
 *
 * Each was marked `it.fails` while its attack worked, and turned into a plain `it` with its fix
 * (the standing group's: releases per cell, per person, ADR 009).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, crowd, readResults } = await releaseAttacks(app);

type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

describe("a standing group that changes by one person between two releases", () => {
  const slug = "the-quiet-fix";

  it("never lets a shown group's figures change by fewer than k people from one release to the next", async () => {
    // Release 1: three front-line staff and three managers, each group shown on its own.
    await crowd(slug, "frontline", K, [0, -2]);
    await crowd(slug, "manager", K, [0, -2]);
    const reader = await app.person("facilitator", "other");
    const before = await readResults(reader, slug);
    expect(before.released?.people).toBe(2 * K);

    // The only manager who answers this week (known to the reader) and K-1 front-line staff:
    // k people changed (a release was made here before the fix). No account here is the attacker's.
    const bob = await app.person("participant", "manager");
    await answer(bob, slug, [1, 3]);
    await crowd(slug, "frontline", K - 1, [0, -2]);
    // One more front-line answer: the front-line group now changes by K, and a release is made.
    await crowd(slug, "frontline", 1, [0, -2]);
    const after = await readResults(reader, slug);
    expect(after.released?.at).not.toBe(before.released?.at);

    const employeeBefore = before.perspectives.find((p) => p.key === "employee")!;
    const employeeAfter = after.perspectives.find((p) => p.key === "employee")!;
    const smallSteps: string[] = [];
    for (const group of employeeAfter.byStanding.groups) {
      const earlier = employeeBefore.byStanding.groups.find((g) => g.key === group.key);
      if (!earlier) continue;
      const delta = group.count - earlier.count;
      if (delta === 0 || delta >= K) continue;
      // What the reader recovers from a row that moved by one: that person's option and exact judgement.
      const option = group.options.find((o, i) => o.count !== earlier.options[i]!.count)?.label;
      const judgement = Math.round(group.meanJudgement * group.count - earlier.meanJudgement * earlier.count);
      smallSteps.push(`${group.key} +${delta}${delta === 1 ? `: ${option}, judgement ${judgement}` : ""}`);
    }
    // Before the fix: ["frontline +2", "manager +1: File a formal incident report and copy legal, judgement 3"]: Bob's answer.
    expect(smallSteps).toEqual([]);
    expect(after.released?.people).toBe(3 * K);
  });
});

describe("a change of mind by the only returning person in a release", () => {
  const slug = "the-lockout";

  it("does not show the direction of one known person's change of mind", async () => {
    const first = await crowd(slug, "frontline", K, [0, -2]);
    const reader = await app.person("facilitator", "other");
    const before = await readResults(reader, slug);
    expect(before.released?.people).toBe(K);

    // Carol (known to be back: she posts a reply under her name) changes her mind; K-1 newcomers answer.
    const carol = first[0]!;
    await answer(carol, slug, [1, 3]);
    await crowd(slug, "frontline", K - 1, [0, -2]);
    const after = await readResults(reader, slug);

    // Before the fix a release was made here: people went up by K-1, so exactly one of the K
    // changes was a returning person's, and the shift summary's movement was her change of mind.
    const shiftBefore = before.perspectives.find((p) => p.key === "employee")!.shift;
    const shiftAfter = after.perspectives.find((p) => p.key === "employee")!.shift;
    // Each step of the judgements at first answers moves by none or at least K people.
    const moves = shiftAfter.firstJudgements.map((step, i) => Math.abs(step.count - shiftBefore.firstJudgements[i]!.count));
    expect(
      moves.every((moved) => moved === 0 || moved >= K),
      `first answers moved by ${moves.join(", ")}`,
    ).toBe(true);
  });
});

describe("one perspective re-answered by one person while others re-answer the other", () => {
  const slug = "the-lockout";

  it("does not move one perspective's results by a single re-answer", async () => {
    const people = await crowd(slug, "manager", 2 * K, [0, -2]);
    const reader = await app.person("facilitator", "other");
    const before = await readResults(reader, slug);
    // One known person re-answers only as the employee; K - 1 others only as the employer.
    const [known, ...others] = people;
    const reanswer = async (person: Person, perspective: "employee" | "employer", option: number, judgement: number) => {
      const caseRoute = await import("../../app/routes/cases.$slug");
      await caseRoute.action({
        request: app.post(
          `/cases/${slug}`,
          { intent: "position", perspective, ...(await app.ballot(slug, perspective, option)), judgement: String(judgement), legal: "unsure", confidence: "medium" },
          person.cookie,
        ),
        params: { slug },
        context: {},
      });
    };
    await reanswer(known!, "employee", 1, 3);
    for (const person of others.slice(0, K - 1)) await reanswer(person, "employer", 1, 2);
    const after = await readResults(reader, slug);
    const employee = (r: typeof before) => r.perspectives.find((p) => p.key === "employee");
    expect(employee(after)).toEqual(employee(before));
  });
});

describe("answers on options a later version reworded", () => {
  const slug = "off-script";

  it("never lets a bar of an option no longer offered move by the one person who answered before the change", async () => {
    // Release 1: K people answer version 1 (all front-line: no breakdown is shown).
    await crowd(slug, "frontline", K, [1, -2]);
    const reader = await app.person("facilitator", "other");
    // Dana answers version 1 too, just before the author rewords the first employee option;
    // everyone knows she answered then (she said so in a reply).
    const dana = await app.person("participant", "frontline");
    await answer(dana, slug, [0, 2]);
    const { findCaseBySlug, findCaseVersionSource, saveCaseVersion } = await import("../../app/models/cases.server");
    const { parseCaseFile } = await import("../../app/domain/case-file");
    const found = (await findCaseBySlug(app.db(), slug))!;
    const source = (await findCaseVersionSource(app.db(), found.id, found.version))!.replace("- Follow the script step by step", "- Follow every step of the script");
    const parsed = parseCaseFile(source);
    if (!parsed.ok) throw new Error("the reworded case must parse");
    await saveCaseVersion(app.db(), { doc: parsed.doc, source, origin: "app", filePath: null, userId: null });
    const before = await readResults(reader, slug);
    const oldBar = (r: typeof before) => r.perspectives.find((p) => p.key === "employee")!.options.find((o) => o.label === "Follow the script step by step")?.count ?? 0;

    // K newcomers answer the new version: a release is made, but Dana's version-1 answer would
    // show in (or stay out of) the old option's bar on its own, so she waits.
    await crowd(slug, "frontline", K, [1, -2]);
    const after = await readResults(reader, slug);
    expect(after.released?.people).toBe(2 * K);
    expect(oldBar(after)).toBe(oldBar(before));
  });
});
