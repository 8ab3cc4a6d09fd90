/**
 * A large case's release plan is made on the release-plan worker thread, not on the event loop
 * (ADR 042): the same plan as `planRelease` makes in the process, a large case's plans counted as
 * the worker's, and a thread that cannot start costs smoothness, never the release.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { OTHER_GROUP, planRelease, type Breakdown, type PendingPerson, type ReleasePlanInput } from "../../app/domain/disclosure";
import type { HeldRecord } from "../../app/domain/release-equations";
import type { Standing } from "../../db/schema";

const K = 3;
const app = await startApp({ kThreshold: K });
afterAll(() => app.cleanup());
const { currentRelease, LARGE_RELEASE_PEOPLE, plansOnWorkerThread } = await import("../../app/models/result-releases.server");
const { createPlanThreads, planOnWorkerThread, releasePlanWorkerFile } = await import("../../app/models/release-plan-thread.server");
const { findCaseBySlug } = await import("../../app/models/cases.server");
const { metrics } = await import("../../app/platform/metrics.server");
const { forgetSingleton, singleton } = await import("../../app/platform/singleton.server");
const { createLogger } = await import("../../app/platform/log.server");

/** Runs `fn` with the process's log written to a list; returns the events logged, with their levels. */
async function eventsLogged(fn: () => Promise<void>): Promise<{ event: string; level: string }[]> {
  const lines: string[] = [];
  forgetSingleton("log");
  singleton("log", () => createLogger("info", { write: (line: string) => void lines.push(line) }));
  try {
    await fn();
  } finally {
    forgetSingleton("log");
  }
  return lines.map((line) => JSON.parse(line) as { event: string; level: string }).map(({ event, level }) => ({ event, level }));
}

const BOTH = ["employee", "employer"];
const STANDINGS: Standing[] = ["frontline", "manager", "hr", "other"];

function newcomer(id: number, standing: string): PendingPerson {
  return { id, standing, wrote: BOTH, released: false, reanswered: [] };
}

function held(person: number, standing: string, from: number, until: number | null = null): HeldRecord[] {
  return BOTH.map((perspective) => ({ person, perspective, standing, version: 1, reanswer: false, from, until }));
}

/** Plans counted so far, by thread. */
async function plansCounted(): Promise<Record<string, number>> {
  const counted = await metrics().releasePlans.get();
  return Object.fromEntries(counted.values.map((v) => [String(v.labels.thread), v.value]));
}

/**
 * Adds `people` people who answered both perspectives of the case, straight into the tables (as
 * many through the forms would take minutes); returns nothing, the case's next read plans them.
 */
async function crowdInTables(slug: string, people: number, firstEmail: number): Promise<number> {
  const found = (await findCaseBySlug(app.db(), slug))!;
  const now = new Date().toISOString();
  for (let start = 0; start < people; start += 250) {
    const batch = Array.from({ length: Math.min(250, people - start) }, (_, i) => start + i);
    const users = await app
      .db()
      .insertInto("users")
      .values(
        batch.map((i) => ({
          email: `crowd${firstEmail + i}@casebook.test`,
          display_name: `Crowd ${firstEmail + i}`,
          password_hash: "scrypt$test",
          role: "participant" as const,
          standing: STANDINGS[i % STANDINGS.length]!,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning("id")
      .execute();
    const rows = users.flatMap(({ id }, n) =>
      found.doc.perspectives.map((perspective, p) => {
        const option = perspective.options[(batch[n]! + p) % perspective.options.length]!;
        const judgement = ((batch[n]! + p) % 7) - 3;
        return {
          case_id: found.id,
          case_version_id: found.versionId,
          user_id: id,
          perspective: perspective.key,
          option: option.text,
          option_id: option.id,
          judgement,
          legal: "unsure" as const,
          confidence: "medium" as const,
          standing: STANDINGS[batch[n]! % STANDINGS.length]!,
          moved_by_argument_id: null,
          initial_option: option.text,
          initial_option_id: option.id,
          initial_judgement: judgement,
          judgement_change: 0,
          option_changed: 0,
          is_current: 1,
          created_at: now,
        };
      }),
    );
    await app.db().insertInto("positions").values(rows).execute();
  }
  return found.id;
}

describe("release plans on the worker thread", () => {
  it("makes the plan planRelease makes in the process, for a first release, a history and held records", async () => {
    const merged: Breakdown = {
      shown: [
        { key: "frontline", members: ["frontline"], count: 3 },
        { key: OTHER_GROUP, members: ["hr", "manager"], count: 4 },
      ],
      suppressed: false,
    };
    const first: ReleasePlanInput = { perspectives: BOTH, gap: true, history: [], pending: Array.from({ length: 40 }, (_, i) => newcomer(i + 1, STANDINGS[i % 3]!)), k: K };
    const withHistory: ReleasePlanInput = {
      perspectives: BOTH,
      gap: true,
      history: [{ breakdown: merged, released: { frontline: 3, manager: 3, hr: 1 }, changed: ["frontline", "hr", "manager"] }],
      pending: [1, 2, 3].map((i) => newcomer(100 + i, "frontline")),
      k: K,
    };
    const withRecords: ReleasePlanInput = {
      ...withHistory,
      records: [...[1, 2, 3].flatMap((p) => held(p, "frontline", 0)), ...[4, 5, 6].flatMap((p) => held(p, "manager", 0)), ...held(7, "hr", 0)],
      jointFrom: 0,
    };
    for (const input of [first, withHistory, withRecords]) {
      const inProcess = planRelease(input);
      expect(inProcess).not.toBeNull();
      expect(await planOnWorkerThread(input)).toEqual(inProcess);
    }
  });

  it("plans a large case on the worker thread, and a small one on the event loop", async () => {
    expect(plansOnWorkerThread(LARGE_RELEASE_PEOPLE - 1, 10)).toBe(false);
    expect(plansOnWorkerThread(LARGE_RELEASE_PEOPLE, 0)).toBe(true);
    expect(plansOnWorkerThread(0, LARGE_RELEASE_PEOPLE)).toBe(true);

    const before = await plansCounted();
    const small = await crowdInTables("the-lockout", 12, 0);
    expect((await currentRelease(app.db(), small, K))?.people).toBe(12);
    const afterSmall = await plansCounted();
    expect(afterSmall["event-loop"]).toBeGreaterThan(before["event-loop"] ?? 0);
    expect(afterSmall.worker ?? 0).toBe(before.worker ?? 0);

    const large = await crowdInTables("background-check", LARGE_RELEASE_PEOPLE + 40, 1_000);
    const release = await currentRelease(app.db(), large, K);
    expect(release?.people).toBe(LARGE_RELEASE_PEOPLE + 40);
    const afterLarge = await plansCounted();
    expect(afterLarge.worker).toBeGreaterThan(afterSmall.worker ?? 0);
    expect(afterLarge["event-loop"]).toBe(afterSmall["event-loop"]);
  });

  it("plans on the event loop when the thread cannot run, and the release is still made", async () => {
    forgetSingleton("release-plan-threads");
    const broken = singleton("release-plan-threads", () =>
      createPlanThreads({ filename: new URL("./no-such-worker.js", import.meta.url).href, execArgv: [] }, () => forgetSingleton("release-plan-threads")),
    );
    try {
      const before = await plansCounted();
      const id = await crowdInTables("the-fee-waiver", LARGE_RELEASE_PEOPLE, 5_000);
      const logged = await eventsLogged(async () => {
        expect((await currentRelease(app.db(), id, K))?.people).toBe(LARGE_RELEASE_PEOPLE);
      });
      const after = await plansCounted();
      expect(after["event-loop"]).toBeGreaterThan(before["event-loop"] ?? 0);
      expect(after.worker ?? 0).toBe(before.worker ?? 0);
      // One error for the thread that could not start, one warning for the plan made without it.
      expect(logged.filter((line) => line.event.startsWith("release-plan"))).toEqual([
        { event: "release-plan-thread-failed", level: "error" },
        { event: "release-plan-on-event-loop", level: "warn" },
      ]);
    } finally {
      await broken.destroy();
      forgetSingleton("release-plan-threads");
    }
  });

  it("names the missing build when the server build has no worker beside it", () => {
    expect(() => releasePlanWorkerFile("file:///nowhere/build/server/index.js")).toThrow(/release-plan worker is missing at \/nowhere\/build\/release-plan-worker\.js: run `npm run build`/);
    expect(releasePlanWorkerFile(import.meta.url.replace(/tests\/integration\/.*$/, "app/models/result-releases.server.ts")).filename).toMatch(/app\/domain\/release-plan-worker\.ts$/);
  });
});
