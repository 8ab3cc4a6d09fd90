/**
 * Idempotency keys (ADR 016): the first answer to each (scope, key), kept for
 * IDEMPOTENCY_KEY_LIFETIME_MS, so a repeat of a submission is answered with it instead of
 * creating again, even when the repeat runs at the same moment as the first.
 */
import { createHash } from "node:crypto";
import type { DB } from "../../db/client";
import { canonicalSubmission, IDEMPOTENCY_KEY_LIFETIME_MS } from "../domain/idempotency";

/** One keyed submission: who sent it (`scope`), its key, and a hash of what it sent. */
export interface Submission {
  /** Whose keys these are: "user:12", "participant:34", "device:<token hash>", "signup". */
  scope: string;
  key: string;
  /** SHA-256 (hex) of `canonicalSubmission`. */
  fingerprint: string;
}

/**
 * A submission's identity for `answerOnce`: a hash of what was sent (`canonicalSubmission`), so
 * nothing a person typed is kept beside the key. Leave secrets out of `fields`.
 */
export function keyedSubmission(scope: string, key: string, target: string, intent: string, fields: Iterable<[string, string]>): Submission {
  return {
    scope,
    key,
    fingerprint: createHash("sha256")
      .update(canonicalSubmission(target, intent, fields))
      .digest("hex"),
  };
}

/** An answer as the first request got it: its HTTP status and JSON body. */
export interface Answer<T> {
  status: number;
  body: T;
}

/**
 * `first`: the act ran (and, with a key, its answer is kept if it succeeded); `repeat`: the key was
 * answered before with the same submission, and this is that answer; `reused`: the key was
 * answered before for a different submission (refuse it: 422).
 */
export type Once<T> = { kind: "first"; answer: Answer<T> } | { kind: "repeat"; answer: Answer<T> } | { kind: "reused" };

/** Undoes a claim whose act refused: a refusal is not kept, so the same form can be corrected and sent again. */
class NotKept<T> extends Error {
  constructor(readonly answer: Answer<T>) {
    super("refused, so not kept");
  }
}

/**
 * Runs `act` once per submission. In one transaction: claim the key (a unique (scope, key) row;
 * an expired one is taken over), run `act` with the transaction, and keep its answer. A second
 * request with the same key waits for the first's transaction at the claim (SQLite runs one
 * write transaction at a time; on PostgreSQL the insert waits on the unique index), then reads
 * the kept answer. An answer of 400 or more is not kept: the transaction is rolled back, so the
 * claim goes too and nothing `act` wrote stays.
 *
 * `act` must do all its database work through the database it is given (on SQLite the pool's
 * one connection is held by the transaction), and leave work that must follow the commit (live
 * announcements, releases) to the caller, on a `first` answer.
 *
 * @param submission null for a request without a key: `act` runs as before, without a transaction
 * @param now milliseconds since the epoch (tests pass a later time to see a key expire)
 */
export async function answerOnce<T>(db: DB, submission: Submission | null, act: (db: DB) => Promise<Answer<T>>, now = Date.now()): Promise<Once<T>> {
  if (!submission) return { kind: "first", answer: await act(db) };
  let outcome: Once<T>;
  try {
    outcome = await db.transaction().execute(async (trx): Promise<Once<T>> => {
      // A key that expired between a failed claim and the read is claimed on the second try.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        if (await claim(trx, submission, now)) {
          const answer = await act(trx);
          if (answer.status >= 400) throw new NotKept(answer);
          await trx
            .updateTable("idempotency_keys")
            .set({ status: answer.status, response: JSON.stringify(answer.body) })
            .where("scope", "=", submission.scope)
            .where("key", "=", submission.key)
            .execute();
          return { kind: "first", answer };
        }
        const kept = await trx.selectFrom("idempotency_keys").select(["fingerprint", "status", "response"]).where("scope", "=", submission.scope).where("key", "=", submission.key).executeTakeFirst();
        if (!kept) continue;
        if (kept.fingerprint !== submission.fingerprint) return { kind: "reused" };
        // The claim and its answer commit together, so a kept key always has its answer.
        return { kind: "repeat", answer: { status: Number(kept.status), body: JSON.parse(kept.response ?? "null") as T } };
      }
      throw new Error(`Idempotency key ${submission.scope}/${submission.key} could be neither claimed nor read`);
    });
  } catch (error) {
    if (error instanceof NotKept) return { kind: "first", answer: error.answer as Answer<T> };
    throw error;
  }
  // Expired keys are dead weight; sweep them now and then rather than on every claim.
  if (outcome.kind === "first" && Math.random() < 0.01) await sweepIdempotencyKeys(db, now);
  return outcome;
}

/** Inserts the key's row, or takes over an expired one; false when a live row holds the key. */
async function claim(trx: DB, submission: Submission, now: number): Promise<boolean> {
  const expiredBefore = new Date(now - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString();
  const claimed = await trx
    .insertInto("idempotency_keys")
    .values({ scope: submission.scope, key: submission.key, fingerprint: submission.fingerprint, status: null, response: null, created_at: new Date(now).toISOString() })
    .onConflict((oc) =>
      oc
        .columns(["scope", "key"])
        .doUpdateSet((eb) => ({ fingerprint: eb.ref("excluded.fingerprint"), status: null, response: null, created_at: eb.ref("excluded.created_at") }))
        .where("idempotency_keys.created_at", "<", expiredBefore),
    )
    .returning("key")
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Deletes every key older than IDEMPOTENCY_KEY_LIFETIME_MS; returns how many. */
export async function sweepIdempotencyKeys(db: DB, now = Date.now()): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(now - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
