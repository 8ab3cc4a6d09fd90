import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateToLatest, openDatabase, type DB } from "../../db/client";

export interface TestDatabase {
  db: DB;
  path: string;
  cleanup: () => Promise<void>;
}

/** A real SQLite file in a fresh temporary folder, migrated to the latest schema. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "casebook-it-"));
  const path = join(dir, "casebook.sqlite");
  const db = openDatabase(path);
  await migrateToLatest(db);
  return {
    db,
    path,
    cleanup: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
