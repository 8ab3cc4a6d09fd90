import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { InProcessBus, RedisBus } from "../../app/live/bus.server";
import { WorkshopBroadcaster } from "../../app/live/broadcaster.server";
import { RedisWindowCounter } from "../../app/live/redis-counter.server";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const reachable = await redisReachable();
if (!reachable) {
  if (process.env.CASEBOOK_REQUIRE_SERVICES === "1") throw new Error(`Redis is required (CASEBOOK_REQUIRE_SERVICES=1) but ${REDIS_URL} cannot be reached`);
  console.log(`Skipping the Redis bus tests: no Redis at ${REDIS_URL}.`);
}

const buses: RedisBus[] = [];
afterAll(async () => {
  for (const bus of buses) await bus.close();
});

const waitFor = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check() && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 10));
};

/**
 * Waits until Redis counts `subscribers` on the prefix's change channel (PUBSUB NUMSUB): a
 * message published before a SUBSCRIBE lands is not delivered, and on a loaded machine a fixed
 * pause was not always long enough.
 */
async function subscriptionsSettled(prefix: string, subscribers: number, ms = 10_000): Promise<void> {
  const probe = new Redis(REDIS_URL);
  try {
    const start = Date.now();
    for (;;) {
      const [, count] = (await probe.pubsub("NUMSUB", `${prefix}workshop-changed`)) as [string, number];
      if (Number(count) >= subscribers) return;
      if (Date.now() - start > ms) throw new Error(`only ${count} of ${subscribers} subscribers on ${prefix}workshop-changed after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    probe.disconnect();
  }
}

describe.skipIf(!reachable)("the Redis bus", () => {
  it("carries a change published on one server to the listeners of another, within its own key prefix", async () => {
    const prefix = `casebook_test_${randomBytes(4).toString("hex")}:`;
    const serverA = new RedisBus(REDIS_URL, prefix);
    const serverB = new RedisBus(REDIS_URL, prefix);
    const stranger = new RedisBus(REDIS_URL, `${prefix}other:`);
    buses.push(serverA, serverB, stranger);
    const seenByB: number[] = [];
    const seenByStranger: number[] = [];
    serverB.subscribe((id) => seenByB.push(id));
    stranger.subscribe((id) => seenByStranger.push(id));
    await subscriptionsSettled(prefix, 2); // A and B each hold a subscriber connection
    await subscriptionsSettled(`${prefix}other:`, 1);
    serverA.publish(42);
    await waitFor(() => seenByB.length > 0);
    expect(seenByB).toEqual([42]);
    expect(seenByStranger).toEqual([]);
    expect(await serverA.health()).toBe("ok");
  });

  it("brings the rooms watched on a process to the database's state once its subscription takes effect: a change published before then is not lost", async () => {
    const prefix = `casebook_test_${randomBytes(4).toString("hex")}:`;
    const otherProcess = new Redis(REDIS_URL);
    try {
      expect(await otherProcess.ping()).toBe("PONG");
      let stored = 1;
      const starting = new RedisBus(REDIS_URL, prefix);
      buses.push(starting);
      const live = new WorkshopBroadcaster(starting, async () => ({ room: { stored }, facilitator: {} }), 0);
      const seen: number[] = [];
      live.connect(11, { audience: "room", send: ({ event, data }) => event === "state" && seen.push(JSON.parse(data).stored) });
      // Another process changes the workshop before this one's SUBSCRIBE has reached Redis: no one hears the message.
      stored = 2;
      expect(await otherProcess.publish(`${prefix}workshop-changed`, "11 another-process")).toBe(0);
      await waitFor(() => seen.length > 0, 5_000);
      expect(seen).toEqual([2]);
      live.stop();
    } finally {
      otherProcess.disconnect();
    }
  });

  it("still coalesces: a burst of 300 changes from another server costs each process a handful of snapshots", async () => {
    const prefix = `casebook_test_${randomBytes(4).toString("hex")}:`;
    const origin = new RedisBus(REDIS_URL, prefix);
    const receiver = new RedisBus(REDIS_URL, prefix);
    buses.push(origin, receiver);
    let built = 0;
    const live = new WorkshopBroadcaster(receiver, async () => {
      built += 1;
      return { room: {}, facilitator: {} };
    });
    let events = 0;
    live.connect(7, { audience: "room", send: () => (events += 1) });
    await subscriptionsSettled(prefix, 2);
    for (let i = 0; i < 300; i += 1) origin.publish(7);
    await new Promise((r) => setTimeout(r, 600));
    expect(built).toBeGreaterThanOrEqual(1);
    expect(built).toBeLessThanOrEqual(8);
    expect(events).toBe(built);
  });
});

describe.skipIf(!reachable)("withdrawn rights through Redis", () => {
  it("end a removed phone's stream and a signed-out account's stream on another server, and no one else's", async () => {
    const prefix = `casebook_test_${randomBytes(4).toString("hex")}:`;
    const serverA = new RedisBus(REDIS_URL, prefix);
    const serverB = new RedisBus(REDIS_URL, prefix);
    buses.push(serverA, serverB);
    const live = new WorkshopBroadcaster(serverB, async () => ({ room: {}, facilitator: {} }));
    const seen = new Map<string, string[]>();
    const stream = (name: string, extra: { participantId?: number; userId?: number; stillAllowed?: () => Promise<boolean> }, audience: "phone" | "facilitator") => {
      seen.set(name, []);
      const connection = {
        audience,
        ...extra,
        send: ({ event }: { event: string }) => seen.get(name)!.push(event),
        close: () => {
          seen.get(name)!.push("closed");
          disconnect();
        },
      };
      const disconnect = live.connect(9, connection);
    };
    stream("removed phone", { participantId: 31 }, "phone");
    stream("other phone", { participantId: 32 }, "phone");
    stream("signed-out facilitator", { userId: 5, stillAllowed: async () => false }, "facilitator");
    stream("same account, still signed in", { userId: 5, stillAllowed: async () => true }, "facilitator");
    stream("another account", { userId: 6, stillAllowed: async () => false }, "facilitator");
    await subscriptionsSettled(prefix, 2);
    serverA.withdraw({ kind: "participants", workshopId: 9, participantIds: [31] });
    serverA.withdraw({ kind: "user", userId: 5 });
    await waitFor(() => seen.get("removed phone")!.includes("closed") && seen.get("signed-out facilitator")!.includes("closed"));
    // Every stream is sent the room's state when B's subscription takes effect; what matters here is what else it was sent.
    const ends = (name: string) => seen.get(name)!.filter((event) => event !== "state");
    expect(ends("removed phone")).toEqual(["withdrawn", "closed"]);
    expect(ends("signed-out facilitator")).toEqual(["withdrawn", "closed"]);
    expect(ends("other phone")).toEqual([]);
    expect(ends("same account, still signed in")).toEqual([]);
    expect(ends("another account")).toEqual([]);
    expect(live.connectionCount()).toBe(3);
  });
});

describe.skipIf(!reachable)("rate-limit counters in Redis", () => {
  it("are shared by every process on one prefix, per window, expire by themselves, and stay within their prefix", async () => {
    const prefix = `casebook_test_${randomBytes(4).toString("hex")}:`;
    const processA = new RedisWindowCounter(REDIS_URL, prefix);
    const processB = new RedisWindowCounter(REDIS_URL, prefix);
    const elsewhere = new RedisWindowCounter(REDIS_URL, `${prefix}other:`);
    const admin = new Redis(REDIS_URL);
    try {
      // A moment in the next ten-minute window: Redis expires keys by the real clock, so the windows must lie ahead.
      const t = (Math.floor(Date.now() / 600_000) + 1) * 600_000 + 300_000;
      const hits = [
        { key: "vote-address:10.0.0.1", windowMs: 600_000 },
        { key: "vote-device:participant:7", windowMs: 1_000 },
      ];
      await Promise.all([processA.ready(), processB.ready(), elsewhere.ready()]);
      expect([...(await processA.countHits(hits, t)).values()].map((c) => c.count)).toEqual([1, 1]);
      const second = await processB.countHits(hits, t + 1_500);
      expect(second.get("vote-address:10.0.0.1")).toEqual({ count: 2, resetAt: t + 300_000 });
      expect(second.get("vote-device:participant:7")).toEqual({ count: 1, resetAt: t + 2_000 });
      expect((await elsewhere.countHits(hits, t)).get("vote-address:10.0.0.1")!.count).toBe(1);
      // Read without counting: the same count twice, and 0 in a window not hit yet.
      expect((await processA.peekHits(hits, t + 1_600)).get("vote-address:10.0.0.1")!.count).toBe(2);
      expect((await processA.peekHits(hits, t + 1_600)).get("vote-address:10.0.0.1")!.count).toBe(2);
      expect((await processA.peekHits(hits, t + 2_500)).get("vote-device:participant:7")!.count).toBe(0);
      const keys = await admin.keys(`${prefix}rate:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(await admin.pexpiretime(key)).toBeGreaterThan(0);
    } finally {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length) await admin.del(...keys);
      admin.disconnect();
      for (const c of [processA, processB, elsewhere]) c.close();
    }
  });
});

describe("the in-process bus", () => {
  it("reports no Redis and delivers locally", async () => {
    const bus = new InProcessBus();
    const seen: number[] = [];
    bus.subscribe((id) => seen.push(id));
    bus.publish(3);
    expect(seen).toEqual([3]);
    expect(await bus.health()).toBe("not configured");
  });
});
