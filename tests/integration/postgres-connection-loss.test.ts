import { sql } from "kysely";
import { createServer, connect, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, QUERY_TIMEOUT_GRACE_MS, type DB } from "../../db/client";
import { isConnectionLoss } from "../../db/connection-loss";
import { createPostgresDatabase, testDialect, type PostgresTestDatabase } from "./test-database";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends a session from outside, as `pg_ctl stop -m fast` ends them all: FATAL 57P01 "terminating connection due to administrator command". */
async function terminate(url: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query("select pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}

// PostgreSQL only (npm run test:integration:pg). Issue 18: a connection lost while checked out of
// the pool raised an unhandled 'error' event, which ends the process (here: fails the test run).
describe.skipIf(testDialect() !== "postgres")("a lost PostgreSQL connection", () => {
  let created: PostgresTestDatabase;
  let db: DB;
  const losses: Error[] = [];
  beforeAll(async () => {
    created = await createPostgresDatabase("loss");
    db = openDatabase(created.url, { poolSize: 2, onConnectionLoss: (error) => losses.push(error) });
  });
  afterAll(async () => {
    await db.destroy();
    await created.drop();
  });

  it("fails the transaction whose connection ended between two queries, reports the loss, and the next query reconnects", async () => {
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await terminate(created.url, rows[0]!.pid);
        // The notice arrives while the connection is checked out and idle: no query to fail yet.
        await sleep(300);
        await sql`select 1`.execute(trx);
        return "committed";
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect(isConnectionLoss(outcome)).toBe(true);
    expect(losses.some((error) => (error as { code?: string }).code === "57P01")).toBe(true);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows[0]!.one).toBe(1);
  });

  it("reports a refused connection and fails the query within the connect time limit", async () => {
    const nowhere = openDatabase("postgres://postgres@127.0.0.1:1/none", { poolSize: 1, onConnectionLoss: (error) => losses.push(error) });
    const before = losses.length;
    try {
      const error = await sql`select 1`.execute(nowhere).catch((e: unknown) => e);
      expect(isConnectionLoss(error)).toBe(true);
      expect(losses.length).toBeGreaterThan(before);
    } finally {
      await nowhere.destroy();
    }
  });

  it("cancels a statement past the query time limit on the server: a 57014 error, not a lost connection, and the connection serves the next query", async () => {
    const limited = openDatabase(created.url, { poolSize: 1, queryTimeoutMs: 300, onConnectionLoss: (error) => losses.push(error) });
    const before = losses.length;
    try {
      const { rows: first } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(limited);
      const error = await sql`select pg_sleep(3)`.execute(limited).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("57014");
      expect(isConnectionLoss(error)).toBe(false);
      expect(losses.length).toBe(before);
      const { rows: after } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(limited);
      expect(after[0]!.pid).toBe(first[0]!.pid);
    } finally {
      await limited.destroy();
    }
  });

  it("gives up on a server that does not answer at all (hung, or cut off) soon after the limit, reports it as a lost connection, and never lends that connection again", async () => {
    const target = new URL(created.url);
    const proxy = await silentProxy(Number(target.port || 5432), target.hostname);
    const through = new URL(created.url);
    through.hostname = "127.0.0.1";
    through.port = String(proxy.port);
    const limited = openDatabase(through.toString(), { poolSize: 1, queryTimeoutMs: 200, onConnectionLoss: (error) => losses.push(error) });
    const before = losses.length;
    try {
      const { rows: first } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(limited);
      proxy.silence(true);
      const started = Date.now();
      const error = await sql`select 1`.execute(limited).catch((e: unknown) => e);
      const waited = Date.now() - started;
      expect(isConnectionLoss(error)).toBe(true);
      expect(waited).toBeLessThan(200 + QUERY_TIMEOUT_GRACE_MS + 3_000);
      expect(losses.length).toBeGreaterThan(before);
      proxy.silence(false);
      const { rows: after } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(limited);
      expect(after[0]!.pid).not.toBe(first[0]!.pid);
    } finally {
      proxy.silence(false);
      await limited.destroy();
      await proxy.close();
    }
  });
});

/**
 * A TCP relay to PostgreSQL that can go silent: while silenced, bytes from either side are held
 * back (the server seems to hang, as when it is stopped with SIGSTOP or the network drops
 * packets); unsilenced, held bytes are dropped and relaying resumes for new connections.
 */
async function silentProxy(port: number, host: string): Promise<{ port: number; silence: (on: boolean) => void; close: () => Promise<void> }> {
  let silent = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.on("data", (chunk) => void (!silent && upstream.write(chunk)));
    upstream.on("data", (chunk) => void (!silent && client.write(chunk)));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    silence: (on) => (silent = on),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
