import { databaseLabel, databaseLocation, readConfigOrExit } from "../app/platform/config.server";
import { migrateToLatest, openDatabase } from "../db/client";

const config = readConfigOrExit("db:migrate cannot run");
const databasePath = databaseLabel(config);
const db = openDatabase(databaseLocation(config), { poolSize: config.databasePoolSize });
try {
  const { applied } = await migrateToLatest(db);
  console.log(applied.length ? `${databasePath}: applied ${applied.join(", ")}` : `${databasePath}: already up to date`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
