import { createHash } from "node:crypto";
import { sql } from "kysely";
import { changeStamp, type DB } from "../../db/client";
import { lockForTransaction } from "../../db/dialect";
import { containsText } from "../../db/text-search";
import type { CaseStatus } from "../../db/schema";
import { checkCaseFiles, findOptionIdentityWarnings, type CaseDocument, type CaseDraft, type CaseFileProblem } from "../domain/case-file";
import { identifyOptions } from "../domain/option-identity";
import { rolePlayRoles } from "../domain/role-assignment";
import { nowIso } from "./clock";

export interface CaseFile {
  /** Path as shown to people, e.g. `cases/background-check.md`. */
  path: string;
  source: string;
}

export interface ImportReport {
  added: string[];
  updated: string[];
  unchanged: string[];
  /** Cases edited in the app since their file was last imported: the app's version was kept. */
  conflicts: { file: string; slug: string }[];
  problems: { file: string; problem: CaseFileProblem }[];
  /**
   * Updated cases whose file's options may not do what the author meant (ADR 017): an option id
   * the case never had, or a rewording in place that retired an option (`findOptionIdentityWarnings`).
   * The file was imported as written.
   */
  warnings: { file: string; warning: CaseFileProblem }[];
}

export type SaveOutcome = "added" | "updated" | "unchanged" | "conflict";

/**
 * Case writes (imports, editor saves, uploads) read the current version and then add the next
 * one, so they take turns: several servers importing cases/ at start-up, or two authors saving
 * the same case, would otherwise both try to add the same version.
 */
const CASE_WRITES_LOCK = "casebook:case-writes";

export function contentHash(source: string): string {
  return createHash("sha256").update(source.replace(/\r\n/g, "\n")).digest("hex");
}

/**
 * Imports or updates cases from files. A file whose content changed gets a new version; a
 * broken file is skipped and its problems stored for the "case file problems" page.
 */
export async function importCaseFiles(db: DB, files: CaseFile[], options: { force?: boolean } = {}): Promise<ImportReport> {
  const { valid, problems } = checkCaseFiles(files.map((f) => ({ file: f.path, source: f.source })));
  const report: ImportReport = { added: [], updated: [], unchanged: [], conflicts: [], problems, warnings: [] };

  await db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, CASE_WRITES_LOCK);
    for (const entry of valid) {
      const stored = await trx.selectFrom("cases").select("id").where("slug", "=", entry.doc.slug).executeTakeFirst();
      const history = stored ? await caseVersionDocuments(trx, stored.id) : [];
      const outcome = await saveCaseVersion(trx, {
        doc: entry.doc,
        source: entry.source,
        origin: "file",
        filePath: entry.file,
        userId: null,
        force: options.force,
      });
      if (outcome === "conflict") report.conflicts.push({ file: entry.file, slug: entry.doc.slug });
      else report[outcome].push(entry.doc.slug);
      if (outcome === "updated") {
        report.warnings.push(...findOptionIdentityWarnings(entry.source, entry.doc, history).map((warning) => ({ file: entry.file, warning })));
      }
    }
    await trx.deleteFrom("case_file_problems").execute();
    const now = nowIso();
    const rows = [
      ...report.problems.map(({ file, problem }) => ({ file_path: file, line: problem.line, field: problem.field, message: problem.message, created_at: now })),
      ...report.conflicts.map(({ file, slug }) => ({
        file_path: file,
        line: 1,
        field: "conflict",
        message: `"${slug}" was edited in the app after this file was last imported; the app's version is kept. Export it from the app, or run npm run cases:import -- --force to take the file's.`,
        created_at: now,
      })),
    ];
    if (rows.length > 0) await trx.insertInto("case_file_problems").values(rows).execute();
  });
  return report;
}

/**
 * Adds a version when the content differs from the current one; says what it did. A file never
 * silently replaces an edit made in the app: unless forced, that is reported as a conflict. The
 * draft's options get their stable ids against the case's earlier versions (`identifyOptions`,
 * ADR 017): an id written in the file (or decided in the editor) stands, a wording an earlier
 * version offered is that option, any other is new.
 */
export async function saveCaseVersion(
  db: DB,
  input: { doc: CaseDraft; source: string; origin: "file" | "app"; filePath: string | null; userId: number | null; force?: boolean; status?: CaseStatus },
): Promise<SaveOutcome> {
  const save = async (trx: DB) => {
    await lockForTransaction(trx, CASE_WRITES_LOCK);
    return saveCaseVersionIn(trx, input);
  };
  return db.isTransaction ? save(db) : db.transaction().execute(save);
}

/** saveCaseVersion's work, inside a transaction that holds CASE_WRITES_LOCK. */
async function saveCaseVersionIn(db: DB, input: Parameters<typeof saveCaseVersion>[1]): Promise<SaveOutcome> {
  const hash = contentHash(input.source);
  const now = nowIso();
  const existing = await db
    .selectFrom("cases")
    .leftJoin("case_versions", "case_versions.id", "cases.current_version_id")
    .select(["cases.id", "cases.file_hash", "cases.status", "case_versions.content_hash", "case_versions.version", "case_versions.origin"])
    .where("cases.slug", "=", input.doc.slug)
    .executeTakeFirst();

  if (existing && existing.content_hash === hash) {
    if (input.filePath && existing.file_hash !== hash) {
      await db.updateTable("cases").set({ file_hash: hash, file_path: input.filePath }).where("id", "=", existing.id).execute();
    }
    if (input.status && input.status !== existing.status) {
      await db.updateTable("cases").set({ status: input.status, updated_at: now }).where("id", "=", existing.id).execute();
    }
    return "unchanged";
  }
  if (existing && input.origin === "file") {
    // The file has not changed since it was last imported: whatever the app did since stands.
    if (existing.file_hash === hash) return "unchanged";
    if (existing.origin === "app" && !input.force) return "conflict";
  }

  const caseId =
    existing?.id ??
    (
      await db
        .insertInto("cases")
        .values({
          slug: input.doc.slug,
          status: input.status ?? "published",
          current_version_id: null,
          file_path: input.filePath,
          file_hash: input.filePath ? hash : null,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;

  const doc = identifyOptions(input.doc, existing ? await caseVersionDocuments(db, caseId) : []);
  const version = await db
    .insertInto("case_versions")
    .values({
      case_id: caseId,
      version: (existing?.version ?? 0) + 1,
      origin: input.origin,
      source: input.source,
      content_hash: hash,
      title: doc.title,
      summary: doc.summary,
      document: JSON.stringify(doc),
      created_by: input.userId,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  await db
    .updateTable("cases")
    .set({
      current_version_id: version.id,
      updated_at: now,
      ...(input.filePath ? { file_path: input.filePath, file_hash: hash } : {}),
      ...(input.status ? { status: input.status } : {}),
    })
    .where("id", "=", caseId)
    .execute();
  await db.deleteFrom("case_tags").where("case_id", "=", caseId).execute();
  if (input.doc.tags.length > 0) {
    await db
      .insertInto("case_tags")
      .values([...new Set(input.doc.tags)].map((tag) => ({ case_id: caseId, tag })))
      .execute();
  }
  return existing ? "updated" : "added";
}

export interface LibraryCard {
  id: number;
  slug: string;
  title: string;
  summary: string;
  tags: string[];
  /** People counted in the case's stored release (ADR 009), or null before its first release. */
  releasedPeople: number | null;
}

/** Joins a case's tags in one column: tags are slugs (case-file-schema.ts), so never contain it. */
const TAG_SEPARATOR = "\u001f";

/** What `readLibrary` returns. */
export interface Library {
  readonly cards: readonly Readonly<LibraryCard>[];
  readonly tags: readonly Readonly<{ tag: string; count: number }>[];
}

/**
 * The published cases a library search finds, by title, each with its tags and the number of
 * people its stored release counts; and every tag of a published case with how many use it (the
 * library's filter, so it counts cases the search does not find). One query in plain SQL, one row
 * per case with its tags joined by TAG_SEPARATOR (`string_agg`, in both databases) and whether
 * the case matches the search: one round trip on PostgreSQL for the most read page, and on
 * SQLite a row per case rather than per case and tag (each row carries the summary).
 *
 * The whole library (no filter) is kept per SQLite database while its changeStamp stays the
 * same: it is the most requested page and changes only when something is written. A write by
 * this process is seen at once, one by another process within OTHER_WRITERS_CHECK_MS (db/client.ts).
 * PostgreSQL and filtered reads query every time.
 *
 * @param filter.query text the title, summary or a tag contains (case-insensitive, literal)
 * @param filter.tag a tag the case has
 * @returns cards by title (then id); tags in code-unit order, each with its count of published
 *   cases. Frozen: it may be the kept copy that later requests get too.
 */
export async function readLibrary(db: DB, filter: { query?: string; tag?: string } = {}): Promise<Library> {
  if (filter.query || filter.tag) return queryLibrary(db, filter);
  // The stamp is read before the query: a write landing while it runs changes the stamp (or,
  // from another process, the next data version read), so the copy kept under the earlier one
  // is not served after that write.
  const stamp = changeStamp(db);
  if (stamp === null) return queryLibrary(db, filter);
  const kept = keptLibraries.get(db);
  if (kept?.stamp === stamp) return kept.library;
  const library = await queryLibrary(db, filter);
  keptLibraries.set(db, { stamp, library });
  return library;
}

/** The unfiltered library per SQLite database, with the changeStamp it was read under. */
const keptLibraries = new WeakMap<DB, { stamp: string; library: Library }>();

async function queryLibrary(db: DB, filter: { query?: string; tag?: string }): Promise<Library> {
  const conditions = [sql`1 = 1`];
  if (filter.tag) conditions.push(sql`exists (select 1 from case_tags ft where ft.case_id = c.id and ft.tag = ${filter.tag})`);
  if (filter.query) {
    const text = filter.query;
    conditions.push(
      sql`(${containsText(db, sql.ref("v.title"), text)} or ${containsText(db, sql.ref("v.summary"), text)} or exists (select 1 from case_tags qt where qt.case_id = c.id and ${containsText(db, sql.ref("qt.tag"), text)}))`,
    );
  }
  const { rows } = await sql<{ id: number; slug: string; title: string; summary: string; people: number | null; tags: string | null; matches: number }>`
    select c.id, c.slug, v.title, v.summary, r.people,
      (select string_agg(t.tag, ${TAG_SEPARATOR} order by t.tag) from case_tags t where t.case_id = c.id) as tags,
      case when ${sql.join(conditions, sql` and `)} then 1 else 0 end as matches
    from cases c
      join case_versions v on v.id = c.current_version_id
      left join result_releases r on r.case_id = c.id
    where c.status = 'published'
    order by v.title, c.id`.execute(db);
  const cards: LibraryCard[] = [];
  const counts = new Map<string, number>();
  for (const row of rows) {
    const tags = row.tags === null || row.tags === "" ? [] : row.tags.split(TAG_SEPARATOR);
    if (Number(row.matches) === 1) cards.push({ id: row.id, slug: row.slug, title: row.title, summary: row.summary, tags, releasedPeople: row.people === null ? null : Number(row.people) });
    for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  const tags = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, count]) => Object.freeze({ tag, count }));
  for (const card of cards) {
    Object.freeze(card.tags);
    Object.freeze(card);
  }
  return Object.freeze({ cards: Object.freeze(cards), tags: Object.freeze(tags) });
}

/** The published cases, by title, with their tags (`readLibrary` without a search). */
export async function listLibrary(db: DB): Promise<Library["cards"]> {
  return (await readLibrary(db)).cards;
}

export async function rolePlayCaseSlugs(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom("cases").select(["cases.slug", "cases.current_version_id"]).where("cases.status", "=", "published").execute();
  const slugs = new Set<string>();
  for (const row of rows) {
    if (row.current_version_id === null) continue;
    if (rolePlayRoles(await findCaseVersionDocument(db, row.current_version_id))) slugs.add(row.slug);
  }
  return slugs;
}

export interface CaseRecord {
  id: number;
  slug: string;
  status: CaseStatus;
  version: number;
  versionId: number;
  doc: CaseDocument;
  updatedAt: string;
}

/**
 * Parsed documents by their JSON, so each is parsed once per process. (Not by content hash: the
 * same file can be saved again later, and its options then take their ids from a longer history.)
 */
const parsedDocuments = new Map<string, CaseDocument>();

function parsedDocument(json: string): CaseDocument {
  let doc = parsedDocuments.get(json);
  if (!doc) {
    // Versions stored before role briefs existed (ADR 027) have none.
    doc = { roles: [], rehearsals: [], ...(JSON.parse(json) as Omit<CaseDocument, "roles" | "rehearsals">) } as CaseDocument;
    if (parsedDocuments.size >= 500) parsedDocuments.delete(parsedDocuments.keys().next().value!);
    parsedDocuments.set(json, doc);
  }
  return doc;
}

/** Documents by version id, per database: a version row never changes once written (an edit is a new version). */
const documentsByVersion = new WeakMap<DB, Map<number, CaseDocument>>();

/**
 * The document of one case version (workshops run on a fixed version). Every vote in a live
 * room asks for its workshop's, so after the first read it comes from memory.
 */
export async function findCaseVersionDocument(db: DB, versionId: number): Promise<CaseDocument> {
  let known = documentsByVersion.get(db);
  if (!known) documentsByVersion.set(db, (known = new Map()));
  const cached = known.get(versionId);
  if (cached) return cached;
  const row = await db.selectFrom("case_versions").select("document").where("id", "=", versionId).executeTakeFirstOrThrow();
  const doc = parsedDocument(row.document);
  if (known.size >= 500) known.delete(known.keys().next().value!);
  known.set(versionId, doc);
  return doc;
}

/**
 * Every version's document of a case, newest first: the history option ids are given against
 * (`identifyOptions`) and the wording results show for an option removed since (`optionLabels`).
 */
export async function caseVersionDocuments(db: DB, caseId: number): Promise<CaseDocument[]> {
  const rows = await db.selectFrom("case_versions").select("id").where("case_id", "=", caseId).orderBy("version", "desc").execute();
  return Promise.all(rows.map((row) => findCaseVersionDocument(db, row.id)));
}

/**
 * The document of a case's version by its number (the version a form was shown with), or
 * undefined when the case has no such version.
 */
export async function findCaseVersionByNumber(db: DB, caseId: number, version: number): Promise<{ id: number; doc: CaseDocument } | undefined> {
  const row = await db.selectFrom("case_versions").select("id").where("case_id", "=", caseId).where("version", "=", version).executeTakeFirst();
  return row ? { id: row.id, doc: await findCaseVersionDocument(db, row.id) } : undefined;
}

/**
 * A case with its current version. The version's document (tens of KB of JSON) is read from
 * the database only the first time (findCaseVersionDocument keeps it), so the case page's
 * lookup is one small row; the Markdown source is read only where it is wanted (findCaseVersionSource).
 */
export async function findCaseBySlug(db: DB, slug: string): Promise<CaseRecord | undefined> {
  // Plain SQL: every case and results page starts here, and the query builder cost more than the query.
  const { rows } = await sql<{ id: number; slug: string; status: CaseStatus; updated_at: string; version_id: number; version: number }>`
    select c.id, c.slug, c.status, c.updated_at, v.id as version_id, v.version
    from cases c join case_versions v on v.id = c.current_version_id
    where c.slug = ${slug}`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    slug: row.slug,
    status: row.status,
    version: row.version,
    versionId: row.version_id,
    doc: await findCaseVersionDocument(db, row.version_id),
    updatedAt: row.updated_at,
  };
}

/** The status of the case with this id (a workshop's case), or undefined when there is none. */
export async function findCaseStatus(db: DB, caseId: number): Promise<CaseStatus | undefined> {
  const row = await db.selectFrom("cases").select("status").where("id", "=", caseId).executeTakeFirst();
  return row?.status;
}

export async function countCaseVersions(db: DB, caseId: number): Promise<number> {
  const row = await db
    .selectFrom("case_versions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("case_id", "=", caseId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listCaseFileProblems(db: DB) {
  return db.selectFrom("case_file_problems").selectAll().orderBy("file_path").orderBy("line").execute();
}

export async function setCaseStatus(db: DB, caseId: number, status: CaseStatus): Promise<void> {
  await db.updateTable("cases").set({ status, updated_at: nowIso() }).where("id", "=", caseId).execute();
}

export interface CaseVersionSummary {
  id: number;
  version: number;
  origin: "file" | "app";
  title: string;
  authorName: string | null;
  createdAt: string;
}

export async function listCaseVersions(db: DB, caseId: number): Promise<CaseVersionSummary[]> {
  const rows = await db
    .selectFrom("case_versions")
    .leftJoin("users", "users.id", "case_versions.created_by")
    .select(["case_versions.id", "case_versions.version", "case_versions.origin", "case_versions.title", "case_versions.created_at", "users.display_name"])
    .where("case_versions.case_id", "=", caseId)
    .orderBy("case_versions.version", "desc")
    .execute();
  return rows.map((r) => ({ id: r.id, version: r.version, origin: r.origin, title: r.title, authorName: r.display_name, createdAt: r.created_at }));
}

export async function findCaseVersionSource(db: DB, caseId: number, version: number): Promise<string | undefined> {
  const row = await db.selectFrom("case_versions").select("source").where("case_id", "=", caseId).where("version", "=", version).executeTakeFirst();
  return row?.source;
}

/** Library listing for authors: drafts and archived cases, which others never see. */
export async function listUnpublished(db: DB): Promise<{ slug: string; title: string; status: CaseStatus; updatedAt: string }[]> {
  const rows = await db
    .selectFrom("cases")
    .innerJoin("case_versions", "case_versions.id", "cases.current_version_id")
    .select(["cases.slug", "case_versions.title", "cases.status", "cases.updated_at"])
    .where("cases.status", "!=", "published")
    .orderBy("cases.updated_at", "desc")
    .execute();
  return rows.map((r) => ({ slug: r.slug, title: r.title, status: r.status, updatedAt: r.updated_at }));
}
