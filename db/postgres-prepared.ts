import { createHash } from "node:crypto";
import type pg from "pg";
import type { PostgresPool, PostgresPoolClient } from "kysely";
import { isConnectionLoss } from "./connection-loss";

/** Most named statements one connection keeps; rarer query texts past this run unnamed. */
const MAX_NAMED_PER_CONNECTION = 500;

/**
 * A pg pool whose connections run each parameterized query as a named prepared statement, so
 * PostgreSQL parses and plans a query text once per connection instead of on every execution.
 * Why: in a live room every vote runs the same few statements hundreds of times a second, and
 * parsing and planning them was a large share of the database server's CPU.
 * A statement whose plan went stale because a migration changed a table's columns
 * ("cached plan must not change result type") is run once more, unnamed, and is not named again.
 *
 * A lost connection never crashes the process: pg-pool listens for a client's 'error' event only
 * while the client is idle, so a checked-out client whose server goes away ("terminating
 * connection due to administrator command" between two queries of a transaction) would raise an
 * unhandled 'error' event. Each client gets a listener of its own for its whole life; the broken
 * client is dropped by the pool when released (pg marks it not queryable). Every lost or refused
 * connection (see isConnectionLoss) is reported to `onConnectionLoss`.
 */
export function preparingPool(pool: pg.Pool, onConnectionLoss: (error: Error) => void = () => {}): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        if (isConnectionLoss(error)) onConnectionLoss(error as Error);
        throw error;
      }
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        client.on("error", (error) => onConnectionLoss(error));
        wrapper = preparingClient(client, onConnectionLoss);
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

const refused = new Set<string>();

function preparingClient(client: pg.PoolClient, onConnectionLoss: (error: Error) => void): PostgresPoolClient {
  const named = new Set<string>();
  // Set when a query found the connection lost or the server silent past the client's time limit:
  // the connection is handed back as broken, so the pool closes it instead of lending it again
  // (pg marks a client whose socket ended as not queryable, but not one whose query timed out).
  let broken: Error | null = null;
  const run = async (text: string, values?: unknown[]) => {
    try {
      return await namedQuery(text, values);
    } catch (error) {
      if (isConnectionLoss(error)) {
        broken = error as Error;
        onConnectionLoss(error as Error);
      }
      throw error;
    }
  };
  const namedQuery = async (text: string, values?: unknown[]) => {
    if (!values || values.length === 0 || refused.has(text) || (named.size >= MAX_NAMED_PER_CONNECTION && !named.has(text))) {
      return client.query(text, values);
    }
    named.add(text);
    const name = `cb_${createHash("sha1").update(text).digest("base64url").slice(0, 20)}`;
    try {
      return await client.query({ name, text, values });
    } catch (error) {
      if ((error as { code?: string }).code !== "0A000") throw error;
      refused.add(text);
      return client.query(text, values);
    }
  };
  return {
    query: run,
    release: () => client.release(broken ?? undefined),
  } as unknown as PostgresPoolClient;
}
