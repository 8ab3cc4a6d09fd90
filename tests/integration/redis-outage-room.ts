/**
 * A live workshop served by two app processes sharing a private redis-server, for the Redis
 * outage tests (ADR 020). "Process A" is the app's own wiring in this test process: the routes,
 * the live bus and rate-limit counter from REDIS_URL, the process's broadcaster. "Process B" is a
 * second bus and broadcaster on the same Redis and database, as another app server would have.
 * Each process has clients (the room's view, a phone's) that keep every state they are sent.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { expect } from "vitest";
import { settle, startApp } from "./app-under-test";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis";

export interface Client {
  states: { stage: string; answered: Record<string, number> }[];
  last(): { stage: string; answered: Record<string, number> } | undefined;
  /** Every event's name, in order, and "closed" when the server ended the stream. */
  events: string[];
}

/** Polls `check` every 20 ms until it holds or `ms` pass; returns whether it held. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}

export async function redisOutageRoom(options: { phones: number }) {
  const redis: PrivateRedis = await startPrivateRedis();
  process.env.REDIS_URL = redis.url;
  process.env.REDIS_PREFIX = `casebook_outage_${randomBytes(4).toString("hex")}:`;
  const app = await startApp({ kThreshold: 3 });
  const listRoute = await import("../../app/routes/workshops._index");
  const panelRoute = await import("../../app/routes/workshops.$id");
  const joinRoute = await import("../../app/routes/join.($code)");
  const phoneRoute = await import("../../app/routes/w.$code");
  const { findWorkshop } = await import("../../app/models/workshops.server");
  const { RedisBus, liveBus } = await import("../../app/live/bus.server");
  const { WorkshopBroadcaster } = await import("../../app/live/broadcaster.server");
  const { RedisHealth, sharedRedisHealth } = await import("../../app/live/redis-health.server");
  const { workshopBroadcaster, freshWorkshopStates, detailFor } = await import("../../app/workshops/live-state.server");
  const { runShutdownHooks } = await import("../../app/platform/shutdown.server");

  const facilitator = await app.person("facilitator");
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: "background-check", title: "Outage drill", perspectives: "employee", resultsMode: "live" }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  const workshopId = Number(created.headers.get("Location")!.split("/").pop());
  const code = (await findWorkshop(app.db(), workshopId))!.code;

  const control = async (intent: string, fields: Record<string, string> = {}) => {
    const response = (await settle(() =>
      panelRoute.action({ request: app.post(`/workshops/${workshopId}`, { intent, ...fields }, facilitator.cookie), params: { id: String(workshopId) }, context: {} }),
    )) as Response;
    expect(response.status).toBe(200);
  };
  const phones: string[] = [];
  for (let i = 0; i < options.phones; i += 1) {
    const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName: `Phone ${i}` }), params: {}, context: { clientIp: "198.51.100.9" } }))) as Response;
    phones.push(response.headers.get("Set-Cookie")!.split(";")[0]!);
  }
  for (let i = 0; i < 5; i += 1) await control("next"); // lobby → the case's four parts → round 1's vote

  /** Phone `index` votes (through process A's route, rate limits and all); returns how long the vote took, in ms. */
  const vote = async (index: number) => {
    const started = Date.now();
    const response = (await settle(() =>
      phoneRoute.action({
        request: app.post(`/w/${code}`, { intent: "vote", "option-employee": "report-the-record-as-found", "judgement-employee": "1" }, phones[index]),
        params: { code },
        context: { clientIp: "198.51.100.9" },
      }),
    )) as Response;
    expect(response.status).toBe(200);
    return Date.now() - started;
  };

  const client = (broadcaster: InstanceType<typeof WorkshopBroadcaster>, audience: "room" | "phone", participantId?: number): Client => {
    const states: Client["states"] = [];
    const events: string[] = [];
    const disconnect = broadcaster.connect(workshopId, {
      audience,
      participantId,
      send: ({ event, data }) => {
        events.push(event);
        if (event === "state") states.push(JSON.parse(data));
      },
      close: () => {
        events.push("closed");
        disconnect();
      },
    });
    return { states, events, last: () => states.at(-1) };
  };
  /** Phone `index`'s participant id. */
  const participantId = async (index: number) =>
    (await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).where("display_name", "=", `Phone ${index}`).executeTakeFirstOrThrow()).id;

  const processA = { broadcaster: workshopBroadcaster(), health: sharedRedisHealth() };
  const healthB = new RedisHealth({ log: () => {} });
  const busB = new RedisBus(redis.url, process.env.REDIS_PREFIX, healthB);
  const processB = { bus: busB, health: healthB, broadcaster: new WorkshopBroadcaster(busB, (id, audiences) => freshWorkshopStates(id, detailFor(audiences))) };
  // Both processes' subscriptions have taken effect (each bus also resyncs its rooms when they do).
  const probe = new Redis(redis.url);
  const subscribers = async () => Number(((await probe.pubsub("NUMSUB", `${process.env.REDIS_PREFIX}workshop-changed`)) as [string, number])[1]);
  for (const deadline = Date.now() + 10_000; (await subscribers()) < 2;) {
    if (Date.now() > deadline) {
      const seen = await subscribers();
      probe.disconnect();
      throw new Error(`Only ${seen} of the 2 processes' Redis subscriptions took effect within 10 s.`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  probe.disconnect();

  /** What the database says now: the room's state built fresh. */
  const stored = async () => (await freshWorkshopStates(workshopId, "room"))!.room!;

  return {
    redis,
    workshopId,
    control,
    vote,
    participantId,
    /** Another client on process B: phone `index`'s own stream there. */
    phoneOnB: async (index: number) => client(processB.broadcaster, "phone", await participantId(index)),
    stored,
    processA: { ...processA, room: client(processA.broadcaster, "room"), phone: client(processA.broadcaster, "phone") },
    processB: { ...processB, room: client(processB.broadcaster, "room"), phone: client(processB.broadcaster, "phone") },
    async cleanup() {
      processB.broadcaster.stop();
      await busB.close();
      await runShutdownHooks();
      await liveBus().close();
      await app.cleanup();
      await redis.stop();
      delete process.env.REDIS_URL;
      delete process.env.REDIS_PREFIX;
    },
  };
}
