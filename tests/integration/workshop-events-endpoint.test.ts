import { sql } from "kysely";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";
import { serveWorkshopEvents, type WorkshopEventsServer } from "../support/workshop-events";

// GET /workshops/:id/events served by its Express endpoint on a real HTTP server with nothing
// else mounted: no Remix (ADR 039). Who may watch, what the stream starts with, its headers, and
// its end (the client gone, a right withdrawn, a shutdown, the database away).
const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const joinRoute = await import("../../app/routes/join.($code)");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { workshopBroadcaster } = await import("../../app/workshops/live-state.server");
const { runShutdownHooks } = await import("../../app/platform/shutdown.server");
const { databaseOutage } = await import("../../app/platform/db.server");
const { UNAVAILABLE_MESSAGE } = await import("../../app/platform/database-outage.server");

let server: WorkshopEventsServer;
let workshopId: number;
let code: string;
let facilitator: { id: number; cookie: string };

async function control(intent: string, fields: Record<string, string> = {}) {
  const response = (await settle(() =>
    panelRoute.action({ request: app.post(`/workshops/${workshopId}`, { intent, ...fields }, facilitator.cookie), params: { id: String(workshopId) }, context: {} }),
  )) as Response;
  expect(response.status).toBe(200);
}

async function joinDevice(displayName: string): Promise<string> {
  const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName }), params: {}, context: { clientIp: "198.51.100.7" } }))) as Response;
  expect(response.status).toBe(302);
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

const waitFor = async (check: () => boolean, ms = 3000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

const events = () => `/workshops/${workshopId}/events`;

beforeAll(async () => {
  facilitator = await app.person("facilitator", "manager");
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: "background-check", title: "Stream room", perspectives: "employee", resultsMode: "live" }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  workshopId = Number(created.headers.get("Location")!.split("/").pop());
  code = (await findWorkshop(app.db(), workshopId))!.code;
  server = await serveWorkshopEvents();
});

afterAll(async () => {
  await server.close();
  await app.cleanup();
});

describe("GET /workshops/:id/events, served ahead of Remix", () => {
  it("streams the facilitator everything: retry, then the whole state as a numbered state event, with the event-stream headers", async () => {
    const stream = await server.open(events(), facilitator.cookie, { "X-Request-Id": "stream-test-1" });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(stream.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(stream.headers["x-accel-buffering"]).toBe("no");
    await waitFor(() => stream.events.length > 0);
    expect(stream.text()).toMatch(/^retry: 2000\n\nid: \d+\nevent: state\ndata: \{/);
    const [first] = stream.events;
    expect(first!.event).toBe("state");
    expect(Number(first!.id)).toBeGreaterThan(0);
    const state = JSON.parse(first!.data) as { workshopId: number; code: string; participantList?: unknown[] };
    expect(state.workshopId).toBe(workshopId);
    expect(state.code).toBe(code);
    expect(state.participantList).toEqual([]);
    stream.hangUp();
  });

  it("gives the projector (?view=room) the room's view, and a joined phone the phones' view", async () => {
    const projector = await server.open(`${events()}?view=room`, facilitator.cookie);
    const device = await joinDevice("Watcher");
    const phone = await server.open(events(), device);
    expect([projector.status, phone.status]).toEqual([200, 200]);
    await waitFor(() => projector.events.length > 0 && phone.events.length > 0);
    const room = JSON.parse(projector.events[0]!.data) as Record<string, unknown>;
    const phoneState = JSON.parse(phone.events[0]!.data) as Record<string, unknown>;
    expect(room.workshopId).toBe(workshopId);
    expect(room).not.toHaveProperty("participantList");
    expect(phoneState.workshopId).toBe(workshopId);
    expect(phoneState).not.toHaveProperty("participantList");
    // The phones' view leaves out the counts phones do not show (phoneView).
    expect(phoneState.participants).toBe(0);
    expect(Number(phone.events[0]!.id)).toBeGreaterThan(Number(projector.events[0]!.id));
    projector.hangUp();
    phone.hangUp();
  });

  it("reads the view as the page's URL has it: the first `view` counts, anything but room is the facilitator's", async () => {
    for (const [query, room] of [
      ["?view=room&view=other", true],
      ["?view=other&view=room", false],
      ["?view=ROOM", false],
    ] as const) {
      const stream = await server.open(`${events()}${query}`, facilitator.cookie);
      await waitFor(() => stream.events.length > 0);
      expect("participantList" in (JSON.parse(stream.events[0]!.data) as object), query).toBe(!room);
      stream.hangUp();
    }
  });

  it("refuses anyone else with 403 and a message, an unknown workshop too, and an id that cannot be one with 404", async () => {
    const other = await app.person("facilitator");
    const stranger = await app.person("participant");
    for (const cookie of ["", other.cookie, stranger.cookie, "casebook_device=forged"]) {
      const refused = await server.open(events(), cookie);
      expect(refused.status).toBe(403);
      expect(refused.body).toBe("Join the workshop first.");
      expect(refused.headers["content-type"]).toMatch(/^text\/plain/);
    }
    expect((await server.open("/workshops/999999/events", facilitator.cookie)).status).toBe(403);
    for (const id of ["abc", "0", "-1", "1.5", "1e3x"]) {
      const missing = await server.open(`/workshops/${id}/events`, facilitator.cookie);
      expect(missing.status, id).toBe(404);
      expect(missing.body).toBe("There is no workshop at this address.");
    }
  });

  it("refuses a removed phone, and ends its open stream with the reason", async () => {
    const device = await joinDevice("Removed");
    const stream = await server.open(events(), device);
    await waitFor(() => stream.events.length > 0);
    const participant = await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).where("display_name", "=", "Removed").executeTakeFirstOrThrow();
    await control("remove-participant", { participantId: String(participant.id) });
    await stream.ended();
    expect(stream.events.at(-1)).toMatchObject({ event: "withdrawn", data: JSON.stringify({ message: "The facilitator removed you from this workshop." }) });
    const again = await server.open(events(), device);
    expect(again.status).toBe(403);
  });

  it("lets go of the broadcaster's connection when the client goes away", async () => {
    const before = workshopBroadcaster().connectionCount();
    const stream = await server.open(events(), facilitator.cookie);
    await waitFor(() => workshopBroadcaster().connectionCount() === before + 1);
    stream.hangUp();
    await waitFor(() => workshopBroadcaster().connectionCount() === before);
  });

  // Found trying the endpoint by hand: Express routes HEAD to the GET handler, and a HEAD response
  // never sends its headers (Node ignores writes to a body-less response), so the facilitator's
  // HEAD got no status line at all while it was counted as an open stream.
  it("answers a HEAD of the stream at once, and keeps no stream open for it", async () => {
    const before = workshopBroadcaster().connectionCount();
    const status = await new Promise<number | "no answer">((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: server.port, method: "HEAD", path: events(), headers: { Cookie: facilitator.cookie } }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on("error", () => resolve("no answer"));
      setTimeout(() => {
        resolve("no answer");
        req.destroy();
      }, 2000);
      req.end();
    });
    expect(status).toBe(200);
    expect(workshopBroadcaster().connectionCount()).toBe(before);
  });

  it("checks an account's right again with the cookie it came with: a deleted session is no longer allowed", async () => {
    const owner = await app.person("facilitator");
    await app.db().updateTable("workshops").set({ facilitator_user_id: owner.id }).where("id", "=", workshopId).execute();
    const stream = await server.open(events(), owner.cookie);
    await waitFor(() => stream.events.length > 0);
    await app.db().deleteFrom("sessions").where("user_id", "=", owner.id).execute();
    // What a withdrawal or a heartbeat does: ask the stream's stillAllowed, end it if no longer.
    await workshopBroadcaster().withdraw({ kind: "user", userId: owner.id });
    await stream.ended();
    expect(JSON.parse(stream.events.at(-1)!.data)).toEqual({ message: "You are no longer signed in with the right to follow this workshop. Sign in again to go on." });
    await app.db().updateTable("workshops").set({ facilitator_user_id: facilitator.id }).where("id", "=", workshopId).execute();
  });

  it("answers 503 with the outage's message while the database is away, and a plain 500 for another failure; never a stack trace", async () => {
    await sql`alter table workshops rename to workshops_away`.execute(app.db());
    try {
      const failed = await server.open(events(), facilitator.cookie);
      expect(failed.status).toBe(500);
      expect(failed.body).not.toMatch(/\n\s+at |workshops_away|SqliteError/);
      expect(failed.body.length).toBeGreaterThan(0);
      databaseOutage().lost(new Error("connect ECONNREFUSED"));
      const away = await server.open(events(), facilitator.cookie);
      expect(away.status).toBe(503);
      expect(away.headers["retry-after"]).toBeDefined();
      expect(away.body).toBe(UNAVAILABLE_MESSAGE);
    } finally {
      await sql`alter table workshops_away rename to workshops`.execute(app.db());
    }
    await waitFor(() => !databaseOutage().down, 5000);
  });

  // Last: after a shutdown the process's broadcaster takes no more streams.
  it("tells open streams to reconnect and ends them on shutdown, and ends at once a stream opened while draining", async () => {
    const stream = await server.open(events(), facilitator.cookie);
    await waitFor(() => stream.events.length > 0);
    await runShutdownHooks("drain");
    await stream.ended();
    expect(stream.events.at(-1)!.event).toBe("reconnect");
    const late = await server.open(events(), facilitator.cookie);
    await late.ended();
    expect(late.events.map((e) => e.event)).toEqual(["state", "reconnect"]);
  });
});
