import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/client";
import { createTestDatabase, testDialect, type TestDatabase } from "./test-database";

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.cleanup();
  testDb = undefined;
});

describe("migrations", () => {
  it(`create every table on a fresh ${testDialect() === "postgres" ? "PostgreSQL database" : "SQLite file"}`, async () => {
    testDb = await createTestDatabase();
    const tables =
      testDb.dialect === "postgres"
        ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
            testDb.db,
          )
        : await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(testDb.db);
    const names = tables.rows.map((r) => r.name);
    for (const table of ["users", "sessions", "app_settings", "cases", "case_versions", "case_tags", "case_file_problems", "audit_log"]) {
      expect(names).toContain(table);
    }
  });

  it("run again as a no-op", async () => {
    testDb = await createTestDatabase();
    expect((await migrateToLatest(testDb.db)).applied).toEqual([]);
  });

  it("turn on WAL and foreign keys", async (ctx) => {
    ctx.skip(testDialect() === "postgres", "SQLite pragmas: PostgreSQL has no journal_mode pragma and always enforces foreign keys");
    testDb = await createTestDatabase();
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(testDb.db);
    const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(testDb.db);
    expect(journal.rows[0]?.journal_mode).toBe("wal");
    expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
  });
});

describe("migration 0010: stable option ids (ADR 017)", () => {
  const T = "2026-01-01T00:00:00.000Z";
  const doc = (employee: string[]) =>
    JSON.stringify({
      slug: "c",
      title: "C",
      summary: "S",
      tags: [],
      perspectives: [
        { key: "employee", prompt: "P?", options: employee },
        { key: "employer", prompt: "Q?", options: ["Back her", "Overrule her"] },
      ],
      judgement: "J?",
      lenses: [],
      discussion: ["D?"],
      stages: [{ title: "One", markdown: "Text." }],
      facilitatorNotes: null,
      sources: null,
    });

  it(`maps every answer given before it to its option, and keeps what each meant, on ${testDialect() === "postgres" ? "PostgreSQL" : "SQLite"}`, async () => {
    const { Migrator } = await import("kysely");
    const { migrations } = await import("../../db/migrations");
    testDb = await createTestDatabase();
    // Down to the schema before stable ids (this runs 0010's `down`), then answers as they were stored.
    const down = await new Migrator({ db: testDb.db, provider: { getMigrations: async () => migrations } }).migrateTo("0009_idempotency_keys");
    expect(down.error).toBeUndefined();
    const db = testDb.db as unknown as Kysely<any>;
    const users = [];
    for (const n of [1, 2, 3])
      users.push(
        (
          await db
            .insertInto("users")
            .values({ email: `u${n}@x.test`, display_name: `U${n}`, password_hash: "x", role: "participant", created_at: T, updated_at: T })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id as number,
      );
    const caseId = (await db.insertInto("cases").values({ slug: "c", status: "published", created_at: T, updated_at: T }).returning("id").executeTakeFirstOrThrow()).id as number;
    const version = async (n: number, employee: string[]) =>
      (
        await db
          .insertInto("case_versions")
          .values({ case_id: caseId, version: n, origin: "file", source: `v${n}`, content_hash: `h${n}`, title: "C", summary: "S", document: doc(employee), created_at: T })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id as number;
    // Version 2 renamed "Refuse" to "Decline": stored by wording, that was another option (results showed "Refuse" as no longer offered).
    const v1 = await version(1, ["Refuse", "Ask the director", "Date it"]);
    const v2 = await version(2, ["Decline", "Ask the director", "Date it"]);
    await db.updateTable("cases").set({ current_version_id: v2 }).where("id", "=", caseId).execute();
    const position = (user: number, versionId: number, option: string, initial: string, judgement: number, current: number) =>
      db
        .insertInto("positions")
        .values({
          case_id: caseId,
          case_version_id: versionId,
          user_id: user,
          perspective: "employee",
          option,
          judgement,
          legal: "unsure",
          confidence: "medium",
          standing: null,
          moved_by_argument_id: null,
          initial_option: initial,
          initial_judgement: 2,
          judgement_change: judgement - 2,
          option_changed: option === initial ? 0 : 1,
          is_current: current,
          created_at: T,
        })
        .execute();
    await position(users[0]!, v1, "Refuse", "Refuse", 2, 0);
    await position(users[0]!, v2, "Decline", "Refuse", 1, 1);
    await position(users[1]!, v1, "Ask the director", "Ask the director", 2, 0);
    await position(users[1]!, v2, "Ask the director", "Ask the director", 0, 1);
    await position(users[2]!, v2, "Kept by hand", "Kept by hand", 2, 1);
    const workshopId = (
      await db
        .insertInto("workshops")
        .values({
          case_id: caseId,
          case_version_id: v1,
          facilitator_user_id: users[0]!,
          title: "W",
          code: "ABCDEF",
          perspectives: '["employee"]',
          two_rounds: 0,
          results_mode: "live",
          ask_standing: 0,
          stage: "ended",
          voting_open: 0,
          revealed_rounds: "[]",
          created_at: T,
          updated_at: T,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id as number;
    const participant = (await db.insertInto("workshop_participants").values({ workshop_id: workshopId, token_hash: "t", created_at: T }).returning("id").executeTakeFirstOrThrow()).id as number;
    // Two more in the room, one of them removed: 0019 counts who is in it (ADR 040).
    await db
      .insertInto("workshop_participants")
      .values([
        { workshop_id: workshopId, token_hash: "t2", created_at: T, removed: 0 },
        { workshop_id: workshopId, token_hash: "t3", created_at: T, removed: 1 },
      ])
      .execute();
    await db
      .insertInto("workshop_votes")
      .values({ workshop_id: workshopId, participant_id: participant, round: 1, perspective: "employee", option: "Refuse", judgement: 1, created_at: T, updated_at: T })
      .execute();
    const rows = [{ perspective: "employee", standing: null, option: "Decline", judgement: 1, legal: "unsure", caseVersionId: v2, judgementChange: -1, optionChanged: true, count: 5 }];
    await db
      .insertInto("result_releases")
      .values({ case_id: caseId, through_position_id: 5, people: 5, result_rows: JSON.stringify(rows), gap_cells: "[]", released_at: T })
      .execute();

    expect((await migrateToLatest(testDb.db)).applied).toEqual([
      "0010_stable_option_ids",
      "0011_release_records",
      "0012_released_persuasion",
      "0013_vote_resets",
      "0014_accounts",
      "0015_recorded_leans",
      "0016_role_play",
      "0017_steelmen",
      "0018_role_play_texts",
      "0019_room_presence",
      "0020_newest_participants",
    ]);
    // 0016 (ADR 028): a workshop from before role-play is an ordinary one, with no roles and no timer.
    expect(await db.selectFrom("workshops").select(["roles", "roles_version", "timer_ends_at", "timer_minutes"]).where("id", "=", workshopId).executeTakeFirstOrThrow()).toEqual({
      roles: null,
      roles_version: 0,
      timer_ends_at: null,
      timer_minutes: null,
    });
    expect((await db.selectFrom("workshop_participants").select("role").where("id", "=", participant).executeTakeFirstOrThrow()).role).toBeNull();
    // 0019 (ADR 040): the room's kept count, filled from its participants: two present, without roles.
    expect(await db.selectFrom("workshop_presence").select(["workshop_id", "role", "present"]).execute()).toEqual([{ workshop_id: workshopId, role: "", present: 2 }]);

    const documents = await db.selectFrom("case_versions").select(["version", "document"]).where("case_id", "=", caseId).orderBy("version").execute();
    const employeeOptions = documents.map((d) => (JSON.parse(d.document as string) as { perspectives: { options: unknown }[] }).perspectives[0]!.options);
    expect(employeeOptions).toEqual([
      [
        { id: "refuse", text: "Refuse" },
        { id: "ask-the-director", text: "Ask the director" },
        { id: "date-it", text: "Date it" },
      ],
      [
        { id: "decline", text: "Decline" },
        { id: "ask-the-director", text: "Ask the director" },
        { id: "date-it", text: "Date it" },
      ],
    ]);
    const stored = await db.selectFrom("positions").select(["user_id", "option", "option_id", "initial_option_id", "option_changed", "is_current"]).orderBy("id").execute();
    expect(stored).toEqual([
      { user_id: users[0], option: "Refuse", option_id: "refuse", initial_option_id: "refuse", option_changed: 0, is_current: 0 },
      { user_id: users[0], option: "Decline", option_id: "decline", initial_option_id: "refuse", option_changed: 1, is_current: 1 },
      { user_id: users[1], option: "Ask the director", option_id: "ask-the-director", initial_option_id: "ask-the-director", option_changed: 0, is_current: 0 },
      { user_id: users[1], option: "Ask the director", option_id: "ask-the-director", initial_option_id: "ask-the-director", option_changed: 0, is_current: 1 },
      // A wording no version offered still gets an option of its own: nothing is lost.
      { user_id: users[2], option: "Kept by hand", option_id: "kept-by-hand", initial_option_id: "kept-by-hand", option_changed: 0, is_current: 1 },
    ]);
    expect(await db.selectFrom("workshop_votes").select(["option", "option_id"]).execute()).toEqual([{ option: "Refuse", option_id: "refuse" }]);
    const release = await db.selectFrom("result_releases").select("result_rows").executeTakeFirstOrThrow();
    const { option: _wording, ...rest } = rows[0]!;
    expect(JSON.parse(release.result_rows as string)).toEqual([{ ...rest, optionId: "decline" }]);
  });
});
