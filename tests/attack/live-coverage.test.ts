/**
 * The live adversary plays the rounds it means to play. A generated scenario whose votes the app
 * refuses still passes the differential check (a refused vote is stored nowhere, so it is no
 * slot): when ADR 034 put new stages before round 2, the suite's role-play rooms stopped at the
 * steelman step and passed for weeks without playing rounds 2 and 3. This replays a fixed sample
 * of generated scenarios in their true world and counts, per round, the scenarios in which the
 * app stored at least one hidden participant's vote; each share must stay near what the
 * generator is weighted for (liveScenarios' docstring: most rooms reach k voters, most two-round
 * workshops reach round 2, and most role-play rooms that do go on to round 3).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { startAttackApp } from "./harness";
import { liveScenarios, replayLive, type LiveOutcome, type LiveScenario, type Round } from "./live";

const app = await startAttackApp();
afterAll(() => app.cleanup());

const SAMPLE = fc.sample(liveScenarios(), { seed: 20261130, numRuns: 40 });

/** The rounds in which the app stored at least one hidden participant's vote, in the true world. */
async function roundsPlayed(s: LiveScenario): Promise<Set<Round>> {
  const outcomes: LiveOutcome[] = [];
  await replayLive(app, s, s.truth, undefined, outcomes);
  const rounds = new Set<Round>();
  s.actions.forEach((a, i) => {
    const outcome = outcomes[i];
    if (a.kind === "hidden-vote" && outcome?.accepted && outcome.round) rounds.add(outcome.round);
  });
  return rounds;
}

describe("the live adversary's generated rooms", () => {
  it("store hidden votes in every round they are built to reach", async () => {
    const played: { s: LiveScenario; rounds: Set<Round> }[] = [];
    for (const s of SAMPLE) played.push({ s, rounds: await roundsPlayed(s) });
    const share = (of: typeof played, round: Round) => of.filter((p) => p.rounds.has(round)).length / of.length;
    const plain = played.filter((p) => p.s.twoRounds && !p.s.rolePlay);
    const rolePlay = played.filter((p) => p.s.rolePlay);
    const summary = JSON.stringify({
      rooms: played.length,
      plainTwoRound: plain.length,
      rolePlay: rolePlay.length,
      round1: share(played, 1),
      plainRound2: share(plain, 2),
      rolePlayRound2: share(rolePlay, 2),
      rolePlayRound3: share(rolePlay, 3),
    });
    // Enough rooms of each kind in the sample for the shares to mean something.
    expect(plain.length, summary).toBeGreaterThanOrEqual(8);
    expect(rolePlay.length, summary).toBeGreaterThanOrEqual(8);
    // Thresholds well under the shares the generator gives today, well over what a room stuck
    // before a stage gives (0 for every round past it).
    expect(share(played, 1), summary).toBeGreaterThan(0.8);
    expect(share(plain, 2), summary).toBeGreaterThan(0.4);
    expect(share(rolePlay, 2), summary).toBeGreaterThan(0.4);
    expect(share(rolePlay, 3), summary).toBeGreaterThan(0.25);
    console.log(summary);
  }, 300_000);
});
