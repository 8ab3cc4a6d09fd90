/**
 * The control panel of a room larger than its live list (issue 19), through the routes as the
 * server calls them, on a real database (SQLite, or PostgreSQL with CASEBOOK_TEST_DATABASE):
 * each facilitator frame lists the last PARTICIPANT_LIST_LIMIT to join and counts everyone else
 * (in the room, per role, joins per minute) without reading every participant, so a frame costs
 * the same in a room of 10,000; anyone is found by name, and moved or removed from there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";
import { importRolePlayCase, rolePlayForms } from "../support/role-play";

const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { freshWorkshopStates, PARTICIPANT_LIST_LIMIT } = await import("../../app/workshops/live-state.server");

afterAll(() => app.cleanup());

const SLUG = "the-crowded-roles";
const ROOM = PARTICIPANT_LIST_LIMIT + 30;

type Person = Awaited<ReturnType<typeof app.person>>;
let facilitator: Person;
const { control, join } = await rolePlayForms(app, () => facilitator);
let room: { id: number; code: string };
const ids = new Map<string, number>();

beforeAll(async () => {
  await importRolePlayCase(app, SLUG, "The crowded roles", { employee: "You are the screener.", employer: "You run the firm." });
  facilitator = await app.person("facilitator");
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: SLUG, title: "All hands", perspectives: "employee", resultsMode: "live", rolePlay: "on" }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  expect(created.status, await created.clone().text()).toBe(302);
  const id = Number(created.headers.get("Location")!.split("/").pop());
  room = { id, code: (await findWorkshop(app.db(), id))!.code };
  for (let i = 0; i < ROOM; i += 1) await join(room.code, `Person ${i}`, "frontline");
  for (const row of await app.db().selectFrom("workshop_participants").select(["id", "display_name"]).where("workshop_id", "=", id).execute()) ids.set(row.display_name!, row.id);
  expect((await control(room.id, "assign-roles")).status).toBe(200);
  expect((await control(room.id, "remove-participant", { participantId: String(ids.get("Person 0")) })).status).toBe(200);
}, 60_000);

type Found = { id: number; name: string | null; removed: boolean; role: string | null };
async function search(person: string): Promise<{ text: string; found: Found[]; more: boolean } | null> {
  const loaded = (await settle(() =>
    panelRoute.loader({ request: app.get(`/workshops/${room.id}?person=${encodeURIComponent(person)}`, facilitator.cookie), params: { id: String(room.id) }, context: {} }),
  )) as { person: { text: string; found: Found[]; more: boolean } | null };
  return loaded.person;
}

describe("the control panel of a large room", () => {
  it("lists the last people to join in each frame and counts everyone: in the room, per role, joins per minute", async () => {
    const facilitatorState = (await freshWorkshopStates(room.id, "facilitator"))!.facilitator!;
    expect(facilitatorState.participantList).toHaveLength(PARTICIPANT_LIST_LIMIT);
    expect(facilitatorState.participantList.map((p) => p.name)).toEqual(Array.from({ length: PARTICIPANT_LIST_LIMIT }, (_, i) => `Person ${ROOM - PARTICIPANT_LIST_LIMIT + i}`));
    expect(facilitatorState.participants).toBe(ROOM); // everyone who joined, the removed one too
    expect(facilitatorState.inRoom).toBe(ROOM - 1);
    const { employee, employer } = facilitatorState.roleCounts;
    expect(employee! + employer!).toBe(ROOM - 1);
    expect(Math.abs(employee! - employer!)).toBeLessThanOrEqual(1);
    expect(facilitatorState.joinsPerMinute.reduce((sum, n) => sum + n, 0)).toBe(ROOM);
    // No standing, as before (ADR 028).
    expect(JSON.stringify(facilitatorState.participantList)).not.toContain("frontline");
  });

  it("finds anyone by name, beyond the live list, in join order, with the removed marked", async () => {
    const found = await search("  person 7 ");
    expect(found!.text).toBe("person 7");
    expect(found!.found.map((p) => p.name)).toEqual(["Person 7", ...Array.from({ length: 10 }, (_, i) => `Person 7${i}`)]);
    expect(found!.more).toBe(false);
    expect(found!.found.every((p) => p.role === "employee" || p.role === "employer")).toBe(true);
    expect((await search("Person 0"))!.found).toEqual([{ id: ids.get("Person 0"), name: "Person 0", removed: true, role: expect.any(String) }]);
    // At most 50, and says there are more.
    const many = await search("Person");
    expect(many!.found).toHaveLength(50);
    expect(many!.found[0]!.name).toBe("Person 0");
    expect(many!.more).toBe(true);
    // Literal text: a LIKE wildcard matches nothing here.
    expect((await search("%"))!.found).toEqual([]);
    // Case folds for every script, not only ASCII (SQLite's own lower() and LIKE fold ASCII only).
    await join(room.code, "Élise Øberg", "frontline");
    for (const typed of ["élise", "ÉLISE", "øberg", "ØBERG"])
      expect(
        (await search(typed))!.found.map((p) => p.name),
        typed,
      ).toEqual(["Élise Øberg"]);
    // She leaves again, so the later tests' room counts stay as they were.
    expect((await control(room.id, "remove-participant", { participantId: String((await search("élise"))!.found[0]!.id) })).status).toBe(200);
    // A Greek capital sigma lowers to "ς" at a word's end, "σ" inside it: "ΟΔΟΣ" still finds "Οδοστρωμα".
    await join(room.code, "Οδοστρωμα", "frontline");
    for (const typed of ["ΟΔΟΣ", "οδος", "οδοσ"])
      expect(
        (await search(typed))!.found.map((p) => p.name),
        typed,
      ).toEqual(["Οδοστρωμα"]);
    expect((await control(room.id, "remove-participant", { participantId: String((await search("οδοσ"))!.found[0]!.id) })).status).toBe(200);
    // An empty search is the live list.
    expect(await search("   ")).toBeNull();
  });

  it("finds an anonymous participant by number, and removes someone found that the live list does not show", async () => {
    await join(room.code, "", "frontline");
    const anonymous = (await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", room.id).where("display_name", "is", null).executeTakeFirstOrThrow()).id;
    expect((await search(`#${anonymous}`))!.found.map((p) => p.id)).toEqual([anonymous]);
    expect((await search(String(anonymous)))!.found.map((p) => p.id)).toContain(anonymous);
    // As the panel shows them, typed whole.
    expect((await search(`Anonymous #${anonymous}`))!.found.map((p) => p.id)).toEqual([anonymous]);
    expect((await search(`anonymous ${anonymous}`))!.found.map((p) => p.id)).toEqual([anonymous]);

    const seven = (await search("Person 7"))!.found[0]!;
    expect(seven.removed).toBe(false);
    expect((await control(room.id, "remove-participant", { participantId: String(seven.id) })).status).toBe(200);
    expect((await search("Person 7"))!.found[0]).toMatchObject({ name: "Person 7", removed: true });
    const facilitatorState = (await freshWorkshopStates(room.id, "facilitator"))!.facilitator!;
    expect(facilitatorState.inRoom).toBe(ROOM - 1); // one joined, one more removed
  });

  it("is the facilitator's only: another account's search is refused like the panel", async () => {
    const stranger = await app.person("facilitator");
    const refused = await settle(() => panelRoute.loader({ request: app.get(`/workshops/${room.id}?person=Person`, stranger.cookie), params: { id: String(room.id) }, context: {} })).then(
      (value) => value as Response,
      (error: unknown) => error as Response,
    );
    expect([403, 404]).toContain(refused.status);
  });
});
