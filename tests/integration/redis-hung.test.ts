import { afterAll, describe, expect, it, vi } from "vitest";
import { log } from "../../app/platform/log.server";
import { redisServerAvailable } from "../support/private-redis";
import { redisOutageRoom, until } from "./redis-outage-room";

// ADR 020: every Redis command has a time limit; a hung Redis is an outage like a dead one.
const available = redisServerAvailable();
const room = available ? await redisOutageRoom({ phones: 8 }) : null;
afterAll(() => room?.cleanup());

describe.skipIf(!available)("a Redis that hangs (connected, not answering)", () => {
  it("holds no vote up for more than one command time limit, logs one line per outage, and the rooms on both processes stay current", async () => {
    const { processA, processB, vote, redis } = room!;
    const answered = (client: typeof processA.room) => client.last()?.answered?.["1"] ?? 0;
    await vote(0);
    expect(await until(() => answered(processA.room) === 1 && answered(processB.room) === 1, 3_000)).toBe(true);

    // The outage's lines, whatever their level (error when it starts, info when it ends).
    const lines: string[] = [];
    for (const level of ["error", "info"] as const) vi.spyOn(log(), level).mockImplementation(((_fields: object, message: string) => void lines.push(message)) as never);
    redis.freeze();
    try {
      const took: number[] = [];
      for (const index of [1, 2, 3, 4, 5]) took.push(await vote(index));
      // The first vote waits for the time limit (500 ms) and falls back; the rest do not wait at all.
      expect(Math.max(...took)).toBeLessThan(2_000);
      expect(took.reduce((a, b) => a + b, 0)).toBeLessThan(4_000);
      expect(await until(() => answered(processA.room) === 6, 2_000)).toBe(true);
      // Process B sends nothing to Redis, yet its probe notices the hang and its room catches up from the database.
      expect(await until(() => answered(processB.room) === 6, 4_000)).toBe(true);
      expect(processB.health.isUp()).toBe(false);
      const outageLines = lines.filter((line) => line.startsWith("Redis is not answering"));
      expect(outageLines).toHaveLength(1);
      expect(outageLines[0]).toMatch(/timed out|timeout/i);
    } finally {
      redis.thaw();
    }
    expect(await until(() => processA.health.isUp() && processB.health.isUp(), 4_000)).toBe(true);
    expect(lines.filter((line) => line.startsWith("Redis answers again after"))).toHaveLength(1);
    // Back to Redis: the next votes count there and reach both rooms through the bus.
    for (const index of [6, 7]) expect(await vote(index)).toBeLessThan(1_000);
    expect(await until(() => answered(processA.room) === 8 && answered(processB.room) === 8, 2_000)).toBe(true);
    vi.restoreAllMocks();
  });
});
