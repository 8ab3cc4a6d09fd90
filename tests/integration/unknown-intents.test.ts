/**
 * Every page action names what it does by its `intent`; one it does not know is the client's
 * mistake, refused with 400 and a message before anything is looked at (issue 20), whatever
 * state the workshop is in and whatever else the form carries.
 */
import { afterAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const app = await startApp();
const panelRoute = await import("../../app/routes/workshops.$id");
const joinRoute = await import("../../app/routes/join.($code)");
const phoneRoute = await import("../../app/routes/w.$code");
const meRoute = await import("../../app/routes/me");
const adminRoute = await import("../../app/routes/admin._index");
const { saveStageState } = await import("../../app/models/workshops.server");
const { signIn } = await import("../../app/accounts/auth.server");

afterAll(() => app.cleanup());

async function endedWorkshop(title: string) {
  const workshop = await app.backgroundCheckWorkshop(title);
  await saveStageState(app.db(), workshop.id, { stage: "ended", votingOpen: false, revealedRounds: [1] }, []);
  return workshop;
}

async function signedIn(userId: number): Promise<string> {
  return ((await signIn(new Request("http://casebook.test/login"), userId, "/")).headers.get("Set-Cookie") ?? "").split(";")[0]!;
}

async function joinedPhone(code: string): Promise<string> {
  const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName: "" }), params: {}, context: { clientIp: "203.0.113.9" } }))) as Response;
  expect(response.status).toBe(302);
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

describe("an unknown intent", () => {
  it("on the control panel is a 400, even once the workshop has ended", async () => {
    for (const ended of [false, true]) {
      const workshop = ended ? await endedWorkshop("Unknown control, ended") : await app.backgroundCheckWorkshop("Unknown control, running");
      const cookie = await signedIn(workshop.facilitatorUserId);
      const response = (await settle(() =>
        panelRoute.action({
          request: app.post(`/workshops/${workshop.id}`, { intent: "frobnicate", idempotencyKey: `page-key-${ended}-frobnicate` }, cookie),
          params: { id: String(workshop.id) },
          context: {},
        }),
      )) as Response;
      expect(response.status, `ended: ${ended}`).toBe(400);
      expect((await json<{ ok: boolean; message: string }>(response)).message).toBe("Unknown control.");
    }
  });

  it("from a phone is a 400, even once the workshop has ended", async () => {
    for (const ended of [false, true]) {
      const workshop = await app.backgroundCheckWorkshop(`Unknown phone action ${ended}`, { openVoting: true });
      const cookie = await joinedPhone(workshop.code);
      if (ended) await saveStageState(app.db(), workshop.id, { stage: "ended", votingOpen: false, revealedRounds: [1] }, []);
      const response = (await settle(() =>
        phoneRoute.action({ request: app.post(`/w/${workshop.code}`, { intent: "frobnicate" }, cookie), params: { code: workshop.code }, context: { clientIp: "203.0.113.9" } }),
      )) as Response;
      expect(response.status, `ended: ${ended}`).toBe(400);
      expect((await json<{ errors: Record<string, string> }>(response)).errors.form).toBe("Unknown action.");
    }
  });

  it("on the profile page is a 400 and saves nothing", async () => {
    const person = await app.person("participant");
    const response = (await settle(() =>
      meRoute.action({ request: app.post("/me", { intent: "frobnicate", displayName: "Renamed", standing: "" }, person.cookie), params: {}, context: {} }),
    )) as Response;
    expect(response.status).toBe(400);
    expect((await json<{ errors: Record<string, string> }>(response)).errors.form).toBe("Unknown action.");
    const row = await app.db().selectFrom("users").select("display_name").where("id", "=", person.id).executeTakeFirstOrThrow();
    expect(row.display_name).toBe(person.name);
  });

  it("on the admin page is a 400", async () => {
    const admin = await app.person("admin");
    const other = await app.person("participant");
    const response = (await settle(() => adminRoute.action({ request: app.post("/admin", { intent: "frobnicate", userId: String(other.id) }, admin.cookie), params: {}, context: {} }))) as Response;
    expect(response.status).toBe(400);
    expect((await json<{ error: string }>(response)).error).toBe("Unknown action.");
  });
});
