/**
 * The live-update bus: "workshop N changed". In one process it is a plain event emitter; the
 * interface is all the broadcaster knows, so a Redis pub/sub bus can stand in for it when the
 * app runs on several servers.
 */
import { singleton } from "../singleton.server";

export interface LiveBus {
  publish(workshopId: number): void;
  subscribe(listener: (workshopId: number) => void): () => void;
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
}

export function liveBus(): LiveBus {
  return singleton("live-bus", () => new InProcessBus());
}
