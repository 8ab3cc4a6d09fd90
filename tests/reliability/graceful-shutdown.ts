/**
 * SIGTERM: the server stops accepting, tells its live clients to reconnect, finishes the request
 * in flight and exits on its own, well before the 10 s backstop.
 */
import http from "node:http";
import type { ReliabilityTest } from "./context";
import { advanceTo, createWorkshop, Http, joinWorkshop, makeWorkspace, openForChecks, Server, signUp, sleep, VOTE_ACK, voteForm, voteValues } from "./harness";

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

const BURST_PHONES = 60;

/** One POST on its own `agent` (false: a fresh connection), resolving with `written` once every byte left this process. */
function send(port: number, agent: http.Agent | false, path: string, cookie: string, body: string): { written: Promise<void>; reply: Promise<{ status: number; body: string } | Error> } {
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const reply = new Promise<{ status: number; body: string } | Error>((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path, agent, headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", resolve);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error("no answer within 15 s")));
    req.on("error", (error) => {
      wrote();
      resolve(error);
    });
    req.on("finish", wrote);
    req.end(body);
  });
  return { written, reply };
}

/**
 * Issue 18: votes sent just before SIGTERM got no answer (a proxy's 502) and were not stored. A
 * burst of phone votes, half on keep-alive connections that sat idle, half on fresh connections,
 * is written completely; then SIGTERM. Every one of them must be answered 200 and stored.
 */
export const inFlightAtSigterm: ReliabilityTest = {
  name: "Graceful shutdown: every vote in flight at SIGTERM is answered and stored",
  timeoutMs: 60_000,
  async run(ctx) {
    const workspace = makeWorkspace("sigterm-burst");
    ctx.defer(() => workspace.remove());
    const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir });
    ctx.defer(() => server.stop());
    await server.start();
    const client = new Http(server.port);
    ctx.defer(() => client.close());
    const session = await signUp(client, "burst@casebook.test", "Burst");
    const workshop = await createWorkshop(client, session);
    const devices: string[] = [];
    for (let i = 0; i < BURST_PHONES; i += 1) devices.push(await joinWorkshop(client, workshop.code, `Phone ${i}`));
    await advanceTo(client, session, workshop.id, 5);

    // Half the phones hold keep-alive connections, opened by a first vote and now idle.
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: BURST_PHONES });
    ctx.defer(() => keepAlive.destroy());
    const warm = await Promise.all(
      devices.slice(0, BURST_PHONES / 2).map((device, i) => send(server.port, keepAlive, `/w/${workshop.code}/vote`, device, voteForm(voteValues(i, 0)).toString()).reply),
    );
    ctx.check(
      warm.every((r) => !(r instanceof Error) && r.status === 200),
      `the first votes were answered (${warm.filter((r) => !(r instanceof Error) && r.status === 200).length}/${warm.length})`,
    );

    const final = devices.map((_, i) => voteValues(i, 1));
    const burst = devices.map((device, i) => send(server.port, i < BURST_PHONES / 2 ? keepAlive : false, `/w/${workshop.code}/vote`, device, voteForm(final[i]!).toString()));
    await Promise.all(burst.map((b) => b.written));
    const exited = new Promise<void>((resolve) => server.child!.once("exit", () => resolve()));
    server.child!.kill("SIGTERM");
    const replies = await Promise.all(burst.map((b) => b.reply));
    await Promise.race([exited, sleep(12_000)]);

    const answered = replies.filter((r) => !(r instanceof Error) && r.status === 200 && r.body.includes(VOTE_ACK)).length;
    const problems = [...new Set(replies.map((r) => (r instanceof Error ? r.message : r.status === 200 ? "" : `${r.status} ${r.body.slice(0, 80)}`)).filter(Boolean))];
    ctx.check(answered === BURST_PHONES, `every vote in flight at SIGTERM was answered 200 (${answered}/${BURST_PHONES}; ${problems.slice(0, 3).join(" | ")})`);
    ctx.check(!server.running, "the server exited after finishing them");

    const db = openForChecks(workspace.databasePath);
    try {
      const rows = db
        .prepare("select p.display_name as name, v.perspective, v.judgement from workshop_votes v join workshop_participants p on p.id = v.participant_id where v.workshop_id = ? and v.round = 1")
        .all(workshop.id) as { name: string; perspective: string; judgement: number }[];
      const missing = final.filter((values, i) => {
        const mine = rows.filter((r) => r.name === `Phone ${i}`);
        return !(mine.find((r) => r.perspective === "employee")?.judgement === values.judgementEmployee && mine.find((r) => r.perspective === "employer")?.judgement === values.judgementEmployer);
      }).length;
      ctx.check(missing === 0, `every vote in flight at SIGTERM is stored (${BURST_PHONES - missing}/${BURST_PHONES})`);
    } finally {
      db.close();
    }
  },
};
