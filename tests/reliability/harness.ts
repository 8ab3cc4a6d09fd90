/**
 * What the reliability tests share: the built server as a child process on a fresh temporary
 * database, a small HTTP client with cookies and time limits, a bounded-concurrency pool, and the
 * steps every scenario repeats (sign up, create a workshop, join, vote).
 *
 * The server is started as `node --import tsx server.ts` (not `npx tsx`, which forks), so the
 * child's pid is the server itself and SIGKILL really kills the process that holds the database.
 */
import SQLite from "better-sqlite3";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCaseFile } from "../../app/domain/case-file";
import { identifyOptions } from "../../app/domain/option-identity";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Everything started here, so an interrupted run still kills its servers and removes its folders. */
const liveChildren = new Set<ChildProcess>();
const liveGroups = new Set<ChildProcess>();
const liveDirectories = new Set<string>();

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export function emergencyCleanup(): void {
  for (const child of liveChildren) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const child of liveGroups) killGroup(child);
  for (const dir of liveDirectories) rmSync(dir, { recursive: true, force: true });
}

/** Runs `npm run build` unless both halves of the production build exist (the Remix build, and build/server.js for `npm start`). */
export function ensureBuild(): void {
  if (["build/server/index.js", "build/server.js", "build/release-plan-worker.js"].every((file) => existsSync(join(ROOT, file)))) return;
  console.log("No production build: running npm run build …");
  const built = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
  if (built.status !== 0) throw new Error("The production build failed.");
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** A temporary folder with its own database path and a copy of cases/. */
export function makeWorkspace(label: string): { dir: string; databasePath: string; casesDir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `casebook-reliability-${label}-`));
  liveDirectories.add(dir);
  const casesDir = join(dir, "cases");
  cpSync(join(ROOT, "cases"), casesDir, { recursive: true });
  return {
    dir,
    databasePath: join(dir, "db", "casebook.sqlite"),
    casesDir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      liveDirectories.delete(dir);
    },
  };
}

export interface ServerOptions {
  databasePath: string;
  casesDir: string;
  env?: Record<string, string>;
  /** Extra flags for the server's node, e.g. ["--cpu-prof"]. */
  nodeArgs?: string[];
  /**
   * What runs: `source` (server.ts through tsx, the default) or `built` (`node build/server.js`,
   * what the README's systemd unit and `npm start` run: no compile work at start-up).
   */
  entry?: "source" | "built";
}

export class Server {
  child: ChildProcess | null = null;
  port = 0;
  readonly log: string[] = [];

  constructor(private readonly options: ServerOptions) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(lines = 20): string {
    return this.log.slice(-lines).join("\n");
  }

  /**
   * Starts the server and waits until /healthz answers 200. `samePort`: on the port it had before
   * (a restart behind a proxy whose upstream names that port); otherwise on a free one.
   */
  async start(timeoutMs = 30_000, { samePort = false }: { samePort?: boolean } = {}): Promise<void> {
    if (!samePort || this.port === 0) this.port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(this.port),
      DATABASE_PATH: this.options.databasePath,
      CASES_DIR: this.options.casesDir,
      ...this.options.env,
    };
    // The caller's environment must not leak in; what the caller passes explicitly wins.
    for (const name of ["K_THRESHOLD", "SESSION_SECRET", "DATABASE_URL", "REDIS_URL"]) if (!(name in (this.options.env ?? {}))) delete env[name];
    if (!this.options.env?.TRUST_PROXY) delete env.TRUST_PROXY;
    const entry = this.options.entry === "built" ? ["build/server.js"] : ["--import", "tsx", "server.ts"];
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), ...entry], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    liveChildren.add(child);
    child.once("exit", () => liveChildren.delete(child));
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      if (this.log.length > 400) this.log.splice(0, this.log.length - 400);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const client = new Http(this.port);
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!this.running) throw new Error(`The server exited during start-up (${child.signalCode ?? child.exitCode}):\n${this.tail()}`);
        if (Date.now() > deadline) throw new Error(`The server did not answer /healthz within ${timeoutMs / 1000} s:\n${this.tail()}`);
        const reply = await client.request("GET", "/healthz", { timeoutMs: 2_000 }).catch(() => null);
        if (reply?.status === 200) return;
        await sleep(150);
      }
    } finally {
      client.close();
    }
  }

  /** kill -9: no shutdown handler runs, requests in flight get no answer. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = new Promise((ok) => child.once("exit", ok));
    child.kill("SIGKILL");
    await gone;
  }

  /** SIGTERM, the server's graceful stop; SIGKILL after `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = new Promise((ok) => child.once("exit", ok));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await gone;
    clearTimeout(killer);
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  cookie?: string;
  form?: URLSearchParams;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A keep-alive HTTP client for one port on 127.0.0.1; `close()` aborts whatever is still in
 * flight, event streams included.
 */
export class Http {
  readonly agent: http.Agent;
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly send: typeof http.request;

  /**
   * `maxSockets`: Infinity when the client holds many event streams open at once (each keeps its
   * socket). `tls`: HTTPS, accepting a test's throwaway certificate (a proxy in front of the app).
   */
  constructor(
    readonly port: number,
    options: { maxSockets?: number; tls?: boolean } = {},
  ) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
    this.agent = options.tls ? new https.Agent({ ...agentOptions, rejectUnauthorized: false }) : new http.Agent(agentOptions);
    this.send = options.tls ? (https.request as typeof http.request) : http.request;
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    return new Promise((ok, fail) => {
      const body = options.form?.toString();
      const headers: Record<string, string> = { ...options.headers };
      if (options.cookie) headers.Cookie = options.cookie;
      if (body !== undefined) {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        headers["Content-Length"] = String(Buffer.byteLength(body));
      }
      const req = this.send({ host: "127.0.0.1", port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          this.inFlight.delete(req);
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (error) => {
          this.inFlight.delete(req);
          fail(error);
        });
      });
      this.inFlight.add(req);
      req.setTimeout(options.timeoutMs ?? 20_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", (error) => {
        this.inFlight.delete(req);
        fail(error);
      });
      req.end(body);
    });
  }

  /** Opens a Server-Sent Events stream and hands every chunk to `onData`; resolves once the headers arrive. */
  stream(path: string, cookie: string, onData: (chunk: Buffer) => void): Promise<http.ClientRequest> {
    return new Promise((ok, fail) => {
      const req = this.send({ host: "127.0.0.1", port: this.port, method: "GET", path, headers: { Cookie: cookie, Accept: "text/event-stream" }, agent: this.agent }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(new Error(`GET ${path} answered ${res.statusCode}`));
          return;
        }
        res.on("data", onData);
        res.on("error", () => {});
        ok(req);
      });
      this.inFlight.add(req);
      req.on("close", () => this.inFlight.delete(req));
      req.on("error", fail);
      req.end();
    });
  }

  close(): void {
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.agent.destroy();
  }
}

/**
 * The participant's token_hash for a casebook_device cookie: the cookie holds the device token,
 * JSON-encoded in base64 and signed (Remix's createCookie), and the app stores sha256(token).
 */
export function deviceTokenHash(cookie: string): string {
  const raw = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  const data = raw.slice(0, raw.lastIndexOf("."));
  const token = JSON.parse(Buffer.from(data, "base64").toString("utf8")) as string;
  return createHash("sha256").update(token).digest("hex");
}

/** The `name=value` pair of cookie `name` set by `reply` (over HTTPS the app gives it the `__Host-` prefix). */
export function cookieFrom(reply: Reply, name: string): string {
  for (const header of reply.headers["set-cookie"] ?? []) {
    const pair = header.split(";")[0]!;
    if (pair.startsWith(`${name}=`) || pair.startsWith(`__Host-${name}=`)) return pair;
  }
  throw new Error(`No ${name} cookie in the answer (status ${reply.status}): ${reply.body.slice(0, 200)}`);
}

/** Runs `task(0…count-1)` with at most `limit` in flight. Never rejects: a task's error is its result. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<(T | Error)[]> {
  const results = new Array<T | Error>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      try {
        results[i] = await task(i);
      } catch (error) {
        results[i] = error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** Signs up (the first account on a fresh database is an admin) and returns the session cookie. */
export async function signUp(client: Http, email: string, displayName: string, headers?: Record<string, string>): Promise<string> {
  const reply = await client.request("POST", "/signup", {
    form: new URLSearchParams({ email, displayName, password: "reliability-password-1", redirectTo: "" }),
    headers,
  });
  if (reply.status !== 302) throw new Error(`Sign-up of ${email} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  return cookieFrom(reply, "casebook_session");
}

/** Creates a two-round, live-results workshop on a case and returns its id and join code. */
export async function createWorkshop(client: Http, session: string, caseSlug = "background-check"): Promise<{ id: number; code: string }> {
  const form = new URLSearchParams({ caseSlug, title: "Reliability workshop", twoRounds: "on", resultsMode: "live" });
  form.append("perspectives", "employee");
  form.append("perspectives", "employer");
  const created = await client.request("POST", "/workshops", { cookie: session, form });
  const id = /\/workshops\/(\d+)$/.exec(created.headers.location ?? "")?.[1];
  if (created.status !== 302 || !id) throw new Error(`Creating the workshop answered ${created.status}: ${created.body.slice(0, 300)}`);
  const panel = await client.request("GET", `/workshops/${id}`, { cookie: session });
  const code = /class="join-code"[^>]*>([^<]+)</.exec(panel.body)?.[1];
  if (!code) throw new Error("No join code on the control panel.");
  return { id: Number(id), code };
}

/** A facilitator's control (next, back, open-voting…), posted the way Remix's client posts it. */
export function control(client: Http, session: string, workshopId: number, intent: string, timeoutMs?: number): Promise<Reply> {
  return client.request("POST", `/workshops/${workshopId}.data`, { cookie: session, form: new URLSearchParams({ intent }), timeoutMs });
}

export async function advanceTo(client: Http, session: string, workshopId: number, steps: number): Promise<void> {
  for (let i = 0; i < steps; i += 1) {
    const reply = await control(client, session, workshopId, "next");
    if (reply.status !== 200) throw new Error(`"next" answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  }
}

/** Joins as a new device; returns its casebook_device cookie. Retries a 429 after its Retry-After. */
export async function joinWorkshop(client: Http, code: string, displayName: string, headers?: Record<string, string>): Promise<string> {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const reply = await client.request("POST", "/join", { form: new URLSearchParams({ code, displayName }), headers });
    if (reply.status === 429) {
      await sleep(1000 * Number(reply.headers["retry-after"] ?? 1));
      continue;
    }
    if (reply.status !== 302) throw new Error(`Joining answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    return cookieFrom(reply, "casebook_device");
  }
  throw new Error("Joining kept answering 429.");
}

export interface VoteValues {
  optionEmployee: number;
  judgementEmployee: number;
  optionEmployer: number;
  judgementEmployer: number;
}

/** Deterministic, distinct values for participant `p`'s `k`-th vote (options 0–3, judgements −3…3). */
export function voteValues(p: number, k: number): VoteValues {
  return {
    optionEmployee: (p + k) % 4,
    judgementEmployee: ((p * 3 + k) % 7) - 3,
    optionEmployer: (p * 5 + 2 * k + 1) % 4,
    judgementEmployer: ((p * 2 + 3 * k + 1) % 7) - 3,
  };
}

/**
 * The background check's option ids per perspective, as a fresh import gives them (ADR 017: the
 * id of each wording): forms send an option by its id, never its position.
 */
export const OPTION_IDS: Record<string, string[]> = (() => {
  const parsed = parseCaseFile(readFileSync(join(ROOT, "cases/background-check.md"), "utf8"));
  if (!parsed.ok) throw new Error("cases/background-check.md must parse");
  return Object.fromEntries(identifyOptions(parsed.doc, []).perspectives.map((p) => [p.key, p.options.map((o) => o.id)]));
})();

/** What the case page's ballot posts for the background check's option at `index`: its id and the version shown (1, as imported). */
export function ballotFields(perspective: string, index: number): { option: string; version: string } {
  return { option: OPTION_IDS[perspective]![index]!, version: "1" };
}

export function voteForm(values: VoteValues): URLSearchParams {
  return new URLSearchParams({
    intent: "vote",
    "option-employee": OPTION_IDS.employee![values.optionEmployee]!,
    "judgement-employee": String(values.judgementEmployee),
    "option-employer": OPTION_IDS.employer![values.optionEmployer]!,
    "judgement-employer": String(values.judgementEmployer),
  });
}

/** A vote as the phone page's JavaScript sends it: one POST to the JSON vote endpoint. */
export function vote(client: Http, code: string, device: string, values: VoteValues, timeoutMs?: number, headers?: Record<string, string>): Promise<Reply> {
  return client.request("POST", `/w/${code}/vote`, { cookie: device, form: voteForm(values), timeoutMs, headers });
}

export const VOTE_ACK = "Your vote is in.";

/** Options of background-check, as stored in workshop_votes.option. */
export function caseOptions(databasePath: string, slug = "background-check"): Record<string, string[]> {
  const db = new SQLite(databasePath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("select v.document from cases c join case_versions v on v.id = c.current_version_id where c.slug = ?").get(slug) as { document: string } | undefined;
    if (!row) throw new Error(`No case ${slug} in the database.`);
    const doc = JSON.parse(row.document) as { perspectives: { key: string; options: { text: string }[] }[] };
    return Object.fromEntries(doc.perspectives.map((p) => [p.key, p.options.map((o) => o.text)]));
  } finally {
    db.close();
  }
}

/** Opens a database file read-only for checks (safe while the server has it open: WAL). */
export function openForChecks(path: string): SQLite.Database {
  return new SQLite(path, { readonly: true, fileMustExist: true });
}

/** Turns "<!-- -->" React text separators and tags into plain text, for matching page sentences. */
export function pageText(html: string): string {
  return html
    .replace(/<!--.*?-->/gs, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

/** 5xx and database-lock messages must never reach a user. */
export function serverFault(reply: Reply): string | null {
  const body = reply.body.slice(0, 160).replace(/\s+/g, " ").trim();
  if (reply.status >= 500) return `${reply.status}: ${body}`;
  if (/SQLITE_BUSY|database is locked/i.test(reply.body)) return `${reply.status} mentions a locked database: ${body}`;
  return null;
}

/** Distinct database errors a server logged (e.g. "SQLITE_BUSY_SNAPSHOT ×12"), to explain a 500. */
export function loggedDatabaseErrors(...servers: Server[]): string {
  const counts = new Map<string, number>();
  for (const server of servers) for (const line of server.log) for (const code of line.match(/SQLITE_[A-Z_]+/g) ?? []) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code} ×${n}`).join(", ");
}

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `npm run -s <script> -- args` as a child process, without blocking this process's event loop. */
export function runScript(script: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<ScriptResult> {
  const started = Date.now();
  return new Promise((ok) => {
    // Its own process group, so a time-out kills npm's shell and the script under it too.
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!env.DATABASE_URL) delete childEnv.DATABASE_URL; // the scripts under test use the SQLite file
    const child = spawn("npm", ["run", "-s", script, "--", ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
    liveGroups.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs / 1000} s)`;
      killGroup(child);
    }, timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      liveGroups.delete(child);
      ok({ status: code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
