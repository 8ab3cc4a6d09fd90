/**
 * The bare baseline for the live-workshop figures: what this machine does for a room's vote with
 * nothing but `node:http` and `better-sqlite3`, run as its own process as the app's server is.
 *
 * It takes the same requests the workshop benchmark sends the app: `POST /join` (a form with the
 * join code; answers 302 with a `casebook_device` cookie), `GET /workshops/:id/events` (a
 * Server-Sent Events stream of `event: state` frames with the app's `{ stage, votingOpen,
 * answered: { "1": n } }` shape) and `POST /w/:code/vote` (the phone page's form: an option id and
 * a judgement per perspective). A vote is checked (joined device, known option ids, a judgement
 * from −3 to 3), stored as one row per perspective in one transaction on a WAL file with the app's
 * pragmas (synchronous = NORMAL), acknowledged with the app's sentence, and the new count is
 * written to every open stream, the projector's first.
 *
 * What it leaves out is what makes it a limit, not a competitor: no sessions, rate limits,
 * idempotency, disclosure rules, per-audience views, metrics or logs. It is the floor of two
 * things and the ceiling of one, depending on `fanOutGapMs`, the least time between two frames
 * to the streams (votes in between share the next frame):
 * - 0, a frame at the next turn of the event loop after a vote: the ceiling for fan-out (frames
 *   delivered to the streams per second). On a 2-core machine this saturates the benchmark's own
 *   process, which reads every stream, so its latencies are the reader's, not the server's.
 * - LATENCY_FLOOR_GAP_MS (25 ms, at most 40 frames a second to each stream): the floor for the
 *   app's vote → projector latency and for its server CPU per vote. Measured on this project's
 *   2-core machine with 1,000 streams, the p99 was lowest there (0: about 165 ms, 10: 130–170 ms,
 *   25: about 29 ms, 50: about 51 ms), because below it the reader falls behind.
 * The app coalesces to about 10 frames a second (docs/DESIGN.md), so it is at least 4× slower to
 * show a count by design; the ratio says how much of its latency is that choice and its own work.
 *
 * Run as a program (`node --import tsx tests/bench/baseline-server.ts`) with PORT, DATABASE_PATH
 * and FAN_OUT_GAP_MS; it prints `listening <port>` once it answers. `startBaselineServer` does that.
 */
import SQLite from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPTION_IDS, ROOT, VOTE_ACK } from "../reliability/harness";

/** The one workshop this server runs, at the first vote of its first round. */
export const BASELINE_WORKSHOP = { id: 1, code: "BASE1234" };

/** The fan-out gap at which the bare server is the floor for vote → projector latency (see above). */
export const LATENCY_FLOOR_GAP_MS = 25;

const PERSPECTIVES = ["employee", "employer"] as const;
const MAX_BODY_BYTES = 16 * 1024;

function openDatabase(path: string): SQLite.Database {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.exec(`
    create table if not exists devices (id integer primary key, token text not null unique, display_name text not null, created_at text not null);
    create table if not exists votes (id integer primary key, device_id integer not null references devices(id), round integer not null,
      perspective text not null, option_id text not null, judgement integer not null, created_at text not null);
    create index if not exists votes_round_device on votes (round, device_id);
  `);
  return sqlite;
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((ok) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => ok(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString("utf8") : null));
    req.on("error", () => ok(null));
  });
}

function deviceToken(cookieHeader: string | undefined): string | null {
  const match = /(?:^|;\s*)casebook_device=([^;]+)/.exec(cookieHeader ?? "");
  return match ? match[1]! : null;
}

/** The server on `databasePath` (created if missing), not yet listening; frames at least `fanOutGapMs` apart. */
export function createBaselineServer(databasePath: string, fanOutGapMs: number): http.Server {
  const sqlite = openDatabase(databasePath);
  const insertDevice = sqlite.prepare("insert into devices (token, display_name, created_at) values (?, ?, ?)");
  const findDevice = sqlite.prepare<[string], { id: number }>("select id from devices where token = ?");
  const insertVote = sqlite.prepare("insert into votes (device_id, round, perspective, option_id, judgement, created_at) values (?, 1, ?, ?, ?, ?)");
  const storeVote = sqlite.transaction((deviceId: number, rows: { perspective: string; optionId: string; judgement: number }[], at: string) => {
    for (const row of rows) insertVote.run(deviceId, row.perspective, row.optionId, row.judgement, at);
  });
  // The count the projector shows: voters in round 1, kept in memory from the table.
  const voted = new Set((sqlite.prepare("select distinct device_id as id from votes where round = 1").all() as { id: number }[]).map((r) => r.id));
  const validOptions = Object.fromEntries(PERSPECTIVES.map((p) => [p, new Set(OPTION_IDS[p])]));

  const streams = new Set<http.ServerResponse>();
  let eventId = 0;
  let broadcastPending = false;
  let lastBroadcast = -Infinity;
  const frame = () => {
    eventId += 1;
    return `id: ${eventId}\nevent: state\ndata: ${JSON.stringify({ stage: "vote-1", votingOpen: true, answered: { "1": voted.size } })}\n\n`;
  };
  const broadcast = () => {
    broadcastPending = false;
    lastBroadcast = performance.now();
    const data = frame();
    for (const res of streams) res.write(data);
  };

  const answer = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store", ...headers });
    res.end(text);
  };

  return http.createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method === "GET" && path === "/healthz") return answer(res, 200, { ok: true });

    if (req.method === "POST" && path === "/join") {
      const form = new URLSearchParams((await readBody(req)) ?? "");
      if (form.get("code") !== BASELINE_WORKSHOP.code) return answer(res, 404, { error: "No workshop has this code." });
      const token = randomBytes(24).toString("base64url");
      insertDevice.run(token, (form.get("displayName") ?? "").slice(0, 60), new Date().toISOString());
      res.writeHead(302, { Location: `/w/${BASELINE_WORKSHOP.code}`, "Set-Cookie": `casebook_device=${token}; Path=/; HttpOnly; SameSite=Lax`, "Content-Length": 0 });
      return res.end();
    }

    if (req.method === "GET" && path === `/workshops/${BASELINE_WORKSHOP.id}/events`) {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no" });
      res.write(frame());
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }

    if (req.method === "POST" && path === `/w/${BASELINE_WORKSHOP.code}/vote`) {
      const body = await readBody(req);
      if (body === null) return answer(res, 413, { errors: { form: "That vote is too large to read." } });
      const token = deviceToken(req.headers.cookie);
      const device = token ? findDevice.get(token) : undefined;
      if (!device) return answer(res, 403, { errors: { form: `Join the workshop first, at /join/${BASELINE_WORKSHOP.code}.` } });
      const form = new URLSearchParams(body);
      const rows: { perspective: string; optionId: string; judgement: number }[] = [];
      for (const perspective of PERSPECTIVES) {
        const optionId = form.get(`option-${perspective}`) ?? "";
        const judgement = Number(form.get(`judgement-${perspective}`));
        if (!validOptions[perspective]!.has(optionId) || !Number.isInteger(judgement) || judgement < -3 || judgement > 3) {
          return answer(res, 400, { errors: { [perspective]: "Choose an option and a judgement." } });
        }
        rows.push({ perspective, optionId, judgement });
      }
      storeVote(device.id, rows, new Date().toISOString());
      voted.add(device.id);
      if (!broadcastPending) {
        broadcastPending = true;
        const wait = lastBroadcast + fanOutGapMs - performance.now();
        if (wait > 0) setTimeout(broadcast, wait);
        else setImmediate(broadcast);
      }
      return answer(res, 200, { intent: "vote", message: VOTE_ACK });
    }

    answer(res, 404, { error: "Not found." });
  });
}

export interface BaselineProcess {
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

/** Spawns this file as its own process on `databasePath` (created) and resolves once it listens. */
export function startBaselineServer(databasePath: string, fanOutGapMs: number, timeoutMs = 30_000): Promise<BaselineProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", DATABASE_PATH: databasePath, FAN_OUT_GAP_MS: String(fanOutGapMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((ok) => child.once("exit", ok));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(killer);
  };
  return new Promise((ok, fail) => {
    let output = "";
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`The baseline server did not start within ${timeoutMs / 1000} s: ${output.slice(-500)}`));
    }, timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        ok({ port: Number(port), pid: child.pid!, stop });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`The baseline server exited (${code}): ${output.slice(-500)}`));
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const server = createBaselineServer(process.env.DATABASE_PATH ?? join(ROOT, "data", "baseline.sqlite"), Number(process.env.FAN_OUT_GAP_MS ?? LATENCY_FLOOR_GAP_MS));
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
