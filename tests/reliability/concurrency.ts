/**
 * Concurrency: at the same moment, 50 signed-in people record positions on one case and change
 * their minds (both perspectives in parallel), endorse and withdraw endorsements of one argument
 * (two toggles in flight each), read the case and results pages, while 120 phones vote and
 * change votes in a workshop on that case and its facilitator spams next / back / close / open.
 *
 * No request may fail with a 5xx or mention a locked database, each person keeps exactly one
 * current position per perspective (the last one they sent, with every change kept as history),
 * the empathy-gap table matches those positions, the endorsement count matches what the answers
 * said, every stored workshop vote is one that was acknowledged, and the stage stays valid.
 *
 * The same storm runs a second time with two server processes on one database file and
 * `npm run cases:import` writing to it meanwhile (`twoServers`).
 *
 * Sign-up allows 20 accounts per address an hour, so the servers run with TRUST_PROXY=loopback
 * and each person sends its own X-Forwarded-For address, as behind a reverse proxy.
 */
import type { ReliabilityTest, TestContext } from "./context";
import { Timer } from "./context";
import {
  advanceTo,
  ballotFields,
  caseOptions,
  control,
  createWorkshop,
  deviceTokenHash,
  Http,
  joinWorkshop,
  loggedDatabaseErrors,
  makeWorkspace,
  openForChecks,
  pool,
  runScript,
  serverFault,
  Server,
  signUp,
  sleep,
  vote,
  VOTE_ACK,
  voteValues,
  type Reply,
  type VoteValues,
} from "./harness";

const CHANGES = 6; // positions per person and perspective: one answer and five changes of mind
/** Endorsement toggles per person (two in flight at a time): odd for half the people, even for the rest. */
const toggles = (u: number) => (u % 2 === 0 ? 5 : 4);
const PHONE_VOTES = 4;
const IN_FLIGHT = 96; // requests at once across the whole storm
const CASE = "background-check";
const PERSPECTIVES = ["employee", "employer"] as const;
const LEGAL = ["yes", "no", "unsure"] as const;
const CONFIDENCE = ["low", "medium", "high"] as const;
const STAGES = ["lobby", "case-1", "case-2", "case-3", "case-4", "vote-1", "results-1", "discussion", "vote-2", "shift"];

/** At most `n` promises of `run` at once. */
function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((ok) => queue.push(ok));
    active += 1;
    try {
      return await run();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

/** A small seeded generator, so a failing run can be repeated. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface PositionSent {
  option: number;
  judgement: number;
  legal: (typeof LEGAL)[number];
  confidence: (typeof CONFIDENCE)[number];
}

function positionValues(u: number, p: number, k: number): PositionSent {
  return {
    option: (u + k + p) % 4,
    judgement: ((u + 2 * k + 3 * p) % 7) - 3,
    legal: LEGAL[(u + k) % 3]!,
    confidence: CONFIDENCE[(u + k + p) % 3]!,
  };
}

interface StormPlan {
  label: string;
  /** Server processes sharing the one database file; requests go to them in turn. */
  servers: number;
  users: number;
  phones: number;
}

export const concurrency: ReliabilityTest = {
  name: "concurrency: positions, endorsements, workshop votes and stage changes at once",
  timeoutMs: 90_000,
  run: (ctx) => storm(ctx, { label: "concurrency", servers: 1, users: 50, phones: 120 }),
};

/**
 * The same storm with two server processes on one SQLite file (as during a restart that overlaps
 * the old process, or several processes behind one proxy), with `npm run cases:import` writing to
 * the file in the middle of it. Each request goes to the other server than the one before.
 */
export const twoServers: ReliabilityTest = {
  name: "two servers on one database file, and cases:import, during the same storm",
  timeoutMs: 90_000,
  run: (ctx) => storm(ctx, { label: "two-servers", servers: 2, users: 30, phones: 60 }),
};

async function storm(ctx: TestContext, plan: StormPlan): Promise<void> {
  const USERS = plan.users;
  const PHONES = plan.phones;
  const ws = makeWorkspace(plan.label);
  ctx.defer(ws.remove);
  const servers = Array.from({ length: plan.servers }, () => new Server({ databasePath: ws.databasePath, casesDir: ws.casesDir, env: { TRUST_PROXY: "loopback" } }));
  ctx.defer(() => Promise.all(servers.map((s) => s.stop(3_000))).then(() => undefined));

  const setup = new Timer();
  // One after the other: start-up migrates and imports the cases.
  for (const server of servers) await server.start();
  const clients = servers.map((server) => new Http(server.port));
  ctx.defer(() => clients.forEach((c) => c.close()));
  let turn = 0;
  /** The next server in turn (always the same one when there is one). */
  const pick = () => clients[turn++ % clients.length]!;
  const client = clients[0]!;
  const address = (i: number) => ({ "X-Forwarded-For": `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}` });
  const facilitator = await signUp(client, "facilitator@reliability.test", "Facilitator", { "X-Forwarded-For": "10.9.9.9" });
  const workshop = await createWorkshop(client, facilitator, CASE);
  await advanceTo(client, facilitator, workshop.id, 5);
  const posted = await client.request("POST", `/cases/${CASE}.data`, {
    cookie: facilitator,
    headers: { "X-Forwarded-For": "10.9.9.9" },
    form: new URLSearchParams({ intent: "argument", perspective: "employee", side: "for", lens: "", body: "The record was sealed for a reason; reporting it helps nobody." }),
  });
  if (posted.status !== 200) throw new Error(`Posting the argument answered ${posted.status}: ${posted.body.slice(0, 200)}`);
  let argumentId: number;
  {
    const db = openForChecks(ws.databasePath);
    argumentId = (db.prepare("select max(id) as id from arguments").get() as { id: number }).id;
    db.close();
  }
  const signed = await pool(USERS, 25, (u) => signUp(pick(), `person${u}@reliability.test`, `Person ${u}`, address(u)));
  const signupErrors = signed.filter((s): s is Error => s instanceof Error);
  if (signupErrors.length > 0) throw new Error(`${signupErrors.length} sign-ups failed, e.g. ${signupErrors[0]!.message}`);
  const sessions = signed as string[];
  const joined = await pool(PHONES, 32, (i) => joinWorkshop(pick(), workshop.code, `Phone ${i + 1}`));
  const joinErrors = joined.filter((j): j is Error => j instanceof Error);
  if (joinErrors.length > 0) throw new Error(`${joinErrors.length} joins failed, e.g. ${joinErrors[0]!.message}`);
  const devices = joined as string[];
  ctx.log(`${USERS} people signed up, argument ${argumentId} posted, ${PHONES} phones in workshop ${workshop.code} at vote-1 (${setup.seconds()})`);

  // The storm.
  const slot = limiter(IN_FLIGHT);
  const faults: string[] = [];
  const unexpected: string[] = [];
  let requests = 0;
  const send = async (what: string, allowed: number[], run: () => Promise<Reply>): Promise<Reply | null> => {
    requests += 1;
    try {
      const reply = await slot(run);
      const fault = serverFault(reply);
      if (fault) faults.push(`${what}: ${fault}`);
      else if (!allowed.includes(reply.status)) unexpected.push(`${what}: ${reply.status} ${reply.body.slice(0, 120)}`);
      return reply;
    } catch (error) {
      faults.push(`${what}: no answer (${error instanceof Error ? error.message : String(error)})`);
      return null;
    }
  };
  const caseAction = (u: number, form: Record<string, string>) => () => pick().request("POST", `/cases/${CASE}.data`, { cookie: sessions[u], headers: address(u), form: new URLSearchParams(form) });

  const positionsAcked: PositionSent[][][] = sessions.map(() => PERSPECTIVES.map(() => []));
  const endorsementDelta = sessions.map(() => 0);
  const phoneAttempts: { values: VoteValues; acked: boolean }[][] = devices.map(() => []);
  const stageReplies = { ok: 0, refused: 0 };
  let othersDone = false;

  const people = Promise.all(
    sessions.map(async (_, u) => {
      const chains = PERSPECTIVES.map(async (perspective, p) => {
        for (let k = 0; k < CHANGES; k += 1) {
          const values = positionValues(u, p, k);
          const reply = await send(
            `position ${u}/${perspective}`,
            [200],
            caseAction(u, {
              intent: "position",
              perspective,
              ...ballotFields(perspective, values.option),
              judgement: String(values.judgement),
              legal: values.legal,
              confidence: values.confidence,
              movedBy: "",
            }),
          );
          if (reply?.status === 200) positionsAcked[u]![p]!.push(values);
        }
      });
      const toggleChains = [Math.ceil(toggles(u) / 2), Math.floor(toggles(u) / 2)].map(async (n) => {
        for (let t = 0; t < n; t += 1) {
          const reply = await send(`endorse ${u}`, [200], caseAction(u, { intent: "endorse", argumentId: String(argumentId) }));
          if (reply?.status !== 200) continue;
          if (reply.body.includes("Marked as an argument that moved you.")) endorsementDelta[u]! += 1;
          else if (reply.body.includes("Endorsement withdrawn.")) endorsementDelta[u]! -= 1;
          else unexpected.push(`endorse ${u}: unrecognised answer ${reply.body.slice(0, 120)}`);
        }
      });
      const reads = [
        send(`case page ${u}`, [200], () => pick().request("GET", `/cases/${CASE}`, { cookie: sessions[u], headers: address(u) })),
        send(`results ${u}`, [200, 302, 403], () => pick().request("GET", `/cases/${CASE}/results`, { cookie: sessions[u], headers: address(u) })),
      ];
      await Promise.all([...chains, ...toggleChains, ...reads]);
    }),
  );
  const phones = pool(devices.length, 48, async (i) => {
    const jitter = random(i + 1);
    for (let k = 0; k < PHONE_VOTES; k += 1) {
      await sleep(jitter() * 80);
      const values = voteValues(i, k);
      const reply = await send(`vote ${i}`, [200, 409], () => vote(pick(), workshop.code, devices[i]!, values));
      phoneAttempts[i]!.push({ values, acked: reply?.status === 200 && reply.body.includes(VOTE_ACK) });
    }
  });
  const facilitatorSpam = (async () => {
    const next = random(2026);
    const intents = () => {
      const r = next();
      return r < 0.45 ? "next" : r < 0.8 ? "back" : r < 0.9 ? "close-voting" : "open-voting";
    };
    let sent = 0;
    const lane = async () => {
      while (!othersDone && sent < 600) {
        sent += 1;
        const intent = intents();
        const reply = await send(`stage ${intent}`, [200, 409], () => control(pick(), facilitator, workshop.id, intent));
        if (reply?.status === 200) stageReplies.ok += 1;
        else if (reply?.status === 409) stageReplies.refused += 1;
      }
    };
    await Promise.all([lane(), lane(), lane()]);
  })();
  // A third writer in the middle of it: the command-line import, as an admin might run it.
  const importer = plan.servers > 1 ? sleep(1_500).then(() => runScript("cases:import", [], { DATABASE_PATH: ws.databasePath, CASES_DIR: ws.casesDir }, 30_000)) : null;
  const storm = new Timer();
  await Promise.all([people, phones]);
  othersDone = true;
  await facilitatorSpam;
  const stormMs = storm.ms();
  if (importer) {
    const imported = await importer;
    ctx.check(imported.status === 0, `npm run cases:import during the storm exited ${imported.status}: ${imported.stderr.trim() || imported.stdout.trim()}`);
    ctx.note("cases:import during the storm", `exit ${imported.status}, ${imported.ms} ms`);
  }
  ctx.note("requests in the storm", requests);
  ctx.note("storm", `${stormMs} ms`);
  ctx.note("stage changes applied / refused (409)", `${stageReplies.ok} / ${stageReplies.refused}`);
  ctx.log(`storm done: ${requests} requests in ${stormMs} ms; stage actions ${stageReplies.ok} applied, ${stageReplies.refused} refused`);
  const logged = loggedDatabaseErrors(...servers);
  ctx.check(faults.length === 0, `${faults.length} requests failed on the server side${logged ? ` (server log: ${logged})` : ""}: ${faults.slice(0, 3).join(" | ")}`);
  const limited = unexpected.filter((u) => / 429 /.test(u));
  ctx.check(limited.length === 0, `${limited.length} requests hit a rate limit (the test's load should stay within them): ${limited.slice(0, 2).join(" | ")}`);
  ctx.check(
    unexpected.length === limited.length,
    `unexpected answers: ${unexpected
      .filter((u) => !/ 429 /.test(u))
      .slice(0, 4)
      .join(" | ")}`,
  );

  // The database after the storm.
  const options = caseOptions(ws.databasePath);
  const db = openForChecks(ws.databasePath);
  try {
    const integrity = db.prepare("pragma integrity_check").all() as { integrity_check: string }[];
    ctx.check(integrity.length === 1 && integrity[0]!.integrity_check === "ok", `integrity_check: ${integrity.map((r) => r.integrity_check).join("; ")}`);
    const caseId = (db.prepare("select id from cases where slug = ?").get(CASE) as { id: number }).id;
    const doubles = db.prepare("select case_id, user_id, perspective, count(*) as n from positions where is_current = 1 group by 1, 2, 3 having count(*) > 1").all();
    ctx.check(doubles.length === 0, `people with more than one current position: ${JSON.stringify(doubles.slice(0, 3))}`);

    const userIds = new Map((db.prepare("select id, email from users").all() as { id: number; email: string }[]).map((r) => [r.email, r.id]));
    let wrongCurrent = 0;
    let wrongHistory = 0;
    let wrongGap = 0;
    const examples: string[] = [];
    const positionRows = db.prepare("select perspective, option, judgement, legal, confidence, is_current from positions where case_id = ? and user_id = ? order by id");
    const gapRow = db.prepare("select employee_judgement, employer_judgement, gap from empathy_gaps where case_id = ? and user_id = ?");
    for (let u = 0; u < USERS; u += 1) {
      const userId = userIds.get(`person${u}@reliability.test`)!;
      const rows = positionRows.all(caseId, userId) as { perspective: string; option: string; judgement: number; legal: string; confidence: string; is_current: number }[];
      const current: Record<string, number> = {};
      PERSPECTIVES.forEach((perspective, p) => {
        const sent = positionsAcked[u]![p]!;
        const mine = rows.filter((r) => r.perspective === perspective);
        if (mine.length !== sent.length) {
          wrongHistory += 1;
          if (examples.length < 4) examples.push(`person ${u} ${perspective}: ${mine.length} rows for ${sent.length} acknowledged answers`);
        }
        const now = mine.filter((r) => r.is_current === 1);
        const last = sent.at(-1);
        const expected = last && { option: options[perspective]![last.option], judgement: last.judgement, legal: last.legal, confidence: last.confidence };
        const got = now[0] && { option: now[0].option, judgement: now[0].judgement, legal: now[0].legal, confidence: now[0].confidence };
        if (now.length !== 1 || JSON.stringify(got) !== JSON.stringify(expected)) {
          wrongCurrent += 1;
          if (examples.length < 4) examples.push(`person ${u} ${perspective}: current ${JSON.stringify(got)}, last sent ${JSON.stringify(expected)}`);
        }
        if (now[0]) current[perspective] = now[0].judgement;
      });
      const gap = gapRow.get(caseId, userId) as { employee_judgement: number | null; employer_judgement: number | null; gap: number | null } | undefined;
      const expectedGap = current.employee !== undefined && current.employer !== undefined ? current.employee - current.employer : null;
      if (!gap || gap.employee_judgement !== (current.employee ?? null) || gap.employer_judgement !== (current.employer ?? null) || gap.gap !== expectedGap) {
        wrongGap += 1;
        if (examples.length < 4) examples.push(`person ${u}: empathy_gaps ${JSON.stringify(gap)}, current ${JSON.stringify(current)}`);
      }
    }
    ctx.check(wrongCurrent === 0, `${wrongCurrent} current positions are not the last answer sent: ${examples.join("; ")}`);
    ctx.check(wrongHistory === 0, `${wrongHistory} histories do not hold one row per acknowledged answer: ${examples.join("; ")}`);
    ctx.check(wrongGap === 0, `${wrongGap} empathy gaps disagree with the current positions: ${examples.join("; ")}`);

    // Endorsements: the answers said "endorsed" or "withdrawn"; their sum per person is the final state.
    const endorsers = new Set((db.prepare("select user_id from endorsements where argument_id = ?").all(argumentId) as { user_id: number }[]).map((r) => r.user_id));
    const badDelta = endorsementDelta.filter((d) => d !== 0 && d !== 1).length;
    ctx.check(badDelta === 0, `${badDelta} people were told "endorsed" or "withdrawn" out of turn (toggles not serialized)`);
    const expectedEndorsers = endorsementDelta.filter((d) => d === 1).length;
    const mismatched = endorsementDelta.filter((d, u) => (d === 1) !== endorsers.has(userIds.get(`person${u}@reliability.test`)!)).length;
    ctx.note("endorsements expected / stored", `${expectedEndorsers} / ${endorsers.size}`);
    ctx.check(endorsers.size === expectedEndorsers && mismatched === 0, `endorsements: ${endorsers.size} stored, ${expectedEndorsers} expected from the answers, ${mismatched} people differ`);

    // The workshop: a valid stage, and only acknowledged votes stored, whole.
    const state = db.prepare("select stage, voting_open from workshops where id = ?").get(workshop.id) as { stage: string; voting_open: number };
    ctx.note("final stage", `${state.stage} (voting ${state.voting_open ? "open" : "closed"})`);
    ctx.check(STAGES.includes(state.stage), `the workshop is at an unknown stage "${state.stage}"`);
    ctx.check(state.voting_open === 0 || state.stage.startsWith("vote-"), `voting is open at stage ${state.stage}`);
    const votes = db
      .prepare(
        `select p.token_hash, v.round, v.perspective, v.option, v.judgement from workshop_votes v
           join workshop_participants p on p.id = v.participant_id where v.workshop_id = ?`,
      )
      .all(workshop.id) as { token_hash: string; round: number; perspective: string; option: string; judgement: number }[];
    const byPhone = new Map<string, Map<number, Record<string, string>>>();
    for (const v of votes) {
      const rounds = byPhone.get(v.token_hash) ?? new Map<number, Record<string, string>>();
      const entry = rounds.get(v.round) ?? {};
      entry[v.perspective] = `${v.option}|${v.judgement}`;
      rounds.set(v.round, entry);
      byPhone.set(v.token_hash, rounds);
    }
    const label = (values: VoteValues) => `${options.employee![values.optionEmployee]}|${values.judgementEmployee} / ${options.employer![values.optionEmployer]}|${values.judgementEmployer}`;
    let foreign = 0;
    let missingLast = 0;
    let acked = 0;
    const voteExamples: string[] = [];
    devices.forEach((device, i) => {
      const attempts = phoneAttempts[i]!;
      acked += attempts.filter((a) => a.acked).length;
      const ackedLabels = attempts.filter((a) => a.acked).map((a) => label(a.values));
      const stored = [...(byPhone.get(deviceTokenHash(device))?.values() ?? [])].map((e) => `${e.employee ?? "-"} / ${e.employer ?? "-"}`);
      for (const s of stored) {
        if (!ackedLabels.includes(s)) {
          foreign += 1;
          if (voteExamples.length < 3) voteExamples.push(`phone ${i}: stored ${s}, acknowledged ${ackedLabels.join(", ") || "nothing"}`);
        }
      }
      const last = ackedLabels.at(-1);
      if (last && !stored.includes(last)) {
        missingLast += 1;
        if (voteExamples.length < 3) voteExamples.push(`phone ${i}: last acknowledged vote ${last} not stored (stored ${stored.join(", ") || "nothing"})`);
      }
    });
    ctx.note("workshop votes acknowledged / refused (409)", `${acked} / ${PHONES * PHONE_VOTES - acked}`);
    ctx.check(foreign === 0, `${foreign} stored workshop votes were never acknowledged, or are half a vote: ${voteExamples.join("; ")}`);
    ctx.check(missingLast === 0, `${missingLast} phones lost their last acknowledged vote: ${voteExamples.join("; ")}`);
  } finally {
    db.close();
  }

  // The pages still load after the storm.
  const panel = await client.request("GET", `/workshops/${workshop.id}`, { cookie: facilitator });
  ctx.check(panel.status === 200, `the control panel answered ${panel.status} after the storm`);
  const results = await client.request("GET", `/cases/${CASE}/results`, { cookie: sessions[0], headers: address(0) });
  ctx.check(results.status === 200, `the results page answered ${results.status} after the storm`);
}
