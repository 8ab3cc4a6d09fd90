/**
 * The services the scale test and the scale-out benchmark need: PostgreSQL (through the
 * maintenance database the tests create and drop their own databases in) and Redis.
 */
import { Redis } from "ioredis";
import pg from "pg";
import { postgresAdminUrl } from "../integration/test-database";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Which service cannot be reached, and why; null when all answer. */
export async function servicesMissing(needs: { redis: boolean } = { redis: true }): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    return `PostgreSQL at ${postgresAdminUrl()} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
  if (!needs.redis) return null;
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis at ${REDIS_URL} (${(error as Error).message})`;
  } finally {
    redis.disconnect();
  }
  return null;
}
