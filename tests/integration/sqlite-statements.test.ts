import SQLite from "better-sqlite3";
import { Kysely, sql, type Generated } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ImmediateSqliteDialect, StatementCachingDatabase } from "../../db/sqlite-immediate";

interface Tables {
  notes: { id: Generated<number>; body: string };
}

describe("StatementCachingDatabase", () => {
  let db: Kysely<Tables> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  function open(capacity: number): StatementCachingDatabase {
    const cache = new StatementCachingDatabase(new SQLite(":memory:"), capacity);
    db = new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database: cache }) });
    return cache;
  }

  it("prepares a repeated query once and still returns fresh results", async () => {
    const cache = open(10);
    await sql`create table notes (id integer primary key, body text not null)`.execute(db!);
    for (let i = 1; i <= 5; i += 1)
      await db!
        .insertInto("notes")
        .values({ body: `note ${i}` })
        .execute();
    const count = async () =>
      (
        await db!
          .selectFrom("notes")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await count()).toBe(5);
    const prepared = cache.cachedStatements;
    await db!.insertInto("notes").values({ body: "note 6" }).execute();
    expect(await count()).toBe(6);
    expect(cache.cachedStatements).toBe(prepared); // the insert and the count were both reused
  });

  it("keeps at most its capacity, evicting the least recently used", async () => {
    const cache = open(3);
    await sql`create table notes (id integer primary key, body text not null)`.execute(db!);
    for (let n = 1; n <= 6; n += 1) {
      // A different `in` list length is a different SQL text.
      const ids = Array.from({ length: n }, (_, i) => i);
      await db!.selectFrom("notes").selectAll().where("id", "in", ids).execute();
    }
    expect(cache.cachedStatements).toBe(3);
  });

  it("runs transactions with BEGIN IMMEDIATE on reused statements, and a rollback leaves nothing", async () => {
    open(10);
    await sql`create table notes (id integer primary key, body text not null)`.execute(db!);
    await db!
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("notes").values({ body: "kept?" }).execute();
        throw new Error("abandon");
      })
      .catch(() => {});
    await db!.transaction().execute((trx) => trx.insertInto("notes").values({ body: "kept" }).execute());
    expect(await db!.selectFrom("notes").select("body").execute()).toEqual([{ body: "kept" }]);
  });
});
