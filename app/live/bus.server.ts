/**
 * The live-update bus: "workshop N changed". In one process it is a plain event emitter; with
 * REDIS_URL it is Redis pub/sub, so a change made on one app server reaches the phones connected
 * to every other. The broadcaster only knows this interface.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { singleton } from "../platform/singleton.server";
import { readConfig } from "../platform/config.server";
import { RedisHealth, redisOptions, sharedRedisHealth } from "./redis-health.server";

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
  /** False while the bus may be losing messages (Redis not answering): listeners must then look at the database themselves. */
  healthy(): boolean;
  /**
   * Called with false when the bus starts losing messages and true when it carries them again
   * (after an outage, and when this process first starts hearing the others); returns the removal.
   */
  onHealthChange(listener: (healthy: boolean) => void): () => void;
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

  healthy(): boolean {
    return true;
  }

  onHealthChange(): () => void {
    // One process, no wire: nothing is ever lost.
    return () => {};
  }

  async health(): Promise<BusHealth> {
    return "not configured";
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.withdrawals.clear();
  }
}

/** How many withdrawals a process keeps to publish again after an outage; beyond that, heartbeats' rechecks still end account streams. */
const PENDING_WITHDRAWALS_MAX = 1_000;

/** "42 <origin>": a workshop changed, on the process with that origin (older processes sent "42" alone). */
export function readChangeNotice(message: string): { workshopId: number; origin: string | null } | null {
  const match = /^(\d+)(?: (\S+))?$/.exec(message);
  return match ? { workshopId: Number(match[1]), origin: match[2] ?? null } : null;
}

/**
 * The bus over Redis pub/sub. A change is delivered to this process's own listeners at once and
 * published for the others (who ignore nothing but their own echo). Redis failing costs latency,
 * never correctness (ADR 020): every command has a time limit; while the process's RedisHealth
 * says Redis is down, nothing is sent to it, the workshops changed here and the rights withdrawn
 * here are kept, and when it answers again they are published again, so processes that missed
 * them catch up; the broadcaster meanwhile resyncs its rooms from the database.
 */
export class RedisBus implements LiveBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(workshopId: number) => void>();
  private readonly withdrawals = new Set<(right: WithdrawnRight) => void>();
  private readonly channel: string;
  private readonly withdrawnChannel: string;
  /** Tells this process's messages from the others'. */
  private readonly origin = randomBytes(6).toString("hex");
  private readonly unpublished = new Set<number>();
  private readonly unpublishedWithdrawals: WithdrawnRight[] = [];
  private readonly stopWatching: Array<() => void> = [];
  /** onHealthChange's listeners, also told (true) each time a subscription takes effect. */
  private readonly subscribed = new Set<(healthy: boolean) => void>();
  private closed = false;

  constructor(
    url: string,
    prefix: string,
    private readonly redisHealth: RedisHealth = new RedisHealth(),
  ) {
    this.channel = `${prefix}workshop-changed`;
    this.withdrawnChannel = `${prefix}rights-withdrawn`;
    // The offline queue holds the first SUBSCRIBE until the connection is up; the command time
    // limit (redisOptions) bounds how long anything waits in it.
    const options = redisOptions({ maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    for (const connection of [this.publisher, this.subscriber]) {
      const failed = (error: unknown) => this.closed || this.redisHealth.reportFailure(error);
      connection.on("error", failed);
      connection.on("close", () => failed(new Error("connection closed")));
    }
    // Subscribe on every (re)connection, not once: a SUBSCRIBE that failed while Redis was away
    // (a process started during an outage) would otherwise never be sent again. It is idempotent.
    // Until a SUBSCRIBE takes effect, other processes' messages are lost (at start-up as after a
    // reconnection): once it has, the listeners of onHealthChange resync from the database.
    this.subscriber.on("ready", () => {
      this.subscriber
        .subscribe(this.channel, this.withdrawnChannel)
        .then(() => {
          if (!this.closed && this.redisHealth.isUp()) for (const listener of this.subscribed) listener(true);
        })
        .catch((error: unknown) => this.closed || this.redisHealth.reportFailure(error));
    });
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.withdrawnChannel) {
        const right = readWithdrawnRight(message);
        if (right) for (const listener of this.withdrawals) listener(right);
        return;
      }
      const notice = readChangeNotice(message);
      if (!notice || notice.origin === this.origin) return; // our own: delivered when published
      for (const listener of this.listeners) listener(notice.workshopId);
    });
    // A PING on the subscriber answers only after the SUBSCRIBE sent before it on reconnection:
    // when both answer, messages flow again.
    this.stopWatching.push(this.redisHealth.watch(() => Promise.all([this.publisher.ping(), this.subscriber.ping()])));
    this.stopWatching.push(
      this.redisHealth.onChange((up) => {
        if (up) this.publishUnpublished();
      }),
    );
  }

  publish(workshopId: number): void {
    for (const listener of this.listeners) listener(workshopId);
    this.send(workshopId);
  }

  private send(workshopId: number): void {
    if (!this.redisHealth.isUp()) {
      this.unpublished.add(workshopId);
      return;
    }
    this.publisher.publish(this.channel, `${workshopId} ${this.origin}`).catch((error: unknown) => {
      // The change is in the database; other processes get it when this is published again.
      this.unpublished.add(workshopId);
      this.redisHealth.reportFailure(error);
    });
  }

  private sendWithdrawal(right: WithdrawnRight): void {
    const keep = () => {
      if (this.unpublishedWithdrawals.length < PENDING_WITHDRAWALS_MAX) this.unpublishedWithdrawals.push(right);
    };
    if (!this.redisHealth.isUp()) return keep();
    this.publisher.publish(this.withdrawnChannel, JSON.stringify(right)).catch((error: unknown) => {
      // Published again when Redis is back. Account streams also check their rights on every
      // heartbeat, so a lost message delays the end of a stream; it does not cancel it.
      keep();
      this.redisHealth.reportFailure(error);
    });
  }

  /** Redis is back: what other processes missed meanwhile goes out now. */
  private publishUnpublished(): void {
    const workshops = [...this.unpublished];
    const rights = this.unpublishedWithdrawals.splice(0);
    this.unpublished.clear();
    for (const workshopId of workshops) this.send(workshopId);
    for (const right of rights) this.sendWithdrawal(right);
  }

  subscribe(listener: (workshopId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  withdraw(right: WithdrawnRight): void {
    // This process's own streams end at once, without waiting for the round trip through Redis
    // (the message comes back here too; ending a stream twice does nothing).
    for (const listener of this.withdrawals) listener(right);
    this.sendWithdrawal(right);
  }

  onWithdrawn(listener: (right: WithdrawnRight) => void): () => void {
    this.withdrawals.add(listener);
    return () => this.withdrawals.delete(listener);
  }

  healthy(): boolean {
    return this.redisHealth.isUp();
  }

  /**
   * Calls `listener(false)` when Redis stops answering and `listener(true)` when it answers again,
   * and also `listener(true)` each time this process's subscription takes effect (the first one
   * included): messages published before that were not heard here. Returns the removal.
   */
  onHealthChange(listener: (healthy: boolean) => void): () => void {
    const stopHealth = this.redisHealth.onChange(listener);
    this.subscribed.add(listener);
    return () => {
      stopHealth();
      this.subscribed.delete(listener);
    };
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
    this.closed = true;
    for (const stop of this.stopWatching) stop();
    this.listeners.clear();
    this.withdrawals.clear();
    this.subscribed.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

export function liveBus(): LiveBus {
  return singleton("live-bus", () => {
    const { redisUrl, redisPrefix } = readConfig();
    return redisUrl ? new RedisBus(redisUrl, redisPrefix, sharedRedisHealth()) : new InProcessBus();
  });
}
