/**
 * `npm run test:integration:pg`: the integration tests against PostgreSQL. Each test file,
 * startApp() and createTestDatabase() get a throwaway database `casebook_test_<random>` on the
 * server at CASEBOOK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres,
 * the maintenance database they CREATE and DROP through).
 *
 * When that server cannot be reached it prints one line saying so and exits 0, so machines
 * without PostgreSQL still pass; with CASEBOOK_REQUIRE_SERVICES=1 that is a failure instead.
 * Extra arguments go to Vitest (e.g. a test file).
 */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { describeLocation } from "../../db/dialect";
import { postgresAdminUrl } from "../integration/test-database";

const adminUrl = postgresAdminUrl();

async function unreachableReason(): Promise<string | null> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
    return message.replace(/\s+/g, " ").trim() || "unknown error";
  } finally {
    await client.end().catch(() => {});
  }
}

const reason = await unreachableReason();
if (reason !== null) {
  const where = describeLocation(adminUrl);
  if (process.env.CASEBOOK_REQUIRE_SERVICES === "1") {
    console.error(`PostgreSQL integration tests FAILED: cannot reach PostgreSQL at ${where} (${reason}) and CASEBOOK_REQUIRE_SERVICES=1.`);
    process.exit(1);
  }
  console.log(`PostgreSQL integration tests skipped: cannot reach PostgreSQL at ${where} (${reason}); set CASEBOOK_REQUIRE_SERVICES=1 to make this a failure.`);
  process.exit(0);
}

const vitest = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--config", "tests/scale/vitest.postgres.config.ts", "--project", "integration", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, CASEBOOK_TEST_DATABASE: "postgres" },
});
if (vitest.error) {
  console.error(`Could not start Vitest: ${vitest.error.message}`);
  process.exit(1);
}
process.exit(vitest.status ?? 1);
