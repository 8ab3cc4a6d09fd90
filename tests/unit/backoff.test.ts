import { describe, expect, it } from "vitest";
import { LIVE_RECONNECT, reconnectDelay } from "../../app/domain/backoff";

describe("reconnectDelay", () => {
  it("doubles from the base with each attempt, between half and all of the step", () => {
    const backoff = { baseMs: 500, capMs: 60_000 };
    expect([0, 1, 2, 3].map((n) => reconnectDelay(n, backoff, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((n) => reconnectDelay(n, backoff, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
  });

  it("never waits longer than the cap, however many attempts failed", () => {
    for (const attempt of [4, 5, 10, 100, 10_000]) {
      expect(reconnectDelay(attempt, LIVE_RECONNECT, () => 0.999999)).toBeLessThanOrEqual(LIVE_RECONNECT.capMs);
      expect(reconnectDelay(attempt, LIVE_RECONNECT, () => 0)).toBe(LIVE_RECONNECT.capMs / 2);
    }
  });

  it("spreads a room that lost the server at once over half the step", () => {
    const waits = Array.from({ length: 1000 }, () => reconnectDelay(3));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(4000);
    expect(new Set(waits).size).toBeGreaterThan(500);
  });

  it("treats a negative attempt as the first", () => {
    expect(reconnectDelay(-3, LIVE_RECONNECT, () => 0)).toBe(reconnectDelay(0, LIVE_RECONNECT, () => 0));
  });
});
