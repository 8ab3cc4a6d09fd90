/**
 * Join cost as a room fills: N phones join one room through joinWorkshop (the model, no HTTP),
 * one after another, on a fresh database. Prints total time and the first and last 1,000 joins,
 * for a plain room and a role-play room whose roles are already assigned (roleForNewcomer).
 *   npx tsx tests/bench/join-cost.ts [sqlite|postgres] [N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { migrateToLatest, openDatabase, type DB } from "../../db/client";
import { importCaseFiles, findCaseBySlug } from "../../app/models/cases.server";
import { readCaseFiles } from "../../app/cases/files.server";
import { createUser } from "../../app/models/users.server";
import { createWorkshop } from "../../app/models/workshops.server";
import { hashDeviceToken, joinWorkshop, saveRoleAssignment } from "../../app/models/participants.server";
import { createPostgresDatabase } from "../integration/test-database";

const which = process.argv[2] ?? "sqlite";
const N = Number(process.argv[3] ?? 10_000);

async function room(db: DB, roles: boolean): Promise<number> {
  const found = (await findCaseBySlug(db, "background-check"))!;
  const user = await createUser(db, { email: `f${roles}@bench.test`, displayName: "F", passwordHash: "scrypt$x" });
  const workshop = await createWorkshop(db, {
    caseId: found.id,
    caseVersionId: found.versionId,
    facilitatorUserId: user.id,
    title: "Bench",
    perspectives: ["employee", "employer"],
    twoRounds: false,
    resultsMode: "live",
    askStanding: true,
    roles: roles ? ["employee", "employer"] : null,
  });
  if (roles) await db.transaction().execute((trx) => saveRoleAssignment(trx, workshop.id, new Map()));
  return workshop.id;
}

async function run(db: DB, label: string, roles: boolean): Promise<void> {
  const workshopId = await room(db, roles);
  const each: number[] = [];
  const started = performance.now();
  for (let i = 0; i < N; i += 1) {
    const t = performance.now();
    const outcome = await joinWorkshop(db, { workshopId, tokenHash: hashDeviceToken(`${label}-${i}`), displayName: `P${i}`, standing: null });
    if (!outcome.joined) throw new Error(outcome.refusal);
    each.push(performance.now() - t);
  }
  const total = performance.now() - started;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const first = sum(each.slice(0, 1000));
  const last = sum(each.slice(-1000));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const blocks = Array.from({ length: Math.ceil(N / 1000) }, (_, b) => median(each.slice(b * 1000, (b + 1) * 1000)).toFixed(3));
  console.log(
    `${which} ${label}: ${N} joins ${(total / 1000).toFixed(2)} s; first 1,000 ${first.toFixed(0)} ms (${(first / 1000).toFixed(3)} ms each); last 1,000 ${last.toFixed(0)} ms (${(last / 1000).toFixed(3)} ms each)`,
  );
  console.log(`  median ms per join, by 1,000: ${blocks.join(" ")}`);
}

async function main(): Promise<void> {
  let db: DB;
  let cleanup: () => Promise<void>;
  if (which === "postgres") {
    const created = await createPostgresDatabase("joinbench");
    db = openDatabase(created.url, { poolSize: 5 });
    cleanup = async () => {
      await db.destroy();
      await created.drop();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "casebook-joinbench-"));
    db = openDatabase(join(dir, "casebook.sqlite"));
    cleanup = async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await migrateToLatest(db);
    await importCaseFiles(db, readCaseFiles("cases"));
    await run(db, "plain", false);
    await run(db, "roles", true);
  } finally {
    await cleanup();
  }
}

await main();
