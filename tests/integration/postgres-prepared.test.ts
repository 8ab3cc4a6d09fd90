import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect, type TestDatabase } from "./test-database";

// PostgreSQL only (npm run test:integration:pg): the pool's named prepared statements.
describe.skipIf(testDialect() !== "postgres")("prepared statements on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await sql`create table probe (id integer primary key, label text not null)`.execute(database.db);
    await sql`insert into probe values (1, 'one'), (2, 'two')`.execute(database.db);
  });
  afterAll(() => database.cleanup());

  const byId = (id: number) => sql<{ id: number; label: string }>`select * from probe where id = ${id}`.execute(database.db);

  it("prepare a parameterized query once per connection and reuse it", async () => {
    for (let i = 0; i < 5; i += 1) expect((await byId(1 + (i % 2))).rows[0]!.label).toBe(i % 2 === 0 ? "one" : "two");
    // Without parameters, so this query itself is not prepared (and counted).
    const prepared = await sql<{ n: number }>`select count(*) as n from pg_prepared_statements where name like 'cb_%' and statement like '%from probe%'`.execute(database.db);
    expect(prepared.rows[0]!.n).toBeGreaterThan(0);
  });

  it("still answer after a migration changes the columns a prepared `select *` returns", async () => {
    await Promise.all(Array.from({ length: 5 }, () => byId(1))); // prepared on several connections
    await sql`alter table probe add column note text`.execute(database.db);
    const rows = await Promise.all(Array.from({ length: 5 }, () => byId(2)));
    for (const result of rows) expect(result.rows[0]).toEqual({ id: 2, label: "two", note: null });
  });
});
