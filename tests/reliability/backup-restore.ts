/**
 * Backup and restore: while 200 phones keep voting and changing their votes, `npm run db:backup`
 * copies the live database. The copy must pass integrity_check, be one consistent snapshot (every
 * vote whole: both perspectives from the same request), and hold every vote acknowledged before
 * the backup started (that vote, or a later one from the same phone). `npm run db:restore` must
 * refuse while the server runs and refuse a file that is not a database; once the server is
 * stopped it puts the copy in place, keeps the replaced file, and the restarted server serves the
 * backup's data: its panel shows the backup's counts, not the later live ones.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ReliabilityTest, TestContext } from "./context";
import { Timer } from "./context";
import {
  advanceTo,
  caseOptions,
  createWorkshop,
  deviceTokenHash,
  Http,
  joinWorkshop,
  loggedDatabaseErrors,
  makeWorkspace,
  openForChecks,
  pageText,
  pool,
  runScript,
  serverFault,
  Server,
  signUp,
  sleep,
  vote,
  VOTE_ACK,
  voteValues,
  type VoteValues,
} from "./harness";

const PHONES = 200;
/** Each phone's first vote starts within this spread, then it changes its vote every 0.7–1.2 s. */
const START_SPREAD_MS = 4_000;
const MAX_VOTES_EACH = 20; // stays under vote-device's 30 a minute
/** The backup starts once this many votes were acknowledged. */
const BACKUP_AFTER_ACKS = 120;

interface Attempt {
  k: number;
  values: VoteValues;
  sentAt: number;
  answeredAt: number | null;
  acked: boolean;
}

interface RoomCounts {
  participants: number;
  answered: number;
}

function roomCounts(path: string, workshopId: number): RoomCounts & { votes: string } {
  const db = openForChecks(path);
  try {
    const participants = (db.prepare("select count(*) as n from workshop_participants where workshop_id = ? and removed = 0").get(workshopId) as { n: number }).n;
    const answered = (
      db.prepare("select count(*) as n from (select participant_id from workshop_votes where workshop_id = ? and round = 1 group by participant_id having count(*) >= 2)").get(workshopId) as {
        n: number;
      }
    ).n;
    const votes = JSON.stringify(db.prepare("select participant_id, round, perspective, option, judgement from workshop_votes where workshop_id = ? order by 1, 2, 3").all(workshopId));
    return { participants, answered, votes };
  } finally {
    db.close();
  }
}

export const backupRestore: ReliabilityTest = {
  name: "backup and restore while votes are coming in",
  timeoutMs: 90_000,
  async run(ctx: TestContext) {
    const ws = makeWorkspace("backup");
    ctx.defer(ws.remove);
    let server = new Server({ databasePath: ws.databasePath, casesDir: ws.casesDir });
    ctx.defer(() => server.stop(3_000));
    const env = { DATABASE_PATH: ws.databasePath };

    const setup = new Timer();
    await server.start();
    let client = new Http(server.port);
    ctx.defer(() => client.close());
    const session = await signUp(client, "facilitator@reliability.test", "Facilitator");
    const workshop = await createWorkshop(client, session);
    await advanceTo(client, session, workshop.id, 5);
    const joined = await pool(PHONES, 32, (i) => joinWorkshop(client, workshop.code, `Phone ${i + 1}`));
    const joinErrors = joined.filter((j): j is Error => j instanceof Error);
    if (joinErrors.length > 0) throw new Error(`${joinErrors.length} joins failed, e.g. ${joinErrors[0]!.message}`);
    const devices = joined as string[];
    ctx.log(`server up, ${PHONES} phones in workshop ${workshop.code} at vote-1 (${setup.seconds()})`);

    // Phones vote and change their votes until the backup is done (and a little after).
    const attempts: Attempt[][] = devices.map(() => []);
    const faults: string[] = [];
    const refusals: string[] = [];
    let acked = 0;
    let stopVoting = false;
    let backupStart = 0;
    let backupEnd = 0;
    let backupStarted!: () => void;
    const reachedBackupPoint = new Promise<void>((ok) => (backupStarted = ok));
    const t0 = Date.now();
    const burst = pool(devices.length, PHONES, async (p) => {
      await sleep((p * START_SPREAD_MS) / PHONES);
      for (let k = 0; k < MAX_VOTES_EACH && !stopVoting && !ctx.cancelled; k += 1) {
        const values = voteValues(p, k);
        const attempt: Attempt = { k, values, sentAt: Date.now(), answeredAt: null, acked: false };
        attempts[p]!.push(attempt);
        try {
          const reply = await vote(client, workshop.code, devices[p]!, values);
          attempt.answeredAt = Date.now();
          const fault = serverFault(reply);
          if (fault) faults.push(fault);
          else if (reply.status !== 200 || !reply.body.includes(VOTE_ACK)) refusals.push(`${reply.status} ${reply.body.slice(0, 120)}`);
          else {
            attempt.acked = true;
            acked += 1;
            if (acked === BACKUP_AFTER_ACKS) backupStarted();
          }
        } catch (error) {
          faults.push(`no answer: ${error instanceof Error ? error.message : String(error)}`);
        }
        await sleep(700 + ((p * 37 + k * 101) % 500));
      }
    });

    // The backup, in the middle of it.
    await Promise.race([reachedBackupPoint, burst]);
    const backupPath = join(ws.dir, "copies", "during-burst.sqlite");
    backupStart = Date.now();
    const ackedBeforeBackup = acked;
    const backup = await runScript("db:backup", ["--to", backupPath], env, 30_000);
    backupEnd = Date.now();
    const ackedDuringBackup = attempts.flat().filter((a) => a.acked && a.answeredAt! >= backupStart && a.answeredAt! <= backupEnd).length;
    await sleep(500);
    stopVoting = true;
    await burst;
    const all = attempts.flat();
    ctx.note("votes acknowledged before / during / in all", `${ackedBeforeBackup} / ${ackedDuringBackup} / ${acked}`);
    ctx.note("db:backup under load", `${backup.ms} ms`);
    ctx.log(`db:backup exited ${backup.status} after ${backup.ms} ms; ${ackedDuringBackup} votes acknowledged meanwhile, ${acked} of ${all.length} in all (${Date.now() - t0} ms of voting)`);
    ctx.check(backup.status === 0, `db:backup exited ${backup.status}: ${backup.stderr.trim() || backup.stdout.trim()}`);
    ctx.check(
      backup.stdout.includes(backupPath) && /integrity_check ok/.test(backup.stdout) && /workshop_votes\s+\d+/.test(backup.stdout),
      `db:backup did not print the path, integrity and row counts:\n${backup.stdout}`,
    );
    ctx.check(ackedDuringBackup > 0, "no vote was acknowledged while the backup ran: the backup did not overlap the burst");
    ctx.check(faults.length === 0, `${faults.length} votes failed on the server side (server log: ${loggedDatabaseErrors(server) || "no database errors"}): ${faults.slice(0, 3).join(" | ")}`);
    ctx.check(refusals.length === 0, `${refusals.length} votes were refused: ${refusals.slice(0, 3).join(" | ")}`);
    if (backup.status !== 0 || !existsSync(backupPath)) return;
    ctx.check(!existsSync(`${backupPath}-wal`) && readdirSync(dirname(backupPath)).length === 1, `the backup is not one self-contained file: ${readdirSync(dirname(backupPath)).join(", ")}`);

    // The copy: whole, consistent, and holding everything acknowledged before it started.
    const options = caseOptions(backupPath);
    const label = (values: VoteValues) => `${options.employee![values.optionEmployee]}|${values.judgementEmployee} / ${options.employer![values.optionEmployer]}|${values.judgementEmployer}`;
    const copy = openForChecks(backupPath);
    try {
      const integrity = copy.prepare("pragma integrity_check").all() as { integrity_check: string }[];
      ctx.check(integrity.length === 1 && integrity[0]!.integrity_check === "ok", `the backup's integrity_check: ${integrity.map((r) => r.integrity_check).join("; ")}`);
      const foreignKeys = copy.prepare("pragma foreign_key_check").all();
      ctx.check(foreignKeys.length === 0, `the backup has rows pointing nowhere: ${JSON.stringify(foreignKeys.slice(0, 3))}`);
      const rows = copy
        .prepare(
          `select p.token_hash, v.round, v.perspective, v.option, v.judgement from workshop_participants p
           left join workshop_votes v on v.participant_id = p.id where p.workshop_id = ?`,
        )
        .all(workshop.id) as { token_hash: string; round: number | null; perspective: string | null; option: string | null; judgement: number | null }[];
      const stored = new Map<string, Record<string, string>>();
      for (const r of rows) {
        const entry = stored.get(r.token_hash) ?? {};
        stored.set(r.token_hash, entry);
        if (r.perspective) entry[r.perspective] = `${r.option}|${r.judgement}`;
      }
      ctx.check(stored.size === PHONES, `the backup holds ${stored.size} participants, ${PHONES} joined before it`);
      let missing = 0;
      let torn = 0;
      let stale = 0;
      const examples: string[] = [];
      devices.forEach((device, p) => {
        const mine = attempts[p]!;
        const entry = stored.get(deviceTokenHash(device)) ?? {};
        const has = entry.employee !== undefined || entry.employer !== undefined;
        const lastBefore = [...mine].reverse().find((a) => a.acked && a.answeredAt! < backupStart);
        if (!has) {
          if (lastBefore) {
            missing += 1;
            if (examples.length < 3) examples.push(`phone ${p}: vote ${lastBefore.k} acknowledged before the backup is not in it`);
          }
          return;
        }
        const value = `${entry.employee ?? "-"} / ${entry.employer ?? "-"}`;
        // Possible: the last vote acknowledged before the backup, or any later one sent before it ended.
        const possible = mine.filter((a) => a.k >= (lastBefore?.k ?? 0) && a.sentAt <= backupEnd).map((a) => label(a.values));
        if (!entry.employee || !entry.employer) {
          torn += 1;
          if (examples.length < 3) examples.push(`phone ${p}: half a vote in the backup (${value})`);
        } else if (!possible.includes(value)) {
          stale += 1;
          if (examples.length < 3) examples.push(`phone ${p}: backup has ${value}, expected one of ${possible.join(", ")}`);
        }
      });
      ctx.check(missing === 0, `${missing} votes acknowledged before the backup started are missing from it: ${examples.join("; ")}`);
      ctx.check(torn === 0, `${torn} votes in the backup are torn (one perspective without the other): ${examples.join("; ")}`);
      ctx.check(stale === 0, `${stale} votes in the backup are older than what was acknowledged before it, or never sent: ${examples.join("; ")}`);
    } finally {
      copy.close();
    }
    const inBackup = roomCounts(backupPath, workshop.id);
    const live = roomCounts(ws.databasePath, workshop.id);
    ctx.note("answered round 1: backup / live", `${inBackup.answered} / ${live.answered}`);

    // Restore: refused while the server runs, and refused for a file that is not a database.
    const whileRunning = await runScript("db:restore", ["--from", backupPath], env);
    ctx.check(
      whileRunning.status !== 0 && /in use/.test(whileRunning.stderr),
      `db:restore while the server runs exited ${whileRunning.status}: ${whileRunning.stderr.trim() || whileRunning.stdout.trim()}`,
    );
    const garbage = join(ws.dir, "copies", "not-a-database.sqlite");
    writeFileSync(garbage, "this is not an SQLite file\n".repeat(200));
    const notADatabase = await runScript("db:restore", ["--from", garbage], env);
    ctx.check(notADatabase.status !== 0 && /refused/i.test(notADatabase.stderr), `db:restore of a non-database exited ${notADatabase.status}: ${notADatabase.stderr.trim()}`);
    ctx.check(roomCounts(ws.databasePath, workshop.id).votes === live.votes, "a refused restore changed the live database");

    // Stop, restore, start again.
    client.close();
    await server.stop();
    const restore = await runScript("db:restore", ["--from", backupPath], env);
    ctx.note("db:restore", `${restore.ms} ms`);
    ctx.check(restore.status === 0, `db:restore exited ${restore.status}: ${restore.stderr.trim() || restore.stdout.trim()}`);
    const folder = readdirSync(dirname(ws.databasePath));
    const kept = folder.find((f) => f.startsWith(`${basename(ws.databasePath)}.before-restore-`) && !f.endsWith("-wal"));
    ctx.check(kept !== undefined && restore.stdout.includes(kept), `the replaced database was not kept as <name>.before-restore-<time> (folder: ${folder.join(", ")})`);
    ctx.check(!folder.includes(`${basename(ws.databasePath)}-wal`) && !folder.includes(`${basename(ws.databasePath)}-shm`), `stale -wal/-shm files beside the restored database: ${folder.join(", ")}`);
    ctx.check(!folder.some((f) => f.includes(".restore-") && f.endsWith(".tmp")), `a temporary restore file was left behind: ${folder.join(", ")}`);
    if (kept) ctx.check(roomCounts(join(dirname(ws.databasePath), kept), workshop.id).votes === live.votes, "the kept previous database does not hold the live data it replaced");
    ctx.check(roomCounts(ws.databasePath, workshop.id).votes === inBackup.votes, "the restored database's votes differ from the backup's");

    server = new Server({ databasePath: ws.databasePath, casesDir: ws.casesDir });
    await server.start();
    client = new Http(server.port);
    const health = await client.request("GET", "/healthz");
    ctx.check(health.status === 200 && health.body.includes('"ok"'), `healthz after the restore answered ${health.status}: ${health.body}`);
    const panel = await client.request("GET", `/workshops/${workshop.id}`, { cookie: session });
    const text = pageText(panel.body);
    const shownJoined = Number(/(\d+) (?:people have|person has) joined/.exec(text)?.[1]);
    const shownAnswered = Number(/(\d+) answered round 1/.exec(text)?.[1]);
    ctx.check(panel.status === 200, `the control panel answered ${panel.status} after the restore (is the session from the backup still valid?)`);
    ctx.check(
      shownJoined === inBackup.participants && shownAnswered === inBackup.answered,
      `the panel shows ${shownJoined} joined and ${shownAnswered} answered; the backup holds ${inBackup.participants} and ${inBackup.answered}`,
    );
    if (inBackup.answered === live.answered) ctx.log("(the backup and the live database happened to have the same answered count)");
    else ctx.check(shownAnswered !== live.answered, "the panel shows the live count from before the restore, not the backup's");
    const again = await vote(client, workshop.code, devices[0]!, voteValues(0, 99));
    ctx.check(again.status === 200 && again.body.includes(VOTE_ACK), `a vote on the restored database answered ${again.status}: ${again.body.slice(0, 120)}`);
  },
};
