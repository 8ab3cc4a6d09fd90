import { afterAll } from "vitest";
import { createPostgresDatabase } from "../integration/test-database";

/**
 * Vitest setup file for `npm run test:integration:pg`: every test file gets its own throwaway
 * PostgreSQL database in DATABASE_URL before it imports the app, so files that use the app's
 * database singleton directly (not startApp()) run on PostgreSQL too. startApp() and
 * createTestDatabase() still make a fresh database of their own. Dropped after the file's own
 * afterAll hooks have closed its connections.
 */
const database = await createPostgresDatabase();
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  await database.drop();
});
