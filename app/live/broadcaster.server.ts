/**
 * Fans workshop changes out to this process's Server-Sent Event connections. Notices from the
 * bus are coalesced per workshop (at most one snapshot every BROADCAST_INTERVAL_MS), the
 * snapshot is built once per audience, and every connection gets the same serialized text.
 */
import { Coalescer } from "../domain/coalescer";
import type { LiveBus } from "./bus.server";

export const BROADCAST_INTERVAL_MS = 100;

export type Audience = "room" | "facilitator";

export interface LiveConnection {
  audience: Audience;
  send(event: string, data: string, id: number): void;
  /** Ends the stream (shutdown); optional so simple test doubles need not implement it. */
  close?(): void;
}

export type SnapshotLoader = (workshopId: number) => Promise<Record<Audience, unknown> | null>;

export class WorkshopBroadcaster {
  private readonly connections = new Map<number, Set<LiveConnection>>();
  private readonly coalescer: Coalescer<number>;
  private eventId = 0;
  private snapshotsBuilt = 0;

  constructor(
    bus: LiveBus,
    private readonly loadSnapshots: SnapshotLoader,
    intervalMs = BROADCAST_INTERVAL_MS,
  ) {
    this.coalescer = new Coalescer(intervalMs, (workshopId) => void this.flush(workshopId));
    bus.subscribe((workshopId) => {
      // Only workshops someone in this process is watching cost a snapshot.
      if (this.connections.has(workshopId)) this.coalescer.notify(workshopId);
    });
  }

  nextEventId(): number {
    this.eventId += 1;
    return this.eventId;
  }

  connect(workshopId: number, connection: LiveConnection): () => void {
    const set = this.connections.get(workshopId) ?? new Set<LiveConnection>();
    set.add(connection);
    this.connections.set(workshopId, set);
    return () => {
      set.delete(connection);
      if (set.size === 0) {
        this.connections.delete(workshopId);
        this.coalescer.forget(workshopId);
      }
    };
  }

  connectionCount(): number {
    let count = 0;
    for (const set of this.connections.values()) count += set.size;
    return count;
  }

  /** For the benchmark and tests: how many snapshots the coalescing let through. */
  snapshotCount(): number {
    return this.snapshotsBuilt;
  }

  /** Tells every client to reconnect (to another process, or to this one once it is back). */
  sendToAll(event: string, data: string): void {
    const id = this.nextEventId();
    for (const set of this.connections.values()) for (const connection of set) connection.send(event, data, id);
  }

  /** On shutdown: tell every client to reconnect (elsewhere, or here once back), then end the streams. */
  closeAll(): void {
    this.sendToAll("reconnect", JSON.stringify({ reason: "server restarting" }));
    for (const set of this.connections.values()) for (const connection of [...set]) connection.close?.();
  }

  private async flush(workshopId: number): Promise<void> {
    const set = this.connections.get(workshopId);
    if (!set || set.size === 0) return;
    let snapshots: Record<Audience, unknown> | null;
    try {
      snapshots = await this.loadSnapshots(workshopId);
    } catch (error) {
      console.error(`Live update for workshop ${workshopId} failed:`, error);
      return;
    }
    this.snapshotsBuilt += 1;
    if (!snapshots) return;
    const id = this.nextEventId();
    const serialized: Partial<Record<Audience, string>> = {};
    for (const connection of set) {
      serialized[connection.audience] ??= JSON.stringify(snapshots[connection.audience]);
      connection.send("state", serialized[connection.audience]!, id);
    }
  }
}
