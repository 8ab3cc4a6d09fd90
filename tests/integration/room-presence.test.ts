/**
 * The count of who is in a room (ADR 040): `workshop_presence` keeps, per room and role, how many
 * participants are in the room now (not removed), so a join checks capacity and picks a
 * newcomer's role without counting the room. It must never drift from the participants table:
 * every path that adds a participant, removes one or changes a present participant's role is
 * walked here, and after each the kept count is compared with a real count, on SQLite and on
 * PostgreSQL (npm run test:integration:pg), also with joins and removals racing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import type { Participant } from "../../app/models/participants.server";

const K = 3;
const app = await startApp({ kThreshold: K });
const { createWorkshop, findWorkshop, listWorkshops, saveStageState } = await import("../../app/models/workshops.server");
const { findCaseBySlug } = await import("../../app/models/cases.server");
const participants = await import("../../app/models/participants.server");
const { inTransaction, lockForTransaction } = await import("../../db/dialect");
const { joinWorkshop, removeParticipant, removeParticipantsJoinedBetween, saveRoleAssignment, moveParticipantRole, rotateRoles, countParticipants } = participants;

afterAll(() => app.cleanup());

async function newRoom(title: string, options: { roles?: string[]; capacity?: number } = {}) {
  const facilitator = await app.person("facilitator");
  const found = (await findCaseBySlug(app.db(), "background-check"))!;
  return createWorkshop(app.db(), {
    caseId: found.id,
    caseVersionId: found.versionId,
    facilitatorUserId: facilitator.id,
    title,
    perspectives: ["employee", "employer"],
    twoRounds: false,
    resultsMode: "live",
    askStanding: true,
    roles: options.roles ?? null,
    capacity: options.capacity ?? null,
  });
}

async function join(workshopId: number, token: string) {
  return joinWorkshop(app.db(), { workshopId, tokenHash: participants.hashDeviceToken(token), displayName: token, standing: null });
}

async function admitted(workshopId: number, token: string): Promise<Participant> {
  const outcome = await join(workshopId, token);
  if (!outcome.joined) throw new Error(`join refused: ${outcome.refusal}`);
  return outcome.participant;
}

/** Per role ("" for none), how many are in the room now: counted from the participants, and as kept. */
async function presence(workshopId: number) {
  const db = app.db();
  const counted = await db
    .selectFrom("workshop_participants")
    .select(["role", (eb) => eb.fn.countAll<number>().as("n")])
    .where("workshop_id", "=", workshopId)
    .where("removed", "=", 0)
    .groupBy("role")
    .execute();
  const kept = await db.selectFrom("workshop_presence").select(["role", "present"]).where("workshop_id", "=", workshopId).execute();
  const byRole = (rows: { role: string | null; n: number | string }[]) =>
    Object.fromEntries(
      rows
        .map((r) => [r.role ?? "", Number(r.n)] as const)
        .filter(([, n]) => n !== 0)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return { counted: byRole(counted), kept: byRole(kept.map((r) => ({ role: r.role, n: r.present }))) };
}

/** The kept count equals a real count, per role and in total, and every reader of it agrees. */
async function expectAgreement(workshopId: number, expected: Record<string, number>) {
  const { counted, kept } = await presence(workshopId);
  expect(counted).toEqual(expected);
  expect(kept).toEqual(counted);
  const total = Object.values(counted).reduce((a, b) => a + b, 0);
  expect(await countParticipants(app.db(), workshopId)).toBe(total);
  const listed = (await listWorkshops(app.db(), {})).find((w) => w.id === workshopId);
  expect(listed?.participants).toBe(total);
}

describe("the kept count of who is in a room", () => {
  it("follows joins, rejoins, a removal, a repeated removal and a voided burst", async () => {
    const room = await newRoom("Plain presence");
    await expectAgreement(room.id, {});
    const people: Participant[] = [];
    for (let i = 0; i < 6; i += 1) people.push(await admitted(room.id, `plain-${i}`));
    await expectAgreement(room.id, { "": 6 });
    // The same phone again is the same participant: nobody new.
    await admitted(room.id, "plain-0");
    await expectAgreement(room.id, { "": 6 });
    expect(await removeParticipant(app.db(), room.id, people[1]!.id, K)).toBe(true);
    await expectAgreement(room.id, { "": 5 });
    expect(await removeParticipant(app.db(), room.id, people[1]!.id, K)).toBe(true);
    await expectAgreement(room.id, { "": 5 });
    expect(await removeParticipant(app.db(), room.id, 999_999, K)).toBe(false);
    await expectAgreement(room.id, { "": 5 });
    // A removed phone coming back gets its participant back, still removed.
    const back = await admitted(room.id, "plain-1");
    expect(back.removed).toBe(true);
    await expectAgreement(room.id, { "": 5 });
    const since = new Date(Date.now() - 60_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const voided = await removeParticipantsJoinedBetween(app.db(), room.id, since, until, K);
    expect(voided).toHaveLength(5);
    await expectAgreement(room.id, {});
    await admitted(room.id, "plain-6");
    await expectAgreement(room.id, { "": 1 });
  });

  it("follows an assignment, newcomers, a move, a removal and the swap there and back in a role-play room", async () => {
    const room = await newRoom("Role presence", { roles: ["employee", "employer"] });
    const people: Participant[] = [];
    for (let i = 0; i < 5; i += 1) people.push(await admitted(room.id, `role-${i}`));
    await expectAgreement(room.id, { "": 5 });
    await inTransaction(app.db(), async (trx) => {
      await lockForTransaction(trx, `workshop-join:${room.id}`);
      await saveRoleAssignment(trx, room.id, new Map(people.map((p, i) => [p.id, i < 3 ? "employee" : "employer"])));
    });
    await expectAgreement(room.id, { employee: 3, employer: 2 });
    // A newcomer plays the role with the fewest people now.
    expect((await admitted(room.id, "role-5")).role).toBe("employer");
    await expectAgreement(room.id, { employee: 3, employer: 3 });
    expect((await admitted(room.id, "role-6")).role).toBe("employee");
    await expectAgreement(room.id, { employee: 4, employer: 3 });
    expect(await moveParticipantRole(app.db(), room.id, people[0]!.id, "employer")).toBe("moved");
    await expectAgreement(room.id, { employee: 3, employer: 4 });
    expect(await moveParticipantRole(app.db(), room.id, people[0]!.id, "employer")).toBe("unchanged");
    await expectAgreement(room.id, { employee: 3, employer: 4 });
    await removeParticipant(app.db(), room.id, people[3]!.id, K);
    await removeParticipant(app.db(), room.id, people[4]!.id, K);
    await expectAgreement(room.id, { employee: 3, employer: 2 });
    // The move and the removals are what the next newcomer's role follows.
    expect((await admitted(room.id, "role-7")).role).toBe("employer");
    await expectAgreement(room.id, { employee: 3, employer: 3 });
    await inTransaction(app.db(), (trx) => rotateRoles(trx, room.id, 1));
    await expectAgreement(room.id, { employee: 3, employer: 3 });
    await removeParticipant(app.db(), room.id, people[1]!.id, K);
    await expectAgreement(room.id, { employee: 3, employer: 2 });
    await inTransaction(app.db(), (trx) => rotateRoles(trx, room.id, -1));
    await expectAgreement(room.id, { employee: 2, employer: 3 });
    // Assigning again starts the count over from the new assignment.
    await inTransaction(app.db(), async (trx) => {
      await lockForTransaction(trx, `workshop-join:${room.id}`);
      await saveRoleAssignment(trx, room.id, new Map([[people[0]!.id, "employee"]]));
    });
    await expectAgreement(room.id, { "": 4, employee: 1 });
  });

  it("holds the door at capacity after removals free places, counting only those present", async () => {
    const room = await newRoom("Full room", { capacity: 3 });
    const people: Participant[] = [];
    for (let i = 0; i < 3; i += 1) people.push(await admitted(room.id, `full-${i}`));
    expect((await join(room.id, "full-3")).joined).toBe(false);
    await removeParticipant(app.db(), room.id, people[0]!.id, K);
    await admitted(room.id, "full-3");
    expect((await join(room.id, "full-4")).joined).toBe(false);
    // A phone that joined before always gets back in, full or not.
    expect((await join(room.id, "full-1")).joined).toBe(true);
    await expectAgreement(room.id, { "": 3 });
  });

  it("agrees after joins and removals race one another (on PostgreSQL they run side by side)", async () => {
    const room = await newRoom("Racing room", { roles: ["employee", "employer"] });
    const first: Participant[] = [];
    for (let i = 0; i < 6; i += 1) first.push(await admitted(room.id, `race-${i}`));
    await inTransaction(app.db(), async (trx) => {
      await lockForTransaction(trx, `workshop-join:${room.id}`);
      await saveRoleAssignment(trx, room.id, new Map(first.map((p, i) => [p.id, i % 2 === 0 ? "employee" : "employer"])));
    });
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => admitted(room.id, `race-new-${i}`)),
      // A phone rejoining while it is removed: the rejoin and the removal touch the same row.
      ...first.slice(0, 3).map((p) => removeParticipant(app.db(), room.id, p.id, K)),
      ...first.slice(0, 3).map((p) => admitted(room.id, p.displayName!)),
      moveParticipantRole(app.db(), room.id, first[4]!.id, "employer"),
    ]);
    const { counted, kept } = await presence(room.id);
    expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBe(23);
    expect(kept).toEqual(counted);
  });

  it("lets an assignment and the swap arriving together both land: each takes the join lock before the workshop row", async () => {
    const room = await newRoom("Assign and swap", { roles: ["employee", "employer"] });
    const people: Participant[] = [];
    for (let i = 0; i < 4; i += 1) people.push(await admitted(room.id, `order-${i}`));
    const assign = (roleOfFirst: string) =>
      inTransaction(app.db(), async (trx) => {
        await lockForTransaction(trx, `workshop-join:${room.id}`);
        await saveRoleAssignment(trx, room.id, new Map(people.map((p, i) => [p.id, i === 0 ? roleOfFirst : i % 2 === 0 ? "employee" : "employer"])));
      });
    await assign("employee");
    const stored = (await findWorkshop(app.db(), room.id))!;
    // A join holds the room's join lock while the assignment, then the swap, queue for it in that
    // order; on PostgreSQL the swap holds the workshop row meanwhile if it updates the row first,
    // and the assignment, granted the lock first, then waits for that row: a deadlock.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 150));
    const outcomes = await inTransaction(app.db(), async (trx) => {
      await lockForTransaction(trx, `workshop-join:${room.id}`);
      const assigning = assign("employer");
      await pause();
      const swapping = saveStageState(app.db(), room.id, stored.state, [{ type: "rotate-roles", steps: 1 }]);
      await pause();
      return [assigning, swapping] as const;
    });
    const settled = await Promise.allSettled(outcomes);
    expect(settled.map((s) => (s.status === "rejected" ? String(s.reason) : "ok"))).toEqual(["ok", "ok"]);
    const { counted, kept } = await presence(room.id);
    expect(kept).toEqual(counted);
  });
});
