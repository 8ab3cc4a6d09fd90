import { describe, expect, it } from "vitest";
import { RedisHealth } from "../../app/live/redis-health.server";

function tracked() {
  const lines: string[] = [];
  const changes: boolean[] = [];
  let now = 1_000;
  const health = new RedisHealth({ log: (line) => lines.push(line), now: () => now, probeIntervalMs: 60_000 });
  health.onChange((up) => changes.push(up));
  return { health, lines, changes, advance: (ms: number) => (now += ms) };
}

describe("RedisHealth", () => {
  it("turns any number of failures in one outage into one log line and one change", () => {
    const { health, lines, changes } = tracked();
    for (let i = 0; i < 50; i += 1) health.reportFailure(new Error("Command timed out"));
    expect(health.isUp()).toBe(false);
    expect(lines).toEqual(["Redis is not answering (Command timed out): live updates are delivered from the database and rate limits counted in it until Redis answers again."]);
    expect(changes).toEqual([false]);
  });

  it("ends the outage only when every connection answers the probe, with one line saying how long it lasted", async () => {
    const { health, lines, changes, advance } = tracked();
    let subscriberAnswers = false;
    const stopA = health.watch(async () => "PONG");
    const stopB = health.watch(async () => {
      if (!subscriberAnswers) throw new Error("Command timed out");
    });
    health.reportFailure(new Error("connection closed"));
    advance(2_500);
    await health.probe();
    expect(health.isUp()).toBe(false);
    subscriberAnswers = true;
    await health.probe();
    expect(health.isUp()).toBe(true);
    expect(lines[1]).toBe("Redis answers again after 2.5 s: live views resynced from the database, changes made meanwhile published again.");
    expect(changes).toEqual([false, true]);
    stopA();
    stopB();
  });

  it("notices a Redis that stops answering while nothing else is sent: the probe starts the outage", async () => {
    const { health, lines, changes } = tracked();
    const stop = health.watch(() => Promise.reject(new Error("Command timed out")));
    await health.probe();
    expect(health.isUp()).toBe(false);
    expect(lines).toHaveLength(1);
    expect(changes).toEqual([false]);
    stop();
  });
});
