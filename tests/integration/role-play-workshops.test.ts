/**
 * Role-play workshops (issue 17, ADR 028), through the routes as the server calls them, on a real
 * database (SQLite, or PostgreSQL with CASEBOOK_TEST_DATABASE): creating one only on a case with
 * role briefs, assigning roles (persisted, balanced, once per submission), moving one person,
 * newcomers, each phone's role card and nobody else's brief (loader data and live stream, by
 * marker), the facilitator's briefs, and the step timer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";
import { importRolePlayCase, rolePlayForms } from "../support/role-play";
import { serveWorkshopEvents } from "../support/workshop-events";

const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const projectorRoute = await import("../../app/routes/workshops.$id_.projector");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { loadWorkshopStates } = await import("../../app/workshops/live-state.server");

afterAll(() => app.cleanup());

const SLUG = "the-marked-roles";
const EMPLOYEE_MARKER = "EMPLOYEEBRIEF7731";
const EMPLOYER_MARKER = "EMPLOYERBRIEF2208";

type Person = Awaited<ReturnType<typeof app.person>>;
let facilitator: Person;
const { control, join, phoneData } = await rolePlayForms(app, () => facilitator);

beforeAll(async () => {
  // A published case with a marker in each role's brief (and a link the sanitizer must drop).
  await importRolePlayCase(app, SLUG, "The marked roles", {
    employee: `You are the screener: **${EMPLOYEE_MARKER}**. [Click](javascript:alert(1))`,
    employer: `You run the firm: ${EMPLOYER_MARKER}.`,
  });
  facilitator = await app.person("facilitator");
});

async function create(caseSlug: string, extra: Record<string, string> = { rolePlay: "on" }, who: Person = facilitator) {
  const response = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug, title: "Role-play room", perspectives: "employee", twoRounds: "on", resultsMode: "live", askStanding: "on", ...extra }, who.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  return response;
}

async function newRoom(): Promise<{ id: number; code: string }> {
  const created = await create(SLUG);
  expect(created.status, await created.clone().text()).toBe(302);
  const id = Number(created.headers.get("Location")!.split("/").pop());
  return { id, code: (await findWorkshop(app.db(), id))!.code };
}

async function roles(workshopId: number) {
  return app.db().selectFrom("workshop_participants").select(["id", "display_name", "standing", "role"]).where("workshop_id", "=", workshopId).orderBy("id").execute();
}

const events = await serveWorkshopEvents();
afterAll(() => events.close());

/** The first event of a phone's live stream (through its endpoint over HTTP), then hangs up. */
async function firstEvent(workshopId: number, cookie: string): Promise<string> {
  const stream = await events.open(`/workshops/${workshopId}/events`, cookie);
  expect(stream.status).toBe(200);
  const start = Date.now();
  while (!/event: state\ndata: .*\n\n/.test(stream.text())) {
    if (Date.now() - start > 3000) throw new Error("no state event");
    await new Promise((r) => setTimeout(r, 5));
  }
  stream.hangUp();
  return stream.text();
}

const STANDINGS = ["frontline", "frontline", "manager", "manager", "hr", "other"];

describe("creating a role-play workshop", () => {
  it("is refused with a 400 on the role-play field for a case without role briefs", async () => {
    const response = await create("background-check");
    expect(response.status).toBe(400);
    const body = await json<{ errors: Record<string, string> }>(response);
    expect(body.errors.rolePlay).toMatch(/no role briefs for two perspectives, so it cannot be run as role-play/);
  });

  it("keeps the case's roles on a workshop made on a case with briefs, and none without the option", async () => {
    const room = await newRoom();
    expect((await findWorkshop(app.db(), room.id))!.roles).toEqual(["employee", "employer"]);
    const plain = await create(SLUG, {});
    expect(plain.status).toBe(302);
    expect((await findWorkshop(app.db(), Number(plain.headers.get("Location")!.split("/").pop())))!.roles).toBeNull();
  });

  it("offers role-play for the cases with briefs, by slug only", async () => {
    const data = await listRoute.loader({ request: app.get("/workshops", facilitator.cookie), params: {}, context: {} });
    expect(data.cases.find((c) => c.slug === SLUG)?.rolePlay).toBe(true);
    expect(data.cases.find((c) => c.slug === "background-check")?.rolePlay).toBe(false);
    expect(JSON.stringify(data)).not.toContain(EMPLOYEE_MARKER);
  });
});

describe("assigning roles", () => {
  it("splits the room, balanced and mixing standings, and stores it; a repeat of the form changes nothing", async () => {
    const room = await newRoom();
    // Five front-line people (k = 5: spread on their own) and one manager (fewer than k: dealt with the undeclared).
    for (const [i, standing] of ["frontline", "frontline", "frontline", "frontline", "frontline", "manager"].entries()) await join(room.code, `Person ${i + 1}`, standing);
    const key = "assign-once-abcdefghijklmnop";
    const first = await control(room.id, "assign-roles", {}, facilitator, key);
    expect(first.status).toBe(200);
    expect(first.body.message).toBe("Roles assigned: Employee 3, Employer 3. Each phone now shows its role card.");
    const stored = await roles(room.id);
    expect(stored.filter((p) => p.role === "employee")).toHaveLength(3);
    expect(stored.filter((p) => p.role === "employer")).toHaveLength(3);
    const frontline = stored.filter((p) => p.standing === "frontline").map((p) => p.role);
    expect([frontline.filter((r) => r === "employee").length, frontline.filter((r) => r === "employer").length].sort()).toEqual([2, 3]);

    const repeat = await control(room.id, "assign-roles", {}, facilitator, key);
    expect(repeat).toMatchObject({ status: 200, replayed: true, body: first.body });
    expect(await roles(room.id)).toEqual(stored);
    expect((await findWorkshop(app.db(), room.id))!.rolesVersion).toBe(1);

    // Assigning again is a new submission and a new version, but the room's seed is its own: an
    // unchanged room gets the same split, so splits cannot be drawn again and compared (ADR 028).
    expect((await control(room.id, "assign-roles")).status).toBe(200);
    expect((await findWorkshop(app.db(), room.id))!.rolesVersion).toBe(2);
    expect(await roles(room.id)).toEqual(stored);
    // Someone new and assigned again: still balanced.
    await join(room.code, "Person 7", "hr");
    expect((await control(room.id, "assign-roles")).status).toBe(200);
    const again = await roles(room.id);
    expect(Math.abs(again.filter((p) => p.role === "employee").length - again.filter((p) => p.role === "employer").length)).toBe(1);
  });

  it("lists each phone's role for the facilitator, never a standing", async () => {
    const room = await newRoom();
    for (const [i, standing] of STANDINGS.entries()) await join(room.code, `Person ${i + 1}`, standing);
    await control(room.id, "assign-roles");
    const panel = await panelRoute.loader({ request: app.get(`/workshops/${room.id}`, facilitator.cookie), params: { id: String(room.id) }, context: {} });
    expect(panel.state.participantList.map((p) => p.role).sort()).toEqual(["employee", "employee", "employee", "employer", "employer", "employer"]);
    for (const p of panel.state.participantList) expect(Object.keys(p).sort()).toEqual(["id", "name", "removed", "role"]);
    expect((await roles(room.id)).filter((p) => p.standing !== null)).toHaveLength(6);
    for (const standing of ["frontline", "manager", '"hr"', "other"]) expect(JSON.stringify(panel.state.participantList)).not.toContain(standing);
  });

  it("gives a newcomer after the assignment the role with the fewest people; before it, none", async () => {
    const room = await newRoom();
    for (const [i, standing] of STANDINGS.slice(0, 5).entries()) await join(room.code, `Person ${i + 1}`, standing);
    const early = (await roles(room.id)).map((p) => p.role);
    expect(early.every((r) => r === null)).toBe(true);
    await control(room.id, "assign-roles");
    const before = await roles(room.id);
    const fewer = ["employee", "employer"].find((r) => before.filter((p) => p.role === r).length === 2)!;
    await join(room.code, "Late", "manager");
    expect((await roles(room.id)).find((p) => p.display_name === "Late")!.role).toBe(fewer);
  });

  it("moves one person to another role, once per submission, and refuses unknown roles and people", async () => {
    const room = await newRoom();
    for (const [i, standing] of STANDINGS.entries()) await join(room.code, `Person ${i + 1}`, standing);
    expect((await control(room.id, "move-role", { participantId: "1", role: "employer" })).body.message).toMatch(/Assign roles first/);
    await control(room.id, "assign-roles");
    const someone = (await roles(room.id))[0]!;
    const other = someone.role === "employee" ? "employer" : "employee";
    const moved = await control(room.id, "move-role", { participantId: String(someone.id), role: other });
    expect(moved).toMatchObject({ status: 200, body: { message: `Moved to ${other === "employee" ? "Employee" : "Employer"}.` } });
    expect((await roles(room.id))[0]!.role).toBe(other);
    expect((await control(room.id, "move-role", { participantId: String(someone.id), role: other })).body.message).toMatch(/nothing changed/);
    expect((await control(room.id, "move-role", { participantId: String(someone.id), role: "customer" })).status).toBe(400);
    expect((await control(room.id, "move-role", { participantId: "999999", role: other })).status).toBe(404);
  });

  it("is refused to another facilitator and in an ordinary workshop", async () => {
    const room = await newRoom();
    const stranger = await app.person("facilitator");
    const refused = await settle(() => panelRoute.action({ request: app.post(`/workshops/${room.id}`, { intent: "assign-roles" }, stranger.cookie), params: { id: String(room.id) }, context: {} }));
    expect((refused as Response).status).toBe(403);
    const plain = await create(SLUG, {});
    const plainId = Number(plain.headers.get("Location")!.split("/").pop());
    expect(await control(plainId, "assign-roles")).toMatchObject({ status: 409, body: { message: expect.stringMatching(/not run as role-play/) } });
  });
});

describe("role cards", () => {
  it("give each phone its own role's brief only, in its loader data and never in the live stream, the projector or the room's state", async () => {
    const room = await newRoom();
    const phones: string[] = [];
    for (const [i, standing] of STANDINGS.entries()) phones.push(await join(room.code, `Person ${i + 1}`, standing));
    const before = await phoneData(room.code, phones[0]!);
    expect(before.roleCard).toBeNull();
    await control(room.id, "assign-roles");

    const seen = { employee: 0, employer: 0 };
    for (const cookie of phones) {
      const data = await phoneData(room.code, cookie);
      const card = data.roleCard!;
      const [own, others] = card.key === "employee" ? [EMPLOYEE_MARKER, EMPLOYER_MARKER] : [EMPLOYER_MARKER, EMPLOYEE_MARKER];
      seen[card.key as "employee" | "employer"] += 1;
      expect(card.name).toBe(card.key === "employee" ? "Employee" : "Employer");
      expect(card.html).toContain(own);
      expect(JSON.stringify(data)).not.toContain(others);
      // Rendered by the sanitizing renderer: Markdown becomes HTML, a javascript: link does not survive.
      if (card.key === "employee") expect(card.html).toContain(`<strong>${EMPLOYEE_MARKER}</strong>`);
      expect(card.html).not.toContain("javascript:");
      const stream = await firstEvent(room.id, cookie);
      expect(stream).toContain('"rolesVersion":1');
      expect(stream).not.toContain(EMPLOYEE_MARKER);
      expect(stream).not.toContain(EMPLOYER_MARKER);
    }
    expect(seen).toEqual({ employee: 3, employer: 3 });

    const states = JSON.stringify(await loadWorkshopStates(room.id));
    const projector = JSON.stringify(await projectorRoute.loader({ request: app.get(`/workshops/${room.id}/projector`, facilitator.cookie), params: { id: String(room.id) }, context: {} }));
    for (const text of [states, projector]) {
      expect(text).not.toContain(EMPLOYEE_MARKER);
      expect(text).not.toContain(EMPLOYER_MARKER);
    }
  });

  it("follow a move: the moved phone reads the other role's brief and no longer its old one", async () => {
    const room = await newRoom();
    const cookie = await join(room.code, "Mover", "frontline");
    await join(room.code, "Stayer", "manager");
    await control(room.id, "assign-roles");
    const before = (await phoneData(room.code, cookie)).roleCard!;
    const other = before.key === "employee" ? "employer" : "employee";
    const id = (await roles(room.id)).find((p) => p.display_name === "Mover")!.id;
    await control(room.id, "move-role", { participantId: String(id), role: other });
    const after = await phoneData(room.code, cookie);
    expect(after.roleCard!.key).toBe(other);
    expect(JSON.stringify(after)).not.toContain(before.key === "employee" ? EMPLOYEE_MARKER : EMPLOYER_MARKER);
  });

  it("show the room's facilitator every brief on the control panel, and nothing of them in an ordinary room", async () => {
    const room = await newRoom();
    const panel = await panelRoute.loader({ request: app.get(`/workshops/${room.id}`, facilitator.cookie), params: { id: String(room.id) }, context: {} });
    expect(panel.roleBriefs!.map((b) => b.key)).toEqual(["employee", "employer"]);
    expect(JSON.stringify(panel.roleBriefs)).toContain(EMPLOYEE_MARKER);
    expect(JSON.stringify(panel.roleBriefs)).toContain(EMPLOYER_MARKER);
    // The facilitator's own live stream carries the room's state only: no brief either.
    const facilitatorStream = await firstEvent(room.id, facilitator.cookie);
    expect(facilitatorStream).not.toContain(EMPLOYEE_MARKER);

    const plain = await create(SLUG, {});
    const plainId = String(Number(plain.headers.get("Location")!.split("/").pop()));
    const plainPanel = await panelRoute.loader({ request: app.get(`/workshops/${plainId}`, facilitator.cookie), params: { id: plainId }, context: {} });
    expect(plainPanel.roleBriefs).toBeNull();
    expect(JSON.stringify(plainPanel)).not.toContain(EMPLOYEE_MARKER);
  });
});

describe("the step timer", () => {
  it("is started with minutes from 1 to 60, reaches the room's state with its deadline, and stops on the next stage", async () => {
    const room = await newRoom();
    expect(await control(room.id, "start-timer", { minutes: "0" })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^minutes: .*1 to 60/) } });
    expect((await control(room.id, "start-timer", { minutes: "61" })).status).toBe(400);
    const started = Date.now();
    expect(await control(room.id, "start-timer", { minutes: "5" })).toMatchObject({ status: 200, body: { message: "Timer started: 5 minutes." } });
    const states = (await loadWorkshopStates(room.id))!;
    expect(states.phone.timer!.minutes).toBe(5);
    const endsAt = Date.parse(states.room.timer!.endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(started + 5 * 60_000);
    expect(endsAt).toBeLessThan(started + 5 * 60_000 + 5_000);

    await control(room.id, "next", { from: "lobby" });
    expect((await loadWorkshopStates(room.id))!.room.timer).toBeNull();
    await control(room.id, "start-timer", { minutes: "2" });
    expect(await control(room.id, "stop-timer")).toMatchObject({ status: 200, body: { message: "Timer stopped." } });
    expect((await loadWorkshopStates(room.id))!.room.timer).toBeNull();
  });

  it("is refused in an ordinary workshop", async () => {
    const plain = await create(SLUG, {});
    const plainId = Number(plain.headers.get("Location")!.split("/").pop());
    expect((await control(plainId, "start-timer", { minutes: "5" })).status).toBe(409);
  });
});
