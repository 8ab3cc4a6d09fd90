/**
 * How long planning an online release takes as a case's release history grows (ADR 009:
 * `planRelease`, with every release tested together by `exposedBySeveralReleases`). Pure domain
 * code on a synthetic history: batches of newcomers of six standings of uneven size, released
 * as the plan allows, one release after another (newcomers a plan leaves waiting are not offered
 * again, so each checkpoint's history is the same from run to run).
 */
import { planRelease, type PendingPerson, type ReleasedGrouping } from "../../app/domain/disclosure";
import type { HeldRecord } from "../../app/domain/release-equations";

export interface ReleasePlanTiming {
  releases: number;
  people: number;
  /** Time of each plan made at this history length (the same plan, `repeats` times), in ms. */
  samplesMs: number[];
}

const PERSPECTIVES = ["employee", "employer"];
const STANDINGS = ["frontline", "manager", "hr", "other", "exec", "undeclared"];

/**
 * Plans releases of `batch` newcomers each until the history holds the largest of `checkpoints`;
 * at each checkpoint, times the next plan `repeats` times.
 *
 * @returns one timing per checkpoint
 */
export function benchReleasePlan(checkpoints: readonly number[], batch = 20, k = 5, repeats = 3): ReleasePlanTiming[] {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let id = 0;
  const newcomers = (): PendingPerson[] =>
    Array.from({ length: batch }, () => ({ id: ++id, standing: STANDINGS[Math.floor(random() ** 2 * STANDINGS.length)]!, released: false, wrote: PERSPECTIVES, reanswered: [] }));
  const records: HeldRecord[] = [];
  const history: ReleasedGrouping[] = [];
  const released: Record<string, number> = {};
  const timings: ReleasePlanTiming[] = [];
  const last = Math.max(...checkpoints);
  for (;;) {
    const pending = newcomers();
    const input = { perspectives: PERSPECTIVES, gap: true, history, records, jointFrom: 0, pending, k };
    if (checkpoints.includes(history.length)) {
      const times: number[] = [];
      for (let i = 0; i < repeats; i += 1) {
        const start = performance.now();
        planRelease(input);
        times.push(performance.now() - start);
      }
      timings.push({ releases: history.length, people: Object.values(released).reduce((a, b) => a + b, 0), samplesMs: times });
      if (history.length === last) return timings;
    }
    const plan = planRelease(input);
    if (!plan) continue;
    const taken = new Set(plan.people);
    for (const person of pending) {
      if (!taken.has(person.id)) continue;
      released[person.standing] = (released[person.standing] ?? 0) + 1;
      for (const perspective of PERSPECTIVES) records.push({ person: person.id, perspective, standing: person.standing, version: 1, reanswer: false, from: history.length, until: null });
    }
    history.push({ breakdown: plan.grouping, released: { ...released }, changed: [...new Set(pending.filter((p) => taken.has(p.id)).map((p) => p.standing))], known: plan.known });
  }
}
