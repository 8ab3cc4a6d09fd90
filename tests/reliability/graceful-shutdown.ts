/**
 * SIGTERM: the server stops accepting, tells its live clients to reconnect, finishes the request
 * in flight and exits on its own, well before the 10 s backstop.
 */
import http from "node:http";
import type { ReliabilityTest } from "./context";
import { advanceTo, createWorkshop, Http, joinWorkshop, makeWorkspace, Server, signUp, sleep } from "./harness";

export const gracefulShutdown: ReliabilityTest = {
  name: "Graceful shutdown: SIGTERM sends live clients a reconnect and drains",
  timeoutMs: 60_000,
  async run(ctx) {
    const workspace = makeWorkspace("sigterm");
    ctx.defer(() => workspace.remove());
    const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir });
    ctx.defer(() => server.stop());
    await server.start();
    const client = new Http(server.port);
    ctx.defer(() => client.close());
    const session = await signUp(client, "sigterm@casebook.test", "Sigterm");
    const workshop = await createWorkshop(client, session);
    const device = await joinWorkshop(client, workshop.code, "Phone");
    await advanceTo(client, session, workshop.id, 1);

    // A phone's live stream, recording every event name until the server ends it.
    const events: string[] = [];
    let streamEnded = false;
    const stream = http.get({ host: "127.0.0.1", port: server.port, path: `/workshops/${workshop.id}/events`, headers: { Cookie: device } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        for (const match of chunk.matchAll(/^event: (.*)$/gm)) events.push(match[1]!);
      });
      res.on("end", () => (streamEnded = true));
      res.on("close", () => (streamEnded = true));
    });
    stream.on("error", () => (streamEnded = true));
    ctx.defer(() => void stream.destroy());
    for (let i = 0; i < 40 && !events.includes("state"); i += 1) await sleep(50);
    ctx.check(events.includes("state"), "the phone's stream opened with the current state");

    // A request being worked on when the signal arrives must still be answered: a sign-up, whose
    // password hashing keeps the server busy for a while, sent on its own fresh connection.
    const late = new Http(server.port);
    ctx.defer(() => late.close());
    const inFlight = late.request("POST", "/signup", {
      form: new URLSearchParams({ email: "in-flight@casebook.test", displayName: "In flight", password: "reliability-password-1" }),
      timeoutMs: 10_000,
    });
    await sleep(15);
    const exited = new Promise<number>((resolve) => server.child!.once("exit", () => resolve(Date.now())));
    const signalled = Date.now();
    server.child!.kill("SIGTERM");
    const reply = await inFlight.catch((error: Error) => ({ status: 0, body: error.message }));
    const exitAt = await Promise.race([exited, sleep(12_000).then(() => 0)]);
    for (let i = 0; i < 40 && !streamEnded; i += 1) await sleep(25);

    ctx.check(reply.status === 302, `the request in flight was answered (${reply.status})`);
    ctx.check(events.includes("reconnect"), `the phone was told to reconnect (events: ${events.join(", ")})`);
    ctx.check(streamEnded, "the live stream was closed by the server");
    ctx.check(exitAt > 0 && exitAt - signalled < 8_000, `the server exited by itself in ${exitAt ? exitAt - signalled : "more than 12000"} ms`);
    ctx.note("exit after SIGTERM (ms)", exitAt ? exitAt - signalled : -1);
    const refused = await new Http(server.port).request("GET", "/healthz", { timeoutMs: 2_000 }).then(
      () => false,
      () => true,
    );
    ctx.check(refused, "the port no longer accepts connections");
  },
};
