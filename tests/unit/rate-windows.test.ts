import { describe, expect, it } from "vitest";
import { fixedWindows } from "../../app/domain/rate-windows";

describe("fixedWindows", () => {
  it("gives each key once, in sorted order, with the start of its own window", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 42, 500);
    expect(
      fixedWindows(
        [
          { key: "vote-device:participant:7", windowMs: 1_000 },
          { key: "vote-address:10.0.0.1", windowMs: 60_000 },
          { key: "vote-device:participant:7", windowMs: 1_000 },
        ],
        now,
      ),
    ).toEqual([
      { key: "vote-address:10.0.0.1", windowMs: 60_000, startMs: Date.UTC(2026, 0, 1, 12, 0, 0) },
      { key: "vote-device:participant:7", windowMs: 1_000, startMs: Date.UTC(2026, 0, 1, 12, 0, 42) },
    ]);
  });
});
