/** Persuasion, shown (issue 16): what a person's arguments have done, read from released results only. */
import type { DB } from "../../db/client";
import { persuasionNews, type MovedByArgument } from "../domain/persuasion";

/**
 * For each of a person's top-level arguments that counts (visible: counting.ts), how many
 * released answers on its case name it as what changed the person's mind (each case's last
 * release, `result_releases.moved_by`; a case released before migration 0012 counts none yet).
 *
 * @returns argument id → count, for arguments named at least once
 */
export async function changedMindsByAuthor(db: DB, userId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("arguments as a")
    .innerJoin("result_releases as r", "r.case_id", "a.case_id")
    .select(["a.id", "r.moved_by"])
    .where("a.user_id", "=", userId)
    .where("a.parent_id", "is", null)
    .where("a.status", "=", "visible")
    .where("r.moved_by", "is not", null)
    .execute();
  const counts = new Map<number, number>();
  const parsed = new Map<string, MovedByArgument[]>();
  for (const row of rows) {
    let tally = parsed.get(row.moved_by!);
    if (!tally) parsed.set(row.moved_by!, (tally = JSON.parse(row.moved_by!) as MovedByArgument[]));
    const count = tally.find((entry) => entry.argumentId === row.id)?.count ?? 0;
    if (count > 0) counts.set(row.id, count);
  }
  return counts;
}

/** A person's persuasion total and what is new since they last opened /me (`persuasionNews`). */
export async function persuasionNewsFor(db: DB, userId: number): Promise<{ total: number; unread: number; seen: number; byArgument: Map<number, number> }> {
  const [byArgument, seen] = await Promise.all([changedMindsByAuthor(db, userId), db.selectFrom("users").select("moved_seen").where("id", "=", userId).executeTakeFirst()]);
  return { ...persuasionNews([...byArgument.values()], seen?.moved_seen ?? 0), seen: seen?.moved_seen ?? 0, byArgument };
}

/** Records that the person has seen their persuasion total (opening /me). */
export async function markPersuasionSeen(db: DB, userId: number, total: number): Promise<void> {
  await db.updateTable("users").set({ moved_seen: total }).where("id", "=", userId).execute();
}
