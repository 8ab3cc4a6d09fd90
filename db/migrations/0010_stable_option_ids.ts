import type { Kysely } from "kysely";

/**
 * Stable option identities (ADR 017). Until now an answer stored its option's wording, and the
 * forms posted the option's position; from here on an option has an id that stays with it across
 * case versions, and answers name it.
 *
 * Existing data keeps its meaning: within one perspective of one case, one wording is one option
 * (the rule the wording-based results applied), so every version's document gets ids for its
 * options (the first wording seen, oldest version first, gives the id: its letters and digits,
 * hyphenated, "-2" … when taken), and every position and workshop vote gets the id of the
 * wording it stored (`option_id`, and `initial_option_id` beside `initial_option`). A wording no
 * version offered (none should exist) still gets an id of its own, so no answer is lost. A
 * stored release's rows name options by id (`optionId`) instead of wording. Nothing else moves:
 * `option_changed` compared wordings, and the same wordings now have the same ids.
 *
 * The id rule is copied here, not imported, so this migration stays as it ran.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ids = new OptionIds();

  // Case versions, oldest first, so an option's id comes from its first wording.
  const versions = await db.selectFrom("case_versions").select(["id", "case_id", "document"]).orderBy("case_id").orderBy("version").execute();
  for (const version of versions as { id: number; case_id: number; document: string }[]) {
    const doc = JSON.parse(version.document) as { perspectives: { key: string; options: (string | { id: string; text: string })[] }[] };
    for (const perspective of doc.perspectives) {
      perspective.options = perspective.options.map((option) => (typeof option === "string" ? { id: ids.of(version.case_id, perspective.key, option), text: option } : option));
    }
    await db
      .updateTable("case_versions")
      .set({ document: JSON.stringify(doc) })
      .where("id", "=", version.id)
      .execute();
  }

  await db.schema
    .alterTable("positions")
    .addColumn("option_id", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("positions")
    .addColumn("initial_option_id", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  for (const column of ["option", "initial_option"] as const) {
    const wordings = await db.selectFrom("positions").select(["case_id", "perspective", column]).distinct().orderBy("case_id").execute();
    for (const row of wordings as Record<string, string | number>[]) {
      const [caseId, perspective, wording] = [Number(row.case_id), String(row.perspective), String(row[column])];
      await db
        .updateTable("positions")
        .set({ [`${column}_id`]: ids.of(caseId, perspective, wording) })
        .where("case_id", "=", caseId)
        .where("perspective", "=", perspective)
        .where(column, "=", wording)
        .execute();
    }
  }
  await db.schema.dropIndex("positions_results").execute();
  await db.schema
    .createIndex("positions_results")
    .on("positions")
    .columns(["case_id", "is_current", "perspective", "standing", "option_id", "judgement", "legal", "case_version_id", "judgement_change", "option_changed"])
    .execute();

  await db.schema
    .alterTable("workshop_votes")
    .addColumn("option_id", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  const voted = await db
    .selectFrom("workshop_votes as v")
    .innerJoin("workshops as w", "w.id", "v.workshop_id")
    .select(["w.case_id", "v.workshop_id", "v.perspective", "v.option"])
    .distinct()
    .execute();
  for (const row of voted as { case_id: number; workshop_id: number; perspective: string; option: string }[]) {
    await db
      .updateTable("workshop_votes")
      .set({ option_id: ids.of(row.case_id, row.perspective, row.option) })
      .where("workshop_id", "=", row.workshop_id)
      .where("perspective", "=", row.perspective)
      .where("option", "=", row.option)
      .execute();
  }
  await db.schema.dropIndex("workshop_votes_tally").execute();
  await db.schema.createIndex("workshop_votes_tally").on("workshop_votes").columns(["workshop_id", "round", "perspective", "option_id", "judgement"]).execute();

  const releases = await db.selectFrom("result_releases").select(["case_id", "result_rows"]).execute();
  for (const release of releases as { case_id: number; result_rows: string }[]) {
    const rows = (JSON.parse(release.result_rows) as ({ perspective: string; option?: string; optionId?: string } & Record<string, unknown>)[]).map(({ option, ...row }) =>
      option === undefined ? row : { ...row, optionId: ids.of(release.case_id, row.perspective, option) },
    );
    await db
      .updateTable("result_releases")
      .set({ result_rows: JSON.stringify(rows) })
      .where("case_id", "=", release.case_id)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const wordings = new Map<string, string>();
  const versions = await db.selectFrom("case_versions").select(["id", "case_id", "document"]).orderBy("case_id").orderBy("version").execute();
  for (const version of versions as { id: number; case_id: number; document: string }[]) {
    const doc = JSON.parse(version.document) as { perspectives: { key: string; options: (string | { id: string; text: string })[] }[] };
    for (const perspective of doc.perspectives) {
      perspective.options = perspective.options.map((option) => {
        if (typeof option === "string") return option;
        wordings.set(JSON.stringify([version.case_id, perspective.key, option.id]), option.text);
        return option.text;
      });
    }
    await db
      .updateTable("case_versions")
      .set({ document: JSON.stringify(doc) })
      .where("id", "=", version.id)
      .execute();
  }
  const releases = await db.selectFrom("result_releases").select(["case_id", "result_rows"]).execute();
  for (const release of releases as { case_id: number; result_rows: string }[]) {
    const rows = (JSON.parse(release.result_rows) as ({ perspective: string; optionId?: string } & Record<string, unknown>)[]).map(({ optionId, ...row }) =>
      optionId === undefined ? row : { ...row, option: wordings.get(JSON.stringify([release.case_id, row.perspective, optionId])) ?? optionId },
    );
    await db
      .updateTable("result_releases")
      .set({ result_rows: JSON.stringify(rows) })
      .where("case_id", "=", release.case_id)
      .execute();
  }
  await db.schema.dropIndex("workshop_votes_tally").execute();
  await db.schema.alterTable("workshop_votes").dropColumn("option_id").execute();
  await db.schema.createIndex("workshop_votes_tally").on("workshop_votes").columns(["workshop_id", "round", "perspective", "option", "judgement"]).execute();
  await db.schema.dropIndex("positions_results").execute();
  await db.schema.alterTable("positions").dropColumn("initial_option_id").execute();
  await db.schema.alterTable("positions").dropColumn("option_id").execute();
  await db.schema
    .createIndex("positions_results")
    .on("positions")
    .columns(["case_id", "is_current", "perspective", "standing", "option", "judgement", "legal", "case_version_id", "judgement_change", "option_changed"])
    .execute();
  // Answers given since `up` stored their wording too, so nothing they said is lost going down.
}

/** One id per wording within a perspective of a case, made as `optionIdFor` made them when this ran. */
class OptionIds {
  private readonly byWording = new Map<string, string>();
  private readonly used = new Map<string, Set<string>>();

  of(caseId: number, perspective: string, wording: string): string {
    const key = JSON.stringify([caseId, perspective, wording]);
    const known = this.byWording.get(key);
    if (known !== undefined) return known;
    const scope = JSON.stringify([caseId, perspective]);
    const taken = this.used.get(scope) ?? new Set<string>();
    this.used.set(scope, taken);
    const base =
      wording
        .normalize("NFKD")
        .replace(/\p{M}/gu, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+/, "")
        .slice(0, 48)
        .replace(/-+$/, "") || "option";
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
    taken.add(id);
    this.byWording.set(key, id);
    return id;
  }
}
