import { afterAll, describe, expect, it } from "vitest";
import { RedisBus } from "../../app/live/bus.server";
import { RedisHealth } from "../../app/live/redis-health.server";
import { redisServerAvailable } from "../support/private-redis";
import { redisOutageRoom, until } from "./redis-outage-room";

// ADR 020: a bus outage costs latency, never correctness.
const available = redisServerAvailable();
const room = available ? await redisOutageRoom({ phones: 9 }) : null;
afterAll(() => room?.cleanup());

describe.skipIf(!available)("Redis dies in the middle of a vote", () => {
  it("keeps each process's clients current from the database while it is down, and both converge on the database's state, stage changes included, when it returns", async () => {
    const { processA, processB, vote, control, stored, redis, participantId, phoneOnB } = room!;
    const removedPhone = await phoneOnB(8);
    const answered = (client: typeof processA.room) => client.last()?.answered?.["1"] ?? 0;

    // Redis up: votes on A reach the room on both processes through the bus.
    for (const index of [0, 1, 2]) await vote(index);
    expect(await until(() => answered(processA.room) === 3 && answered(processB.room) === 3, 3_000)).toBe(true);

    await redis.kill();
    // Votes still go through, without waiting on Redis (rate limits count in the database).
    for (const index of [3, 4, 5]) expect(await vote(index)).toBeLessThan(2_000);
    // A's own clients hear A's changes at once; B's catch up from the database while the bus is down.
    expect(await until(() => answered(processA.room) === 6, 2_000)).toBe(true);
    expect(await until(() => answered(processB.room) === 6, 4_000)).toBe(true);
    expect(processB.bus.healthy()).toBe(false);
    // A stage change during the outage reaches phones and rooms on both processes.
    await control("next");
    expect((await stored()).stage).toBe("results-1");
    expect(await until(() => [processA.room, processA.phone].every((c) => c.last()?.stage === "results-1"), 2_000)).toBe(true);
    expect(await until(() => [processB.room, processB.phone].every((c) => c.last()?.stage === "results-1"), 4_000)).toBe(true);
    // A phone removed on A during the outage: its stream on B cannot hear of it yet.
    await control("remove-participant", { participantId: String(await participantId(8)) });

    await redis.restart();
    expect(await until(() => processA.health.isUp() && processB.health.isUp(), 8_000)).toBe(true);
    const now = await stored();
    for (const client of [processA.room, processB.room]) expect(client.last()).toMatchObject({ stage: now.stage, answered: now.answered });
    // ... but once Redis is back, the withdrawal is published again and ends it there.
    expect(await until(() => removedPhone.events.includes("closed"), 2_000)).toBe(true);
    expect(removedPhone.events.slice(-2)).toEqual(["withdrawn", "closed"]);
    // The bus carries changes again (B no longer reads the database on a timer): the next stage reaches B at once.
    const before = processB.room.states.length;
    await control("next");
    expect(await until(() => processB.room.last()?.stage === "discussion" && processB.phone.last()?.stage === "discussion", 2_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(processB.room.states.length - before).toBeLessThanOrEqual(2);
  });

  it("lets a process started while Redis is down hear the others once Redis is up", async () => {
    const { redis } = room!;
    await redis.kill();
    const prefix = `casebook_late_${Date.now()}:`;
    const late = new RedisBus(redis.url, prefix, new RedisHealth({ log: () => {} }));
    const other = new RedisBus(redis.url, prefix, new RedisHealth({ log: () => {} }));
    try {
      const heard: number[] = [];
      late.subscribe((id) => heard.push(id));
      await new Promise((r) => setTimeout(r, 2_500)); // its first SUBSCRIBE has failed by now
      expect(late.healthy()).toBe(false);
      await redis.restart();
      expect(await until(() => late.healthy() && other.healthy(), 5_000)).toBe(true);
      other.publish(77);
      expect(await until(() => heard.includes(77), 2_000)).toBe(true);
    } finally {
      await late.close();
      await other.close();
    }
  });
});
