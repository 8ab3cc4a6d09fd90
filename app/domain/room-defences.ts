/**
 * A live room's defences against ballot stuffing (one client joining again and again as "new
 * phones"): a lock, a capacity, joins per minute for the facilitator to watch, and the window
 * of a burst to void. Pure; the models store the facts and the routes call these rules.
 */

/** Largest capacity a facilitator may set: far above any room, small enough to be a real limit. */
export const MAX_CAPACITY = 10_000;

/** The choices "void a burst" offers, in minutes back from now. */
export const VOID_WINDOWS_MINUTES = [1, 2, 5, 10, 15, 30, 60] as const;

export interface RoomDoor {
  locked: boolean;
  /** Most participants (not removed) the room takes; null for no limit. */
  capacity: number | null;
  /** Participants in the room now, removed ones not counted. */
  present: number;
  /** This device has joined before (removed or not): a rejoin is not a new phone. */
  alreadyJoined: boolean;
}

/**
 * Why this device may not join, or null when it may. A device that joined before always gets
 * back in (its phone reloaded; it holds no new vote), so a lock or a full room stops only new
 * phones. The message is what the join page shows under the code.
 */
export function joinRefusal(door: RoomDoor): string | null {
  if (door.alreadyJoined) return null;
  if (door.locked) return "This room is locked: the facilitator is not letting anyone else join. Ask them if you should be in.";
  if (door.capacity !== null && door.present >= door.capacity) {
    return `This room is full (${door.capacity} ${door.capacity === 1 ? "person" : "people"}). Ask the facilitator if you should be in.`;
  }
  return null;
}

/**
 * Joins per minute over the last `minutes` minutes, oldest first: bucket i counts the joins in
 * [now - (minutes - i) min, now - (minutes - i - 1) min). The joins come counted per second,
 * `second` being an ISO-8601 time to the second ("YYYY-MM-DDTHH:MM:SS", as joinsBySecond reads
 * them): at most 60 × `minutes` rows, however many joined. Seconds outside the span are ignored.
 * `now` in epoch ms.
 */
export function joinsPerMinute(perSecond: readonly { second: string; count: number }[], now: number, minutes = 10): number[] {
  const buckets = new Array<number>(minutes).fill(0);
  const start = now - minutes * 60_000;
  for (const { second, count } of perSecond) {
    const t = Date.parse(`${second}Z`);
    if (!(t >= start - 999 && t < now + 1)) continue;
    const index = Math.min(minutes - 1, Math.max(0, Math.floor((t - start) / 60_000)));
    buckets[index]! += count;
  }
  return buckets;
}

/** Where joinsPerMinute's span starts (ISO-8601): joins are counted from here. */
export function joinRateSince(now: number, minutes = 10): string {
  return new Date(now - minutes * 60_000).toISOString();
}

export interface BurstWindow {
  /** ISO-8601 UTC: the window's start (inclusive) and end (inclusive). */
  since: string;
  until: string;
  minutes: number;
}

/**
 * The window "the phones that joined in the last `minutes` minutes", fixed at `now`, so the
 * confirmation's count and the removal cover the same phones (one that joins after the preview
 * is not in it). Null when `minutes` is not one of VOID_WINDOWS_MINUTES.
 */
export function burstWindow(minutes: number, now: number): BurstWindow | null {
  if (!(VOID_WINDOWS_MINUTES as readonly number[]).includes(minutes)) return null;
  return { since: new Date(now - minutes * 60_000).toISOString(), until: new Date(now).toISOString(), minutes };
}

/**
 * Reads a confirmed window back from the form (the preview's hidden fields). Null unless both
 * are ISO-8601 UTC instants, in order, at most the longest window apart and not in the future.
 */
export function readBurstWindow(since: unknown, until: unknown, now: number): { since: string; until: string } | null {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
  if (typeof since !== "string" || typeof until !== "string" || !iso.test(since) || !iso.test(until)) return null;
  const from = Date.parse(since);
  const to = Date.parse(until);
  const longest = Math.max(...VOID_WINDOWS_MINUTES) * 60_000;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to || to - from > longest || to > now + 60_000) return null;
  return { since, until };
}

/**
 * The capacity field: empty means no limit; otherwise a whole number from 1 to MAX_CAPACITY.
 * Returns the value or the message for the field.
 */
export function readCapacity(raw: unknown): { ok: true; capacity: number | null } | { ok: false; message: string } {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") return { ok: true, capacity: null };
  if (!/^\d{1,6}$/.test(text)) return { ok: false, message: `Capacity must be a whole number from 1 to ${MAX_CAPACITY}, or empty for no limit.` };
  const capacity = Number(text);
  if (capacity < 1 || capacity > MAX_CAPACITY) return { ok: false, message: `Capacity must be a whole number from 1 to ${MAX_CAPACITY}, or empty for no limit.` };
  return { ok: true, capacity };
}
