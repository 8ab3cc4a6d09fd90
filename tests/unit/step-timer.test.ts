import { describe, expect, it } from "vitest";
import { countdownText, readTimerMinutes, secondsLeft, timeLeftText, timerDeadline, utcClock } from "../../app/domain/step-timer";

const START = Date.parse("2026-11-30T11:00:00.000Z");

describe("step timer", () => {
  it("takes whole minutes from 1 to 60 and refuses anything else with a message naming the field", () => {
    expect(readTimerMinutes("5")).toEqual({ ok: true, minutes: 5 });
    expect(readTimerMinutes(" 60 ")).toEqual({ ok: true, minutes: 60 });
    for (const bad of ["0", "61", "2.5", "-3", "", "five", null]) {
      const read = readTimerMinutes(bad);
      expect(read.ok, String(bad)).toBe(false);
      if (!read.ok) expect(read.message).toMatch(/^minutes: .*1 to 60/);
    }
  });

  it("keeps the deadline and says the time left from it, rounded up to the minute, until time is up", () => {
    const endsAt = timerDeadline(START, 5);
    expect(endsAt).toBe("2026-11-30T11:05:00.000Z");
    expect(utcClock(endsAt)).toBe("11:05");
    expect(timeLeftText(endsAt, START)).toBe("About 5 minutes left.");
    expect(timeLeftText(endsAt, START + 4 * 60_000 + 1_000)).toBe("Less than a minute left.");
    expect(timeLeftText(endsAt, START + 3 * 60_000 + 30_000)).toBe("About 2 minutes left.");
    expect(timeLeftText(endsAt, START + 4 * 60_000)).toBe("About 1 minute left.");
    expect(timeLeftText(endsAt, START + 5 * 60_000)).toBe("Time is up.");
    expect(secondsLeft(endsAt, START + 10 * 60_000)).toBe(0);
  });

  it("shows a countdown as minutes and seconds", () => {
    expect(countdownText(245)).toBe("4:05");
    expect(countdownText(9)).toBe("0:09");
    expect(countdownText(720)).toBe("12:00");
    expect(countdownText(-4)).toBe("0:00");
  });
});
