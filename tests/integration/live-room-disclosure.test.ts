/**
 * The live room's attacks of the privacy threat model (ADR 009), played as a facilitator would:
 * removing a named phone between two reads, running a room of fewer than k voters, and putting
 * the debrief's standing tables beside the CSV. Every audience's snapshot (control panel,
 * projector, phones) and both exports are read as the server builds them.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Standing } from "../../db/schema";
import { startApp } from "./app-under-test";

const K = 5;
const app = await startApp({ kThreshold: K });
const { findWorkshop, saveStageState } = await import("../../app/models/workshops.server");
const { joinWorkshop, removeParticipant } = await import("../../app/models/participants.server");
const { castWorkshopVotes } = await import("../../app/models/workshop-votes.server");
const { exportVotes } = await import("../../app/models/workshop-tallies.server");
const { loadWorkshopStates } = await import("../../app/workshops/live-state.server");
const { workshopDebrief, workshopPositionsCsv } = await import("../../app/workshops/debrief.server");

afterAll(() => app.cleanup());

const OPTIONS = [
  { id: "report-the-record-as-found", text: "Report the record as found" },
  { id: "delay-the-report-and-help-him-get-it-expunged", text: "Delay the report and help him get it expunged" },
];

/** A background-check workshop polling both perspectives, at its first vote with voting open. */
const newRoom = (title: string, twoRounds = false) => app.backgroundCheckWorkshop(title, { twoRounds, openVoting: true });

interface Voter {
  id: number;
  standing: Standing | null;
  /** [option index, judgement] as the employee and as the employer. */
  employee: [number, number];
  employer: [number, number];
}

let devices = 0;
/** Joins a phone and votes in the round (voting must be open there). */
async function joinAndVote(workshopId: number, round: 1 | 2, standing: Standing | null, employee: [number, number], employer: [number, number]): Promise<Voter> {
  devices += 1;
  const joined = await joinWorkshop(app.db(), { workshopId, tokenHash: `device-${devices}`, displayName: `Phone ${devices}`, standing });
  if (!joined.joined) throw new Error(joined.refusal);
  const voter = { id: joined.participant.id, standing, employee, employer };
  await vote(workshopId, round, voter);
  return voter;
}

async function vote(workshopId: number, round: 1 | 2, voter: Voter) {
  const answers = [
    { perspective: "employee", option: OPTIONS[voter.employee[0]]!, judgement: voter.employee[1] },
    { perspective: "employer", option: OPTIONS[voter.employer[0]]!, judgement: voter.employer[1] },
  ];
  expect(await castWorkshopVotes(app.db(), { workshopId, participantId: voter.id, round, movedBySubmissionId: null, answers })).toHaveLength(2);
}

/** What each audience's snapshot shows of the votes: tallies, answered counts, gap and shift. */
async function everyAudience(workshopId: number) {
  const states = (await loadWorkshopStates(workshopId))!;
  const shown = (s: typeof states.room) => ({ tallies: s.tallies, answered: s.answered, gap: s.gap, shift: s.shift });
  return { control: shown(states.facilitator), projector: shown(states.room), phone: shown(states.phone) };
}

/** Any count, mean or respondents figure anywhere in a value (loader data, stream event). */
const COUNT_KEYS = /"(count|respondents|meanJudgement|meanGap|people|moved|towardRight|towardWrong|changedOption)"/;

describe("removing a named participant between two reads (attack 1)", async () => {
  const room = await newRoom("Removal room");
  // Eleven voters: five removals make one safe batch of k (each count loses k) and leave six (at least k) counted.
  const voters: Voter[] = [];
  for (let i = 0; i < 11; i += 1) voters.push(await joinAndVote(room.id, 1, "frontline", [i % 2, (i % 7) - 3], [(i + 1) % 2, 3 - (i % 5)]));
  await saveStageState(app.db(), room.id, { stage: "results-1", votingOpen: false, revealedRounds: [] }, []);
  const before = await everyAudience(room.id);

  it("shows every audience the same counts while fewer than k voters have been removed", async () => {
    for (const removed of voters.slice(0, K - 1)) {
      await removeParticipant(app.db(), room.id, removed.id, K);
      // Before the fix the difference is exactly that person's option and judgement.
      expect(await everyAudience(room.id)).toEqual(before);
    }
  });

  it("withdraws the k removed voters all at once when the k-th removal completes the batch", async () => {
    await removeParticipant(app.db(), room.id, voters[K - 1]!.id, K);
    const after = await everyAudience(room.id);
    const remaining = voters.slice(K);
    for (const audience of [after.control, after.projector, after.phone]) {
      for (const perspective of ["employee", "employer"] as const) {
        const tally = audience.tallies.find((t) => t.round === 1 && t.perspective === perspective)!;
        expect(tally).toMatchObject({ respondents: remaining.length });
        const options = (tally as { options: { id: string; count: number }[] }).options;
        expect(OPTIONS.map((option) => options.find((o) => o.id === option.id)!.count)).toEqual(OPTIONS.map((_, index) => remaining.filter((v) => v[perspective][0] === index).length));
      }
    }
    expect(after.control.answered[1]).toBe(remaining.length);
    expect(after.control.gap).toMatchObject({ people: remaining.length });
  });

  it("keeps a removed phone from voting again", async () => {
    const answers = [{ perspective: "employee", option: OPTIONS[0]!, judgement: 1 }];
    await saveStageState(app.db(), room.id, { stage: "vote-1", votingOpen: true, revealedRounds: [] }, []);
    expect(await castWorkshopVotes(app.db(), { workshopId: room.id, participantId: voters[0]!.id, round: 1, movedBySubmissionId: null, answers })).toEqual([]);
  });
});

describe("a room of fewer than k voters (attack 5)", async () => {
  const room = await newRoom("Tiny room", true);
  const voters: Voter[] = [];
  for (let i = 0; i < K - 1; i += 1) voters.push(await joinAndVote(room.id, 1, i < 2 ? "manager" : "hr", [i % 2, i - 1], [0, 2 - i]));
  await saveStageState(app.db(), room.id, { stage: "vote-2", votingOpen: true, revealedRounds: [] }, []);
  for (const voter of voters) await vote(room.id, 2, { ...voter, employee: [1, -3] });
  await saveStageState(app.db(), room.id, { stage: "shift", votingOpen: false, revealedRounds: [] }, []);

  it("shows no count, mean or respondents figure to any audience, but says results appear at k", async () => {
    const audiences = await everyAudience(room.id);
    for (const [name, audience] of Object.entries(audiences)) {
      expect(JSON.stringify(audience.tallies), name).not.toMatch(COUNT_KEYS);
      expect(audience.tallies.length, name).toBeGreaterThan(0);
      for (const tally of audience.tallies) expect(tally, name).toMatchObject({ released: false, k: K });
      expect(audience.gap, name).toBeNull();
      expect(JSON.stringify(audience.shift ?? []), name).not.toMatch(COUNT_KEYS);
    }
    // How many answered is not an answer: the control panel and projector keep it.
    expect(audiences.control.answered[1]).toBe(K - 1);
  });

  it("writes no tally, mean or standing table into the debrief, and says results appear at k", async () => {
    const debrief = await workshopDebrief((await findWorkshop(app.db(), room.id))!);
    expect(debrief).toContain(`Results appear when ${K} people have voted`);
    expect(debrief).not.toMatch(/answered\n|average [+−-]?\d|\| What they would do|\| Judgement \|/);
    expect(debrief).not.toMatch(/Answered both rounds/);
  });

  it("puts no row in positions.csv", async () => {
    const csv = await workshopPositionsCsv((await findWorkshop(app.db(), room.id))!);
    expect(csv.trim().split("\r\n")).toEqual(["respondent,round,perspective,option,judgement,judgement_label,standing"]);
  });
});

describe("the debrief beside the CSV (attack 3)", async () => {
  const room = await newRoom("Exports room", true);
  // Round 1: five managers, five front-line staff, two HR. Round 2: the HR pair stays away.
  const voters: Voter[] = [];
  const standings: Standing[] = [...Array<Standing>(5).fill("manager"), ...Array<Standing>(5).fill("frontline"), "hr", "hr"];
  for (const [i, standing] of standings.entries()) voters.push(await joinAndVote(room.id, 1, standing, [i % 2, (i % 7) - 3], [i % 2, 1]));
  await saveStageState(app.db(), room.id, { stage: "vote-2", votingOpen: true, revealedRounds: [] }, []);
  for (const voter of voters.filter((v) => v.standing !== "hr")) await vote(room.id, 2, voter);
  await saveStageState(app.db(), room.id, { stage: "ended", votingOpen: false, revealedRounds: [] }, []);

  it("uses one grouping by standing in every round's tables and in the CSV's standing column", async () => {
    const workshop = (await findWorkshop(app.db(), room.id))!;
    const debrief = await workshopDebrief(workshop);
    const csv = await workshopPositionsCsv(workshop);
    const csvGroups = new Set(
      csv
        .trim()
        .split("\r\n")
        .slice(1)
        .map((line) => line.split(",").at(-1)!),
    );
    // The debrief's standing tables, one per round and perspective: the first cell of each row.
    const tables = debrief
      .split(/\n(?=###? )/)
      .map((section) =>
        section
          .split("\n")
          .filter((line) => /^\| (Manager|HR|Front line|Not declared|Other standings)/.test(line))
          .map((line) => line.split("|")[1]!.trim()),
      )
      .filter((groups) => groups.length > 0);
    expect(tables).toHaveLength(4);
    const label: Record<string, string> = { "Other standings (merged)": "merged small groups", Manager: "manager", "Front line": "frontline" };
    for (const groups of tables) expect(new Set(groups.map((g) => label[g] ?? g))).toEqual(csvGroups);
  });
});

describe("withdrawals stay withdrawn", async () => {
  const room = await newRoom("Withdrawals room", true);
  const voters: Voter[] = [];
  for (let i = 0; i < 2 * K; i += 1) voters.push(await joinAndVote(room.id, 1, null, [i % 2, 0], [0, 1]));
  await saveStageState(app.db(), room.id, { stage: "vote-2", votingOpen: true, revealedRounds: [] }, []);
  for (const voter of voters) await vote(room.id, 2, voter);

  it("takes a safe batch out for good: resetting a round later brings none of its votes back", async () => {
    for (const voter of voters.slice(0, K)) await removeParticipant(app.db(), room.id, voter.id, K);
    const counted = async (round: number) => new Set((await exportVotes(app.db(), room.id)).filter((v) => v.round === round).map((v) => v.participant_id));
    const kept = new Set(voters.slice(K).map((v) => v.id));
    expect(await counted(1)).toEqual(kept);
    expect(await counted(2)).toEqual(kept);
    await saveStageState(app.db(), room.id, { stage: "vote-2", votingOpen: true, revealedRounds: [] }, [{ type: "delete-round-votes", round: 2 }]);
    expect(await counted(1)).toEqual(kept);
  });
});

describe("a group of k in the workshop but fewer in one round (attack 3, per round)", async () => {
  const room = await newRoom("Thin round room", true);
  // Round 1: five of each standing. Round 2: every manager and front-line voter, one HR person.
  const voters: Voter[] = [];
  for (const standing of ["manager", "frontline", "hr"] as const) for (let i = 0; i < K; i += 1) voters.push(await joinAndVote(room.id, 1, standing, [i % 2, (i % 5) - 2], [(i + 1) % 2, 1]));
  await saveStageState(app.db(), room.id, { stage: "vote-2", votingOpen: true, revealedRounds: [] }, []);
  const hrInRoundTwo = voters.filter((v) => v.standing === "hr").slice(0, 1);
  for (const voter of [...voters.filter((v) => v.standing !== "hr"), ...hrInRoundTwo]) await vote(room.id, 2, voter);
  await saveStageState(app.db(), room.id, { stage: "ended", votingOpen: false, revealedRounds: [] }, []);

  it("never shows a standing row of fewer than k people in any round's table", async () => {
    const debrief = await workshopDebrief((await findWorkshop(app.db(), room.id))!);
    const rows = debrief.split("\n").filter((line) => /^\| (Manager|HR|Front line|Not declared|Other standings)/.test(line));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Number(row.split("|")[2]!.trim()), row).toBeGreaterThanOrEqual(K);
  });

  it("does not let the CSV link one person's rows across rounds (a late joiner or an early leaver stands out)", async () => {
    const csv = await workshopPositionsCsv((await findWorkshop(app.db(), room.id))!);
    const rows = csv
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(","));
    const roundsOf = new Map<string, Set<string>>();
    for (const [respondent, round] of rows) roundsOf.set(respondent!, (roundsOf.get(respondent!) ?? new Set()).add(round!));
    expect([...roundsOf.values()].every((rounds) => rounds.size === 1)).toBe(true);
    // Each standing label in each round stands for at least k people.
    const people = new Map<string, Set<string>>();
    for (const row of rows) people.set(`${row[1]} ${row.at(-1)}`, (people.get(`${row[1]} ${row.at(-1)}`) ?? new Set()).add(row[0]!));
    for (const [label, who] of people) if (!label.endsWith("not shown")) expect(who.size, label).toBeGreaterThanOrEqual(K);
  });
});

describe("exports read before and after a known person votes, while the room runs", async () => {
  const room = await newRoom("Running exports room");
  for (const standing of ["manager", "frontline"] as const) for (let i = 0; i < K; i += 1) await joinAndVote(room.id, 1, standing, [i % 2, 1], [0, 1]);
  const standingSections = async () => {
    const workshop = (await findWorkshop(app.db(), room.id))!;
    const debrief = await workshopDebrief(workshop);
    const csv = await workshopPositionsCsv(workshop);
    return {
      tables: debrief.split("\n").filter((line) => /^\| (Manager|HR|Front line|Not declared|Other standings)/.test(line) || /^By standing/.test(line)),
      csvStandings: [
        ...new Set(
          csv
            .trim()
            .split("\r\n")
            .slice(1)
            .map((line) => line.split(",").at(-1)),
        ),
      ],
    };
  };

  it("shows no breakdown by standing until the workshop has ended, so one vote never moves a group's row", async () => {
    const before = await standingSections();
    await joinAndVote(room.id, 1, "manager", [1, -3], [1, -3]);
    const after = await standingSections();
    expect(after).toEqual(before);
    expect(before.csvStandings).toEqual(["shown when the workshop has ended"]);
    await saveStageState(app.db(), room.id, { stage: "ended", votingOpen: false, revealedRounds: [] }, []);
    const ended = await standingSections();
    expect(ended.tables.some((line) => line.startsWith("| Manager"))).toBe(true);
    expect(ended.csvStandings.sort()).toEqual(["frontline", "manager"]);
  });
});

describe("how many answered, after a removal", async () => {
  const room = await newRoom("Answered room");
  const voters: Voter[] = [];
  for (let i = 0; i < K; i += 1) voters.push(await joinAndVote(room.id, 1, null, [i % 2, 1], [0, 1]));

  it("never says more people answered than the counts stand for", async () => {
    await removeParticipant(app.db(), room.id, voters[0]!.id, K);
    const states = (await loadWorkshopStates(room.id))!;
    expect(states.room.answered[1]).toBe(K);
    expect(states.room.participants).toBeGreaterThanOrEqual(states.room.answered[1]!);
  });
});
