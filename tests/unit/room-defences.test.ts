import { describe, expect, it } from "vitest";
import { burstWindow, joinRateSince, joinRefusal, joinsPerMinute, MAX_CAPACITY, readBurstWindow, readCapacity } from "../../app/domain/room-defences";

describe("joinRefusal", () => {
  const open = { locked: false, capacity: null, present: 40, alreadyJoined: false };

  it("lets a new phone into an open room without a capacity", () => {
    expect(joinRefusal(open)).toBeNull();
  });

  it("refuses a new phone at a locked room, saying the room is locked", () => {
    expect(joinRefusal({ ...open, locked: true })).toMatch(/This room is locked/);
  });

  it("refuses a new phone once the room holds its capacity, naming it", () => {
    expect(joinRefusal({ ...open, capacity: 41 })).toBeNull();
    expect(joinRefusal({ ...open, capacity: 40 })).toBe("This room is full (40 people). Ask the facilitator if you should be in.");
    expect(joinRefusal({ ...open, capacity: 1, present: 1 })).toMatch(/full \(1 person\)/);
  });

  it("always lets a phone that joined before back in (a reload is not a new phone)", () => {
    expect(joinRefusal({ ...open, locked: true, capacity: 10, present: 10, alreadyJoined: true })).toBeNull();
  });
});

describe("joinsPerMinute", () => {
  const now = Date.UTC(2026, 10, 29, 14, 0, 0);
  /** Joins counted per second, as the database reads them. */
  const perSecond = (...secondsAgo: number[]) => {
    const counts = new Map<string, number>();
    for (const ago of secondsAgo) {
      const second = new Date(now - ago * 1000).toISOString().slice(0, 19);
      counts.set(second, (counts.get(second) ?? 0) + 1);
    }
    return [...counts].map(([second, count]) => ({ second, count }));
  };

  it("counts the joins of each of the last minutes, oldest first, the last minute last", () => {
    expect(joinsPerMinute(perSecond(5, 30, 59, 61, 150, 9 * 60 + 59, 10 * 60 + 1, 3600), now, 10)).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 1, 3]);
  });

  it("shows a burst: 120 joins within 40 seconds land in one minute, from at most 40 rows", () => {
    const burst = perSecond(...Array.from({ length: 120 }, (_, i) => 40 - i / 3));
    expect(burst.length).toBeLessThanOrEqual(41);
    expect(joinsPerMinute(burst, now, 3)).toEqual([0, 0, 120]);
  });

  it("counts from `minutes` minutes before now", () => {
    expect(joinRateSince(now, 10)).toBe("2026-11-29T13:50:00.000Z");
  });
});

describe("burstWindow and readBurstWindow", () => {
  const now = Date.UTC(2026, 10, 29, 14, 0, 0);

  it("fixes the window at the moment of the preview, so the count and the removal agree", () => {
    expect(burstWindow(5, now)).toEqual({ since: "2026-11-29T13:55:00.000Z", until: "2026-11-29T14:00:00.000Z", minutes: 5 });
  });

  it("offers only the listed windows", () => {
    expect(burstWindow(0, now)).toBeNull();
    expect(burstWindow(7, now)).toBeNull();
    expect(burstWindow(Number.NaN, now)).toBeNull();
    expect(burstWindow(60 * 24, now)).toBeNull();
  });

  it("reads a confirmed window back, refusing anything but two ordered UTC instants at most an hour apart", () => {
    expect(readBurstWindow("2026-11-29T13:55:00.000Z", "2026-11-29T14:00:00.000Z", now)).toEqual({ since: "2026-11-29T13:55:00.000Z", until: "2026-11-29T14:00:00.000Z" });
    expect(readBurstWindow("2026-11-29T14:00:00.000Z", "2026-11-29T13:55:00.000Z", now)).toBeNull();
    expect(readBurstWindow("2026-11-28T13:55:00.000Z", "2026-11-29T14:00:00.000Z", now)).toBeNull();
    expect(readBurstWindow("1970-01-01", "2026-11-29T14:00:00.000Z", now)).toBeNull();
    expect(readBurstWindow("' or 1=1 --", "2026-11-29T14:00:00.000Z", now)).toBeNull();
    expect(readBurstWindow(null, undefined, now)).toBeNull();
  });
});

describe("readCapacity", () => {
  it("reads empty as no limit and a whole number as the capacity", () => {
    expect(readCapacity("")).toEqual({ ok: true, capacity: null });
    expect(readCapacity("  ")).toEqual({ ok: true, capacity: null });
    expect(readCapacity(null)).toEqual({ ok: true, capacity: null });
    expect(readCapacity(" 30 ")).toEqual({ ok: true, capacity: 30 });
    expect(readCapacity(String(MAX_CAPACITY))).toEqual({ ok: true, capacity: MAX_CAPACITY });
  });

  it("refuses zero, negatives, fractions, huge and non-numbers with a message for the field", () => {
    for (const raw of ["0", "-1", "2.5", "1e3", "10001", "9999999999", "thirty", "0x10"]) {
      const read = readCapacity(raw);
      expect(read.ok, raw).toBe(false);
      if (!read.ok) expect(read.message).toMatch(/Capacity must be a whole number from 1 to 10000/);
    }
  });
});
