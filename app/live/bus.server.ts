/**
 * The live-update bus: "workshop N changed". In one process it is a plain event emitter; with
 * REDIS_URL it is Redis pub/sub, so a change made on one app server reaches the phones connected
 * to every other. The broadcaster only knows this interface.
 */
import { Redis } from "ioredis";
import { singleton } from "../singleton.server";

export type BusHealth = "ok" | "unreachable" | "not configured";

/**
 * A right to watch a live stream that has just been withdrawn, wherever it was withdrawn: these
 * phones were removed from the room (their streams end at once), or this account's sessions or
 * role changed (its streams check again whether they may go on).
 */
export type WithdrawnRight = { kind: "participants"; workshopId: number; participantIds: number[] } | { kind: "user"; userId: number };

export interface LiveBus {
  publish(workshopId: number): void;
  subscribe(listener: (workshopId: number) => void): () => void;
  /** Tells every process (this one too) that a right was withdrawn. */
  withdraw(right: WithdrawnRight): void;
  onWithdrawn(listener: (right: WithdrawnRight) => void): () => void;
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}

/** A withdrawal read back from the wire, or null when it is not one (another version, a stray message). */
export function readWithdrawnRight(message: string): WithdrawnRight | null {
  try {
    const right = JSON.parse(message) as Partial<{ kind: string; workshopId: unknown; participantIds: unknown; userId: unknown }>;
    if (right.kind === "participants" && Number.isInteger(right.workshopId) && Array.isArray(right.participantIds) && right.participantIds.every((id) => Number.isInteger(id))) {
      return { kind: "participants", workshopId: right.workshopId as number, participantIds: right.participantIds as number[] };
    }
    if (right.kind === "user" && Number.isInteger(right.userId)) return { kind: "user", userId: right.userId as number };
  } catch {
    // Not JSON: not ours.
  }
  return null;
}

export class InProcessBus implements LiveBus {
  private readonly listeners = new Set<(workshopId: number) => void>();
  private readonly withdrawals = new Set<(right: WithdrawnRight) => void>();

  withdraw(right: WithdrawnRight): void {
    for (const listener of this.withdrawals) listener(right);
  }

  onWithdrawn(listener: (right: WithdrawnRight) => void): () => void {
    this.withdrawals.add(listener);
    return () => this.withdrawals.delete(listener);
  }

  publish(workshopId: number): void {
    for (const listener of this.listeners) listener(workshopId);
  }

  subscribe(listener: (workshopId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async health(): Promise<BusHealth> {
    return "not configured";
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.withdrawals.clear();
  }
}

export class RedisBus implements LiveBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(workshopId: number) => void>();
  private readonly withdrawals = new Set<(right: WithdrawnRight) => void>();
  private readonly channel: string;
  private readonly withdrawnChannel: string;

  constructor(url: string, prefix: string) {
    this.channel = `${prefix}workshop-changed`;
    this.withdrawnChannel = `${prefix}rights-withdrawn`;
    // A dropped Redis connection must not crash the app: commands queue and retry, errors are logged once per burst.
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    let lastError = 0;
    const logError = (error: Error) => {
      if (Date.now() - lastError > 10_000) console.error(`Redis: ${error.message}`);
      lastError = Date.now();
    };
    this.publisher.on("error", logError);
    this.subscriber.on("error", logError);
    void this.subscriber.subscribe(this.channel, this.withdrawnChannel).catch(logError);
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.withdrawnChannel) {
        const right = readWithdrawnRight(message);
        if (right) for (const listener of this.withdrawals) listener(right);
        return;
      }
      const workshopId = Number(message);
      if (!Number.isInteger(workshopId)) return;
      for (const listener of this.listeners) listener(workshopId);
    });
  }

  publish(workshopId: number): void {
    this.publisher.publish(this.channel, String(workshopId)).catch(() => {
      // Logged by the connection's error handler; the change is in the database either way,
      // and clients resync on their next event or reconnect.
    });
  }

  subscribe(listener: (workshopId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  withdraw(right: WithdrawnRight): void {
    // This process's own streams end at once, without waiting for the round trip through Redis
    // (the message comes back here too; ending a stream twice does nothing).
    for (const listener of this.withdrawals) listener(right);
    this.publisher.publish(this.withdrawnChannel, JSON.stringify(right)).catch(() => {
      // Logged by the connection's error handler. Streams also check their rights again on
      // every heartbeat, so a lost message delays the end of a stream; it does not cancel it.
    });
  }

  onWithdrawn(listener: (right: WithdrawnRight) => void): () => void {
    this.withdrawals.add(listener);
    return () => this.withdrawals.delete(listener);
  }

  async health(): Promise<BusHealth> {
    try {
      const answer = await Promise.race([this.publisher.ping(), new Promise<string>((_, reject) => setTimeout(() => reject(new Error("timeout")), 1000))]);
      return answer === "PONG" ? "ok" : "unreachable";
    } catch {
      return "unreachable";
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.withdrawals.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

export function liveBus(): LiveBus {
  return singleton("live-bus", () => {
    const url = process.env.REDIS_URL;
    return url ? new RedisBus(url, process.env.REDIS_PREFIX ?? "casebook:") : new InProcessBus();
  });
}
