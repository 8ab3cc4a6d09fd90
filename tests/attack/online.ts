/**
 * The online part of the attacker suite: scenarios on one case, the reference model of ADR 009's
 * released results, and the replay of a scenario through the real routes.
 */
import fc from "fast-check";
import type { Standing } from "../../db/schema";
import { mergeSmallGroups } from "../../app/domain/disclosure";
import type { AttackApp, Account } from "./harness";
import { canonical, settle } from "./harness";
import { replayRecorder, type Replay } from "./differential";
import { boundsExposure, exposure, type Row } from "./exposure";

export const SLUG = "background-check";
export const PERSPECTIVES = ["employee", "employer"] as const;
/** At most this many hidden answers per scenario: 4^6 = 4,096 worlds to enumerate. */
export const MAX_SLOTS = 6;
/** Endorsements move bridging scores (a release of the endorsers' standings, ADR 018): on unless ATTACK_ENDORSEMENTS=0. */
export const WITH_ENDORSEMENTS = process.env.ATTACK_ENDORSEMENTS !== "0";
/** Bursts of answers planned together (onlineScenarios' "Bursts"): on unless ATTACK_BURSTS=0, which plans after every answer as the suite did before. */
export const WITH_BURSTS = process.env.ATTACK_BURSTS !== "0";

/** One answer's secret value: option 0 or 1, judgement −2 or +2 (four values). */
export function answerOf(value: number): { option: number; judgement: number } {
  return { option: value % 2, judgement: value >= 2 ? 2 : -2 };
}
export function describeAnswer(value: number): string {
  const { option, judgement } = answerOf(value);
  return `option ${option}, judgement ${judgement > 0 ? "+" : ""}${judgement}`;
}

/**
 * `burst`: answers next to each other with the same burst number are one burst, planned together
 * (one plan after the last of them, in the app and in the reference); an answer without one is
 * planned on its own, as it arrives.
 */
export type OnlineAction =
  | { kind: "hidden-answer"; person: number; perspective: 0 | 1; burst?: number }
  /** A bystander's answer: its value is part of the scenario, the same in every world (no slot). */
  | { kind: "bystander-answer"; person: number; perspective: 0 | 1; value: number; burst?: number }
  | { kind: "attacker-answer"; account: number; perspective: 0 | 1; value: number; burst?: number }
  | { kind: "attacker-standing"; account: number; standing: Standing | null }
  | { kind: "read"; page: "results" | "library" | "case" | "me"; account: number }
  | { kind: "endorse"; who: "hidden" | "attacker" | "bystander"; index: number };

export interface OnlineScenario {
  k: number;
  /** Hidden people's standings (known to the attacker; only their answers are secret). */
  hidden: (Standing | null)[];
  /**
   * Bystanders' standings (none when absent): other people on the case whose answers are not
   * secret. Each of their answers carries its value in the scenario, the same in every world, as
   * the attacker's accounts' do; they are no slots. They let standing groups reach k, and change
   * by a few people, with the few slots an exact enumeration affords (see onlineScenarios).
   */
  bystanders?: (Standing | null)[];
  /** The attacker's own accounts' first standings (at most k − 2 accounts: ADR 009 accepts k − 1). */
  attackers: (Standing | null)[];
  actions: OnlineAction[];
  /** The true world: one value per hidden answer, in order. */
  truth: number[];
}

const STANDINGS: (Standing | null)[] = ["frontline", "manager", "hr", "other", null];
const standing = fc.constantFrom<Standing | null>(...STANDINGS);

/**
 * The people of a scenario besides the attacker's accounts, by standing, in the order they first
 * answer. Mostly (3 in 4) standing groups made to reach k: a standing A of k people (k or k + 1
 * when k = 2), a standing B as large or, less often, of none or k − 1, and sometimes one person
 * of a third standing C; in blocks (A's, then C, then B's: a release with no breakdown or
 * with C merged, which B's arrival would split) or shuffled. Otherwise 1 to 5 people of any
 * standings, none declared included.
 */
function population(k: number): fc.Arbitrary<(Standing | null)[]> {
  // One more person per group only for k = 2: every answer is a request replayed in every world.
  const spare = k === 2 ? 1 : 0;
  const grouped = fc
    .record({
      palette: fc.shuffledSubarray(STANDINGS, { minLength: 3, maxLength: 3 }),
      a: fc.integer({ min: k, max: k + spare }),
      b: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, k - 1) }, { weight: 3, arbitrary: fc.integer({ min: k, max: k + spare }) }),
      lone: fc.nat({ max: 1 }),
    })
    .map(({ palette: [a, b, c], ...n }): (Standing | null)[] => [...Array<Standing | null>(n.a).fill(a!), ...Array<Standing | null>(n.lone).fill(c!), ...Array<Standing | null>(n.b).fill(b!)])
    .chain((list) => fc.oneof(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })));
  return fc.oneof({ weight: 3, arbitrary: grouped }, { weight: 1, arbitrary: fc.array(standing, { minLength: 1, maxLength: 5 }) });
}

/**
 * Random small populations and action sequences; hidden answers capped at MAX_SLOTS.
 *
 * **Who.** A population (`population`) of which 1 to 3 people, at random places, are hidden and
 * the others bystanders (answers part of the scenario, the same in every world), so a hidden
 * person is often in a group with its peers. With at most 3 hidden people (2 slots each) and
 * k − 2 attacker accounts alone, groups of k by standing, releases that show two of them, and a
 * group then changed by fewer than k people, would be rare: the per-group rules of ADR 009
 * went untested. k is 2 in three scenarios of four (groups of k then need fewer people, and
 * every answer is a request replayed in every world).
 *
 * **What.** Everyone answers both perspectives in turn (their introduction). In two scenarios of
 * three the attacker then reads the results and a wave follows: each person in turn keeps their
 * answers, or re-answers one perspective (twice as likely) or both, so that a group's two
 * perspectives, or two groups, move by different people while the whole moves by k or more.
 * Besides, 1 to 4 random steps, mostly after the introductions: a hidden person or a bystander
 * re-answers one perspective or both, the attacker's accounts answer, re-answer and change
 * standing, people endorse (or stop endorsing) R's argument, and the attacker reads. The last
 * step reads the results. So releases meet a group changed by 1 to k − 1 people (its cells per
 * perspective and its gap), a lone re-answerer among newcomers (the shift), and a standing merged
 * before that newcomers would split off (the sticky grouping).
 *
 * **Scores.** A score needs k endorsers and a release of the results, and moves only when k of
 * them changed: a few random endorsements rarely got there (one scenario in 500 showed a score, none
 * two). So, with endorsements, in half the scenarios each person endorses R's argument or not as
 * they arrive, and in the wave one person in four endorses or withdraws before re-answering:
 * scores are shown, replaced, withheld and kept (the rule over every score ever shown).
 *
 * **Bursts.** In a busy case answers arrive while a plan is in flight, and the paced planning of
 * ADR 024 folds them into one trailing plan: several answers planned together. Three of the
 * tenth review's four leaks needed one. So in three scenarios of five, runs of answers (anyone's:
 * hidden people, bystanders, the attacker's accounts) are cut into bursts at random (`inBursts`):
 * each answer joins the one before it with a chance of 1/2, 4/5 or always (always: every run of
 * answers between two other actions is one burst, e.g. the introductions, then the wave). The
 * replay holds a plan open while a burst's answers are sent, and the reference plans once after
 * its last answer.
 *
 * **Why bystanders are no weakening.** ADR 009's limit of k − 1 sybil accounts (the attacker gets
 * at most k − 2 here) is about what the *policy* reveals: with k − 1 known answers in a group of
 * k, the policy's own release gives away the last one. The property checked is differential: the
 * app's transcript against the policy's (onlineReference), in the same worlds, and the reference
 * sees the bystanders' answers too. Where the known answers let the policy's releases give a
 * hidden answer away, the reference leaves it no other value and nothing is asked of the app;
 * wherever the policy leaves values open, the app must too. A bystander is a hidden person whose
 * value is fixed: the scenario's worlds are some of the worlds of a larger enumeration, and two
 * worlds the policy cannot tell apart but the app can are a violation in both.
 */
export function onlineScenarios(): fc.Arbitrary<OnlineScenario> {
  const perspective = fc.constantFrom<0 | 1>(0, 1);
  const value = fc.nat({ max: 3 });
  return (
    fc
      .record({ k: fc.constantFrom(2, 2, 2, 3), attackerCount: fc.nat({ max: 1 }) })
      .chain(({ k, attackerCount }) => population(k).map((people) => ({ k, people, accounts: Math.min(attackerCount, k - 2) })))
      .chain(({ k, people, accounts }) =>
        fc.uniqueArray(fc.nat({ max: people.length - 1 }), { minLength: 1, maxLength: Math.min(3, people.length) }).map((hiddenAt) => ({ k, people, accounts, hiddenAt: new Set(hiddenAt) })),
      )
      .chain(({ k, people, accounts, hiddenAt }) => {
        // Each person's index among the hidden people or among the bystanders.
        const roles = people.map((_, i) => ({ hidden: hiddenAt.has(i), index: [...Array(i).keys()].filter((j) => hiddenAt.has(j) === hiddenAt.has(i)).length }));
        const hidden = people.filter((_, i) => hiddenAt.has(i));
        const bystanders = people.filter((_, i) => !hiddenAt.has(i));
        const person = fc.nat({ max: hidden.length - 1 });
        const bystander = fc.nat({ max: Math.max(0, bystanders.length - 1) });
        const account = fc.nat({ max: Math.max(0, accounts - 1) });
        const both = (kind: "hidden" | "bystander", index: number, values: [number, number]) =>
          ([0, 1] as const).map((q): OnlineAction =>
            kind === "hidden" ? { kind: "hidden-answer", person: index, perspective: q } : { kind: "bystander-answer", person: index, perspective: q, value: values[q] },
          );
        /** The i-th person of the population answers perspective q (with `value`, when a bystander). */
        const answerBy = (i: number, q: 0 | 1, value: number): OnlineAction =>
          roles[i]!.hidden ? { kind: "hidden-answer", person: roles[i]!.index, perspective: q } : { kind: "bystander-answer", person: roles[i]!.index, perspective: q, value };
        /** The i-th person of the population endorses R's argument (or withdraws their endorsement). */
        const endorseBy = (i: number): OnlineAction => ({ kind: "endorse", who: roles[i]!.hidden ? "hidden" : "bystander", index: roles[i]!.index });
        // A wave: each person of the population in turn keeps their answers or re-answers one
        // perspective or both, so a group's two perspectives (and two groups) move by different
        // people; with endorsements, one in four also endorses or withdraws first.
        const toggles = WITH_ENDORSEMENTS ? fc.constantFrom(false, false, false, true) : fc.constant(false);
        const wave = fc
          .array(fc.tuple(fc.constantFrom<"none" | 0 | 1 | "both">("none", 0, 0, 1, 1, "both"), value, value, toggles), { minLength: people.length, maxLength: people.length })
          .map((changes) =>
            changes.flatMap(([change, e, r, toggle], i) => [
              ...(toggle ? [endorseBy(i)] : []),
              ...(change === "none" ? [] : change === "both" ? ([0, 1] as const) : [change]).map((q) => answerBy(i, q, q ? r : e)),
            ]),
          );
        const steps: fc.WeightedArbitrary<OnlineAction[]>[] = [
          { weight: 2, arbitrary: fc.record({ kind: fc.constant("hidden-answer" as const), person, perspective }).map((a) => [a]) },
          { weight: 1, arbitrary: person.map((p) => both("hidden", p, [0, 0])) },
          { weight: 3, arbitrary: account.map((a): OnlineAction[] => [{ kind: "read", page: "results", account: a }]) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant("read" as const), page: fc.constantFrom<"library" | "case" | "me">("library", "case", "me"), account }).map((a) => [a]) },
        ];
        if (bystanders.length > 0) {
          steps.push(
            { weight: 2, arbitrary: fc.record({ kind: fc.constant("bystander-answer" as const), person: bystander, perspective, value }).map((a) => [a]) },
            { weight: 1, arbitrary: fc.tuple(bystander, value, value).map(([b, e, r]) => both("bystander", b, [e, r])) },
          );
        }
        if (WITH_ENDORSEMENTS) {
          steps.push({ weight: 2, arbitrary: person.map((p): OnlineAction[] => [{ kind: "endorse", who: "hidden", index: p }]) });
          if (bystanders.length > 0) steps.push({ weight: 1, arbitrary: bystander.map((b): OnlineAction[] => [{ kind: "endorse", who: "bystander", index: b }]) });
          if (accounts > 0) steps.push({ weight: 1, arbitrary: account.map((a): OnlineAction[] => [{ kind: "endorse", who: "attacker", index: a }]) });
        }
        if (accounts > 0) {
          steps.push(
            {
              weight: 2,
              arbitrary: fc.tuple(account, value, value).map(([a, e, r]) => [0, 1].map((q): OnlineAction => ({ kind: "attacker-answer", account: a, perspective: q as 0 | 1, value: q ? r : e }))),
            },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant("attacker-answer" as const), account, perspective, value }).map((a) => [a]) },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant("attacker-standing" as const), account, standing }).map((a) => [a]) },
          );
        }
        // A random step's place: after the introduction of that many people, mostly after all of them.
        const at = fc.oneof({ weight: 2, arbitrary: fc.constant(people.length) }, { weight: 1, arbitrary: fc.nat({ max: people.length }) });
        return fc
          .record({
            k: fc.constant(k),
            hidden: fc.constant(hidden),
            bystanders: fc.constant(bystanders),
            attackers: fc.array(standing, { minLength: accounts, maxLength: accounts }),
            introductions: fc.array(fc.tuple(value, value), { minLength: people.length, maxLength: people.length }),
            extra: fc.array(fc.record({ at, step: fc.oneof(...steps) }), { minLength: 1, maxLength: 4 }),
            waved: fc.option(wave, { freq: 3 }),
            // In half the scenarios with endorsements, who endorses R's argument as they arrive.
            supporters: WITH_ENDORSEMENTS ? fc.option(fc.array(fc.boolean(), { minLength: people.length, maxLength: people.length }), { freq: 2 }) : fc.constant(null),
          })
          .map(({ introductions, extra, waved, supporters, ...s }) => {
            const actions: OnlineAction[] = [];
            for (let i = 0; i <= people.length; i += 1) {
              // Read just before the wave and (at the end) after it: the before-and-after attack.
              if (i === people.length && waved) actions.push({ kind: "read", page: "results", account: 0 }, ...waved);
              for (const e of extra) if (e.at === i) actions.push(...e.step);
              if (i < people.length && supporters?.[i]) actions.push(endorseBy(i));
              if (i < people.length) actions.push(...both(roles[i]!.hidden ? "hidden" : "bystander", roles[i]!.index, introductions[i]!));
            }
            return { ...s, actions };
          });
      })
      .map((s) => {
        let slots = 0;
        const actions = s.actions.filter((a) => a.kind !== "hidden-answer" || (slots += 1) <= MAX_SLOTS);
        // Always end with a read of the results: a scenario whose last writes are never read tests nothing more.
        return { ...s, actions: [...actions, { kind: "read" as const, page: "results" as const, account: 0 }] };
      })
      .chain((s) =>
        // Bursts (see above): in three scenarios of five, each answer joins the answer before it
        // (when the action before it is an answer) with a chance of 1/2, 4/5 or always.
        fc
          .record({ burstiness: WITH_BURSTS ? fc.constantFrom(0, 0, 5, 8, 10) : fc.constant(0), draws: fc.array(fc.nat({ max: 9 }), { minLength: s.actions.length, maxLength: s.actions.length }) })
          .map(({ burstiness, draws }) => ({ ...s, actions: inBursts(s.actions, (i) => draws[i]! < burstiness) })),
      )
      .chain((s) => fc.array(fc.nat({ max: 3 }), { minLength: countSlots(s.actions), maxLength: countSlots(s.actions) }).map((truth) => ({ ...s, truth })))
      // Plain objects, so a counterexample prints as plain JSON.
      .map((s) => JSON.parse(JSON.stringify(s)) as OnlineScenario)
  );
}

const isAnswer = (a: OnlineAction | undefined): a is Extract<OnlineAction, { burst?: number }> => a?.kind === "hidden-answer" || a?.kind === "bystander-answer" || a?.kind === "attacker-answer";

/**
 * `actions` with answers grouped into bursts: answer i joins the burst of the action before it
 * when that is an answer too and `joins(i)`. A burst of one answer is no burst (no number).
 */
export function inBursts(actions: OnlineAction[], joins: (i: number) => boolean): OnlineAction[] {
  const numbers: (number | undefined)[] = [];
  let next = 0;
  actions.forEach((a, i) => {
    if (!isAnswer(a)) return;
    numbers[i] = i > 0 && isAnswer(actions[i - 1]) && joins(i) ? numbers[i - 1] : next++;
  });
  const size = (n: number | undefined) => numbers.filter((m) => m === n).length;
  return actions.map((a, i) => {
    if (!isAnswer(a)) return a;
    const { burst: _, ...plain } = a;
    return size(numbers[i]) > 1 ? { ...plain, burst: numbers[i] } : plain;
  });
}

/** Whether action i is an answer of a burst that goes on with action i + 1 (so it is planned with the answers after it). */
export function burstGoesOn(actions: OnlineAction[], i: number): boolean {
  const a = actions[i];
  const b = actions[i + 1];
  return isAnswer(a) && a.burst !== undefined && isAnswer(b) && b.burst === a.burst;
}

/** Whether action i is the first answer of a burst. */
export function burstStarts(actions: OnlineAction[], i: number): boolean {
  const a = actions[i];
  return isAnswer(a) && a.burst !== undefined && !burstGoesOn(actions, i - 1);
}

export function countSlots(actions: OnlineAction[]): number {
  return actions.filter((a) => a.kind === "hidden-answer").length;
}

/** Which hidden answer a slot is, in words. */
export function describeOnlineSlot(s: OnlineScenario, slot: number): string {
  let seen = 0;
  for (const [i, a] of s.actions.entries()) {
    if (a.kind !== "hidden-answer") continue;
    if (seen === slot) return `hidden person H${a.person + 1}'s answer as ${PERSPECTIVES[a.perspective]} (step ${i + 1})`;
    seen += 1;
  }
  return `slot ${slot}`;
}

/** The letter of an endorser's key in the reference and the script: H1, B1, A1. */
const ENDORSER = { hidden: "H", bystander: "B", attacker: "A" } as const;

/** The scenario as a numbered script, for a failure message. */
export function describeOnlineScenario(s: OnlineScenario): string {
  const people = (list: (Standing | null)[], letter: string) => list.map((st, i) => `${letter}${i + 1} (${st ?? "no standing"})`).join(", ") || "none";
  const lines = [
    `${WITH_ENDORSEMENTS ? "R has posted an argument as the employee. " : ""}k = ${s.k}; hidden people: ${people(s.hidden, "H")}; bystanders (answers not secret: the same in every world): ${people(s.bystanders ?? [], "B")}; attacker accounts: ${people(s.attackers, "A")}; the attacker also reads as a facilitator account R`,
  ];
  let slot = 0;
  for (const [i, a] of s.actions.entries()) {
    const step = `${i + 1}.`;
    const together = isAnswer(a) && a.burst !== undefined ? ` (burst ${a.burst}: planned with the answers of that burst around it)` : "";
    if (a.kind === "hidden-answer") lines.push(`${step} H${a.person + 1} answers as ${PERSPECTIVES[a.perspective]} [slot ${slot}: truly ${describeAnswer(s.truth[slot++]!)}]${together}`);
    else if (a.kind === "bystander-answer") lines.push(`${step} B${a.person + 1} answers as ${PERSPECTIVES[a.perspective]}: ${describeAnswer(a.value)}${together}`);
    else if (a.kind === "attacker-answer") lines.push(`${step} A${a.account + 1} answers as ${PERSPECTIVES[a.perspective]}: ${describeAnswer(a.value)}${together}`);
    else if (a.kind === "attacker-standing") lines.push(`${step} A${a.account + 1} changes their standing to ${a.standing ?? "none"} on /me`);
    else if (a.kind === "read")
      lines.push(`${step} reads the ${a.page} page's loader data${a.page === "results" || a.page === "library" ? " (as R)" : ` (as ${s.attackers.length ? `A${a.account + 1}` : "R"})`}`);
    else lines.push(`${step} ${ENDORSER[a.who]}${a.index + 1} endorses R's argument (or withdraws their endorsement)`);
  }
  return lines.join("\n");
}

interface PersonRecord {
  /** H0, B0, A0: a hidden person, a bystander, an attacker's account. */
  key: string;
  /** The standing counted for the person on this case: their profile's when they first answered it. */
  standing: Standing | null;
  first: (number | undefined)[];
  current: (number | undefined)[];
  /** Per perspective: the write of the current answer, and of the first. */
  writes: number[];
  firstWrites: number[];
  /**
   * What the current release holds of the person, none until a release takes them: per
   * perspective the write released, and the record shown (first and released answer).
   */
  released?: { writes: number[]; shown: string };
}

type Breakdown = ReturnType<typeof mergeSmallGroups>;

/** A release as the joint test reads it: its grouping, and per person it held the write held per perspective. */
interface Held {
  breakdown: Breakdown;
  writes: Map<string, number[]>;
}

/** Per scenario, the release planned after each write (by its number), the same in every world. */
const plannedReleases = new WeakMap<OnlineScenario, Map<number, { keys: string[]; candidate: Breakdown } | null>>();

/**
 * What ADR 009 lets the attacker see of the online results ("Release per cell, per person, with
 * a sticky grouping" and "Several releases read together"), written independently of the app's
 * `planRelease`. Each person has a released record (or none): per perspective, the answer a
 * release took and their first answer. After every answer (hidden, bystander or attacker), or,
 * for a burst, once after its last answer, a release is attempted, decided from public facts
 * only (who wrote which perspective when, and standings), never from a value:
 * - Pending: people who answered every perspective and wrote an answer since their released
 *   record (or have none). S starts as all of them.
 * - Grouping: mergeSmallGroups over the released people and S, by standing counted (their
 *   first on the case; "undeclared" for none). Tried in order: as it comes; with every standing
 *   the previous release did not show on its own kept merged while 1 to k − 1 of its people are
 *   released; with all of them kept merged. The first whose release passes the joint test is
 *   used.
 * - Joint test (the history rule), over every release so far and the candidate at once. The
 *   unknowns, per person and perspective p: each record (the answer of p a release took, held
 *   from that release until one takes the person's next answer to p; an answer written since
 *   but not taken leaves the old record held) and the first answer to p (the same unknown as
 *   their first record when that record was their first answer; a separate one when they
 *   corrected it before their first release). The rows, per release, per population (everyone,
 *   and each group it shows, by standing counted) and per p: the sum of the records of p held
 *   by the population's people; the shift (each of those records that is a re-answer, minus
 *   that person's first answer to p); and per population the empathy gap (each person's
 *   employee record minus their employer record). A set of 1 to k − 1 people is exposed when
 *   removing their unknowns' columns lowers the rank (some combination of rows is nonzero on
 *   their unknowns only); the exposure is the union of the minimal exposed sets (exposure.ts).
 *   When every grouping tried exposes someone, the people of S exposed under the last one wait
 *   and the plan starts again; if it exposes nobody of S, nothing is released.
 * - Cells, and who in S changes each: per perspective p, overall (wrote p), per group g of the
 *   previous or candidate breakdown (in g before or after, and wrote p: a move alone is the
 *   joint test's to bound), and the shift (wrote p and has answered p more than once in all:
 *   a first answer's "no change" is predictable); the empathy gap overall (wrote either) and
 *   per group (in g before or after, and wrote either).
 * - Fixpoint: while some cell has 1 to k − 1 changers, all of them leave S and the grouping is
 *   chosen again. Nothing is released when S ends empty.
 * - Otherwise S's records are replaced by their current ones and the release shows, overall and
 *   per shown group, the multiset of released records (each person's first and released answer
 *   per perspective; people outside S keep what was released of them, even if they wrote since),
 *   with the bridging score re-evaluated. Every read until the next release shows the same;
 *   nothing before the first. The library, case page and /me show nothing of other people's
 *   answers.
 * - The bridging score of R's argument (ADR 018, and ADR 009's "Bridging scores count no
 *   answers"): min(E_right, E_wrong) × (1 + 0.5 × (S − 1)), where an endorser's lean is read from
 *   the other top-level arguments of the case and perspective they endorsed ("for" minus
 *   "against"), never from an answer. Here R's is the only argument, so nobody has a public lean:
 *   every endorser, answered or not, counts in S and on neither side, and the score is 0 whenever
 *   shown. Only the standings (S, each endorser's profile standing) are protected, so the score
 *   is still a release: its counted set is each endorser with their standing. It is re-evaluated
 *   only at a release of the results (endorsing releases nothing), and is due when k or more
 *   endorsers endorsed, withdrew or changed standing since the score last shown or withheld. Due
 *   with fewer than k counted: withheld. Due with k or more: shown only if, over every counted
 *   set a shown score ever stood for and the new one, the (endorser, standing) pairs grouped by
 *   exactly which of those sets hold them number 0 or at least k people per group; otherwise the
 *   previous score (and its baseline) stays. What is shown is the value and, as an upper bound on
 *   what S could tell, the multiset of counted standings; all of it is the same in every world
 *   (standings are known to the attacker), so no hidden answer may move the app's score either.
 */
export function onlineReference(s: OnlineScenario, world: number[]): string {
  const profile = new Map<string, Standing | null>([
    ...s.hidden.map((st, i) => [`H${i}`, st] as const),
    ...(s.bystanders ?? []).map((st, i) => [`B${i}`, st] as const),
    ...s.attackers.map((st, i) => [`A${i}`, st] as const),
  ]);
  const people = new Map<string, PersonRecord>();
  const plans = plannedReleases.get(s) ?? new Map<number, { keys: string[]; candidate: Breakdown } | null>();
  plannedReleases.set(s, plans);
  let write = 0;
  let release = () => "nothing released";
  const out: string[] = [];
  let slot = 0;
  const answer = (key: string, perspective: number, value: number) => {
    const record = people.get(key) ?? { key, standing: profile.get(key) ?? null, first: [], current: [], writes: [], firstWrites: [] };
    record.first[perspective] ??= value;
    record.current[perspective] = value;
    record.writes[perspective] = ++write;
    record.firstWrites[perspective] ??= write;
    people.set(key, record);
  };
  const complete = (r: PersonRecord) => PERSPECTIVES.every((_, p) => r.current[p] !== undefined);
  // Endorsements (unless ATTACK_ENDORSEMENTS=0): who endorses R's argument (argued as the employee).
  const endorsers = new Set<string>();
  /** What the score now shown (or withheld) counted, endorser → standing: the baseline for "changed since". */
  let scoreCounted = new Map<string, string>();
  /** Every counted set a shown score ever stood for, oldest first. */
  const everShown: Map<string, string>[] = [];
  let score = "no score";
  /**
   * Whether showing a score for `counted` keeps every score ever shown apart by k: the
   * (endorser, standing) pairs in any of them, grouped by exactly which of them (and `counted`)
   * hold each, number 0 or at least k people per group. Otherwise a reader of two scores could
   * subtract one's standings from the other's.
   */
  const scoresStayApart = (counted: Map<string, string>) => {
    const sets = [...everShown, counted];
    const pairs = new Set(sets.flatMap((set) => [...set].map(([key, st]) => `${key}@${st}`)));
    const groups = new Map<string, Set<string>>();
    for (const pair of pairs) {
      const [key, st] = pair.split("@") as [string, string];
      const signature = sets.map((set) => (set.get(key) === st ? "1" : "0")).join("");
      groups.set(signature, (groups.get(signature) ?? new Set()).add(key));
    }
    return [...groups.values()].every((people) => people.size >= s.k);
  };
  const releaseScore = () => {
    // ADR 018: an endorser's lean is public, read from the other arguments they endorsed; R's is
    // the only argument, so every endorser has none. Every endorser counts, answered or not, with
    // their profile's standing (the S term's secret); no answer is read.
    const counted = new Map([...endorsers].map((key) => [key, profile.get(key) ?? "undeclared"] as const));
    const changed = [...counted].filter(([key, st]) => scoreCounted.get(key) !== st).length + [...scoreCounted.keys()].filter((key) => !counted.has(key)).length;
    if (changed < s.k) return;
    if (counted.size < s.k) {
      scoreCounted = counted;
      score = "withheld";
      return;
    }
    // Due, but beside the scores shown before it would tell 1 to k − 1 standings apart: the old
    // score stays, and so does the baseline it is compared with.
    if (!scoresStayApart(counted)) return;
    everShown.push(counted);
    scoreCounted = counted;
    // No endorser leans either way: E_right = E_wrong = 0, whatever S.
    const value = Math.min(0, 0) * (1 + 0.5 * (new Set(counted.values()).size - 1));
    score = JSON.stringify({ value, standings: [...counted.values()].sort() });
  };

  /** The previous release's grouping (undefined before the first release). */
  let previous: Breakdown | undefined;
  /** Every release so far: its grouping, and per person it held the write it held per perspective. */
  const history: Held[] = [];
  const standingKey = (r: PersonRecord) => r.standing ?? "undeclared";
  const groupIn = (b: Breakdown | undefined, r: PersonRecord) => b?.shown.find((g) => g.members.includes(standingKey(r)))?.key ?? null;
  const oldGroup = (r: PersonRecord) => (r.released ? groupIn(previous, r) : null);
  /** Whether the person's current answer to p is not the one released (a newcomer wrote every p). */
  const wrote = (r: PersonRecord, p: number) => r.writes[p] !== r.released?.writes[p];
  const wroteAny = (r: PersonRecord) => PERSPECTIVES.some((_, p) => wrote(r, p));
  const counting = (n: number) => n > 0 && n < s.k;
  const shownRecord = (r: PersonRecord) => PERSPECTIVES.map((_, p) => `${r.first[p]}${r.current[p]}`).join("/");

  /**
   * What a release shows, as sums of unknowns (rows). An unknown is a record, `key/p/write`: the
   * answer of that write, held from the release that took it until one takes the person's next
   * answer to p. A person's first answer to p is `key/p/<its write>`: the same unknown as their
   * first record when that record was their first answer, a separate one when they corrected it
   * before their first release. Per population (everyone, and each shown group, by standing
   * counted) and per perspective p: the records of p (the bars and judgement); the shift (each
   * re-answer's record minus that person's first answer). Per population: the empathy gap (each
   * person's employee record minus their employer record).
   */
  const rowsOf = (held: Held): Row[] => {
    const unknown = (key: string, p: number, w: number) => `${key}/${p}/${w}`;
    const first = (key: string, p: number) => people.get(key)!.firstWrites[p]!;
    const populations = [undefined, ...held.breakdown.shown.map((g) => g.members)];
    return populations.flatMap((members) => {
      const inside = [...held.writes].filter(([key]) => !members || members.includes(standingKey(people.get(key)!)));
      return [
        ...PERSPECTIVES.flatMap((_, p) => [
          new Map(inside.map(([key, w]) => [unknown(key, p, w[p]!), 1])),
          new Map(
            inside
              .filter(([key, w]) => w[p] !== first(key, p))
              .flatMap(
                ([key, w]) =>
                  [
                    [unknown(key, p, w[p]!), 1],
                    [unknown(key, p, first(key, p)), -1],
                  ] as const,
              ),
          ),
        ]),
        new Map(
          inside.flatMap(
            ([key, w]) =>
              [
                [unknown(key, 0, w[0]!), 1],
                [unknown(key, 1, w[1]!), -1],
              ] as const,
          ),
        ),
        // Persuasion (issue 16): R's argument (as the employee) may be named by re-answers to the
        // employee: what they name is a part of each no other row shows, one row over them.
        ...(members || !WITH_ENDORSEMENTS ? [] : [new Map(inside.filter(([key, w]) => w[0] !== first(key, 0)).map(([key, w]) => [`${unknown(key, 0, w[0]!)}/named`, 1] as const))]),
      ];
    });
  };

  /**
   * Bars only grow by who entered (ADR 009): against every earlier release showing the same
   * row, the people entering the candidate's row and those leaving it must each be none or at
   * least k. Rows: per perspective overall, per group shown in both, the first answers (one per
   * person released, overall), and the re-answers naming R's argument. Returns who is exposed.
   */
  const churn = (candidate: Held): Set<string> => {
    const first = (key: string, p: number) => people.get(key)!.firstWrites[p]!;
    const rowsIn = (held: Held) => {
      const rows = new Map<string, Set<string>>();
      const add = (row: string, unknown: string) => rows.set(row, (rows.get(row) ?? new Set()).add(unknown));
      for (const [key, w] of held.writes) {
        const group = held.breakdown.shown.find((g) => g.members.includes(standingKey(people.get(key)!)))?.key;
        PERSPECTIVES.forEach((_, p) => {
          add(`${p}|all`, `${key}/${p}/${w[p]}`);
          if (group !== undefined) add(`${p}|g${group}`, `${key}/${p}/${w[p]}`);
          add(`${p}|first`, `${key}/${p}/first`);
        });
        if (WITH_ENDORSEMENTS && w[0] !== first(key, 0)) add("named", `${key}/0/${w[0]}`);
      }
      return rows;
    };
    const shownRows = (held: Held) =>
      new Set([...(WITH_ENDORSEMENTS ? ["named"] : []), ...PERSPECTIVES.flatMap((_, p) => [`${p}|all`, `${p}|first`, ...held.breakdown.shown.map((g) => `${p}|g${g.key}`)])]);
    const exposed = new Set<string>();
    const now = rowsIn(candidate);
    const nowShown = shownRows(candidate);
    for (const earlier of history) {
      const then = rowsIn(earlier);
      const thenShown = shownRows(earlier);
      for (const row of nowShown) {
        if (!thenShown.has(row)) continue;
        const before = then.get(row) ?? new Set<string>();
        const after = now.get(row) ?? new Set<string>();
        const entered = new Set([...after].filter((u) => !before.has(u)).map((u) => u.split("/")[0]!));
        const left = new Set([...before].filter((u) => !after.has(u)).map((u) => u.split("/")[0]!));
        for (const set of [entered, left]) if (counting(set.size)) for (const key of set) exposed.add(key);
      }
    }
    return exposed;
  };

  /** Who the release after this write takes, and its grouping: null when nothing is released. */
  const plan = (): { S: PersonRecord[]; candidate: Breakdown } | null => {
    const released = [...people.values()].filter((r) => r.released);
    const sizes = (holds: PersonRecord[]) => {
      const counts = new Map<string, number>();
      for (const r of holds) counts.set(standingKey(r), (counts.get(standingKey(r)) ?? 0) + 1);
      return counts;
    };
    // The joint test (ADR 009, "Several releases read together"): every row every release showed,
    // with the candidate's, as sums of records and first answers (`rowsOf`); a grouping is usable
    // when no combination of them singles out 1 to k − 1 people.
    const earlierRows = history.flatMap(rowsOf);
    const heldAfter = (S: PersonRecord[], breakdown: Breakdown): Held => ({
      breakdown,
      writes: new Map([...new Set([...released, ...S])].map((r) => [r.key, S.includes(r) ? [...r.writes] : [...r.released!.writes]])),
    });
    // Tried in order: the grouping as it comes; standings merged last time kept merged while 1 to
    // k − 1 of their people are released; all of them kept merged.
    const mergedLastTime = [...sizes(released)].filter(([key]) => !previous?.shown.some((g) => g.key === key));
    const tries = previous ? [[], mergedLastTime.filter(([, n]) => counting(n)), mergedLastTime] : [[]];
    /** The first grouping whose release exposes nobody, or else whom the last one tried exposes. */
    const groupingFor = (S: PersonRecord[]): { candidate: Breakdown } | { exposed: Set<string> } => {
      const counts = [...sizes([...new Set([...released, ...S])])].map(([key, count]) => ({ key, count }));
      let exposed = new Set<string>();
      for (const merged of tries) {
        const candidate = mergeSmallGroups(counts, s.k, new Set(merged.map(([key]) => key)));
        const rows = [...earlierRows, ...rowsOf(heldAfter(S, candidate))];
        exposed = exposure(rows, (unknown) => unknown.split("/")[0]!, s.k);
        if (exposed.size === 0) exposed = boundsExposure(rows, (unknown) => unknown.split("/")[0]!, s.k);
        if (exposed.size === 0) exposed = churn(heldAfter(S, candidate));
        if (exposed.size === 0) return { candidate };
      }
      return { exposed };
    };
    const groupsOf = (candidate: Breakdown) => [...new Set([...(previous?.shown ?? []), ...candidate.shown].map((g) => g.key))];
    /** Every cell the candidate release shows, as the people of S who change it. */
    const cells = (S: PersonRecord[], candidate: Breakdown) => {
      const inGroup = (r: PersonRecord, g: string) => oldGroup(r) === g || groupIn(candidate, r) === g;
      const groups = groupsOf(candidate);
      return [
        ...PERSPECTIVES.flatMap((_, p) => [
          S.filter((r) => wrote(r, p)),
          // Only re-answers move the shift: a first answer's "no change" is predictable.
          S.filter((r) => wrote(r, p) && r.firstWrites[p] !== r.writes[p]),
          // Writers only: a move alone is the history rule's to bound.
          ...groups.map((g) => S.filter((r) => inGroup(r, g) && wrote(r, p))),
        ]),
        // The empathy gap (the case has both perspectives).
        S.filter(wroteAny),
        ...groups.map((g) => S.filter((r) => inGroup(r, g) && wroteAny(r))),
      ];
    };

    let S = [...people.values()].filter((r) => complete(r) && wroteAny(r));
    for (;;) {
      if (S.length === 0) return null;
      const choice = groupingFor(S);
      if ("exposed" in choice) {
        // Every grouping singles someone out: whoever of S it exposes waits. If it exposes nobody
        // of S (only people released before), waiting helps nobody: nothing is released.
        const waiting = S.filter((r) => choice.exposed.has(r.key));
        if (waiting.length === 0) return null;
        S = S.filter((r) => !waiting.includes(r));
        continue;
      }
      const { candidate } = choice;
      // Whoever changes a cell by 1 to k − 1 waits for a later release; S only shrinks.
      const waiting = new Set(
        cells(S, candidate)
          .filter((c) => counting(c.length))
          .flat(),
      );
      if (waiting.size === 0) return { S, candidate };
      S = S.filter((r) => !waiting.has(r));
    }
  };

  const releaseIfDue = () => {
    // The plan reads public facts only (who wrote what, standings), never a value, so it is the
    // same in every world: worked out in the first world enumerated and looked up in the others.
    let decided = plans.get(write);
    if (decided === undefined) {
      const made = plan();
      decided = made && { keys: made.S.map((r) => r.key), candidate: made.candidate };
      plans.set(write, decided);
    }
    if (!decided) return;
    const S = decided.keys.map((key) => people.get(key)!);
    const candidate = decided.candidate;
    for (const r of S) r.released = { writes: [...r.writes], shown: shownRecord(r) };
    previous = candidate;
    history.push({ breakdown: candidate, writes: new Map([...people.values()].filter((r) => r.released).map((r) => [r.key, [...r.released!.writes]])) });
    // Counted from released records alone: people outside S show what was released of them.
    const holds = [...people.values()].filter((r) => r.released).map((r) => ({ standing: standingKey(r), shown: r.released!.shown }));
    if (WITH_ENDORSEMENTS) releaseScore();
    const shownScore = score;
    // Written out when read (most releases are replaced unread).
    let text: string | undefined;
    release = () => {
      const records = (members: typeof holds) => members.map((r) => r.shown).sort();
      const groups = candidate.shown.map((g) => [g.key, records(holds.filter((r) => g.members.includes(r.standing)))]);
      return (text ??= JSON.stringify({ overall: records(holds), groups, score: shownScore }));
    };
  };
  for (const [i, a] of s.actions.entries()) {
    if (a.kind === "hidden-answer") answer(`H${a.person}`, a.perspective, world[slot++]!);
    else if (a.kind === "bystander-answer") answer(`B${a.person}`, a.perspective, a.value);
    else if (a.kind === "attacker-answer") answer(`A${a.account}`, a.perspective, a.value);
    else if (a.kind === "attacker-standing") profile.set(`A${a.account}`, a.standing);
    else if (a.kind === "endorse") {
      const key = `${ENDORSER[a.who]}${a.index}`;
      if (!endorsers.delete(key)) endorsers.add(key);
    } else if (a.kind === "read" && (a.page === "results" || (WITH_ENDORSEMENTS && a.page === "case"))) out.push(release());
    // A burst is planned once, after its last answer.
    if (isAnswer(a) && !burstGoesOn(s.actions, i)) releaseIfDue();
  }
  return out.join("\n");
}

const caseRoute = () => import("../../app/routes/cases.$slug");
const resultsRoute = () => import("../../app/routes/cases.$slug_.results");
const indexRoute = () => import("../../app/routes/_index");
const meRoute = () => import("../../app/routes/me");

/** Plays the scenario in `world` through the real routes, reading as the attacker would. */
export async function replayOnline(app: AttackApp, s: OnlineScenario, world: number[], expected?: Replay): Promise<Replay> {
  const [cases, results, index, me] = await Promise.all([caseRoute(), resultsRoute(), indexRoute(), meRoute()]);
  await app.fresh(s.k);
  const reader = await app.person("facilitator", null, "Reader");
  const hidden: Account[] = [];
  for (const [i, st] of s.hidden.entries()) hidden.push(await app.person("participant", st, `Hidden ${i + 1}`));
  const attackers: Account[] = [];
  for (const [i, st] of s.attackers.entries()) attackers.push(await app.person("participant", st, `Attacker ${i + 1}`));
  const bystanders: Account[] = [];
  for (const [i, st] of (s.bystanders ?? []).entries()) bystanders.push(await app.person("participant", st, `Bystander ${i + 1}`));
  let argumentId = 0;
  if (WITH_ENDORSEMENTS) {
    const posted = (await settle(() =>
      cases.action({
        request: app.post(`/cases/${SLUG}`, { intent: "argument", perspective: "employee", side: "for", lens: "", body: "The record was lawfully expungeable." }, reader.cookie),
        params: { slug: SLUG },
        context: {},
      }),
    )) as Response;
    if (posted.status !== 200) throw new Error(`R's argument was refused: ${posted.status} ${await posted.text()}`);
    argumentId = (await app.db().selectFrom("arguments").select("id").where("user_id", "=", reader.id).executeTakeFirstOrThrow()).id;
  }
  let slot = 0;
  const recorder = replayRecorder(expected, () => slot);
  const replay = recorder.replay;
  /** Records one thing the attacker read; false once it differs from the expected replay. */
  const read = (value: unknown): boolean => recorder.read(canonical(value));
  // The case page's form sends an option by its stable id, with the version shown (ADR 017).
  const { findCaseBySlug } = await import("../../app/models/cases.server");
  const shown = (await findCaseBySlug(app.db(), SLUG))!;
  const ballot = (perspective: number, option: number) => ({
    option: shown.doc.perspectives.find((p) => p.key === PERSPECTIVES[perspective])!.options[option]!.id,
    version: String(shown.version),
  });
  const answer = async (who: Account, perspective: number, value: number) => {
    const { option, judgement } = answerOf(value);
    const response = (await settle(() =>
      cases.action({
        request: app.post(
          `/cases/${SLUG}`,
          { intent: "position", perspective: PERSPECTIVES[perspective]!, ...ballot(perspective, option), judgement: String(judgement), legal: "unsure", confidence: "medium" },
          who.cookie,
        ),
        params: { slug: SLUG },
        context: {},
      }),
    )) as Response;
    if (response.status !== 200) throw new Error(`${who.name}'s answer was refused: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const viewer = (account: number) => attackers[account] ?? reader;

  // A burst, as a busy case meets one: the answers arrive while a plan of the case is in flight,
  // so each answer's trigger folds into the one trailing plan (`PacedSingleFlight`, ADR 024),
  // which plans them together. The plan in flight is held open here while the burst's answers are
  // sent (as tests/integration/review-online-leaks-10.test.ts's `inOneBurst` does), then the
  // trailing plan is awaited, so the next action meets an idle case as before. The app's
  // planner is made here, before the app makes its own: with no pause before the trailing plan
  // (gap factor 0; the pause only paces CPU, and nothing is written while it is awaited, so the
  // plan is the same), and with a trailing plan's error thrown here rather than logged.
  const { singleton } = await import("../../app/platform/singleton.server");
  const { PacedSingleFlight } = await import("../../app/platform/paced-single-flight.server");
  let trailingError: unknown;
  const planning = singleton("result-release-planning", () => new PacedSingleFlight<number>(0, (error) => (trailingError ??= error)));
  const caseId = (await app.db().selectFrom("cases").select("id").where("slug", "=", SLUG).executeTakeFirstOrThrow()).id;
  let burst: { open: () => void; held: Promise<unknown> } | null = null;
  const startBurst = () => {
    let open!: () => void;
    const held = planning.run(caseId, () => new Promise<void>((resolve) => (open = resolve)), "fresh");
    burst = { open, held };
  };
  const endBurst = async () => {
    if (!burst) return;
    burst.open();
    await burst.held;
    burst = null;
    while (planning.busy(caseId)) await new Promise((resolve) => setTimeout(resolve, 1));
    if (trailingError !== undefined) throw trailingError;
  };

  for (const [i, a] of s.actions.entries()) {
    let ok = true;
    if (burstStarts(s.actions, i)) startBurst();
    if (a.kind === "hidden-answer") await answer(hidden[a.person]!, a.perspective, world[slot++]!);
    else if (a.kind === "bystander-answer") await answer(bystanders[a.person]!, a.perspective, a.value);
    else if (a.kind === "attacker-answer") ok = read(await answer(attackers[a.account]!, a.perspective, a.value));
    else if (a.kind === "attacker-standing") {
      const who = attackers[a.account]!;
      ok = read(await settle(() => me.action({ request: app.post("/me", { displayName: who.name, standing: a.standing ?? "" }, who.cookie), params: {}, context: {} })));
    } else if (a.kind === "read") {
      if (a.page === "results") ok = read(await results.loader({ request: app.get(`/cases/${SLUG}/results`, reader.cookie), params: { slug: SLUG }, context: {} }));
      else if (a.page === "library") ok = read(await index.loader({ request: app.get("/", reader.cookie), params: {}, context: {} }));
      else if (a.page === "case") ok = read(await cases.loader({ request: app.get(`/cases/${SLUG}`, viewer(a.account).cookie), params: { slug: SLUG }, context: {} }));
      else ok = read(await me.loader({ request: app.get("/me", viewer(a.account).cookie), params: {}, context: {} }));
    } else if (a.kind === "endorse") {
      const who = { hidden, bystander: bystanders, attacker: attackers }[a.who][a.index]!;
      const response = (await settle(() =>
        cases.action({ request: app.post(`/cases/${SLUG}`, { intent: "endorse", argumentId: String(argumentId) }, who.cookie), params: { slug: SLUG }, context: {} }),
      )) as Response;
      if (response.status !== 200) throw new Error(`${who.name}'s endorsement was refused: ${response.status} ${await response.text()}`);
      if (a.who === "attacker") ok = read(await response.json());
    }
    if (!ok || !burstGoesOn(s.actions, i)) await endBurst();
    if (!ok) return replay;
  }
  return replay;
}
