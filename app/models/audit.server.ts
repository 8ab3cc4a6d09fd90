import type { DB } from "../../db/client";
import { nowIso } from "./clock";

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: string;
}

export async function recordAudit(db: DB, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      actor_user_id: entry.actorUserId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      detail: entry.detail ?? "",
      created_at: nowIso(),
    })
    .execute();
}

export async function listAudit(db: DB, limit = 200) {
  return db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_user_id")
    .select(["audit_log.id", "audit_log.action", "audit_log.subject_type", "audit_log.subject_id", "audit_log.detail", "audit_log.created_at", "users.display_name as actor_name"])
    .orderBy("audit_log.id", "desc")
    .limit(limit)
    .execute();
}
