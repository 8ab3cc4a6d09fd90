import { describe, expect, it } from "vitest";
import { DatabaseOutage } from "../../app/platform/database-outage.server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function quietLog() {
  const lines: string[] = [];
  return { lines, out: { error: (m: string) => lines.push(`error: ${m}`), log: (m: string) => lines.push(m) } };
}

describe("DatabaseOutage", () => {
  it("is down from the first lost connection until a probe answers, then serves by itself", async () => {
    let answering = false;
    const { lines, out } = quietLog();
    const outage = new DatabaseOutage(
      async () => {
        if (!answering) throw new Error("ECONNREFUSED");
      },
      out,
      5,
    );
    expect(outage.down).toBe(false);
    outage.lost(new Error("terminating connection due to administrator command"));
    outage.lost(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    expect(outage.down).toBe(true);
    await sleep(30);
    expect(outage.down).toBe(true);
    answering = true;
    for (let i = 0; i < 50 && outage.down; i += 1) await sleep(5);
    expect(outage.down).toBe(false);
    // One line when it starts, one when it ends, however many requests failed in between.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: Database unreachable \(terminating connection due to administrator command\); answering 503/);
    expect(lines[1]).toMatch(/^Database answers again after \d+\.\d s; serving\.$/);
  });

  it("tells whether a request that started at a time saw the loss", async () => {
    let now = 1_000;
    const outage = new DatabaseOutage(
      async () => {},
      quietLog().out,
      1,
      () => now,
    );
    expect(outage.lostSince(900)).toBe(false);
    now = 1_100;
    outage.lost(new Error("Connection terminated unexpectedly"));
    expect(outage.lostSince(1_050)).toBe(true);
    for (let i = 0; i < 50 && outage.down; i += 1) await sleep(2);
    expect(outage.down).toBe(false);
    expect(outage.lostSince(1_050)).toBe(true); // a request already running when it happened
    expect(outage.lostSince(1_200)).toBe(false); // a request started after it was over
  });
});
