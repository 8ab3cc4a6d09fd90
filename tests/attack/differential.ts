/**
 * The exact differential check of the attacker suite (method: see attacker.test.ts). Generic over
 * the scenario: a secret is a list of slots, each taking one of `alphabet` values; a reference
 * transcript is pure and cheap; an app replay is real and dear, so it is asked for as few worlds
 * as possible.
 */

/** What the real app showed the attacker in one world, entry by entry. */
export interface Replay {
  entries: string[];
  /** How many slots had been written before each entry was read (the same in every world). */
  slotsBefore: number[];
  /** Set when the replay was compared with an expected one and stopped at the first difference. */
  mismatch?: { index: number; got: string };
}

/**
 * Records one replay as the attacker reads it: each entry with how many slots had been written
 * before it (`slotsWritten()` at the time). With `expected`, `read` returns false at the first
 * entry that differs from it (and marks the mismatch), so the replay can stop there.
 */
export function replayRecorder(expected: Replay | undefined, slotsWritten: () => number): { replay: Replay; read(entry: string): boolean } {
  const replay: Replay = { entries: [], slotsBefore: [] };
  return {
    replay,
    read(entry) {
      const index = replay.entries.length;
      replay.entries.push(entry);
      replay.slotsBefore.push(slotsWritten());
      if (expected && expected.entries[index] !== entry) {
        replay.mismatch = { index, got: entry };
        return false;
      }
      return true;
    },
  };
}

export interface DifferentialInput {
  slots: number;
  alphabet: number;
  truth: number[];
  /** The policy's transcript of a world: everything the policy lets the attacker see. */
  reference(world: number[]): string;
  /** The app's transcript of a world; with `expected`, it may stop at the first entry that differs. */
  replay(world: number[], expected?: Replay): Promise<Replay>;
  describeSlot(slot: number): string;
  describeValue(value: number): string;
  /** The true world's replay when the caller already made one (it needed the outcomes). */
  truthReplay?: Replay;
}

/**
 * - "proven": every world the policy allows with the missing value was replayed or ruled out,
 *   and none gives the app transcript of the true world: the app narrows this answer.
 * - "unresolved": the same, but the replay budget ran out before every world was tried; the app
 *   did tell apart worlds the policy cannot, so it reveals more than the policy either way.
 * - "joint": every answer kept all its values, but two worlds the policy cannot tell apart gave
 *   different app transcripts: the app releases something the policy does not (information
 *   about answers jointly), which a larger or luckier scenario turns into a narrowed answer.
 */
export type Violation = { kind: "proven" | "unresolved"; slot: number; truth: number; missing: number[]; evidence: string } | { kind: "joint"; evidence: string };

export interface DifferentialResult {
  worlds: number;
  /** Worlds the reference transcript cannot tell from the true one. */
  referenceConsistent: number;
  replays: number;
  violations: Violation[];
}

function decode(index: number, slots: number, alphabet: number): number[] {
  const world: number[] = [];
  for (let t = 0; t < slots; t += 1) {
    world.push(index % alphabet);
    index = Math.floor(index / alphabet);
  }
  return world;
}

/**
 * For every slot t, every value the reference leaves open (over the worlds whose reference
 * transcript equals the true one) must also be left open by the app: some such world must give
 * the same app transcript as the true world. Enumerates all worlds for the reference, then
 * replays greedily chosen worlds through the app until each open value has a witness; a world
 * whose replay differed at entry i rules out every world that agrees with it on the slots written
 * before entry i (the app could not have read the others yet). Stops at the first proven
 * violation, so a failing scenario stays cheap enough to shrink.
 */
/** Failed replays (worlds the policy cannot tell apart but the app can) before giving up on a proof. */
const FAILED_REPLAY_BUDGET = 40;
/** Extra worlds replayed once every value has a witness, looking for joint information. */
const EXTRA_SAMPLES = 2;

export async function differentialCheck(input: DifferentialInput): Promise<DifferentialResult> {
  const { slots, alphabet, truth } = input;
  const total = alphabet ** slots;
  const wanted = input.reference(truth);
  const consistent: number[][] = [];
  for (let index = 0; index < total; index += 1) {
    const world = decode(index, slots, alphabet);
    if (input.reference(world) === wanted) consistent.push(world);
  }
  const need: Set<number>[] = Array.from({ length: slots }, () => new Set<number>());
  for (const world of consistent) for (let t = 0; t < slots; t += 1) if (world[t] !== truth[t]) need[t]!.add(world[t]!);

  const expected = input.truthReplay ?? (await input.replay(truth));
  let replays = 1;
  // Before reporting a violation, the true world once more: a transcript holding something random
  // or timed would tell worlds apart that the app does not. (Only then: a passing check needs no
  // second replay, and the suite's budget is replays.)
  const deterministic = async () => {
    const again = await input.replay(truth, expected);
    replays += 1;
    if (again.mismatch) {
      throw new Error(
        `Two replays of the same world differ at entry ${again.mismatch.index}, so the transcript holds something random or timed:\n${entryDiff(expected.entries[again.mismatch.index]!, again.mismatch.got)}`,
      );
    }
  };

  const failures: Failure[] = [];
  const ruledOut = (world: number[]) => failures.some((f) => f.world.slice(0, f.length).every((value, t) => world[t] === value));
  const tried = new Set<number[]>();
  const remaining = () => need.reduce((sum, values) => sum + values.size, 0);

  while (remaining() > 0) {
    let best: number[] | null = null;
    let bestScore = 0;
    for (const world of consistent) {
      if (tried.has(world)) continue;
      let score = 0;
      for (let t = 0; t < slots; t += 1) if (need[t]!.has(world[t]!)) score += 1;
      if (score > bestScore && !ruledOut(world)) {
        best = world;
        bestScore = score;
      }
    }
    if (!best || failures.length >= FAILED_REPLAY_BUDGET) break;
    tried.add(best);
    const replay = await input.replay(best, expected);
    replays += 1;
    if (replay.mismatch) {
      failures.push({ world: best, length: expected.slotsBefore[replay.mismatch.index]!, index: replay.mismatch.index, got: replay.mismatch.got });
      // A value is proven missing once every consistent world holding it is tried or ruled out.
      const violation = provenMissing(input, consistent, need, tried, ruledOut, failures, expected);
      if (violation) {
        await deterministic();
        return { worlds: total, referenceConsistent: consistent.length, replays, violations: [violation] };
      }
    } else {
      for (let t = 0; t < slots; t += 1) need[t]!.delete(best[t]!);
    }
  }
  const violations: Violation[] = [];
  for (let t = 0; t < slots; t += 1) {
    if (need[t]!.size === 0) continue;
    const violation = violationOf(input, t, [...need[t]!], failures, expected);
    violations.push(violation.kind === "joint" || failures.length < FAILED_REPLAY_BUDGET ? violation : { ...violation, kind: "unresolved" });
  }
  // When every value has a witness: a correct app's transcript is a function of the policy's (it
  // shows aggregates of what the policy releases), so every world the policy cannot tell apart
  // replays alike: a few more of them, chosen at random, must too.
  let seed = truth.reduce((h, v) => (h * 31 + v + 7) >>> 0, 17);
  const untried = consistent.filter((world) => !tried.has(world) && world.some((v, t) => v !== truth[t]));
  for (let sample = 0; sample < EXTRA_SAMPLES && untried.length > 0 && violations.length === 0 && failures.length === 0; sample += 1) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const [world] = untried.splice(seed % untried.length, 1);
    const replay = await input.replay(world!, expected);
    replays += 1;
    if (replay.mismatch) failures.push({ world: world!, length: expected.slotsBefore[replay.mismatch.index]!, index: replay.mismatch.index, got: replay.mismatch.got });
  }
  if (violations.length === 0 && failures.length > 0) {
    const failure = failures[0]!;
    violations.push({ kind: "joint", evidence: describeFailure(input, failure, expected) });
  }
  if (violations.length > 0) await deterministic();
  return { worlds: total, referenceConsistent: consistent.length, replays, violations };
}

function provenMissing(
  input: DifferentialInput,
  consistent: number[][],
  need: Set<number>[],
  tried: Set<number[]>,
  ruledOut: (world: number[]) => boolean,
  failures: Failure[],
  expected: Replay,
): Violation | null {
  for (let t = 0; t < input.slots; t += 1) {
    for (const value of need[t]!) {
      const open = consistent.some((world) => world[t] === value && !tried.has(world) && !ruledOut(world));
      if (!open) return violationOf(input, t, [value], failures, expected);
    }
  }
  return null;
}

type Failure = { world: number[]; length: number; index: number; got: string };

function violationOf(input: DifferentialInput, slot: number, missing: number[], failures: Failure[], expected: Replay): Violation {
  const failure = failures.find((f) => missing.includes(f.world[slot]!)) ?? failures[0];
  const evidence = failure ? describeFailure(input, failure, expected) : "no world the policy allows with that value could be replayed";
  return { kind: "proven", slot, truth: input.truth[slot]!, missing, evidence };
}

function describeFailure(input: DifferentialInput, failure: Failure, expected: Replay): string {
  return [
    `world tried: ${failure.world.map((v, t) => `[${t}] ${input.describeValue(v)}`).join(", ")}`,
    `its read #${failure.index + 1} differs from the true world's (slots written before it: ${failure.length}):`,
    entryDiff(expected.entries[failure.index]!, failure.got),
  ].join("\n");
}

/** The first few leaf paths where two canonical JSON entries differ, "path: true → other". */
export function entryDiff(expected: string, got: string, limit = 8): string {
  const lines: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (lines.length >= limit) return;
    if (a && b && typeof a === "object" && typeof b === "object") {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const key of keys) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`    ${path || "(entry)"}: ${short(a)} (true world) → ${short(b)}`);
  };
  let left: unknown = expected;
  let right: unknown = got;
  try {
    left = JSON.parse(expected);
    right = JSON.parse(got);
  } catch {
    // Not JSON (a CSV or Markdown export): compared line by line below.
  }
  if (typeof left === "string" && typeof right === "string") {
    const a = left.split("\n");
    const b = right.split("\n");
    for (let i = 0; i < Math.max(a.length, b.length) && lines.length < limit; i += 1) {
      if (a[i] !== b[i]) lines.push(`    line ${i + 1}: ${JSON.stringify(a[i] ?? "")} (true world) → ${JSON.stringify(b[i] ?? "")}`);
    }
  } else walk(left, right, "");
  return lines.join("\n");
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
