/**
 * One scenario, checked: the online or live scenario replayed through the app for the worlds the
 * differential check asks for, and a readable failure (method: attacker.test.ts).
 */
import { differentialCheck, type DifferentialResult } from "./differential";
import type { AttackApp } from "./harness";
import { countLiveSlots, describeLiveScenario, describeLiveSlot, describeVote, liveReference, replayLive, withoutRefusedVotes, type LiveOutcome, type LiveScenario } from "./live";
import { countSlots, describeAnswer, describeOnlineScenario, describeOnlineSlot, onlineReference, replayOnline, type OnlineScenario } from "./online";

/** Throws a readable account of the attack when the app revealed more than the policy. */
export function expectNoViolation(result: DifferentialResult, script: string, slot: (t: number) => string, value: (v: number) => string): void {
  if (process.env.ATTACK_VERBOSE) console.log(`${result.worlds} worlds, ${result.referenceConsistent} policy-consistent, ${result.replays} replays, ${result.violations.length} violations`);
  if (result.violations.length === 0) return;
  // The first three are enough to read the attack; the rest usually repeat it for other slots.
  const found = result.violations
    .slice(0, 3)
    .map((v) =>
      v.kind === "joint"
        ? `The app tells apart two worlds the policy's releases cannot (every answer still has all its values open, but jointly they are narrowed).\n${v.evidence}`
        : v.kind === "proven"
          ? `${slot(v.slot)} is truly ${value(v.truth)}; the policy leaves ${v.missing.map(value).join(" and ")} open, but the app's transcript rules ${v.missing.length > 1 ? "them" : "it"} out.\n${v.evidence}`
          : `The app tells apart worlds the policy's releases cannot; within the replay budget no world with ${slot(v.slot)} = ${v.missing.map(value).join(" or ")} (truly ${value(v.truth)}) gave the true world's transcript.\n${v.evidence}`,
    );
  throw new Error(
    `The app reveals more than the policy (${result.worlds} worlds, ${result.referenceConsistent} consistent with the policy's releases, ${result.replays} replays):\n${found.join("\n")}${result.violations.length > 3 ? `\n(and ${result.violations.length - 3} more slots)` : ""}\nScenario:\n${script}`,
  );
}

export async function checkOnline(app: AttackApp, s: OnlineScenario): Promise<DifferentialResult> {
  return differentialCheck({
    slots: countSlots(s.actions),
    alphabet: 4,
    truth: s.truth,
    reference: (world) => onlineReference(s, world),
    replay: (world, expected) => replayOnline(app, s, world, expected),
    describeSlot: (t) => describeOnlineSlot(s, t),
    describeValue: describeAnswer,
  });
}

/** Checks an online scenario and throws the attack it finds, if any. */
export async function assertOnlineHolds(app: AttackApp, s: OnlineScenario): Promise<void> {
  expectNoViolation(await checkOnline(app, s), describeOnlineScenario(s), (t) => describeOnlineSlot(s, t), describeAnswer);
}

export async function checkLive(app: AttackApp, generated: LiveScenario): Promise<{ s: LiveScenario; result: DifferentialResult }> {
  // The true world first: what each action did (votes stored, in which round; removals and
  // resets done) is the same in every world and tells the reference model what happened.
  const outcomes: LiveOutcome[] = [];
  const truthReplay = await replayLive(app, generated, generated.truth, undefined, outcomes);
  const s = withoutRefusedVotes(generated, outcomes);
  const result = await differentialCheck({
    slots: countLiveSlots(s.actions),
    alphabet: 4,
    truth: s.truth,
    truthReplay,
    reference: (world) => liveReference(s, outcomes, world),
    replay: (world, expected) => replayLive(app, s, world, expected),
    describeSlot: (t) => describeLiveSlot(s, t),
    describeValue: describeVote,
  });
  return { s, result };
}

/** Checks a live scenario and throws the attack it finds, if any. */
export async function assertLiveHolds(app: AttackApp, generated: LiveScenario): Promise<void> {
  const { s, result } = await checkLive(app, generated);
  expectNoViolation(result, describeLiveScenario(s), (t) => describeLiveSlot(s, t), describeVote);
}
