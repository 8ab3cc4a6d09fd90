/**
 * The live part of the attacker suite: a workshop run by the attacker as facilitator, the
 * reference model of the live-room disclosure policy (ADR 009), and the replay through the app.
 */
import fc from "fast-check";
import { stageSequence } from "../../app/domain/workshop-stages";
import type { Standing } from "../../db/schema";
import { mergeSmallGroups } from "../../app/domain/disclosure";
import { parseCsv } from "../support/csv-reader";
import type { AttackApp, Account } from "./harness";
import { canonical, settle } from "./harness";
import { replayRecorder, type Replay } from "./differential";
import { SLUG } from "./online";

/** The case a role-play room runs: it has a role brief for each of the two perspectives (`## Role:`). */
export const ROLE_PLAY_SLUG = "the-shouting-caller";

/** At most this many hidden votes per scenario: 4^6 = 4,096 worlds. */
export const MAX_LIVE_SLOTS = 6;
const PERSPECTIVES = ["employee", "employer"] as const;

/** A vote's secret value: per perspective, option 0 with judgement −2 or option 1 with +2. */
export function voteOf(value: number): { option: number; judgement: number }[] {
  return [value & 1, (value >> 1) & 1].map((bit) => ({ option: bit, judgement: bit ? 2 : -2 }));
}
export function describeVote(value: number): string {
  return voteOf(value)
    .map((v, p) => `${PERSPECTIVES[p]} option ${v.option} (${v.judgement > 0 ? "+" : ""}${v.judgement})`)
    .join(", ");
}

/**
 * How many "next"s lead from round 1's vote to round 2's: results and discussion, and in a
 * role-play room (on the-shouting-caller, which has a rehearsal prompt for both roles) the
 * steelman and rehearsal steps' write, rate and best stages (ADR 034). Read off the app's stage
 * order, which is not what this suite checks.
 */
export function nextsToRoundTwo(rolePlay: boolean): number {
  const order = stageSequence({ caseStages: 0, twoRounds: true, resultsMode: "live", swap: rolePlay, steelman: rolePlay, rehearsal: rolePlay });
  return order.indexOf("vote-2") - order.indexOf("vote-1");
}
export type Intent = "next" | "back" | "open-voting" | "close-voting" | "reveal-results" | "end" | "swap-roles";
export type Round = 1 | 2 | 3;
export type LiveAction =
  | { kind: "control"; intent: Intent }
  | { kind: "reset"; round: Round }
  /** `refused`: the true world's replay showed the app refused it, so its value was never stored and is no slot. */
  | { kind: "hidden-vote"; person: number; refused?: number }
  | { kind: "sybil-vote"; phone: number; value: number }
  | { kind: "remove"; who: "hidden" | "sybil"; index: number }
  | { kind: "read"; what: "snapshots" | "debrief" | "csv" };

export interface LiveScenario {
  k: number;
  twoRounds: boolean;
  /**
   * A role-play room with the swap (ADR 032; only with two rounds): run on a role-play case,
   * roles assigned once everyone has joined, and a third round after the shift summary and the
   * swap. Left out: false.
   */
  rolePlay?: boolean;
  resultsMode: "live" | "reveal";
  /** Hidden participants' standings as declared on joining (known; their votes are secret). */
  hidden: (Standing | null)[];
  /** The attacker's own phones (at most k − 2: ADR 009 accepts k − 1 as a residual risk). */
  sybils: (Standing | null)[];
  /** After joining, the workshop is moved to round 1's vote (open) before these. */
  actions: LiveAction[];
  truth: number[];
}

const standing = fc.constantFrom<Standing | null>("frontline", "manager", "hr", "other", null);
/** Hidden participants' standings: often two of them share one, so groups of k form and break up by round. */
const hiddenStanding = fc.oneof({ weight: 1, arbitrary: standing }, { weight: 2, arbitrary: fc.constantFrom<Standing | null>("frontline", "manager") });

/**
 * Random rooms and facilitator moves, weighted so that most rooms reach k voters and most
 * two-round workshops reach round 2: each round opens with a burst of votes by participants who
 * have not voted in it yet (person −1, resolved below), then random steps; "to round 2" is one
 * step (results, discussion, vote), after which the next fresh voter is P1 or P2 again, so some
 * people vote in both rounds and others in only one. Three in four workshops end, with every read
 * made again after the end (breakdowns by standing are released then).
 *
 * One room in four is a role-play room with the swap (ADR 032: two rounds, a role-play case,
 * roles assigned). Most of them go on from round 2 to round 3 in one step (the shift summary,
 * the swap, by "Swap roles" or "Next", and round 3's vote), with a burst of fresh voters from P1
 * or P2 again, so people answer in any of the three rounds: 1 and 3 only, 2 and 3 only, all
 * three. Their random steps also swap, reset round 3 and go back across the swap. The hidden
 * votes are spread over the rounds: at most 2 (k = 2) or 3 (k = 3) before round 2, and 2 more
 * before round 3.
 */
export function liveScenarios(): fc.Arbitrary<LiveScenario> {
  return (
    fc
      .record({
        k: fc.integer({ min: 2, max: 3 }),
        twoRounds: fc.boolean(),
        rolePlay: fc.nat({ max: 3 }).map((n) => n === 0),
        resultsMode: fc.constantFrom<"live" | "reveal">("live", "reveal"),
        sybilCount: fc.nat({ max: 1 }),
      })
      .map((s) => ({ ...s, twoRounds: s.twoRounds || s.rolePlay }))
      .chain(({ sybilCount, ...s }) => {
        const sybils = Math.min(sybilCount, s.k - 2);
        // Mostly rooms that can reach k voters, sometimes any size from 1 to 4.
        const hidden = fc.oneof(
          { weight: 1, arbitrary: fc.array(hiddenStanding, { minLength: 1, maxLength: 4, size: "max" }) },
          { weight: 3, arbitrary: fc.array(hiddenStanding, { minLength: Math.max(1, s.k - sybils), maxLength: 4, size: "max" }) },
        );
        return hidden.chain((people) => {
          const person = fc.nat({ max: people.length - 1 });
          const one = (a: fc.Arbitrary<LiveAction>) => a.map((x) => [x]);
          // `freshFrom` (dropped below) restarts the fresh voters at P1 or P2.
          const nexts = nextsToRoundTwo(s.rolePlay ?? false);
          const toRound2 = fc
            .nat({ max: 1 })
            .map((from): LiveAction[] => Array.from({ length: nexts }, (_, i) => ({ kind: "control", intent: "next" as Intent, ...(i === nexts - 1 ? { freshFrom: from } : {}) })));
          // From round 2's vote: the shift summary, the swap ("Swap roles" or "Next"), round 3's vote.
          const toRound3 = fc
            .tuple(fc.nat({ max: 1 }), fc.constantFrom<Intent>("swap-roles", "next"))
            .map(([from, swap]): LiveAction[] => ["next", swap, "next"].map((intent, i) => ({ kind: "control", intent: intent as Intent, ...(i === 2 ? { freshFrom: from } : {}) })));
          // Mostly at least k fresh voters (a released round without the attacker's phones), sometimes any number.
          const burstSize = fc.oneof({ weight: 1, arbitrary: fc.nat({ max: people.length }) }, { weight: 3, arbitrary: fc.integer({ min: Math.min(s.k, people.length), max: people.length }) });
          const burst = burstSize.map((n) => Array.from({ length: n }, (): LiveAction => ({ kind: "hidden-vote", person: -1 })));
          const intents: Intent[] = ["next", "back", "open-voting", "close-voting", "reveal-results", "end", ...(s.rolePlay ? (["swap-roles"] as Intent[]) : [])];
          const rounds: Round[] = s.rolePlay ? [1, 2, 3] : [1, 2];
          const steps: fc.WeightedArbitrary<LiveAction[]>[] = [
            { weight: 5, arbitrary: fc.constant<LiveAction[]>([{ kind: "hidden-vote", person: -1 }]) },
            { weight: 2, arbitrary: one(fc.record({ kind: fc.constant("hidden-vote" as const), person })) },
            { weight: 4, arbitrary: one(fc.record({ kind: fc.constant("read" as const), what: fc.constantFrom<"snapshots" | "debrief" | "csv">("snapshots", "snapshots", "debrief", "csv") })) },
            { weight: 1, arbitrary: toRound2 },
            { weight: 1, arbitrary: one(fc.record({ kind: fc.constant("control" as const), intent: fc.constantFrom<Intent>(...intents) })) },
            { weight: 2, arbitrary: one(fc.record({ kind: fc.constant("remove" as const), who: fc.constant("hidden" as const), index: person })) },
            { weight: 1, arbitrary: one(fc.record({ kind: fc.constant("reset" as const), round: fc.constantFrom<Round>(...rounds) })) },
          ];
          if (sybils > 0) {
            const phone = fc.nat({ max: sybils - 1 });
            steps.push(
              { weight: 2, arbitrary: one(fc.record({ kind: fc.constant("sybil-vote" as const), phone, value: fc.nat({ max: 3 }) })) },
              { weight: 1, arbitrary: one(fc.record({ kind: fc.constant("remove" as const), who: fc.constant("sybil" as const), index: phone })) },
            );
          }
          return fc.record({
            ...s,
            k: fc.constant(s.k),
            twoRounds: fc.constant(s.twoRounds),
            rolePlay: fc.constant(s.rolePlay),
            resultsMode: fc.constant(s.resultsMode),
            hidden: fc.constant(people),
            sybils: fc.array(standing, { minLength: sybils, maxLength: sybils }),
            actions: fc
              .tuple(
                burst,
                fc.array(fc.oneof(...steps), { minLength: 1, maxLength: 4 }),
                fc.nat({ max: 3 }).map((n) => n > 0),
                toRound2,
                burst,
                fc.array(fc.oneof(...steps), { minLength: 1, maxLength: 6 }),
                // Role-play rooms: whether round 3 is played, steps before it, the move and its burst.
                fc.nat({ max: 3 }).map((n) => n > 0),
                fc.array(fc.oneof(...steps), { minLength: 0, maxLength: 3 }),
                toRound3,
                burst,
              )
              .map(([votes1, steps1, second, move, votes2, steps2, third, steps3, move3, votes3]) => [
                ...votes1,
                ...steps1.flat(),
                ...(s.twoRounds && second ? [...move, ...votes2] : []),
                ...(s.rolePlay && second && third ? [...steps3.flat(), ...move3, ...votes3] : []),
                ...steps2.flat(),
              ]),
            ends: fc.nat({ max: 3 }).map((n) => n > 0),
          });
        });
      })
      .map(({ ends, ...s }) => {
        // Each round's votes leave room for the next rounds': before the first move, at most
        // MAX_LIVE_SLOTS − 2 (two rounds) or k (three); before the second, k + 2. A fresh vote
        // once everyone has had one in the round is dropped (re-votes come from the votes by a
        // random participant).
        const caps = s.rolePlay ? [s.k, s.k + 2] : [MAX_LIVE_SLOTS - 2];
        const moves = s.actions.filter((a) => a.kind === "control" && "freshFrom" in a).length;
        let movesSeen = 0;
        let slots = 0;
        let fresh = -1;
        const actions = s.actions.flatMap((a): LiveAction[] => {
          if (a.kind === "control" && "freshFrom" in a) {
            fresh = Math.min(Number(a.freshFrom), s.hidden.length) - 1;
            movesSeen += 1;
            return [{ kind: "control", intent: a.intent }];
          }
          if (a.kind !== "hidden-vote") return [a];
          if (a.person === -1 && fresh >= s.hidden.length - 1) return [];
          if (slots >= (movesSeen < moves ? (caps[movesSeen] ?? MAX_LIVE_SLOTS) : MAX_LIVE_SLOTS)) return [];
          slots += 1;
          return [a.person === -1 ? { ...a, person: (fresh += 1) } : a];
        });
        const reads = (["snapshots", "debrief", "csv"] as const).map((what): LiveAction => ({ kind: "read", what }));
        return { ...s, actions: [...actions, ...reads, ...(ends ? [{ kind: "control", intent: "end" } as LiveAction, ...reads] : [])] };
      })
      .chain((s) => fc.array(fc.nat({ max: 3 }), { minLength: countLiveSlots(s.actions), maxLength: countLiveSlots(s.actions) }).map((truth) => ({ ...s, truth })))
      // Plain objects, so a counterexample prints as plain JSON.
      .map((s) => JSON.parse(JSON.stringify(s)) as LiveScenario)
  );
}

export function countLiveSlots(actions: LiveAction[]): number {
  return actions.filter((a) => a.kind === "hidden-vote" && a.refused === undefined).length;
}

/**
 * The scenario with every hidden vote the app refused (voting closed, participant removed,
 * workshop ended) turned into a fixed value: a refused vote is stored nowhere, so it is no
 * secret, and leaving it a slot would multiply the worlds by 4 for nothing.
 */
export function withoutRefusedVotes(s: LiveScenario, outcomes: LiveOutcome[]): LiveScenario {
  let slot = 0;
  const truth: number[] = [];
  const actions = s.actions.map((a, i): LiveAction => {
    if (a.kind !== "hidden-vote" || a.refused !== undefined) return a;
    const value = s.truth[slot++]!;
    if (outcomes[i]!.accepted) {
      truth.push(value);
      return a;
    }
    return { ...a, refused: value };
  });
  return { ...s, actions, truth };
}

export function describeLiveSlot(s: LiveScenario, slot: number): string {
  let seen = 0;
  for (const [i, a] of s.actions.entries()) {
    if (a.kind !== "hidden-vote" || a.refused !== undefined) continue;
    if (seen === slot) return `hidden participant P${a.person + 1}'s vote (step ${i + 1})`;
    seen += 1;
  }
  return `slot ${slot}`;
}

export function describeLiveScenario(s: LiveScenario): string {
  const lines = [
    `k = ${s.k}; ${s.rolePlay ? "role-play with the swap (three rounds; roles assigned once all have joined)" : s.twoRounds ? "two rounds" : "one round"}, results ${s.resultsMode}; hidden participants: ${s.hidden.map((st, i) => `P${i + 1} (${st ?? "no standing"})`).join(", ")}; attacker's phones: ${s.sybils.map((st, i) => `S${i + 1} (${st ?? "no standing"})`).join(", ") || "none"}. All join; the facilitator (the attacker) moves to round 1's vote.`,
  ];
  let slot = 0;
  for (const [i, a] of s.actions.entries()) {
    const step = `${i + 1}.`;
    if (a.kind === "hidden-vote" && a.refused !== undefined) lines.push(`${step} P${a.person + 1} tries to vote (refused by the app: no slot)`);
    else if (a.kind === "hidden-vote") lines.push(`${step} P${a.person + 1} votes [slot ${slot}: truly ${describeVote(s.truth[slot++]!)}]`);
    else if (a.kind === "sybil-vote") lines.push(`${step} S${a.phone + 1} votes ${describeVote(a.value)}`);
    else if (a.kind === "control") lines.push(`${step} facilitator: ${a.intent}`);
    else if (a.kind === "reset") lines.push(`${step} facilitator resets round ${a.round}`);
    else if (a.kind === "remove") lines.push(`${step} facilitator removes ${a.who === "hidden" ? "P" : "S"}${a.index + 1}`);
    else lines.push(`${step} facilitator reads ${a.what === "snapshots" ? "the control, projector and phone snapshots" : a.what === "debrief" ? "debrief.md" : "positions.csv"}`);
  }
  return lines.join("\n");
}

/** What happened to each action in the app (the same in every world: no action depends on a hidden value). */
export interface LiveOutcome {
  accepted: boolean;
  /** The round a vote was stored in. */
  round?: Round;
}

/**
 * What the live-room policy (ADR 009, the lead's live-room rules) lets the facilitator see,
 * written independently of the app. Counted voters of a round: those with a vote in it, minus
 * withdrawn participants. At each removal, every removed participant not yet withdrawn is
 * withdrawn, all together and for good, when each count they are part of (each round's cells,
 * the round answered in full, the shift) loses none or ≥ k of them; otherwise none is. A
 * (round, perspective) cell is released when it has ≥ k counted voters, and then shows the
 * multiset of their values (live: at every read); the room gap then follows from the released
 * cells. The shift of a perspective is released when ≥ k people are counted in both rounds and
 * those counted in only one round number 0 or ≥ k each (moved / more right / more wrong /
 * changed option counts).
 *
 * Breakdowns by standing are released once, when the workshop has ended (before that, nothing
 * by standing). They use the one workshop grouping: the standings declared on joining of people
 * with a counted vote, merged by mergeSmallGroups, and merged further until every shown group
 * holds 0 or ≥ k counted voters in every released cell (a thin standing is merged; a thin merged
 * group takes in the smallest shown standing). debrief.md adds, per released cell, the multiset
 * of each shown group's values. positions.csv is, per released round, the multiset of counted
 * voters' records of that round (both perspectives' values, and once ended their group): one
 * round's records are never linked to another's.
 *
 * A role-play room with the swap (ADR 032) has a third round (after the swap) under the same
 * rules: its cells are released at k counted voters, its records are positions.csv rows of their
 * own, its cells count in the one grouping, and the shift stays round 1 → round 2. Withdrawal
 * keys a person's counts by round number; the shift's count is the people in both rounds 1 and 2
 * (ADR 009: every count loses none or at least k). Keying the shift for everyone in two rounds or
 * more, as ADR 032 first had it, is not a stricter rule: "none or at least k" is no monotone test,
 * and a batch whose true shift loss is one person could reach k there (reproductions.test.ts, 18).
 * Its phase table ("Did the empathy gap move?") shows, per perspective and for the gap,
 * each round's released figure (the mean judgement of a released cell; the room gap, each
 * person's employee minus employer judgement averaged, when k people answered both), and a change
 * only between two released phases: a function of the released cells, written out to say so.
 */
export function liveReference(s: LiveScenario, outcomes: LiveOutcome[], world: number[]): string {
  const votes = new Map<number, Map<string, number>>([
    [1, new Map()],
    [2, new Map()],
    [3, new Map()],
  ]);
  const joined = new Map<string, Standing | null>([...s.hidden.map((st, i) => [`P${i}`, st] as const), ...s.sybils.map((st, i) => [`S${i}`, st] as const)]);
  const removed = new Set<string>();
  const withdrawnForGood = new Set<string>();
  const rounds = s.rolePlay ? [1, 2, 3] : s.twoRounds ? [1, 2] : [1];
  const out: string[] = [];
  let slot = 0;
  let ended = false;

  const withdrawn = () => withdrawnForGood;
  /** After a removal: the pending removed people leave together, if every count loses 0 or ≥ k of them. */
  const withdrawIfSafe = () => {
    const pending = [...removed].filter((pid) => !withdrawnForGood.has(pid));
    const losses = new Map<string, number>();
    for (const pid of pending) {
      const inRounds = rounds.filter((round) => votes.get(round)!.has(pid));
      // A phone answers every perspective at once: its cells and its round move together, and
      // its shift when it voted in both rounds 1 and 2 (round 3, after the swap, is in no shift).
      const counts = [...inRounds.map((round) => `round ${round}`), ...(inRounds.includes(1) && inRounds.includes(2) ? ["shift"] : [])];
      for (const key of counts) losses.set(key, (losses.get(key) ?? 0) + 1);
    }
    if ([...losses.values()].every((lost) => lost >= s.k)) for (const pid of pending) withdrawnForGood.add(pid);
  };
  const counted = (round: number) => {
    const out = withdrawn();
    return [...votes.get(round)!].filter(([pid]) => !out.has(pid));
  };
  // Every phone votes both perspectives at once, so a round's two cells have the same voters.
  const releasedRounds = () => rounds.filter((round) => counted(round).length >= s.k);
  const cells = () =>
    releasedRounds().flatMap((round) =>
      PERSPECTIVES.map((_, p) => ({
        round,
        p,
        values: counted(round)
          .map(([, v]) => (v >> p) & 1)
          .sort(),
      })),
    );
  const shift = () => {
    if (!s.twoRounds) return null;
    const second = new Map(counted(2));
    const both = counted(1).filter(([pid]) => second.has(pid));
    const first = new Map(counted(1));
    const onlyOne = counted(1).filter(([pid]) => !second.has(pid)).length;
    const onlyTwo = counted(2).filter(([pid]) => !first.has(pid)).length;
    const noneOrK = (n: number) => n === 0 || n >= s.k;
    if (both.length < s.k || !noneOrK(onlyOne) || !noneOrK(onlyTwo)) return "not shown";
    return PERSPECTIVES.map((_, p) => {
      const pairs = both.map(([pid, v]) => [(v >> p) & 1, (second.get(pid)! >> p) & 1] as const);
      return [pairs.filter(([a, b]) => a !== b).length, pairs.filter(([a, b]) => b > a).length, pairs.filter(([a, b]) => b < a).length];
    });
  };
  /** The phase table of a role-play room with the swap: per figure, each round's released value, and the changes 1 → 2, 2 → 3, 1 → 3. */
  const phases = () => {
    if (!s.rolePlay) return null;
    const judgement = (v: number, p: number) => ((v >> p) & 1 ? 2 : -2);
    const released = new Set(releasedRounds());
    const figure = (of: (v: number) => number) => {
      const values = rounds.map((round) => (released.has(round) ? counted(round).reduce((sum, [, v]) => sum + of(v), 0) / counted(round).length : null));
      const change = (a: number, b: number) => (values[a] !== null && values[b] !== null ? values[b]! - values[a]! : null);
      return { values, people: rounds.map((round) => (released.has(round) ? counted(round).length : null)), changes: [change(0, 1), change(1, 2), change(0, 2)] };
    };
    return [...PERSPECTIVES.map((_, p) => figure((v) => judgement(v, p))), figure((v) => judgement(v, 0) - judgement(v, 1))];
  };
  /** The workshop grouping: who is counted in which shown group ("not shown" when suppressed). */
  const grouping = () => {
    const standingOf = (pid: string) => joined.get(pid) ?? "undeclared";
    const out = withdrawn();
    const people = [...joined.keys()].filter((pid) => !out.has(pid) && rounds.some((r) => votes.get(r)!.has(pid)));
    const sizes = new Map<string, number>();
    for (const pid of people) sizes.set(standingOf(pid), (sizes.get(standingOf(pid)) ?? 0) + 1);
    const inCell = (members: string[], round: number) => counted(round).filter(([pid]) => members.includes(standingOf(pid))).length;
    const isThin = (members: string[]) => releasedRounds().some((round) => inCell(members, round) > 0 && inCell(members, round) < s.k);
    const alone = (g: { key: string; members: string[] }) => g.members.length === 1 && g.key === g.members[0];
    const merged = new Set<string>();
    let breakdown = mergeSmallGroups(
      [...sizes].map(([key, count]) => ({ key, count })),
      s.k,
      merged,
    );
    for (;;) {
      const thin = breakdown.shown.filter((g) => isThin(g.members));
      if (thin.length === 0) break;
      // A thin standing shown alone is merged; when only the merged group is thin, the smallest standing shown alone joins it.
      const thinAlone = thin.filter(alone);
      for (const g of thinAlone.length > 0 ? thinAlone : [breakdown.shown.filter(alone).at(-1)!]) merged.add(g.key);
      breakdown = mergeSmallGroups(
        [...sizes].map(([key, count]) => ({ key, count })),
        s.k,
        merged,
      );
    }
    const shown = breakdown;
    return (pid: string) => (shown.suppressed ? "not shown" : (shown.shown.find((g) => g.members.includes(standingOf(pid)))?.key ?? "?"));
  };

  for (const [i, a] of s.actions.entries()) {
    const outcome = outcomes[i]!;
    if (a.kind === "hidden-vote" || a.kind === "sybil-vote") {
      const value = a.kind === "sybil-vote" ? a.value : (a.refused ?? world[slot++]!);
      const pid = a.kind === "hidden-vote" ? `P${a.person}` : `S${a.phone}`;
      if (outcome.accepted) votes.get(outcome.round!)!.set(pid, value);
    } else if (a.kind === "reset" && outcome.accepted) votes.get(a.round)!.clear();
    else if (a.kind === "control" && a.intent === "end" && outcome.accepted) ended = true;
    else if (a.kind === "remove" && outcome.accepted) {
      const pid = `${a.who === "hidden" ? "P" : "S"}${a.index}`;
      removed.add(pid);
      withdrawIfSafe();
    } else if (a.kind === "read") {
      if (a.what === "snapshots") out.push(JSON.stringify({ cells: cells(), shift: shift(), phases: phases() }));
      else if (a.what === "debrief") {
        const groupOf = grouping();
        const byGroup = ended
          ? cells().map((cell) => {
              const voters = counted(cell.round);
              const groups = [...new Set(voters.map(([pid]) => groupOf(pid)))].sort();
              return groups.map((g) => [
                g,
                voters
                  .filter(([pid]) => groupOf(pid) === g)
                  .map(([, v]) => (v >> cell.p) & 1)
                  .sort(),
              ]);
            })
          : "shown when the workshop has ended";
        out.push(JSON.stringify({ cells: cells(), shift: shift(), phases: phases(), byGroup }));
      } else {
        const groupOf = grouping();
        const records = releasedRounds().map((round) =>
          counted(round)
            .map(([pid, v]) => `${ended ? groupOf(pid) : "-"}:${PERSPECTIVES.map((name, p) => `${name}=${(v >> p) & 1}`).join(",")}`)
            .sort(),
        );
        out.push(JSON.stringify(records));
      }
    }
  }
  return out.join("\n");
}

const listRoute = () => import("../../app/routes/workshops._index");
const panelRoute = () => import("../../app/routes/workshops.$id");
const joinRoute = () => import("../../app/routes/join.($code)");
const phoneRoute = () => import("../../app/routes/w.$code");
const debriefRoute = () => import("../../app/routes/workshops.$id_.debrief[.]md");
const csvRoute = () => import("../../app/routes/workshops.$id_.positions[.]csv");
const live = () => import("../../app/workshops/live-state.server");

/** positions.csv with its shuffled respondent numbers replaced by a canonical order of whole records. */
function canonicalCsv(text: string): unknown {
  const [header, ...rows] = parseCsv(text);
  const byRespondent = new Map<string, string[]>();
  for (const row of rows) byRespondent.set(row[0]!, [...(byRespondent.get(row[0]!) ?? []), row.slice(1).join("|")]);
  return { header, respondents: [...byRespondent.values()].map((r) => r.sort().join(" / ")).sort() };
}

/** Plays the scenario in `world` through the real routes; `outcomes` gets what each action did. */
export async function replayLive(app: AttackApp, s: LiveScenario, world: number[], expected?: Replay, outcomes: LiveOutcome[] = []): Promise<Replay> {
  const [list, panel, join, phone, debrief, csv, { loadWorkshopStates }] = await Promise.all([listRoute(), panelRoute(), joinRoute(), phoneRoute(), debriefRoute(), csvRoute(), live()]);
  await app.fresh(s.k);
  const slug = s.rolePlay ? ROLE_PLAY_SLUG : SLUG;
  const facilitator = await app.person("facilitator", null, "Facilitator");
  const created = (await settle(() =>
    list.action({
      request: app.post(
        "/workshops",
        {
          caseSlug: slug,
          title: "Attacked room",
          perspectives: "employee",
          ...(s.twoRounds ? { twoRounds: "on" } : {}),
          ...(s.rolePlay ? { rolePlay: "on" } : {}),
          resultsMode: s.resultsMode,
          askStanding: "on",
        },
        facilitator.cookie,
      ),
      params: {},
      context: {},
    }),
  )) as Response;
  if (created.status !== 302) throw new Error(`The workshop was not created: ${created.status} ${await created.text()}`);
  const id = Number(created.headers.get("Location")!.split("/").pop());
  // The form's checkboxes send "perspectives" twice; URLSearchParams in a test keeps one, so add the employer here.
  await app
    .db()
    .updateTable("workshops")
    .set({ perspectives: JSON.stringify(PERSPECTIVES) })
    .where("id", "=", id)
    .execute();
  const { code } = await app.db().selectFrom("workshops").select("code").where("id", "=", id).executeTakeFirstOrThrow();
  const params = { id: String(id) };

  const phones: { cookie: string; ip: string; participantId: number }[] = [];
  const people: (Standing | null)[] = [...s.hidden, ...s.sybils];
  for (const [i, st] of people.entries()) {
    const ip = `198.51.100.${i + 10}`;
    const name = i < s.hidden.length ? `P${i + 1}` : `S${i - s.hidden.length + 1}`;
    const response = (await settle(() => join.action({ request: app.post("/join", { code, displayName: name, standing: st ?? "" }), params: {}, context: { clientIp: ip } }))) as Response;
    if (response.status !== 302) throw new Error(`${name} could not join: ${response.status} ${await response.text()}`);
    const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
    const row = await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", id).where("display_name", "=", name).executeTakeFirstOrThrow();
    phones.push({ cookie, ip, participantId: row.id });
  }
  const control = async (fields: Record<string, string>) => {
    const response = (await settle(() => panel.action({ request: app.post(`/workshops/${id}`, fields, facilitator.cookie), params, context: {} }))) as Response;
    return { status: response.status, body: await response.json() };
  };
  // A role-play room's people get their roles once all have joined (ADR 028); the swap passes them on.
  if (s.rolePlay) {
    // With its form's idempotency key, as the control panel sends it.
    const assigned = await control({ intent: "assign-roles", idempotencyKey: "attack-assign-roles-abcdefghijklmnop" });
    if (assigned.status !== 200) throw new Error(`Roles were not assigned: ${assigned.status} ${JSON.stringify(assigned.body)}`);
  }
  // Lobby, the case's stages, then round 1's vote (voting opens with it).
  const { findWorkshop } = await import("../../app/models/workshops.server");
  while ((await findWorkshop(app.db(), id))!.state.stage !== "vote-1") {
    const moved = await control({ intent: "next" });
    if (moved.status !== 200) throw new Error(`Could not move to round 1's vote: ${moved.status} ${JSON.stringify(moved.body)}`);
  }

  let slot = 0;
  const recorder = replayRecorder(expected, () => slot);
  const replay = recorder.replay;
  const read = (value: unknown): boolean => recorder.read(canonical(value, [[code, "<code>"]]));
  // A phone sends each option by its stable id (ADR 017).
  const { findCaseBySlug } = await import("../../app/models/cases.server");
  const shown = (await findCaseBySlug(app.db(), slug))!;
  const optionId = (p: number, option: number) => shown.doc.perspectives.find((q) => q.key === PERSPECTIVES[p])!.options[option]!.id;
  const vote = async (who: number, value: number) => {
    const fields: Record<string, string> = { intent: "vote" };
    for (const [p, answer] of voteOf(value).entries()) {
      fields[`option-${PERSPECTIVES[p]}`] = optionId(p, answer.option);
      fields[`judgement-${PERSPECTIVES[p]}`] = String(answer.judgement);
    }
    const response = (await settle(() => phone.action({ request: app.post(`/w/${code}`, fields, phones[who]!.cookie), params: { code }, context: { clientIp: phones[who]!.ip } }))) as Response;
    const body = (await response.json()) as { myVotes?: { round: number }[] };
    return { status: response.status, body, round: body.myVotes?.[0]?.round as Round | undefined };
  };

  for (const [i, a] of s.actions.entries()) {
    let ok = true;
    if (a.kind === "hidden-vote") {
      const result = await vote(a.person, a.refused ?? world[slot++]!);
      outcomes[i] = { accepted: result.status === 200, round: result.round };
    } else if (a.kind === "sybil-vote") {
      const result = await vote(s.hidden.length + a.phone, a.value);
      outcomes[i] = { accepted: result.status === 200, round: result.round };
      ok = read(result);
    } else if (a.kind === "control" || a.kind === "reset" || a.kind === "remove") {
      const fields: Record<string, string> =
        a.kind === "control"
          ? { intent: a.intent, confirm: "yes" }
          : a.kind === "reset"
            ? { intent: "reset-round", round: String(a.round), confirm: "yes" }
            : { intent: "remove-participant", participantId: String(phones[a.who === "hidden" ? a.index : s.hidden.length + a.index]!.participantId) };
      const result = await control(fields);
      outcomes[i] = { accepted: result.status === 200 };
      ok = read(result);
    } else {
      outcomes[i] = { accepted: true };
      const request = app.get(`/workshops/${id}`, facilitator.cookie);
      if (a.what === "snapshots") ok = read(await loadWorkshopStates(id));
      else if (a.what === "debrief") ok = read(await ((await debrief.loader({ request, params, context: {} })) as Response).text());
      else ok = read(canonicalCsv(await ((await csv.loader({ request, params, context: {} })) as Response).text()));
    }
    if (!ok) return replay;
  }
  return replay;
}

export type { Account };
