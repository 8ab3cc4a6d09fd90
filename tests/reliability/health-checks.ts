/**
 * /livez and /readyz (issue 18, ADR 019) when Redis is away: a Redis that refuses connections,
 * then one that accepts them and never answers (hung). Readiness must stay 200 and say
 * "degraded" (a balancer checking it must not take every process out because of Redis), both
 * checks must answer within their time limit, and /healthz gives readiness's answer.
 */
import { createServer, type Socket } from "node:net";
import type { ReliabilityTest, TestContext } from "./context";
import { freePort, Http, makeWorkspace, Server } from "./harness";

/** The checks run at once and wait at most 1 s each; 3 s leaves room for a loaded machine. */
const ANSWER_WITHIN_MS = 3_000;

async function expectDegraded(ctx: TestContext, server: Server, label: string): Promise<void> {
  const client = new Http(server.port);
  try {
    for (const path of ["/readyz", "/healthz"]) {
      const started = Date.now();
      const reply = await client.request("GET", path, { timeoutMs: 5_000 }).catch((error: Error) => error);
      const ms = Date.now() - started;
      const body = reply instanceof Error ? reply.message : reply.body;
      ctx.check(
        !(reply instanceof Error) && reply.status === 200 && /"status":"degraded"/.test(body) && /"database":"ok"/.test(body),
        `${path} with ${label}: 200 and "degraded", not unready (${reply instanceof Error ? "" : reply.status} ${body})`,
      );
      ctx.check(ms < ANSWER_WITHIN_MS, `${path} with ${label} answered within ${ANSWER_WITHIN_MS} ms (${ms} ms)`);
      ctx.note(`${path} with ${label} (ms)`, ms);
    }
    const live = await client.request("GET", "/livez", { timeoutMs: 2_000 }).catch((error: Error) => error);
    ctx.check(!(live instanceof Error) && live.status === 200 && live.body === '{"status":"ok"}', `/livez with ${label}: 200 (${live instanceof Error ? live.message : live.status})`);
  } finally {
    client.close();
  }
}

export const healthChecks: ReliabilityTest = {
  name: "health checks: /livez and /readyz with Redis refusing, then hung",
  timeoutMs: 60_000,
  async run(ctx) {
    const workspace = makeWorkspace("health");
    ctx.defer(() => workspace.remove());

    // Nothing listens on this port: every connection is refused.
    const refusing = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    ctx.defer(() => refusing.stop(3_000));
    await refusing.start(45_000);
    await expectDegraded(ctx, refusing, "Redis refusing connections");
    await refusing.stop();

    // Accepts connections, reads, never answers.
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    ctx.defer(() => {
      for (const socket of sockets) socket.destroy();
      hung.close();
    });
    const hungPort = (hung.address() as { port: number }).port;
    const stalled = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { REDIS_URL: `redis://127.0.0.1:${hungPort}` } });
    ctx.defer(() => stalled.stop(3_000));
    await stalled.start(45_000);
    await expectDegraded(ctx, stalled, "Redis hung");
  },
};
