/**
 * Crash safety: a room of phones votes (and changes its votes) in a burst, the server is killed
 * with SIGKILL in the middle of it, then restarted on the same database. Every vote that was
 * answered 200 must be stored exactly once with its values (or with the values of that phone's
 * next vote, if that one was in flight when the server died and so got no answer), the workshop
 * must resume at the first vote with voting open, and the file must pass integrity_check.
 */
import { existsSync, statSync } from "node:fs";
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
  serverFault,
  Server,
  signUp,
  vote,
  VOTE_ACK,
  voteValues,
  type VoteValues,
} from "./harness";

const PARTICIPANTS = 600;
const VOTES_EACH = 3; // a first vote and two changes of mind: 1,800 votes in the burst
const CONCURRENCY = 48;
/** Kill once this many votes were acknowledged: the middle of the burst. */
const KILL_AFTER_ACKS = 1_000;

type Outcome = "acked" | "no-response" | `refused ${number}`;

interface Attempt {
  k: number;
  values: VoteValues;
  outcome: Outcome;
}

export const crashSafety: ReliabilityTest = {
  name: "crash safety: SIGKILL in the middle of an 1,800-vote burst",
  timeoutMs: 90_000,
  async run(ctx: TestContext) {
    const ws = makeWorkspace("crash");
    ctx.defer(ws.remove);
    let server = new Server({ databasePath: ws.databasePath, casesDir: ws.casesDir });
    ctx.defer(() => server.stop(3_000));
    let client = new Http(0);

    const setup = new Timer();
    await server.start();
    client = new Http(server.port);
    ctx.defer(() => client.close());
    const session = await signUp(client, "facilitator@reliability.test", "Facilitator");
    const workshop = await createWorkshop(client, session);
    await advanceTo(client, session, workshop.id, 5);
    const joined = await pool(PARTICIPANTS, 32, (i) => joinWorkshop(client, workshop.code, `Phone ${i + 1}`));
    const joinErrors = joined.filter((j): j is Error => j instanceof Error);
    if (joinErrors.length > 0) throw new Error(`${joinErrors.length} joins failed, e.g. ${joinErrors[0]!.message}`);
    const devices = joined as string[];
    ctx.log(`server up, workshop ${workshop.code} at vote-1, ${devices.length} phones joined (${setup.seconds()})`);

    // The burst: each phone votes, then changes its vote twice; the server dies half-way through.
    const attempts: Attempt[][] = devices.map(() => []);
    const faults: string[] = [];
    let acked = 0;
    let killed: Promise<void> | null = null;
    let killedAtAck = 0;
    const burst = new Timer();
    await pool(devices.length, CONCURRENCY, async (p) => {
      for (let k = 0; k < VOTES_EACH; k += 1) {
        if (killed) return; // after the crash, phones find no server: nothing more is sent
        const values = voteValues(p, k);
        const attempt: Attempt = { k, values, outcome: "no-response" };
        attempts[p]!.push(attempt);
        try {
          const reply = await vote(client, workshop.code, devices[p]!, values, 15_000);
          const fault = serverFault(reply);
          if (fault) faults.push(fault);
          if (reply.status === 200 && reply.body.includes(VOTE_ACK)) {
            attempt.outcome = "acked";
            acked += 1;
            if (acked === KILL_AFTER_ACKS && !killed) {
              killedAtAck = acked;
              killed = server.kill9();
            }
          } else {
            attempt.outcome = `refused ${reply.status}`;
            return;
          }
        } catch {
          return; // no answer: this vote may or may not be stored, and this phone stops here
        }
      }
    });
    await killed;
    const burstMs = burst.ms();
    const wal = `${ws.databasePath}-wal`;
    ctx.note("write-ahead log left by the crash", existsSync(wal) ? `${Math.round(statSync(wal).size / 1024)} KB (recovered at restart)` : "none");
    const all = attempts.flat();
    const unanswered = all.filter((a) => a.outcome === "no-response").length;
    const refused = all.filter((a) => a.outcome.startsWith("refused"));
    ctx.note("votes planned", PARTICIPANTS * VOTES_EACH);
    ctx.note("votes sent", all.length);
    ctx.note("acknowledged before kill", acked);
    ctx.note("sent without an answer", unanswered);
    ctx.note("burst until kill", `${burstMs} ms`);
    ctx.log(`SIGKILL after ${killedAtAck} acknowledged votes; ${all.length} sent, ${unanswered} without an answer, ${refused.length} refused (${burstMs} ms)`);
    ctx.check(killed !== null, `the server was never killed: only ${acked} votes were acknowledged`);
    ctx.check(unanswered > 0, "no vote was in flight when the server was killed: the crash did not land in the middle of the burst");
    ctx.check(refused.length === 0, `votes were refused before the crash: ${[...new Set(refused.map((r) => r.outcome))].join(", ")}`);
    ctx.check(faults.length === 0, `server faults during the burst (server log: ${loggedDatabaseErrors(server) || "no database errors"}): ${faults.slice(0, 3).join(" | ")}`);

    // Restart on the same database.
    client.close();
    const restart = new Timer();
    server = new Server({ databasePath: ws.databasePath, casesDir: ws.casesDir });
    await server.start();
    client = new Http(server.port);
    ctx.note("restart after crash", `${restart.ms()} ms`);
    ctx.log(`restarted on the same database in ${restart.seconds()}`);

    // What the database holds.
    const options = caseOptions(ws.databasePath);
    const label = (values: VoteValues) => ({
      employee: `${options.employee![values.optionEmployee]}|${values.judgementEmployee}`,
      employer: `${options.employer![values.optionEmployer]}|${values.judgementEmployer}`,
    });
    const db = openForChecks(ws.databasePath);
    let stagePanel: { stage: string; voting_open: number };
    let storedAnswered: number;
    try {
      const integrity = db.prepare("pragma integrity_check").all() as { integrity_check: string }[];
      ctx.check(integrity.length === 1 && integrity[0]!.integrity_check === "ok", `integrity_check: ${integrity.map((r) => r.integrity_check).join("; ")}`);
      const duplicates = db.prepare("select workshop_id, participant_id, round, perspective, count(*) as n from workshop_votes group by 1, 2, 3, 4 having count(*) > 1").all();
      ctx.check(duplicates.length === 0, `duplicate votes: ${JSON.stringify(duplicates.slice(0, 3))}`);
      stagePanel = db.prepare("select stage, voting_open from workshops where id = ?").get(workshop.id) as { stage: string; voting_open: number };
      ctx.check(
        stagePanel.stage === "vote-1" && stagePanel.voting_open === 1,
        `after the restart the workshop is at ${stagePanel.stage} with voting_open=${stagePanel.voting_open}, expected vote-1 and open`,
      );

      // Each phone's participant row, found by its device token's hash.
      const rows = db
        .prepare(
          `select p.token_hash, v.round, v.perspective, v.option, v.judgement from workshop_participants p
           left join workshop_votes v on v.participant_id = p.id and v.workshop_id = p.workshop_id where p.workshop_id = ?`,
        )
        .all(workshop.id) as { token_hash: string; round: number | null; perspective: string | null; option: string | null; judgement: number | null }[];
      const stored = new Map<string, Record<string, string>>();
      for (const r of rows) {
        const entry = stored.get(r.token_hash) ?? {};
        stored.set(r.token_hash, entry);
        if (r.perspective === null) continue;
        ctx.check(r.round === 1, `a vote stored for round ${r.round}`);
        entry[r.perspective] = `${r.option}|${r.judgement}`;
      }
      ctx.check(stored.size === devices.length, `${stored.size} participants stored, ${devices.length} phones joined`);
      storedAnswered = [...stored.values()].filter((e) => e.employee && e.employer).length;

      let lost = 0;
      let wrong = 0;
      let half = 0;
      let inFlightStored = 0;
      const examples: string[] = [];
      devices.forEach((device, p) => {
        const mine = attempts[p]!;
        const lastAcked = [...mine].reverse().find((a) => a.outcome === "acked");
        const inFlight = mine.at(-1)?.outcome === "no-response" ? mine.at(-1)! : undefined;
        const entry = stored.get(deviceTokenHash(device));
        if (!entry) {
          wrong += 1;
          examples.push(`phone ${p}: no participant row`);
          return;
        }
        if (!entry.employee && !entry.employer) {
          if (lastAcked) {
            lost += 1;
            if (examples.length < 3) examples.push(`phone ${p}: acknowledged vote ${lastAcked.k} not stored`);
          }
          return;
        }
        if (!entry.employee || !entry.employer) {
          half += 1;
          if (examples.length < 3) examples.push(`phone ${p}: only one perspective stored`);
          return;
        }
        const is = (a: Attempt | undefined) => a !== undefined && label(a.values).employee === entry.employee && label(a.values).employer === entry.employer;
        if (is(lastAcked)) return;
        if (is(inFlight)) {
          inFlightStored += 1;
          return;
        }
        if (lastAcked) lost += 1;
        else wrong += 1;
        if (examples.length < 3) {
          const acked = lastAcked ? `${label(lastAcked.values).employee} / ${label(lastAcked.values).employer}` : "nothing";
          examples.push(`phone ${p}: stored ${entry.employee} / ${entry.employer}, acknowledged ${acked}`);
        }
      });
      const phonesWithAck = attempts.filter((a) => a.some((x) => x.outcome === "acked")).length;
      ctx.note("phones with an acknowledged vote", phonesWithAck);
      ctx.note("acknowledged votes lost", lost);
      ctx.note("unanswered votes that were stored anyway", inFlightStored);
      ctx.check(lost === 0, `${lost} acknowledged votes lost or overwritten by older values: ${examples.join("; ")}`);
      ctx.check(wrong === 0, `${wrong} phones have values they never sent: ${examples.join("; ")}`);
      ctx.check(half === 0, `${half} phones have only one of the two perspectives stored (a vote is both or neither): ${examples.join("; ")}`);
    } finally {
      db.close();
    }

    // The restarted app serves the workshop where it was: the panel, and a new phone can vote.
    const panel = await client.request("GET", `/workshops/${workshop.id}`, { cookie: session });
    const text = pageText(panel.body);
    ctx.check(panel.status === 200, `the control panel answered ${panel.status} after the restart`);
    ctx.check(/voting is open/.test(text), "the control panel does not say voting is open after the restart");
    const answered = /(\d+) answered round 1/.exec(text)?.[1];
    ctx.check(Number(answered) === storedAnswered, `the panel says ${answered} answered round 1, the database holds ${storedAnswered}`);
    const late = await joinWorkshop(client, workshop.code, "Late phone");
    const lateVote = await vote(client, workshop.code, late, voteValues(PARTICIPANTS, 0));
    ctx.check(lateVote.status === 200 && lateVote.body.includes(VOTE_ACK), `a vote after the restart answered ${lateVote.status}: ${lateVote.body.slice(0, 120)}`);
  },
};
