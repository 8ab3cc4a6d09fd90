/**
 * The swap and whether the empathy gap moved (issue 17, ADR 032), through the routes as the
 * server calls them, on a real database: the "Swap roles" control (the facilitator's only,
 * once per submission and from any number of pages, refused where there is nothing to swap),
 * every role passing to the other side and each phone reading its new role card, going back
 * undoing it, and the debrief's phase comparison, with its figures worked out by hand and
 * withheld under k.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";
import { importRolePlayCase, rolePlayForms } from "../support/role-play";

const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const phoneRoute = await import("../../app/routes/w.$code");
const debriefRoute = await import("../../app/routes/workshops.$id_.debrief[.]md");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { loadWorkshopStates } = await import("../../app/workshops/live-state.server");

afterAll(() => app.cleanup());

const SLUG = "the-swapped-roles";
const EMPLOYEE_MARKER = "EMPLOYEEBRIEF5140";
const EMPLOYER_MARKER = "EMPLOYERBRIEF9921";

type Person = Awaited<ReturnType<typeof app.person>>;
let facilitator: Person;
const { newAddress, control, join, phoneData } = await rolePlayForms(app, () => facilitator);

beforeAll(async () => {
  await importRolePlayCase(app, SLUG, "The swapped roles", { employee: `You are the screener: ${EMPLOYEE_MARKER}.`, employer: `You run the firm: ${EMPLOYER_MARKER}.` });
  facilitator = await app.person("facilitator");
});

/** A role-play room polling both perspectives (the form's second checkbox, set as workshops.test.ts does). */
async function newRoom(extra: Record<string, string> = { rolePlay: "on", twoRounds: "on" }): Promise<{ id: number; code: string }> {
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: SLUG, title: "Swap room", perspectives: "employee", resultsMode: "live", askStanding: "on", ...extra }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  expect(created.status, await created.clone().text()).toBe(302);
  const id = Number(created.headers.get("Location")!.split("/").pop());
  await app
    .db()
    .updateTable("workshops")
    .set({ perspectives: JSON.stringify(["employee", "employer"]) })
    .where("id", "=", id)
    .execute();
  return { id, code: (await findWorkshop(app.db(), id))!.code };
}

/** Moves the workshop on with "Next" until it reaches `stage`. */
async function moveTo(workshopId: number, stage: string) {
  for (let i = 0; i < 20; i += 1) {
    const now = (await findWorkshop(app.db(), workshopId))!.state.stage;
    if (now === stage) return;
    expect((await control(workshopId, "next", { from: now })).status).toBe(200);
  }
  throw new Error(`never reached ${stage}`);
}

async function vote(code: string, cookie: string, employee: number, employer: number) {
  const response = (await settle(() =>
    phoneRoute.action({
      request: app.post(
        `/w/${code}`,
        {
          intent: "vote",
          "option-employee": "delay-the-report-and-help-him-get-it-expunged",
          "judgement-employee": String(employee),
          "option-employer": "fire-the-screener",
          "judgement-employer": String(employer),
        },
        cookie,
      ),
      params: { code },
      context: { clientIp: newAddress() },
    }),
  )) as Response;
  expect(response.status, await response.clone().text()).toBe(200);
}

async function roles(workshopId: number) {
  const rows = await app.db().selectFrom("workshop_participants").select(["id", "role"]).where("workshop_id", "=", workshopId).orderBy("id").execute();
  return new Map(rows.map((r) => [r.id, r.role]));
}

async function debrief(workshopId: number): Promise<string> {
  const response = (await debriefRoute.loader({ request: app.get(`/workshops/${workshopId}/debrief.md`, facilitator.cookie), params: { id: String(workshopId) }, context: {} })) as Response;
  expect(response.status).toBe(200);
  return response.text();
}

const other = (role: string | null) => (role === "employee" ? "employer" : "employee");

describe("the swap", () => {
  it("passes every role to the other side, once per submission and from any page; each phone reads its new role card", async () => {
    const room = await newRoom();
    const phones: string[] = [];
    for (const [i, standing] of ["frontline", "frontline", "manager", "manager"].entries()) phones.push(await join(room.code, `Person ${i + 1}`, standing));
    expect((await control(room.id, "assign-roles")).status).toBe(200);
    const before = await roles(room.id);
    const cards = await Promise.all(phones.map(async (cookie) => (await phoneData(room.code, cookie)).roleCard!.key));
    await moveTo(room.id, "shift");
    const version = (await findWorkshop(app.db(), room.id))!.rolesVersion;

    const key = "swap-once-abcdefghijklmnopq";
    const first = await control(room.id, "swap-roles", { from: "shift" }, facilitator, key);
    expect(first).toMatchObject({ status: 200, body: { ok: true, message: "Roles swapped: each phone now shows its new role card." } });
    const after = await roles(room.id);
    for (const [id, role] of before) expect(after.get(id)).toBe(other(role));
    const workshop = (await findWorkshop(app.db(), room.id))!;
    expect(workshop.state.stage).toBe("swap");
    expect(workshop.rolesVersion).toBe(version + 1);
    for (const [i, cookie] of phones.entries()) {
      const data = await phoneData(room.code, cookie);
      expect(data.roleCard!.key).toBe(other(cards[i]!));
      const [own, old] = data.roleCard!.key === "employee" ? [EMPLOYEE_MARKER, EMPLOYER_MARKER] : [EMPLOYER_MARKER, EMPLOYEE_MARKER];
      expect(data.roleCard!.html).toContain(own);
      expect(JSON.stringify(data)).not.toContain(old);
    }

    // The same form again: its first answer, nothing swapped back.
    expect(await control(room.id, "swap-roles", { from: "shift" }, facilitator, key)).toMatchObject({ status: 200, replayed: true, body: first.body });
    // Another page's form (another key): the workshop is already past the swap, so nothing changes.
    expect(await control(room.id, "swap-roles", { from: "shift" })).toMatchObject({ status: 200, replayed: false, body: { message: expect.stringMatching(/^Already on Roles swapped/) } });
    expect(await roles(room.id)).toEqual(after);
    expect((await findWorkshop(app.db(), room.id))!.rolesVersion).toBe(version + 1);

    // A newcomer after the swap gets the role with the fewest people, as after any assignment.
    await join(room.code, "Late", "hr");
    const counts = [...(await roles(room.id)).values()];
    expect(counts.filter((r) => r === "employee")).toHaveLength(3);

    // Back from the swap: everyone who was swapped plays their earlier role again.
    expect(await control(room.id, "back", { from: "swap" })).toMatchObject({ status: 200, body: { message: "Back before the swap: everyone plays their earlier role again." } });
    const undone = await roles(room.id);
    for (const [id, role] of before) expect(undone.get(id)).toBe(role);
  });

  it("is the move from the shift summary: refused elsewhere, in an ordinary workshop, and to another facilitator", async () => {
    const room = await newRoom();
    await join(room.code, "A", "frontline");
    await join(room.code, "B", "manager");
    await control(room.id, "assign-roles");
    const before = await roles(room.id);
    await moveTo(room.id, "discussion");
    expect(await control(room.id, "swap-roles")).toMatchObject({ status: 409, body: { ok: false } });
    expect((await findWorkshop(app.db(), room.id))!.state.stage).toBe("discussion");
    expect(await roles(room.id)).toEqual(before);

    await moveTo(room.id, "shift");
    const stranger = await app.person("facilitator");
    const refused = await settle(() => panelRoute.action({ request: app.post(`/workshops/${room.id}`, { intent: "swap-roles" }, stranger.cookie), params: { id: String(room.id) }, context: {} }));
    expect((refused as Response).status).toBe(403);
    expect(await roles(room.id)).toEqual(before);

    const plain = await newRoom({ twoRounds: "on" });
    expect(await control(plain.id, "swap-roles")).toMatchObject({ status: 409, body: { message: "Only a role-play workshop with two rounds swaps roles." } });
    const oneRound = await newRoom({ rolePlay: "on" });
    expect(await control(oneRound.id, "swap-roles")).toMatchObject({ status: 409 });
  });

  it("opens round 3 after the swap, which phones vote in and a reset can clear", async () => {
    const room = await newRoom();
    const cookie = await join(room.code, "A", "frontline");
    await control(room.id, "assign-roles");
    await moveTo(room.id, "vote-3");
    expect((await findWorkshop(app.db(), room.id))!.state).toMatchObject({ stage: "vote-3", votingOpen: true });
    await vote(room.code, cookie, 1, -1);
    const votes = await app.db().selectFrom("workshop_votes").select(["round"]).where("workshop_id", "=", room.id).execute();
    expect(votes.map((v) => v.round)).toEqual([3, 3]);
    expect(await control(room.id, "reset-round", { round: "3", confirm: "yes" })).toMatchObject({ status: 200, body: { message: "Round 3 is reset." } });
    expect(await app.db().selectFrom("workshop_votes").select("id").where("workshop_id", "=", room.id).execute()).toEqual([]);
  });
});

describe("whether the empathy gap moved", () => {
  it("shows per perspective the average judgement and the gap in each phase, with the changes, in the debrief and on the control panel", async () => {
    const room = await newRoom();
    const phones: string[] = [];
    for (const [i, standing] of ["frontline", "frontline", "frontline", "manager", "manager", "manager"].entries()) phones.push(await join(room.code, `P${i + 1}`, standing));
    await control(room.id, "assign-roles");
    // Before: employee +3, employer -3 for all six (gap +6); after the role-play: +2 and -1 (gap +3); after the swap: +1 and +1 (gap 0).
    const phases: [number, number][] = [
      [3, -3],
      [2, -1],
      [1, 1],
    ];
    for (const [round, [employee, employer]] of phases.entries()) {
      await moveTo(room.id, `vote-${round + 1}`);
      for (const cookie of phones) await vote(room.code, cookie, employee, employer);
    }
    const state = (await loadWorkshopStates(room.id))!;
    expect(state.facilitator.phases).toEqual([
      { figure: "employee", phases: [3, 2, 1].map((value) => ({ released: true, value, people: 6 })), changes: [-1, -1, -2] },
      { figure: "employer", phases: [-3, -1, 1].map((value) => ({ released: true, value, people: 6 })), changes: [2, 2, 4] },
      { figure: "gap", phases: [6, 3, 0].map((value) => ({ released: true, value, people: 6 })), changes: [-3, -3, -6] },
    ]);
    // The room sees it once the workshop has ended, not before.
    expect(state.room.phases).toBeNull();

    const text = await debrief(room.id);
    expect(text).toContain("## Did the empathy gap move?");
    expect(text).toContain("| Judgement as the employee | +3 (6 people) | +2 (6 people) | +1 (6 people) | -1 | -1 | -2 |");
    expect(text).toContain("| Judgement as the employer | -3 (6 people) | -1 (6 people) | +1 (6 people) | +2 | +2 | +4 |");
    expect(text).toContain("| Empathy gap (employee minus employer) | +6 (6 people) | +3 (6 people) | 0 (6 people) | -3 | -3 | -6 |");
    expect(text).toContain("## Round 3 (after the swap)");

    await control(room.id, "end", { confirm: "yes" });
    const ended = (await loadWorkshopStates(room.id))!;
    expect(ended.room.phases).toEqual(state.facilitator.phases);
    expect(ended.phone.phases).toEqual(state.facilitator.phases);
  });

  it("withholds every figure and change of a phase under k, saying when it appears", async () => {
    const room = await newRoom();
    const phones: string[] = [];
    for (const [i, standing] of ["frontline", "frontline", "frontline", "manager", "manager"].entries()) phones.push(await join(room.code, `Q${i + 1}`, standing));
    await control(room.id, "assign-roles");
    // Five (k) answer before the role-play; only four after it; five again after the swap.
    await moveTo(room.id, "vote-1");
    for (const cookie of phones) await vote(room.code, cookie, 2, -2);
    await moveTo(room.id, "vote-2");
    for (const cookie of phones.slice(0, 4)) await vote(room.code, cookie, 1, 0);
    await moveTo(room.id, "vote-3");
    for (const cookie of phones) await vote(room.code, cookie, 0, 0);

    const rows = (await loadWorkshopStates(room.id))!.facilitator.phases!;
    for (const row of rows) {
      expect(row.phases[1]).toEqual({ released: false, k: 5 });
      expect(row.changes).toEqual([null, null, row.changes[2]]);
      expect(row.changes[2]).not.toBeNull();
    }
    const text = await debrief(room.id);
    const table = text.slice(text.indexOf("## Did the empathy gap move?"), text.indexOf("## Round 1"));
    expect(table).toContain("| Judgement as the employee | +2 (5 people) | Results appear when 5 people have voted | 0 (5 people) | — | — | -2 |");
    expect(table).toContain("| Empathy gap (employee minus employer) | +4 (5 people) | not shown (fewer than 5 answered both perspectives) | 0 (5 people) | — | — | -4 |");
    // Nothing of the four: no count, no average.
    expect(table).not.toMatch(/\(4 people\)/);
  });

  it("has no phase comparison in an ordinary two-round workshop", async () => {
    const plain = await newRoom({ twoRounds: "on" });
    expect((await loadWorkshopStates(plain.id))!.facilitator.phases).toBeNull();
    expect(await debrief(plain.id)).not.toContain("Did the empathy gap move?");
  });
});
