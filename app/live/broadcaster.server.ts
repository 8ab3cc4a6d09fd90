/**
 * Fans workshop changes out to this process's Server-Sent Event connections. Notices from the
 * bus are coalesced per workshop (at most one snapshot per window: by default the window follows
 * how long the room's last snapshot took to build, 25–100 ms, adaptiveWindowMs); the snapshot
 * is built once, each audience's event is serialized and framed once (frameEvent), and every
 * connection is handed the same bytes. Phones get a calmer stream: their own view (only what the phone page
 * shows), sent only when it changed, at once when something they act on changes (the stage,
 * voting, the list they upvote), otherwise at most once a second.
 */
import { adaptiveWindowMs, Coalescer } from "../domain/coalescer";
import { errorFields, log, outsideRequest } from "../platform/log.server";
import type { LiveBus, WithdrawnRight } from "./bus.server";
import { frameEvent, type FramedEvent } from "./event-stream.server";

export const PHONE_INTERVAL_MS = 1000;
/**
 * The least time between two facilitator frames of one room, in ms. The control panel is read by
 * one person, not watched as the projector is, and its frame is the dearest snapshot (the gap,
 * the list, the texts): between its frames the room's snapshots are built without it. The last
 * change always follows within this long (ADR 043).
 */
export const FACILITATOR_INTERVAL_MS = 250;
/**
 * While the bus is losing messages (Redis down or hung), every room with a client here is
 * rebuilt from the database this often, in milliseconds: changes made on other processes reach
 * this one's clients within about this long (ADR 020).
 */
export const BUS_OUTAGE_RESYNC_MS = 1000;
/** After a snapshot could not be built (the database away), it is tried again this much later, in milliseconds. */
export const LOAD_RETRY_MS = 1000;

/** "room" is the projector's view; "phone" what a joined device shows of it; "facilitator" everything. */
export type Audience = "room" | "phone" | "facilitator";

/** One event of a live stream: framed once (frameEvent), the same bytes for every connection it goes to. */
export type LiveEvent = FramedEvent<{ event: string; data: string; id: number }>;

export interface LiveConnection {
  audience: Audience;
  /** Delivers one event (the route's is the event stream's `send`). */
  send(event: LiveEvent): void;
  /** Ends the stream (shutdown); optional so simple test doubles need not implement it. */
  close?(): void;
  /** The phone's participant, for a phone's stream: removing it ends the stream. */
  participantId?: number;
  /** The signed-in account watching (facilitator, admin): a change to its sessions or role makes the stream check again. */
  userId?: number;
  /** Whether the right this stream was opened with still holds (the session, the role, running the workshop). */
  stillAllowed?(): Promise<boolean>;
}

/** The last event of a stream whose right was withdrawn; the page shows the message and stops following. */
export const WITHDRAWN_EVENT = "withdrawn";
/** Sent when this process shuts down: the page reconnects (to another process, or to this one once back). */
export const RECONNECT_EVENT = "reconnect";
const RECONNECT_DATA = JSON.stringify({ reason: "server restarting" });
export const REMOVED_MESSAGE = "The facilitator removed you from this workshop.";
export const SIGNED_OUT_MESSAGE = "You are no longer signed in with the right to follow this workshop. Sign in again to go on.";

/**
 * Each audience's state, built to what the connected audiences need: `facilitator` is left out
 * when no facilitator watches, `room` when only phones do; without `phone`, phones get the room's.
 */
export type Snapshots = { room?: unknown; facilitator?: unknown; phone?: unknown };
/** Builds the states the audiences connected here need. */
export type SnapshotLoader = (workshopId: number, audiences: ReadonlySet<Audience>) => Promise<Snapshots | null>;

interface PhoneSchedule {
  lastSentAt: number;
  lastKey: string;
  /** The phone state last sent, serialized: the same again is not sent. */
  lastData: string;
  trailing: ReturnType<typeof setTimeout> | null;
}

/** Per room, its facilitators' frames: the last one's time, the one held back, the one being built. */
interface FacilitatorSchedule {
  /** When the last frame was sent (ms since the epoch). */
  lastSentAt: number;
  trailing: ReturnType<typeof setTimeout> | null;
  building: boolean;
  /** A change arrived while the frame was being built: another follows. */
  stale: boolean;
  /** When this process heard of the first change only a facilitator's frame will carry (ms), for onFanOut. */
  changedAt: number | undefined;
}

const FACILITATOR_ONLY: ReadonlySet<Audience> = new Set(["facilitator"]);

/** An event for this process's streams, framed once. */
function liveEvent(event: string, data: string, id: number): LiveEvent {
  return frameEvent({ event, data, id });
}

export class WorkshopBroadcaster {
  /**
   * Every connection here, per workshop, grouped by audience (a workshop with none and an audience
   * with none are absent): a flush reads which audiences watch and skips a room's phones between
   * their sends without walking every connection, which at 10,000 phones was most of a flush's time.
   */
  private readonly audiences = new Map<number, Map<Audience, Set<LiveConnection>>>();
  private readonly phones = new Map<number, PhoneSchedule>();
  /** Per room: when its facilitators were last sent a frame, and the timer of the one held back. */
  private readonly facilitators = new Map<number, FacilitatorSchedule>();
  private readonly coalescer: Coalescer<number>;
  private eventId = 0;
  private snapshotsBuilt = 0;
  /** Set by closeAll: the process is draining and takes no new streams. */
  private closing = false;
  private outageResync: ReturnType<typeof setInterval> | undefined;
  /** Which builds are failing now (the room's, the facilitator's): one log line when the first starts failing, one when the last recovers. */
  private readonly loadFailing = new Set<"room" | "facilitator">();
  private stopped = false;
  private readonly stopListening: Array<() => void> = [];
  /** When this process first heard of a change of each workshop not yet sent to its clients (ms). */
  private readonly changedSince = new Map<number, number>();
  private readonly fanOutListeners = new Set<(lagMs: number) => void>();
  /** How long each watched workshop's last snapshot took to build, in ms (wall time). */
  private readonly buildMs = new Map<number, number>();
  /**
   * Per room: the number of the last room build begun and of the last one sent. Builds overlap
   * when one outlasts the window (or a new audience asks for its own), and one begun earlier can
   * finish later: its frame, older than the one already sent, is dropped.
   */
  private readonly roomBuilds = new Map<number, { begun: number; sent: number }>();

  constructor(
    bus: LiveBus,
    private readonly loadSnapshots: SnapshotLoader,
    /** A fixed window in ms, or "adaptive": adaptiveWindowMs of the room's last build time. */
    intervalMs: number | "adaptive" = "adaptive",
    /** What must reach phones without delay; the rest can wait for PHONE_INTERVAL_MS. */
    private readonly phoneUrgency: (phone: unknown) => string = (phone) => JSON.stringify(phone),
    private readonly outageResyncMs = BUS_OUTAGE_RESYNC_MS,
  ) {
    this.coalescer = new Coalescer(intervalMs === "adaptive" ? (workshopId) => adaptiveWindowMs(this.buildMs.get(workshopId)) : intervalMs, (workshopId) => void this.flush(workshopId));
    this.stopListening.push(
      bus.subscribe((workshopId) => {
        // Only workshops someone in this process is watching cost a snapshot.
        if (!this.audiences.has(workshopId)) return;
        if (!this.changedSince.has(workshopId)) this.changedSince.set(workshopId, Date.now());
        this.coalescer.notify(workshopId);
      }),
      bus.onWithdrawn((right) => void this.withdraw(right)),
      bus.onHealthChange((healthy) => (healthy ? this.busRecovered() : this.busLosingMessages())),
    );
    if (!bus.healthy()) this.busLosingMessages();
  }

  /**
   * The bus may be dropping other processes' changes: rebuild every room watched here from the
   * database every outageResyncMs until it is back. Phones still get only what changed for them.
   */
  private busLosingMessages(): void {
    this.outageResync ??= setInterval(() => this.resyncAll(), this.outageResyncMs);
    this.outageResync.unref?.();
  }

  /** The bus carries messages again: one last resync brings every client here to the database's state. */
  private busRecovered(): void {
    clearInterval(this.outageResync);
    this.outageResync = undefined;
    this.resyncAll();
  }

  /** Sends every room watched here its current state, built from the database (coalesced as usual). */
  resyncAll(): void {
    for (const workshopId of this.audiences.keys()) this.coalescer.notify(workshopId);
  }

  /** Stops listening to the bus and resyncing (tests; the process's own broadcaster lives as long as it does). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.outageResync);
    this.outageResync = undefined;
    for (const schedule of [...this.facilitators.values(), ...this.phones.values()]) if (schedule.trailing) clearTimeout(schedule.trailing);
    this.facilitators.clear();
    this.phones.clear();
    for (const stop of this.stopListening.splice(0)) stop();
  }

  /**
   * Ends the streams that depended on a withdrawn right, in this process: a removed phone's at
   * once (no query: the ids say who), an account's after checking again what it may still see
   * (a password change keeps the session that made it; a demoted admin may still run their own
   * workshops). Each gets a last "withdrawn" event with the reason, then the stream closes.
   */
  async withdraw(right: WithdrawnRight): Promise<void> {
    if (right.kind === "participants") {
      const ids = new Set(right.participantIds);
      for (const connection of [...this.connectionsHere(right.workshopId)]) {
        if (connection.participantId !== undefined && ids.has(connection.participantId)) this.end(connection, REMOVED_MESSAGE);
      }
      return;
    }
    const watching = [...this.connectionsHere()].filter((connection) => connection.userId === right.userId);
    await Promise.all(
      watching.map(async (connection) => {
        const allowed = await (connection.stillAllowed?.() ?? Promise.resolve(false)).catch(() => false);
        if (!allowed) this.end(connection, SIGNED_OUT_MESSAGE);
      }),
    );
  }

  /** Sends the last event and closes the stream (which disconnects it). */
  end(connection: LiveConnection, message: string): void {
    connection.send(liveEvent(WITHDRAWN_EVENT, JSON.stringify({ message }), this.nextEventId()));
    connection.close?.();
  }

  nextEventId(): number {
    this.eventId += 1;
    return this.eventId;
  }

  /**
   * Adds `connection` to the workshop's clients; returns its removal. After `closeAll` (the
   * process is draining) a new stream is told at once to reconnect and is ended: the listener may
   * still accept a connection queued before it closed, and a stream begun then would hold the
   * shutdown until its backstop.
   */
  connect(workshopId: number, connection: LiveConnection): () => void {
    if (this.closing) {
      connection.send(liveEvent(RECONNECT_EVENT, RECONNECT_DATA, this.nextEventId()));
      connection.close?.();
      return () => {};
    }
    const groups = this.audiences.get(workshopId) ?? new Map<Audience, Set<LiveConnection>>();
    this.audiences.set(workshopId, groups);
    // A new audience in a room already watched here: a build in flight was started without its
    // part (the room's and the facilitator's are built apart), so one more follows.
    if (groups.size > 0 && !groups.has(connection.audience)) this.coalescer.notify(workshopId);
    const group = groups.get(connection.audience) ?? new Set<LiveConnection>();
    group.add(connection);
    groups.set(connection.audience, group);
    return () => {
      group.delete(connection);
      if (group.size === 0 && groups.get(connection.audience) === group) {
        groups.delete(connection.audience);
        // The last facilitator left: no frame is owed to anyone, and none is built for nobody.
        if (connection.audience === "facilitator") this.forgetFacilitators(workshopId);
      }
      if (groups.size === 0 && this.audiences.get(workshopId) === groups) {
        this.audiences.delete(workshopId);
        this.coalescer.forget(workshopId);
        this.changedSince.delete(workshopId);
        this.buildMs.delete(workshopId);
        this.roomBuilds.delete(workshopId);
        const phone = this.phones.get(workshopId);
        if (phone?.trailing) clearTimeout(phone.trailing);
        this.phones.delete(workshopId);
        this.forgetFacilitators(workshopId);
      }
    };
  }

  /** Drops a room's facilitator schedule: its held-back frame, and the change it was owed (a build in flight then sends nothing). */
  private forgetFacilitators(workshopId: number): void {
    const schedule = this.facilitators.get(workshopId);
    if (schedule?.trailing) clearTimeout(schedule.trailing);
    this.facilitators.delete(workshopId);
  }

  /**
   * Calls `listener` each time a change is sent to this process's clients, with the time in ms
   * since this process heard of it (the first change the sent state includes). Outage resyncs and
   * retries are not changes; returns the removal.
   */
  onFanOut(listener: (lagMs: number) => void): () => void {
    this.fanOutListeners.add(listener);
    return () => this.fanOutListeners.delete(listener);
  }

  /** Open streams on this process by audience (for metrics). */
  connectionsByAudience(): Record<Audience, number> {
    const counts: Record<Audience, number> = { room: 0, phone: 0, facilitator: 0 };
    for (const groups of this.audiences.values()) for (const [audience, members] of groups) counts[audience] += members.size;
    return counts;
  }

  connectionCount(): number {
    let count = 0;
    for (const groups of this.audiences.values()) for (const members of groups.values()) count += members.size;
    return count;
  }

  /** This process's connections to one workshop, or to every workshop when none is given. */
  private *connectionsHere(workshopId?: number): Generator<LiveConnection> {
    const rooms = workshopId === undefined ? this.audiences.values() : [this.audiences.get(workshopId) ?? new Map<Audience, Set<LiveConnection>>()];
    for (const groups of rooms) for (const members of groups.values()) yield* members;
  }

  /** For the benchmark and tests: how many snapshots the coalescing let through. */
  snapshotCount(): number {
    return this.snapshotsBuilt;
  }

  /** Tells every client to reconnect (to another process, or to this one once it is back). */
  sendToAll(event: string, data: string): void {
    const framed = liveEvent(event, data, this.nextEventId());
    for (const connection of this.connectionsHere()) connection.send(framed);
  }

  /** On shutdown: tell every client to reconnect (elsewhere, or here once back), then end the streams. */
  closeAll(): void {
    this.closing = true;
    this.sendToAll(RECONNECT_EVENT, RECONNECT_DATA);
    for (const connection of [...this.connectionsHere()]) connection.close?.();
  }

  /**
   * Builds and sends the room's and the phones' states. The facilitator's frame is built apart
   * (facilitatorFlush), so the projector and the phones never wait for the dearest snapshot and
   * the coalescing window follows what their own snapshot costs.
   */
  private async flush(workshopId: number): Promise<void> {
    if (this.stopped) return;
    const groups = this.audiences.get(workshopId);
    if (!groups || groups.size === 0) return;
    const audiences = new Set(groups.keys());
    // The snapshot built now includes every change heard of until here.
    const changedAt = this.changedSince.get(workshopId);
    this.changedSince.delete(workshopId);
    if (audiences.delete("facilitator")) {
      // Only facilitators watch here: their frame is what carries the change.
      if (audiences.size === 0 && changedAt !== undefined) this.facilitatorSchedule(workshopId).changedAt ??= changedAt;
      this.facilitatorNotify(workshopId);
    }
    if (audiences.size === 0) return;
    const builds = this.roomBuilds.get(workshopId) ?? { begun: 0, sent: 0 };
    this.roomBuilds.set(workshopId, builds);
    const build = (builds.begun += 1);
    const buildStarted = performance.now();
    const snapshots = await this.load(workshopId, audiences, "room");
    if (snapshots === undefined) {
      // The change is kept for the retry, LOAD_RETRY_MS later, which every client here then gets.
      if (changedAt !== undefined && !this.changedSince.has(workshopId)) this.changedSince.set(workshopId, changedAt);
      setTimeout(() => this.audiences.has(workshopId) && this.coalescer.notify(workshopId), LOAD_RETRY_MS).unref?.();
      return;
    }
    if (this.audiences.has(workshopId)) this.buildMs.set(workshopId, performance.now() - buildStarted);
    if (!snapshots) return;
    // A build begun after this one has been sent already: it holds every change this one does.
    if (build < builds.sent) return;
    builds.sent = build;
    const states: Snapshots = { ...snapshots, phone: snapshots.phone ?? snapshots.room };
    const id = this.nextEventId();
    const prepared = new Map<Audience, LiveEvent>();
    const prepare = (audience: Audience) => {
      let framed = prepared.get(audience);
      if (!framed) {
        framed = liveEvent("state", JSON.stringify(states[audience]), id);
        prepared.set(audience, framed);
      }
      return framed;
    };
    // The groups as they are now: an audience may have connected while the snapshot was built.
    for (const [audience, members] of groups) {
      if (audience === "facilitator") continue;
      // Connected while the snapshot was built without its part: connect() asked for the next frame.
      if (states[audience] === undefined) continue;
      if (audience === "phone" && !this.phonesDue(workshopId, states.phone, prepare("phone").data)) continue;
      const framed = prepare(audience);
      for (const connection of members) connection.send(framed);
    }
    this.reportFanOut(changedAt);
  }

  /**
   * The snapshots for `audiences`, or undefined when they could not be built: the failure is
   * logged once per failing spell (of either kind of build), and the caller tries again
   * LOAD_RETRY_MS later. Null: the workshop is gone.
   */
  private async load(workshopId: number, audiences: ReadonlySet<Audience>, kind: "room" | "facilitator"): Promise<Snapshots | null | undefined> {
    let snapshots: Snapshots | null;
    try {
      snapshots = await this.loadSnapshots(workshopId, audiences);
    } catch (error) {
      // One line per failing spell (the database away), not one per room per second of it.
      if (this.loadFailing.size === 0)
        outsideRequest(() =>
          log().error(
            { event: "live-updates-failing", ...errorFields(error) },
            `Live updates cannot be built (${error instanceof Error ? error.message : String(error)}); clients keep their last state and it is tried again every ${LOAD_RETRY_MS / 1000} s.`,
          ),
        );
      this.loadFailing.add(kind);
      return undefined;
    }
    if (this.loadFailing.delete(kind) && this.loadFailing.size === 0) outsideRequest(() => log().info({ event: "live-updates-recovered" }, "Live updates are built again."));
    this.snapshotsBuilt += 1;
    return snapshots;
  }

  private reportFanOut(changedAt: number | undefined): void {
    if (changedAt === undefined) return;
    const lag = Date.now() - changedAt;
    for (const listener of this.fanOutListeners) listener(lag);
  }

  /**
   * The room changed and facilitators watch it here: their frame is built now if none was sent in
   * the last FACILITATOR_INTERVAL_MS and none is being built; otherwise once the interval is up,
   * or once the build in flight is done. One build at a time per room, the last change always
   * following within about FACILITATOR_INTERVAL_MS plus a build.
   */
  private facilitatorNotify(workshopId: number): void {
    const schedule = this.facilitatorSchedule(workshopId);
    if (schedule.building) {
      schedule.stale = true;
      return;
    }
    const wait = schedule.lastSentAt + FACILITATOR_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      if (schedule.trailing) clearTimeout(schedule.trailing);
      schedule.trailing = null;
      void this.facilitatorFlush(workshopId, schedule);
      return;
    }
    // One schedule object per room, changed in place: the timer's callback clears the handle it was set on.
    schedule.trailing ??= setTimeout(() => {
      schedule.trailing = null;
      if (this.facilitators.get(workshopId) === schedule && this.audiences.get(workshopId)?.has("facilitator") && !this.stopped) this.facilitatorNotify(workshopId);
    }, wait);
  }

  /** Builds the facilitator's snapshot alone and sends it to this room's facilitators. */
  private async facilitatorFlush(workshopId: number, schedule: FacilitatorSchedule): Promise<void> {
    schedule.building = true;
    schedule.stale = false;
    const changedAt = schedule.changedAt;
    schedule.changedAt = undefined;
    const current = () => this.facilitators.get(workshopId) === schedule && this.audiences.get(workshopId)?.has("facilitator") === true;
    let failed = false;
    try {
      const snapshots = await this.load(workshopId, FACILITATOR_ONLY, "facilitator");
      if (snapshots === undefined) {
        failed = true;
        schedule.changedAt ??= changedAt;
        // Tried again on its own: the room's clients, served by their own builds, are not rebuilt for it.
        setTimeout(() => current() && this.facilitatorNotify(workshopId), LOAD_RETRY_MS).unref?.();
        return;
      }
      const members = this.audiences.get(workshopId)?.get("facilitator");
      if (!snapshots?.facilitator || !members || !current()) return;
      schedule.lastSentAt = Date.now();
      const framed = liveEvent("state", JSON.stringify(snapshots.facilitator), this.nextEventId());
      for (const connection of members) connection.send(framed);
      // Only when no room or phone here carried the change is the facilitator's frame its fan-out.
      this.reportFanOut(changedAt);
    } finally {
      schedule.building = false;
      // After a failure the retry above follows; otherwise a change during the build gets its frame.
      if (!failed && schedule.stale && current()) this.facilitatorNotify(workshopId);
    }
  }

  private facilitatorSchedule(workshopId: number): FacilitatorSchedule {
    let schedule = this.facilitators.get(workshopId);
    if (!schedule) this.facilitators.set(workshopId, (schedule = { lastSentAt: 0, trailing: null, building: false, stale: false, changedAt: undefined }));
    return schedule;
  }

  /** Whether phones get this state now; if not, a trailing flush makes sure they get the last one. */
  private phonesDue(workshopId: number, phone: unknown, data: string): boolean {
    const now = Date.now();
    const schedule = this.phones.get(workshopId) ?? { lastSentAt: 0, lastKey: "", lastData: "", trailing: null };
    this.phones.set(workshopId, schedule);
    if (data === schedule.lastData) {
      // Nothing a phone shows has changed; a pending trailing send would repeat what they have.
      if (schedule.trailing) clearTimeout(schedule.trailing);
      schedule.trailing = null;
      return false;
    }
    const key = this.phoneUrgency(phone);
    if (key !== schedule.lastKey || now - schedule.lastSentAt >= PHONE_INTERVAL_MS) {
      schedule.lastKey = key;
      schedule.lastData = data;
      schedule.lastSentAt = now;
      if (schedule.trailing) clearTimeout(schedule.trailing);
      schedule.trailing = null;
      return true;
    }
    if (!schedule.trailing) {
      schedule.trailing = setTimeout(
        () => {
          schedule.trailing = null;
          schedule.lastSentAt = 0; // due on the next flush
          this.coalescer.notify(workshopId);
        },
        schedule.lastSentAt + PHONE_INTERVAL_MS - now,
      );
    }
    return false;
  }
}
