import { describe, expect, it, vi } from "vitest";
import { InProcessBus } from "../../app/live/bus.server";
import { FACILITATOR_INTERVAL_MS, WorkshopBroadcaster } from "../../app/live/broadcaster.server";

type Watcher = "room" | "facilitator";

/**
 * A room whose loader counts the changes made so far and says which detail it was asked for.
 * `roomBuildMs` and `facilitatorBuildMs`: how long the room's and the facilitator's snapshots
 * take to build (the facilitator's is the dear one: the gap, the list, the texts); the room's may
 * be a function of the build's number, from 1. Each build reports the changes as they were when
 * it began. `watching`: who is connected from the start; `watch` connects one more and returns
 * its leaving.
 */
function room({ roomBuildMs = 0 as number | ((build: number) => number), facilitatorBuildMs = 0, watching = ["room", "facilitator"] as Watcher[] } = {}) {
  const bus = new InProcessBus();
  let changes = 0;
  const details: string[] = [];
  let roomBuilds = 0;
  const pause = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : undefined);
  const live = new WorkshopBroadcaster(
    bus,
    async (_id, audiences) => {
      const withFacilitator = audiences.has("facilitator");
      details.push(withFacilitator ? "facilitator" : "room");
      const seen = changes;
      roomBuilds += withFacilitator ? 0 : 1;
      await pause(withFacilitator ? facilitatorBuildMs : typeof roomBuildMs === "number" ? roomBuildMs : roomBuildMs(roomBuilds));
      return withFacilitator ? { room: { changes: seen }, facilitator: { changes: seen, list: "every participant" } } : { room: { changes: seen } };
    },
    5,
  );
  const frames = { room: [] as { at: number; changes: number }[], facilitator: [] as { at: number; changes: number }[] };
  const watch = (audience: Watcher) => live.connect(4, { audience, send: ({ data }) => frames[audience].push({ at: Date.now(), changes: JSON.parse(data).changes }) });
  for (const audience of watching) watch(audience);
  const change = () => {
    changes += 1;
    bus.publish(4);
  };
  return { live, change, frames, details, watch, total: () => changes };
}

describe("the facilitator's frames in a room changing fast", () => {
  it("come at most once per FACILITATOR_INTERVAL_MS while the projector keeps its pace, the dear snapshot is built only for them, and the last change always arrives", async () => {
    const { live, change, frames, details, total } = room();
    const started = Date.now();
    while (Date.now() - started < 3 * FACILITATOR_INTERVAL_MS) {
      change();
      await new Promise((r) => setTimeout(r, 10));
    }
    await vi.waitFor(() => expect(frames.facilitator.at(-1)?.changes).toBe(total()), { timeout: 2 * FACILITATOR_INTERVAL_MS, interval: 10 });
    await vi.waitFor(() => expect(frames.room.at(-1)?.changes).toBe(total()), { timeout: 500, interval: 10 });
    expect(frames.room.length).toBeGreaterThan(2 * frames.facilitator.length);
    expect(frames.facilitator.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < frames.facilitator.length; i += 1) expect(frames.facilitator[i]!.at - frames.facilitator[i - 1]!.at).toBeGreaterThanOrEqual(FACILITATOR_INTERVAL_MS - 5);
    expect(details.filter((d) => d === "facilitator")).toHaveLength(frames.facilitator.length);
    live.stop();
  });

  it("come at once after a quiet spell", async () => {
    const { live, change, frames } = room();
    change();
    await vi.waitFor(() => expect(frames.facilitator).toHaveLength(1), { timeout: 200, interval: 5 });
    await new Promise((r) => setTimeout(r, FACILITATOR_INTERVAL_MS + 20));
    const before = Date.now();
    change();
    await vi.waitFor(() => expect(frames.facilitator).toHaveLength(2), { timeout: 200, interval: 5 });
    expect(frames.facilitator[1]!.at - before).toBeLessThan(FACILITATOR_INTERVAL_MS / 2);
    live.stop();
  });

  it("never hold the projector's frame back: the room's snapshot is sent as soon as it is built, however long the facilitator's takes", async () => {
    const slowBuildMs = 200;
    const { live, change, frames, details, total } = room({ facilitatorBuildMs: slowBuildMs });
    const before = Date.now();
    change();
    await vi.waitFor(() => expect(frames.room).toHaveLength(1), { timeout: slowBuildMs, interval: 5 });
    expect(frames.room[0]!.at - before).toBeLessThan(slowBuildMs / 2);
    // Changes while the facilitator's frame is being built: it is built once at a time, and the last change follows.
    for (let i = 0; i < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 30));
      change();
    }
    await vi.waitFor(() => expect(frames.facilitator.at(-1)?.changes).toBe(total()), { timeout: 3 * slowBuildMs + FACILITATOR_INTERVAL_MS, interval: 10 });
    expect(frames.room.at(-1)?.changes).toBe(total());
    expect(details.filter((d) => d === "facilitator").length).toBeLessThanOrEqual(3);
    live.stop();
  });

  it("reach a facilitator who opens the panel while the room's snapshot is being built, and are not built once the last facilitator leaves", async () => {
    const { live, change, frames, details, watch } = room({ roomBuildMs: 50, watching: ["room"] });
    change();
    await new Promise((r) => setTimeout(r, 10)); // the room's build is under way
    const leave = watch("facilitator");
    await vi.waitFor(() => expect(frames.facilitator.map((f) => f.changes)).toEqual([1]), { timeout: 500, interval: 5 });
    leave();
    const facilitatorBuilds = details.filter((d) => d === "facilitator").length;
    change();
    await new Promise((r) => setTimeout(r, FACILITATOR_INTERVAL_MS + 100));
    expect(details.filter((d) => d === "facilitator")).toHaveLength(facilitatorBuilds);
    live.stop();
  });
});

describe("the room's frames when its builds overlap", () => {
  it("never end on an older state: a build that finishes after a later one has been sent is dropped", async () => {
    // The first build is slow and the second quick, so the second finishes first.
    const { live, change, frames, total } = room({ roomBuildMs: (build) => (build === 1 ? 150 : 5), watching: ["room"] });
    change();
    await new Promise((r) => setTimeout(r, 30));
    change();
    await vi.waitFor(() => expect(frames.room.map((f) => f.changes)).toContain(2), { timeout: 500, interval: 5 });
    await new Promise((r) => setTimeout(r, 200)); // the first build is done by now
    expect(frames.room.at(-1)?.changes).toBe(total());
    expect(frames.room.map((f) => f.changes)).toEqual([2]);
    live.stop();
  });
});
