import { createHash } from "node:crypto";
import type pg from "pg";
import type { PostgresPool, PostgresPoolClient } from "kysely";

/** Most named statements one connection keeps; rarer query texts past this run unnamed. */
const MAX_NAMED_PER_CONNECTION = 500;

/**
 * A pg pool whose connections run each parameterized query as a named prepared statement, so
 * PostgreSQL parses and plans a query text once per connection instead of on every execution.
 * Why: in a live room every vote runs the same few statements hundreds of times a second, and
 * parsing and planning them was a large share of the database server's CPU.
 * A statement whose plan went stale because a migration changed a table's columns
 * ("cached plan must not change result type") is run once more, unnamed, and is not named again.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = preparingClient(client);
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

const refused = new Set<string>();

function preparingClient(client: pg.PoolClient): PostgresPoolClient {
  const named = new Set<string>();
  return {
    async query(text: string, values?: unknown[]) {
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
    },
    release: () => client.release(),
  } as unknown as PostgresPoolClient;
}
