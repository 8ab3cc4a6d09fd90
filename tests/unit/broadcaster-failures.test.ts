import { afterEach, describe, expect, it, vi } from "vitest";
import { InProcessBus } from "../../app/live/bus.server";
import { LOAD_RETRY_MS, WorkshopBroadcaster } from "../../app/live/broadcaster.server";
import { log } from "../../app/platform/log.server";

afterEach(() => vi.restoreAllMocks());

/** The error and info lines logged from now on, as "level: message". */
function logLines(): string[] {
  const lines: string[] = [];
  for (const level of ["error", "info"] as const) vi.spyOn(log(), level).mockImplementation(((_fields: object, message: string) => void lines.push(`${level}: ${message}`)) as never);
  return lines;
}

/** The line logged once when a spell of failing builds begins. */
const failingLine = (message: string) => `error: Live updates cannot be built (${message}); clients keep their last state and it is tried again every ${LOAD_RETRY_MS / 1000} s.`;

describe("a live update that cannot be built", () => {
  it("is tried again until it can, so clients do not keep a stale state, with one log line for the whole spell", async () => {
    const lines = logLines();
    const bus = new InProcessBus();
    let failures = 3;
    const live = new WorkshopBroadcaster(
      bus,
      async () => {
        if (failures > 0) {
          failures -= 1;
          throw new Error("Connection terminated unexpectedly");
        }
        return { room: { answered: 7 } };
      },
      10,
    );
    const received: string[] = [];
    live.connect(4, { audience: "room", send: ({ data }) => received.push(data) });
    bus.publish(4);
    await vi.waitFor(() => expect(received).toEqual(['{"answered":7}']), { timeout: LOAD_RETRY_MS * 5, interval: 50 });
    expect(lines).toEqual([failingLine("Connection terminated unexpectedly"), "info: Live updates are built again."]);
    live.stop();
  });
});

describe("a facilitator's frame that cannot be built while the room's can", () => {
  it("logs one line for the spell, rebuilds only the facilitator's frame to try again, and sends it once it builds", async () => {
    const lines = logLines();
    const bus = new InProcessBus();
    let facilitatorFailures = 2;
    const asked: string[] = [];
    const live = new WorkshopBroadcaster(
      bus,
      async (_id, audiences) => {
        const kind = audiences.has("facilitator") ? "facilitator" : "room";
        asked.push(kind);
        if (kind === "facilitator" && facilitatorFailures > 0) {
          facilitatorFailures -= 1;
          throw new Error("canceling statement due to statement timeout");
        }
        return kind === "facilitator" ? { room: { answered: 7 }, facilitator: { answered: 7, list: [] } } : { room: { answered: 7 } };
      },
      10,
    );
    const projector: string[] = [];
    const panel: string[] = [];
    live.connect(4, { audience: "room", send: ({ data }) => projector.push(data) });
    live.connect(4, { audience: "facilitator", send: ({ data }) => panel.push(data) });
    bus.publish(4);
    await vi.waitFor(() => expect(panel).toEqual(['{"answered":7,"list":[]}']), { timeout: LOAD_RETRY_MS * 4, interval: 50 });
    // The room's frame came at once, and was not rebuilt for the facilitator's retries.
    expect(projector).toEqual(['{"answered":7}']);
    expect(asked.filter((kind) => kind === "facilitator")).toHaveLength(3);
    expect(lines).toEqual([failingLine("canceling statement due to statement timeout"), "info: Live updates are built again."]);
    live.stop();
  });
});

describe("a process that is shutting down", () => {
  it("tells open streams to reconnect and ends them, and ends a stream that arrives afterwards the same way", () => {
    const live = new WorkshopBroadcaster(new InProcessBus(), async () => ({ room: {} }), 10);
    const events: string[] = [];
    const closed: string[] = [];
    const client = (name: string) => ({ audience: "room" as const, send: ({ event }: { event: string }) => events.push(`${name} ${event}`), close: () => closed.push(name) });
    live.connect(4, client("before"));
    live.closeAll();
    // The listener can still accept a connection the kernel queued before it closed.
    const remove = live.connect(4, client("after"));
    expect(events).toEqual(["before reconnect", "after reconnect"]);
    expect(closed).toEqual(["before", "after"]);
    // The late stream is never registered (the first one's route removes it when its stream closes).
    expect(live.connectionCount()).toBe(1);
    remove();
    live.stop();
  });
});
