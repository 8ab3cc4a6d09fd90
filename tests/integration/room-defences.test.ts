/**
 * A room's defences against guessing codes and stuffing the ballot, through the routes as the
 * server calls them, on a real database (SQLite, or PostgreSQL with CASEBOOK_TEST_DATABASE):
 * the join-code guard on every door, lock and capacity, joins per minute, voiding a burst, and
 * the live streams that end when their right is withdrawn.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";
import { serveWorkshopEvents } from "../support/workshop-events";

const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const joinRoute = await import("../../app/routes/join.($code)");
const phoneRoute = await import("../../app/routes/w.$code");
const logoutRoute = await import("../../app/routes/logout");
const adminRoute = await import("../../app/routes/admin._index");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { workshopTallies } = await import("../../app/models/workshop-tallies.server");
const { removalNotice } = await import("../../app/domain/disclosure");
const { restartSessions, signIn } = await import("../../app/accounts/auth.server");

afterAll(() => app.cleanup());

type Person = Awaited<ReturnType<typeof app.person>>;
let facilitator: Person;
/** Each test's own client address, so one test's spent budget never blocks another's. */
let addressCount = 0;
const newAddress = () => `198.51.100.${(addressCount += 1)}`;

async function newWorkshop(title: string, extra: Record<string, string> = {}): Promise<{ id: number; code: string }> {
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: "background-check", title, perspectives: "employee", twoRounds: "on", resultsMode: "live", ...extra }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  expect(created.status, await created.clone().text()).toBe(302);
  const id = Number(created.headers.get("Location")!.split("/").pop());
  return { id, code: (await findWorkshop(app.db(), id))!.code };
}

async function control(workshopId: number, intent: string, extra: Record<string, string> = {}, who: Person = facilitator) {
  const response = (await settle(() =>
    panelRoute.action({ request: app.post(`/workshops/${workshopId}`, { intent, ...extra }, who.cookie), params: { id: String(workshopId) }, context: {} }),
  )) as Response;
  return { status: response.status, body: await json<{ ok: boolean; message: string; voidPreview?: { since: string; until: string; minutes: number; count: number } }>(response) };
}

async function join(code: string, address: string, deviceCookie?: string, displayName = "") {
  const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName }, deviceCookie), params: {}, context: { clientIp: address } }))) as Response;
  const cookie = response.headers.get("Set-Cookie")?.split(";")[0] ?? deviceCookie ?? "";
  const body = response.status === 302 ? null : await json<{ errors: Record<string, string> }>(response);
  return { status: response.status, cookie, error: body?.errors.code, retryAfter: response.headers.get("Retry-After") };
}

/** A phone's vote as the employee for the background check's first or second option (sent by its stable id, ADR 017). */
async function vote(code: string, cookie: string, address: string, option: "0" | "1" = "0") {
  const optionId = option === "0" ? "report-the-record-as-found" : "delay-the-report-and-help-him-get-it-expunged";
  const response = (await settle(() =>
    phoneRoute.action({ request: app.post(`/w/${code}`, { intent: "vote", "option-employee": optionId, "judgement-employee": "2" }, cookie), params: { code }, context: { clientIp: address } }),
  )) as Response;
  return { status: response.status, body: await response.text() };
}

/** Through the four stages of the case to round 1's vote, which opens voting. */
async function openVoting(workshopId: number) {
  for (let i = 0; i < 5; i += 1) expect((await control(workshopId, "next")).status).toBe(200);
}

async function panel(workshopId: number, who: Person = facilitator) {
  const loaded = (await settle(() => panelRoute.loader({ request: app.get(`/workshops/${workshopId}`, who.cookie), params: { id: String(workshopId) }, context: {} }))) as {
    state: { locked: boolean; capacity: number | null; joinsPerMinute: number[]; participants: number };
  };
  return loaded.state;
}

const events = await serveWorkshopEvents();
afterAll(() => events.close());

/** Opens the event stream as the browser would, through its endpoint over HTTP, and reads what it sends, event by event. */
async function openStream(workshopId: number, cookie: string, query = "") {
  const stream = await events.open(`/workshops/${workshopId}/events${query}`, cookie);
  expect(stream.status).toBe(200);
  return {
    get events() {
      return stream.events.map(({ event, data }) => ({ event, data }));
    },
    isClosed: stream.isClosed,
    /** Waits until the stream has ended (by the server), or fails after `ms`. */
    ended: (ms = 3000) => stream.ended(ms),
    hangUp: stream.hangUp,
  };
}

const waitFor = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check() && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 20));
};

beforeAll(async () => {
  facilitator = await app.person("facilitator", "manager");
});

describe("guessing join codes", () => {
  const unknownCode = (i: number) => `QQQ${"ABCDEFGHJK"[Math.floor(i / 10) % 10]}${"ABCDEFGHJK"[i % 10]}Q`;

  it("is refused with 429 and Retry-After once a network spends its 20 wrong codes, real codes then refused alike", async () => {
    const room = await newWorkshop("Guessed room");
    const guesser = newAddress();
    const answers: number[] = [];
    for (let i = 0; i < 30; i += 1) answers.push((await join(unknownCode(i), guesser)).status);
    expect(answers.slice(0, 20)).toEqual(new Array(20).fill(404));
    expect(answers.slice(20)).toEqual(new Array(10).fill(429));
    // The real code from the same network gets the same answer as a wrong one: no oracle left.
    const real = await join(room.code, guesser);
    expect(real.status).toBe(429);
    expect(real.error).toBe("Too many wrong workshop codes from your network. Wait a few minutes, then check the code on the screen.");
    expect(Number(real.retryAfter)).toBeGreaterThan(0);
    // Every door: the join page (and its data), the phone page and its forms.
    const page = (await settle(() => joinRoute.loader({ request: app.get(`/join/${room.code}`), params: { code: room.code }, context: { clientIp: guesser } }))) as Response;
    expect(page.status).toBe(429);
    expect(page.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await page.text()).toMatch(/Too many wrong workshop codes/);
    const phonePage = (await settle(() => phoneRoute.loader({ request: app.get(`/w/${room.code}`), params: { code: room.code }, context: { clientIp: guesser } }))) as Response;
    expect(phonePage.status).toBe(429);
    const phoneForm = await vote(unknownCode(99), "", guesser);
    expect(phoneForm.status).toBe(429);
    // Another network is not held back by this one.
    expect((await join(room.code, newAddress())).status).toBe(302);
  });

  it("does not stop a phone that joined from voting, whatever its network guessed", async () => {
    const room = await newWorkshop("Joined before the guessing");
    const shared = newAddress();
    const phone = await join(room.code, shared);
    expect(phone.status).toBe(302);
    for (let i = 0; i < 25; i += 1) await join(unknownCode(i), shared);
    await openVoting(room.id);
    const voted = await vote(room.code, phone.cookie, shared);
    expect(voted.status, voted.body).toBe(200);
  });
});

describe("locking the room", () => {
  it("refuses new phones with a message, lets phones already in rejoin and vote, and opens again", async () => {
    const room = await newWorkshop("Locked room");
    const address = newAddress();
    const inside = await join(room.code, address, undefined, "Already in");
    expect(inside.status).toBe(302);
    const locked = await control(room.id, "lock-room");
    expect(locked.body.message).toMatch(/The room is locked/);
    expect((await panel(room.id)).locked).toBe(true);

    const late = await join(room.code, address, undefined, "Too late");
    expect(late.status).toBe(403);
    expect(late.error).toBe("This room is locked: the facilitator is not letting anyone else join. Ask them if you should be in.");
    // The join page says so before the form is filled in.
    const page = await joinRoute.loader({ request: app.get(`/join/${room.code}`), params: { code: room.code }, context: { clientIp: address } });
    expect(page.data.error).toMatch(/This room is locked/);

    expect((await join(room.code, address, inside.cookie, "Already in")).status).toBe(302);
    await openVoting(room.id);
    expect((await vote(room.code, inside.cookie, address)).status).toBe(200);
    const names = await app.db().selectFrom("workshop_participants").select("display_name").where("workshop_id", "=", room.id).execute();
    expect(names.map((n) => n.display_name)).toEqual(["Already in"]);

    await control(room.id, "unlock-room");
    expect((await join(room.code, address, undefined, "Welcome now")).status).toBe(302);
  });
});

describe("a room's capacity", () => {
  it("can be set at creation and refuses the phone beyond it with a clear message", async () => {
    const room = await newWorkshop("Room for three", { capacity: "3" });
    const address = newAddress();
    expect((await panel(room.id)).capacity).toBe(3);
    const joined = await Promise.all(Array.from({ length: 8 }, () => join(room.code, address)));
    // Eight phones racing for three places: exactly three get in.
    expect(joined.filter((j) => j.status === 302)).toHaveLength(3);
    const refused = joined.filter((j) => j.status !== 302);
    expect(refused.map((j) => j.status)).toEqual(new Array(5).fill(403));
    expect(refused[0]!.error).toBe("This room is full (3 people). Ask the facilitator if you should be in.");
    // A phone already in still gets back in.
    expect((await join(room.code, address, joined.find((j) => j.status === 302)!.cookie)).status).toBe(302);
  });

  it("can be changed on the control panel, and is refused with the field's message when not a whole number", async () => {
    const room = await newWorkshop("Growing room");
    const address = newAddress();
    for (const bad of ["0", "-3", "2.5", "lots", "100000"]) {
      const answer = await control(room.id, "set-capacity", { capacity: bad });
      expect(answer.status, bad).toBe(400);
      expect(answer.body.message).toMatch(/Capacity must be a whole number from 1 to 10000/);
    }
    expect((await control(room.id, "set-capacity", { capacity: "1" })).status).toBe(200);
    expect((await join(room.code, address)).status).toBe(302);
    expect((await join(room.code, address)).error).toMatch(/This room is full \(1 person\)/);
    expect((await control(room.id, "set-capacity", { capacity: "" })).body.message).toMatch(/No capacity/);
    expect((await join(room.code, address)).status).toBe(302);
    const invalidAtCreation = (await settle(() =>
      listRoute.action({
        request: app.post("/workshops", { caseSlug: "background-check", title: "Bad capacity", perspectives: "employee", resultsMode: "live", capacity: "none" }, facilitator.cookie),
        params: {},
        context: {},
      }),
    )) as Response;
    expect(invalidAtCreation.status).toBe(400);
    expect((await json<{ errors: Record<string, string> }>(invalidAtCreation)).errors.capacity).toMatch(/Capacity must be a whole number/);
  });
});

describe("joins per minute on the control panel", () => {
  it("counts the phones that joined in each of the last ten minutes, a burst in the last one", async () => {
    const room = await newWorkshop("Burst watch");
    const address = newAddress();
    for (let i = 0; i < 12; i += 1) await join(room.code, address);
    // Two earlier joins, as if they came four minutes ago.
    const early = await Promise.all([join(room.code, address), join(room.code, address)]);
    expect(early.map((j) => j.status)).toEqual([302, 302]);
    const fourMinutesAgo = new Date(Date.now() - 4 * 60_000 - 5_000).toISOString();
    const ids = await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", room.id).orderBy("id", "desc").limit(2).execute();
    await app
      .db()
      .updateTable("workshop_participants")
      .set({ created_at: fourMinutesAgo })
      .where(
        "id",
        "in",
        ids.map((r) => r.id),
      )
      .execute();
    const state = await panel(room.id);
    expect(state.joinsPerMinute).toHaveLength(10);
    expect(state.joinsPerMinute.at(-1)).toBe(12);
    expect(state.joinsPerMinute.at(-5)).toBe(2);
    expect(state.joinsPerMinute.reduce((a, b) => a + b, 0)).toBe(14);
  });
});

describe("voiding a burst", () => {
  it("shows how many phones the window holds, then removes exactly those, and their votes leave the tallies together once every count loses at least k of them", async () => {
    const room = await newWorkshop("Stuffed room");
    const address = newAddress();
    const honest = await Promise.all(Array.from({ length: 3 }, () => join(room.code, address)));
    // The honest phones joined twenty minutes ago; then a script joined six times in a row.
    await app
      .db()
      .updateTable("workshop_participants")
      .set({ created_at: new Date(Date.now() - 20 * 60_000).toISOString() })
      .where("workshop_id", "=", room.id)
      .execute();
    const stuffed = await Promise.all(Array.from({ length: 6 }, () => join(room.code, address)));
    await openVoting(room.id);
    for (const phone of honest) expect((await vote(room.code, phone.cookie, address, "1")).status).toBe(200);
    for (const phone of stuffed) expect((await vote(room.code, phone.cookie, address, "0")).status).toBe(200);
    const countFor = async (option: number) =>
      (await workshopTallies(app.db(), room.id))
        .filter((t) => t.optionId === (option === 0 ? "report-the-record-as-found" : "delay-the-report-and-help-him-get-it-expunged"))
        .reduce((n, t) => n + t.count, 0);
    expect(await countFor(0)).toBe(6);

    const preview = await control(room.id, "void-burst", { minutes: "5" });
    expect(preview.status).toBe(200);
    expect(preview.body.message).toBe("6 phones joined in the last 5 minutes. Confirm below to remove them.");
    expect(preview.body.voidPreview).toMatchObject({ minutes: 5, count: 6 });
    // A phone that joins after the preview is not in the confirmed window.
    const later = await join(room.code, address);
    const { since, until } = preview.body.voidPreview!;
    const unconfirmed = await control(room.id, "void-burst-confirm", { since, until });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.message).toMatch(/Tick the box to confirm/);
    const confirmed = await control(room.id, "void-burst-confirm", { since, until, confirm: "yes" });
    expect(confirmed.body.message).toBe(`Removed 6 phones: they cannot vote again. ${removalNotice(5)}`);

    // k = 5: the six removed phones all voted in round 1, so each count loses six, at least k: all six are withdrawn at once.
    expect(await countFor(0)).toBe(0);
    expect(await countFor(1)).toBe(3);
    // "Of M" counts everyone who joined, removed or not, so a removal never says whether that phone had voted.
    expect((await panel(room.id)).participants).toBe(10);
    for (const phone of stuffed) expect((await vote(room.code, phone.cookie, address)).body).toMatch(/The facilitator removed you from this workshop/);
    expect((await vote(room.code, later.cookie, address)).status).toBe(200);
    expect((await control(room.id, "void-burst", { minutes: "7" })).status).toBe(400);
    expect((await control(room.id, "void-burst-confirm", { since: "yesterday", until, confirm: "yes" })).status).toBe(400);
  });
});

describe("a withdrawn right ends the streams that used it", () => {
  it("tells a removed phone it was removed and closes its stream; it gets no further room state", async () => {
    const room = await newWorkshop("Removal on air");
    const address = newAddress();
    const kept = await join(room.code, address, undefined, "Kept");
    const gone = await join(room.code, address, undefined, "Gone");
    const keptStream = await openStream(room.id, kept.cookie);
    const goneStream = await openStream(room.id, gone.cookie);
    await waitFor(() => goneStream.events.length > 0 && keptStream.events.length > 0);
    expect(goneStream.events[0]!.event).toBe("state");
    const goneId = (await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", room.id).where("display_name", "=", "Gone").executeTakeFirstOrThrow()).id;

    expect((await control(room.id, "remove-participant", { participantId: String(goneId) })).status).toBe(200);
    await goneStream.ended();
    expect(goneStream.events.at(-1)).toEqual({ event: "withdrawn", data: JSON.stringify({ message: "The facilitator removed you from this workshop." }) });
    const seen = goneStream.events.length;
    await control(room.id, "next");
    await waitFor(() => keptStream.events.some((e) => e.event === "state" && e.data.includes('"stage":"case-1"')));
    expect(keptStream.events.some((e) => e.data.includes('"stage":"case-1"'))).toBe(true);
    expect(goneStream.events).toHaveLength(seen);
    expect(keptStream.isClosed()).toBe(false);
    // And the stream cannot be opened again.
    const again = await events.open(`/workshops/${room.id}/events`, gone.cookie);
    expect(again.status).toBe(403);
    keptStream.hangUp();
  });

  it("ends every stream of the phones a voided burst removed", async () => {
    const room = await newWorkshop("Burst on air");
    const address = newAddress();
    const phones = await Promise.all(Array.from({ length: 3 }, () => join(room.code, address)));
    const streams = await Promise.all(phones.map((p) => openStream(room.id, p.cookie)));
    const preview = await control(room.id, "void-burst", { minutes: "1" });
    await control(room.id, "void-burst-confirm", { since: preview.body.voidPreview!.since, until: preview.body.voidPreview!.until, confirm: "yes" });
    for (const stream of streams) {
      await stream.ended();
      expect(stream.events.at(-1)!.event).toBe("withdrawn");
    }
  });

  it("closes the control panel's and the projector's streams when the facilitator signs out", async () => {
    const owner = await app.person("facilitator");
    const room = await newWorkshop("Signed out on air");
    await app.db().updateTable("workshops").set({ facilitator_user_id: owner.id }).where("id", "=", room.id).execute();
    const panelStream = await openStream(room.id, owner.cookie);
    const projectorStream = await openStream(room.id, owner.cookie, "?view=room");
    const admin = await app.person("admin");
    const bystander = await openStream(room.id, admin.cookie);
    await waitFor(() => panelStream.events.length > 0);
    const loggedOut = (await settle(() => logoutRoute.action({ request: app.post("/logout", {}, owner.cookie), params: {}, context: {} }))) as Response;
    expect(loggedOut.status).toBe(302);
    await panelStream.ended();
    await projectorStream.ended();
    expect(panelStream.events.at(-1)!.event).toBe("withdrawn");
    expect(JSON.parse(projectorStream.events.at(-1)!.data)).toEqual({ message: "You are no longer signed in with the right to follow this workshop. Sign in again to go on." });
    // An admin watching the same room is not signed out by someone else's logout.
    await new Promise((r) => setTimeout(r, 100));
    expect(bystander.isClosed()).toBe(false);
    bystander.hangUp();
  });

  it("closes another device's stream when the password change signs it out, and a demoted facilitator's", async () => {
    const owner = await app.person("facilitator");
    const room = await newWorkshop("Password change on air");
    await app.db().updateTable("workshops").set({ facilitator_user_id: owner.id }).where("id", "=", room.id).execute();
    const laptop = await openStream(room.id, owner.cookie);
    const phoneSession = ((await signIn(new Request("http://casebook.test/login"), owner.id, "/")).headers.get("Set-Cookie") ?? "").split(";")[0]!;
    await restartSessions(app.post("/me", {}, phoneSession), owner.id, "/me");
    await laptop.ended();
    expect(laptop.events.at(-1)!.event).toBe("withdrawn");

    const demoted = await app.person("facilitator");
    const other = await newWorkshop("Demotion on air");
    await app.db().updateTable("workshops").set({ facilitator_user_id: demoted.id }).where("id", "=", other.id).execute();
    const watching = await openStream(other.id, demoted.cookie);
    const admin = await app.person("admin");
    const changed = (await settle(() => adminRoute.action({ request: app.post("/admin", { userId: String(demoted.id), role: "participant" }, admin.cookie), params: {}, context: {} }))) as {
      message: string;
    };
    expect(changed.message).toMatch(/is now participant/);
    await watching.ended();
    expect(watching.events.at(-1)!.event).toBe("withdrawn");
  });
});
