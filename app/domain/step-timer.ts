/**
 * The facilitator's timer for a step of a role-play workshop (ADR 028): the server stores its
 * deadline; pages say how long is left from it, as text without JavaScript and counting down with it.
 */

export const TIMER_MINUTES = { min: 1, max: 60 } as const;

/** A running timer as the room's state carries it: the deadline (ISO UTC) and the minutes it was set to. */
export interface StepTimer {
  endsAt: string;
  minutes: number;
}

/** Reads the control panel's minutes field: a whole number from 1 to 60. */
export function readTimerMinutes(value: FormDataEntryValue | null): { ok: true; minutes: number } | { ok: false; message: string } {
  const text = typeof value === "string" ? value.trim() : "";
  const minutes = Number(text);
  if (text === "" || !/^\d+$/.test(text) || minutes < TIMER_MINUTES.min || minutes > TIMER_MINUTES.max) {
    return { ok: false, message: `minutes: give the timer a whole number of minutes from ${TIMER_MINUTES.min} to ${TIMER_MINUTES.max}.` };
  }
  return { ok: true, minutes };
}

/** The deadline of a timer of `minutes` started at `nowMs`, as ISO UTC. */
export function timerDeadline(nowMs: number, minutes: number): string {
  return new Date(nowMs + minutes * 60_000).toISOString();
}

/** Whole seconds left until `endsAt` at `nowMs`, never below 0. */
export function secondsLeft(endsAt: string, nowMs: number): number {
  return Math.max(0, Math.ceil((Date.parse(endsAt) - nowMs) / 1000));
}

/**
 * What a page says of the time left without a clock of its own: "Time is up.", "Less than a
 * minute left.", or "About N minutes left." (N rounded up, so a page never promises more time
 * than there is by more than a minute).
 */
export function timeLeftText(endsAt: string, nowMs: number): string {
  const seconds = secondsLeft(endsAt, nowMs);
  if (seconds === 0) return "Time is up.";
  if (seconds < 60) return "Less than a minute left.";
  const minutes = Math.ceil(seconds / 60);
  return `About ${minutes} ${minutes === 1 ? "minute" : "minutes"} left.`;
}

/** A countdown as a clock shows it: "4:05", "0:09", "12:00". */
export function countdownText(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** "HH:MM" of an ISO time in UTC (what the server can say without knowing the room's time zone). */
export function utcClock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 16);
}
