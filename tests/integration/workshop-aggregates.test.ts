import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";

const K = 3;
const app = await startApp({ kThreshold: K });
const { saveStageState } = await import("../../app/models/workshops.server");
const { joinWorkshop, removeParticipant } = await import("../../app/models/participants.server");
const { castWorkshopVotes } = await import("../../app/models/workshop-votes.server");
const { workshopGaps, workshopShifts } = await import("../../app/models/workshop-tallies.server");
type JoinOutcome = Awaited<ReturnType<typeof joinWorkshop>>;

/** The participant a join made; these rooms have no lock or capacity, so every join gets in. */
function admitted(outcome: JoinOutcome) {
  if (!outcome.joined) throw new Error(`join refused: ${outcome.refusal}`);
  return outcome.participant;
}

afterAll(() => app.cleanup());

/** A background-check workshop polling both perspectives, run by a new facilitator. */
const newWorkshop = (title: string, twoRounds: boolean) => app.backgroundCheckWorkshop(title, { twoRounds });

describe("a workshop's gap and shift aggregates", async () => {
  const workshop = await newWorkshop("Aggregates", true);
  // [standing, round-1 employee, round-1 employer, round-2 employee, round-2 employer]; null = not answered.
  const people = [
    ["manager", 3, 1, 2, 2],
    ["manager", 3, 1, 3, 1],
    ["frontline", -1, 2, 1, 2], // changes their employee option (B to A)
    ["frontline", 0, null, 1, 1], // round 1 without the employer answer: no gap there, no employer shift
    ["hr", 2, -2, null, null], // only round 1: no shift
    ["hr", -3, 3, 3, -3], // removed below with the next two: every count they are in loses k = 3 of them, so all three are withdrawn
    ["other", 1, 1, 1, 1], // removed below
    ["other", 2, 2, 2, 2], // removed below
  ] as const;
  const ids: number[] = [];
  for (const [i, [standing, ...judgements]] of people.entries()) {
    const participant = admitted(await joinWorkshop(app.db(), { workshopId: workshop.id, tokenHash: `hash-${i}`, displayName: `P${i}`, standing }));
    ids.push(participant.id);
    const cells = [
      [1, "employee", judgements[0]],
      [1, "employer", judgements[1]],
      [2, "employee", judgements[2]],
      [2, "employer", judgements[3]],
    ] as const;
    for (const [round, perspective, judgement] of cells) {
      if (judgement === null) continue;
      const now = new Date().toISOString();
      // Option follows the judgement's sign, so "changed option" is checkable.
      const option = judgement >= 0 ? "A" : "B";
      await app
        .db()
        .insertInto("workshop_votes")
        .values({
          workshop_id: workshop.id,
          participant_id: participant.id,
          round,
          perspective,
          option,
          option_id: option.toLowerCase(),
          judgement,
          moved_by_submission_id: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  }
  // Removed voters are withdrawn only when each count loses none or at least k = 3 of them (ADR 009): these three together.
  for (const removed of ids.slice(5)) await removeParticipant(app.db(), workshop.id, removed, K);

  it("gives each person's employee minus employer judgement, per round and standing, only where both were answered", async () => {
    const gaps = (await workshopGaps(app.db(), workshop.id)).sort((a, b) => a.round - b.round || String(a.standing).localeCompare(String(b.standing)) || a.gap - b.gap);
    expect(gaps).toEqual([
      { round: 1, standing: "frontline", gap: -3, count: 1 },
      { round: 1, standing: "hr", gap: 4, count: 1 },
      { round: 1, standing: "manager", gap: 2, count: 2 },
      { round: 2, standing: "frontline", gap: -1, count: 1 },
      { round: 2, standing: "frontline", gap: 0, count: 1 },
      { round: 2, standing: "manager", gap: 0, count: 1 },
      { round: 2, standing: "manager", gap: 2, count: 1 },
    ]);
  });

  it("gives the change from round 1 to round 2 per perspective, and whether the option changed", async () => {
    const shifts = (await workshopShifts(app.db(), workshop.id)).sort((a, b) => a.perspective.localeCompare(b.perspective) || a.judgementChange - b.judgementChange);
    expect(shifts).toEqual([
      { perspective: "employee", judgementChange: -1, optionChanged: false, count: 1 },
      { perspective: "employee", judgementChange: 0, optionChanged: false, count: 1 },
      { perspective: "employee", judgementChange: 1, optionChanged: false, count: 1 },
      { perspective: "employee", judgementChange: 2, optionChanged: true, count: 1 },
      { perspective: "employer", judgementChange: 0, optionChanged: false, count: 2 },
      { perspective: "employer", judgementChange: 1, optionChanged: false, count: 1 },
    ]);
  });
});

describe("a vote racing the facilitator", async () => {
  const workshop = await newWorkshop("Race", false);
  const voter = admitted(await joinWorkshop(app.db(), { workshopId: workshop.id, tokenHash: "racer", displayName: "Racer", standing: null }));
  const answers = [
    { perspective: "employee", option: { id: "a", text: "A" }, judgement: 1 },
    { perspective: "employer", option: { id: "b", text: "B" }, judgement: -1 },
  ];
  const vote = () => castWorkshopVotes(app.db(), { workshopId: workshop.id, participantId: voter.id, round: 1, movedBySubmissionId: null, answers });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("stores every perspective at once while voting is open, and answers with the rows", async () => {
    await saveStageState(app.db(), workshop.id, { stage: "vote-1", votingOpen: true, revealedRounds: [] }, []);
    expect((await vote()).map((v) => [v.perspective, v.option, v.judgement])).toEqual([
      ["employee", "A", 1],
      ["employer", "B", -1],
    ]);
  });

  it("waits for a close being committed and is then refused, not counted after it", async () => {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const closing = app
      .db()
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("workshops").set({ voting_open: 0 }).where("id", "=", workshop.id).execute();
        await held;
      });
    await sleep(50);
    let settled = false;
    const racing = vote().finally(() => (settled = true));
    await sleep(150);
    expect(settled).toBe(false); // it waits for the close to commit or roll back
    commit();
    await closing;
    expect(await racing).toEqual([]);
  });

  it("after a reset, a new vote counts in the reopened round and the old one is gone", async () => {
    await saveStageState(app.db(), workshop.id, { stage: "vote-1", votingOpen: true, revealedRounds: [] }, [{ type: "delete-round-votes", round: 1 }]);
    expect(await app.db().selectFrom("workshop_votes").selectAll().where("workshop_id", "=", workshop.id).execute()).toEqual([]);
    expect(await vote()).toHaveLength(2);
  });
});
