/**
 * The live-update bus: "workshop N changed". In one process it is a plain event emitter; with
 * REDIS_URL it is Redis pub/sub, so a change made on one app server reaches the phones connected
 * to every other. The broadcaster only knows this interface.
 */
import { Redis } from "ioredis";
import { singleton } from "../singleton.server";

export type BusHealth = "ok" | "unreachable" | "not configured";

export interface LiveBus {
  publish(workshopId: number): void;
  subscribe(listener: (workshopId: number) => void): () => void;
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}

export class InProcessBus implements LiveBus {
  private readonly listeners = new Set<(workshopId: number) => void>();

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
  }
}

export class RedisBus implements LiveBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(workshopId: number) => void>();
  private readonly channel: string;

  constructor(url: string, prefix: string) {
    this.channel = `${prefix}workshop-changed`;
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
    void this.subscriber.subscribe(this.channel).catch(logError);
    this.subscriber.on("message", (_channel: string, message: string) => {
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
