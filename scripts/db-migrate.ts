import { readConfig } from "../app/config.server";
import { migrateToLatest, openDatabase } from "../db/client";

const { databasePath } = readConfig();
const db = openDatabase(databasePath);
try {
  const { applied } = await migrateToLatest(db);
  console.log(applied.length ? `${databasePath}: applied ${applied.join(", ")}` : `${databasePath}: already up to date`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
