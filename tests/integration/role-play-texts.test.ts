/**
 * Role-play's written steps (issue 17, ADR 034), through the routes as the server calls them, on a
 * real database: the steelman and the rehearsal, each written, rated by the other side and its
 * best shown. Authorization (only the room's phones with a role write; only the other side
 * rates; never one's own; the facilitator's controls), idempotency (a repeated form gets its
 * first answer), bad input named by field, wrong stage 409, release timing (no score before
 * rating closes, none under k raters), no author name anywhere, nothing of another role's
 * prompt on a phone, and the model answers only at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";
import { importRolePlayCase, rolePlayForms } from "../support/role-play";

const app = await startApp({ kThreshold: 3 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const projectorRoute = await import("../../app/routes/workshops.$id_.projector");
const phoneRoute = await import("../../app/routes/w.$code");
const debriefRoute = await import("../../app/routes/workshops.$id_.debrief[.]md");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { loadWorkshopStates } = await import("../../app/workshops/live-state.server");

afterAll(() => app.cleanup());

const SLUG = "the-written-steps";
const MARK = {
  employeePrompt: "EMPLOYEEPROMPT4410",
  employerPrompt: "EMPLOYERPROMPT7712",
  employeeModel: "EMPLOYEEMODEL3390",
  employerModel: "EMPLOYERMODEL5521",
};
const NAMES = ["Ana", "Ben", "Chi", "Dee", "Eve", "Fay"];

type Person = Awaited<ReturnType<typeof app.person>>;
let facilitator: Person;
let stranger: Person;
const { newAddress, control, join, phoneData } = await rolePlayForms(app, () => facilitator);

beforeAll(async () => {
  await importRolePlayCase(app, SLUG, "The written steps", { employee: "You are the screener.", employer: "You run the firm." }, [
    { perspective: "employee", prompt: `What do you tell the applicant? ${MARK.employeePrompt}`, modelAnswers: `- I am sorry, ${MARK.employeeModel}.` },
    { perspective: "employer", prompt: `What do you tell the screener? ${MARK.employerPrompt}`, modelAnswers: `- You did well, ${MARK.employerModel}.` },
  ]);
  facilitator = await app.person("facilitator");
  stranger = await app.person("facilitator");
});

/** A role-play room with two rounds, polling the employee's perspective. */
async function newRoom(): Promise<{ id: number; code: string }> {
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: SLUG, title: "Written room", perspectives: "employee", resultsMode: "live", askStanding: "on", rolePlay: "on", twoRounds: "on" }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  expect(created.status, await created.clone().text()).toBe(302);
  const id = Number(created.headers.get("Location")!.split("/").pop());
  return { id, code: (await findWorkshop(app.db(), id))!.code };
}

let keys = 0;

/** Moves the workshop on with "Next" until it reaches `stage`. */
async function moveTo(workshopId: number, stage: string) {
  for (let i = 0; i < 20; i += 1) {
    const now = (await findWorkshop(app.db(), workshopId))!.state.stage;
    if (now === stage) return;
    expect((await control(workshopId, "next", { from: now })).status).toBe(200);
  }
  throw new Error(`never reached ${stage}`);
}

async function debrief(workshopId: number): Promise<string> {
  const response = (await debriefRoute.loader({ request: app.get(`/workshops/${workshopId}/debrief.md`, facilitator.cookie), params: { id: String(workshopId) }, context: {} })) as Response;
  expect(response.status).toBe(200);
  return response.text();
}

async function phonePost(code: string, cookie: string, fields: Record<string, string>, key = `phone-key-${(keys += 1)}-abcdefghijklmnop`) {
  const response = (await settle(() =>
    phoneRoute.action({ request: app.post(`/w/${code}`, { idempotencyKey: key, ...fields }, cookie), params: { code }, context: { clientIp: newAddress() } }),
  )) as Response;
  return {
    status: response.status,
    replayed: response.headers.get("Idempotent-Replayed") === "true",
    body: await json<{ intent: string; errors: Record<string, string>; message?: string }>(response),
  };
}

async function participantRoles(workshopId: number) {
  const rows = await app.db().selectFrom("workshop_participants").select(["id", "role", "display_name"]).where("workshop_id", "=", workshopId).orderBy("id").execute();
  return rows;
}

/** A room of six phones, roles assigned: three of each. */
async function sixPhones() {
  const room = await newRoom();
  const cookies: string[] = [];
  for (const [i, name] of NAMES.entries()) cookies.push(await join(room.code, name, i < 3 ? "frontline" : "manager"));
  expect((await control(room.id, "assign-roles")).status).toBe(200);
  const rows = await participantRoles(room.id);
  const phones = rows.map((r, i) => ({ id: r.id, role: r.role!, name: r.display_name!, cookie: cookies[i]! }));
  return { room, phones };
}

async function textIds(workshopId: number, kind: "steelman" | "rehearsal") {
  const rows = await app.db().selectFrom("role_play_texts").select(["id", "participant_id", "released_score"]).where("workshop_id", "=", workshopId).where("kind", "=", kind).orderBy("id").execute();
  return rows;
}

async function projectorState(workshopId: number) {
  const data = await projectorRoute.loader({ request: app.get(`/workshops/${workshopId}/projector`, facilitator.cookie), params: { id: String(workshopId) }, context: {} });
  return data.state;
}

describe("the steelman step", () => {
  it("takes one steelman per phone during its writing stage only, once per submission, with bad input named by field", async () => {
    const { room, phones } = await sixPhones();
    await moveTo(room.id, "discussion");
    const [ana] = phones;
    // Before the step: 409.
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "Early" })).toMatchObject({ status: 409 });
    await moveTo(room.id, "steelman");
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "   " })).toMatchObject({ status: 400, body: { errors: { body: expect.any(String) } } });
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "x".repeat(1001) })).toMatchObject({ status: 400, body: { errors: { body: expect.any(String) } } });
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "bogus", body: "Hi" })).toMatchObject({ status: 400, body: { errors: { kind: expect.any(String) } } });
    // The rehearsal is not open yet.
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "rehearsal", body: "Hi" })).toMatchObject({ status: 409 });

    const key = "write-once-abcdefghijklmnopq";
    const first = await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "Their best case <script>alert(1)</script>" }, key);
    expect(first).toMatchObject({ status: 200, replayed: false });
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "Their best case <script>alert(1)</script>" }, key)).toMatchObject({
      status: 200,
      replayed: true,
      body: first.body,
    });
    // Another submission rewrites it: still one text.
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "Their best case, better put" })).toMatchObject({
      status: 200,
      body: { message: "Your steelman is changed." },
    });
    const texts = await textIds(room.id, "steelman");
    expect(texts).toHaveLength(1);
    const stored = await app.db().selectFrom("role_play_texts").selectAll().where("id", "=", texts[0]!.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ body: "Their best case, better put", role: ana!.role, target_role: ana!.role === "employee" ? "employer" : "employee" });
    // Its phone sees its own steelman back.
    expect((await phoneData(room.code, ana!.cookie)).textStep).toMatchObject({ kind: "steelman", part: "write", own: { body: "Their best case, better put", rated: false } });
  });

  it("refuses a text with nothing visible in it (control or invisible formatting characters only), so no blank card reaches the raters or the projector", async () => {
    const { room, phones } = await sixPhones();
    await moveTo(room.id, "steelman");
    const [ana] = phones;
    for (const body of ["\u0007\u0000", " \u200b\u2060\u202e ", "\u001b\t\u0085"]) {
      expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body })).toMatchObject({ status: 400, body: { errors: { body: expect.any(String) } } });
    }
    expect(await textIds(room.id, "steelman")).toHaveLength(0);
    // Visible words around such characters are still taken as written.
    expect(await phonePost(room.code, ana!.cookie, { intent: "write", kind: "steelman", body: "\u200bA fair case" })).toMatchObject({ status: 200 });
    expect(await textIds(room.id, "steelman")).toHaveLength(1);
  });

  it("is rated by the other role only, anonymously, and scored only when rating closes, at k raters", async () => {
    const { room, phones } = await sixPhones();
    await moveTo(room.id, "steelman");
    for (const p of phones) expect((await phonePost(room.code, p.cookie, { intent: "write", kind: "steelman", body: `Steelman by ${p.role} ${p.id}` })).status).toBe(200);
    // Rating is not open while writing.
    const [firstText] = await textIds(room.id, "steelman");
    const employees = phones.filter((p) => p.role === "employee");
    const employers = phones.filter((p) => p.role === "employer");
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: String(firstText!.id), fair: "4" })).toMatchObject({ status: 409 });

    await moveTo(room.id, "steelman-rating");
    // Writing has closed.
    expect(await phonePost(room.code, employees[0]!.cookie, { intent: "write", kind: "steelman", body: "Late" })).toMatchObject({ status: 409 });
    const textsBy = new Map((await textIds(room.id, "steelman")).map((t) => [t.participant_id, t.id]));
    const byEmployees = employees.map((p) => textsBy.get(p.id)!);
    const byEmployers = employers.map((p) => textsBy.get(p.id)!);

    // Each employer's phone lists the three employee-written steelmen (for the employer), no name, nothing of its own.
    for (const rater of employers) {
      const data = await phoneData(room.code, rater.cookie);
      expect(data.textStep!.toRate.map((t) => t.id)).toEqual(byEmployees);
      const sent = JSON.stringify(data.textStep);
      for (const name of NAMES) expect(sent).not.toContain(name);
    }
    // Refusals: one's own (403), the wrong role (403), out of range (400 on `fair`), another room's text (404).
    expect(await phonePost(room.code, employees[0]!.cookie, { intent: "rate", kind: "steelman", textId: String(byEmployees[0]), fair: "5" })).toMatchObject({ status: 403 });
    expect(await phonePost(room.code, employees[1]!.cookie, { intent: "rate", kind: "steelman", textId: String(byEmployees[0]), fair: "5" })).toMatchObject({
      status: 403,
      body: { errors: { textId: expect.any(String) } },
    });
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: String(byEmployees[0]), fair: "7" })).toMatchObject({
      status: 400,
      body: { errors: { fair: expect.any(String) } },
    });
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: "999999", fair: "3" })).toMatchObject({ status: 404 });
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: "abc", fair: "3" })).toMatchObject({
      status: 400,
      body: { errors: { textId: expect.any(String) } },
    });

    // Every employer rates every employee's steelman (k = 3); only two employees rate the employers' (under k).
    const key = "rate-once-abcdefghijklmnopqr";
    const first = await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: String(byEmployees[0]), fair: "5" }, key);
    expect(first.status).toBe(200);
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: String(byEmployees[0]), fair: "5" }, key)).toMatchObject({
      status: 200,
      replayed: true,
      body: first.body,
    });
    for (const [i, rater] of employers.entries()) {
      for (const [j, id] of byEmployees.entries()) {
        if (i === 0 && j === 0) continue;
        expect((await phonePost(room.code, rater.cookie, { intent: "rate", kind: "steelman", textId: String(id), fair: String(j === 0 ? 5 : j === 1 ? 4 : 2) })).status).toBe(200);
      }
    }
    for (const rater of employees.slice(0, 2))
      for (const id of byEmployers) expect((await phonePost(room.code, rater.cookie, { intent: "rate", kind: "steelman", textId: String(id), fair: "5" })).status).toBe(200);
    // A rater's phone shows its own ratings, nobody else's.
    expect((await phoneData(room.code, employers[1]!.cookie)).textStep!.toRate.map((t) => t.mine?.value)).toEqual([5, 4, 2]);

    // While rating is open nothing is scored: no score moves while known people rate.
    expect((await textIds(room.id, "steelman")).every((t) => t.released_score === null)).toBe(true);
    expect((await loadWorkshopStates(room.id))!.facilitator.bestTexts.flatMap((b) => b.texts)).toEqual([]);

    // The facilitator moves on: rating closes, scores are released for texts k people rated.
    await moveTo(room.id, "steelman-best");
    const released = new Map((await textIds(room.id, "steelman")).map((t) => [t.id, t.released_score]));
    expect(byEmployees.map((id) => released.get(id))).toEqual([10, 8, 4]);
    expect(byEmployers.map((id) => released.get(id))).toEqual([null, null, null]);
    // Rating is closed now.
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "steelman", textId: String(byEmployees[2]), fair: "5" })).toMatchObject({ status: 409 });

    // The projector shows the best, scores coarse, no count, no name.
    const room1 = await projectorState(room.id);
    const steelmen = room1.bestTexts.find((b) => b.kind === "steelman")!;
    expect(steelmen.texts.map((t) => t.score)).toEqual(["5 of 5 fair to the other side", "4 of 5 fair to the other side", "2 of 5 fair to the other side"]);
    // Each says whom it makes the case for: the employees' steelmen are the employer's case.
    expect(steelmen.texts.map((t) => t.side)).toEqual(["For the Employer", "For the Employer", "For the Employer"]);
    const shown = JSON.stringify(room1);
    for (const name of NAMES) expect(shown).not.toContain(name);
    // Phones see the same best at this stage.
    expect((await phoneData(room.code, employees[0]!.cookie)).state.bestTexts).toEqual(room1.bestTexts);
    // The facilitator's list carries the texts without authors.
    const panel = (await loadWorkshopStates(room.id))!.facilitator;
    expect(panel.texts).toHaveLength(6);
    expect(Object.keys(panel.texts[0]!).sort()).toEqual(["body", "hidden", "id", "kind", "score"]);
  });

  it("keeps the roles fixed while the room writes and rates, so nobody is moved across to rate the other side's texts too", async () => {
    const { room, phones } = await sixPhones();
    const someone = phones.find((p) => p.role === "employee")!;
    for (const stage of ["steelman", "steelman-rating"]) {
      await moveTo(room.id, stage);
      const moved = await control(room.id, "move-role", { participantId: String(someone.id), role: "employer" });
      expect(moved).toMatchObject({ status: 409, body: { message: expect.stringMatching(/^Roles cannot change while the room (writes|rates) steelmen/) } });
      expect((await control(room.id, "assign-roles")).status).toBe(409);
      expect((await participantRoles(room.id)).find((r) => r.id === someone.id)!.role).toBe("employee");
    }
    // Once rating has closed, the facilitator may move people again.
    await moveTo(room.id, "steelman-best");
    expect((await control(room.id, "move-role", { participantId: String(someone.id), role: "employer" })).status).toBe(200);
  });

  it("lets only the room's facilitator hide and show a text, once per submission; a hidden text leaves the best and cannot be rated", async () => {
    const { room, phones } = await sixPhones();
    await moveTo(room.id, "steelman");
    const author = phones.find((p) => p.role === "employee")!;
    await phonePost(room.code, author.cookie, { intent: "write", kind: "steelman", body: "Something abusive" });
    const [text] = await textIds(room.id, "steelman");
    // Another facilitator: 403 (the route refuses before the control runs).
    await expect(
      panelRoute.action({
        request: app.post(`/workshops/${room.id}`, { intent: "hide-text", textId: String(text!.id), idempotencyKey: "stranger-abcdefghijklmnop" }, stranger.cookie),
        params: { id: String(room.id) },
        context: {},
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(await control(room.id, "hide-text", { textId: "999999" })).toMatchObject({ status: 404 });
    const key = "hide-once-abcdefghijklmnopq";
    const first = await control(room.id, "hide-text", { textId: String(text!.id) }, facilitator, key);
    expect(first).toMatchObject({ status: 200, body: { ok: true } });
    expect(await control(room.id, "hide-text", { textId: String(text!.id) }, facilitator, key)).toMatchObject({ replayed: true, body: first.body });
    await moveTo(room.id, "steelman-rating");
    const rater = phones.find((p) => p.role === "employer")!;
    expect((await phoneData(room.code, rater.cookie)).textStep!.toRate).toEqual([]);
    expect(await phonePost(room.code, rater.cookie, { intent: "rate", kind: "steelman", textId: String(text!.id), fair: "1" })).toMatchObject({ status: 404 });
    expect((await control(room.id, "show-text", { textId: String(text!.id) })).status).toBe(200);
    expect((await phoneData(room.code, rater.cookie)).textStep!.toRate.map((t) => t.id)).toEqual([text!.id]);
  });
});

describe("rating in a large room", () => {
  it("shows each phone a balanced handful of the other side's texts, every text to at least k phones, and still takes a rating of any text the phone may rate", async () => {
    const room = await newRoom();
    const cookies: string[] = [];
    for (let i = 0; i < 24; i += 1) cookies.push(await join(room.code, `Phone ${i + 1}`, i % 2 === 0 ? "frontline" : "manager"));
    expect((await control(room.id, "assign-roles")).status).toBe(200);
    const phones = (await participantRoles(room.id)).map((r, i) => ({ id: r.id, role: r.role!, cookie: cookies[i]! }));
    await moveTo(room.id, "steelman");
    for (const p of phones) expect((await phonePost(room.code, p.cookie, { intent: "write", kind: "steelman", body: `Steelman ${p.id}` })).status).toBe(200);
    await moveTo(room.id, "steelman-rating");
    const texts = await textIds(room.id, "steelman");
    const authorRole = new Map(phones.map((p) => [p.id, p.role]));
    const shownTo = new Map<number, number>();
    for (const rater of phones) {
      const listed = (await phoneData(room.code, rater.cookie)).textStep!.toRate.map((t) => t.id);
      // Twelve texts are written for each role; each of its twelve raters sees five of them (k = 3).
      expect(listed).toHaveLength(5);
      for (const id of listed) {
        const text = texts.find((t) => t.id === id)!;
        expect(authorRole.get(text.participant_id)).not.toBe(rater.role);
        shownTo.set(id, (shownTo.get(id) ?? 0) + 1);
      }
    }
    expect(shownTo.size).toBe(24);
    expect(Math.min(...shownTo.values())).toBeGreaterThanOrEqual(3);
    // The list is for reading, not a rule: a text of the other side outside one's list can be rated.
    const rater = phones[0]!;
    const listed = new Set((await phoneData(room.code, rater.cookie)).textStep!.toRate.map((t) => t.id));
    const unlisted = texts.find((t) => authorRole.get(t.participant_id) !== rater.role && !listed.has(t.id))!;
    expect((await phonePost(room.code, rater.cookie, { intent: "rate", kind: "steelman", textId: String(unlisted.id), fair: "4" })).status).toBe(200);
    // ... and then stays in the rater's list, to be changed.
    expect((await phoneData(room.code, rater.cookie)).textStep!.toRate.map((t) => t.id)).toContain(unlisted.id);
  });
});

describe("the rehearsal step", () => {
  it("prompts each phone with its own role's rehearsal only, is rated on the rubric by the other side, and ends with the author's model answers", async () => {
    const { room, phones } = await sixPhones();
    await moveTo(room.id, "rehearsal");
    for (const p of phones) {
      const data = await phoneData(room.code, p.cookie);
      const [own, others] = p.role === "employee" ? [MARK.employeePrompt, MARK.employerPrompt] : [MARK.employerPrompt, MARK.employeePrompt];
      expect(data.textStep!.promptHtml).toContain(own);
      const sent = JSON.stringify(data);
      expect(sent).not.toContain(others);
      for (const marker of [MARK.employeeModel, MARK.employerModel]) expect(sent).not.toContain(marker);
      expect((await phonePost(room.code, p.cookie, { intent: "write", kind: "rehearsal", body: `I hear you, ${p.role} ${p.id}` })).status).toBe(200);
    }
    // No prompt or model answer on the projector or the control panel's state while it runs.
    const panel = JSON.stringify((await loadWorkshopStates(room.id))!);
    for (const marker of Object.values(MARK)) expect(panel).not.toContain(marker);

    await moveTo(room.id, "rehearsal-rating");
    const employees = phones.filter((p) => p.role === "employee");
    const employers = phones.filter((p) => p.role === "employer");
    const textsBy = new Map((await textIds(room.id, "rehearsal")).map((t) => [t.participant_id, t.id]));
    // A rater sees the other side's lines only.
    expect((await phoneData(room.code, employers[0]!.cookie)).textStep!.toRate.map((t) => t.id)).toEqual(employees.map((p) => textsBy.get(p.id)));
    // The rubric: each criterion must be answered, named by its field.
    const line = String(textsBy.get(employees[0]!.id));
    expect(await phonePost(room.code, employers[0]!.cookie, { intent: "rate", kind: "rehearsal", textId: line, feeling: "yes", honest: "yes" })).toMatchObject({
      status: 400,
      body: { errors: { "next-step": expect.any(String) } },
    });
    expect(await phonePost(room.code, employees[1]!.cookie, { intent: "rate", kind: "rehearsal", textId: line, feeling: "yes", honest: "yes", "next-step": "yes" })).toMatchObject({ status: 403 });
    for (const rater of employers)
      expect((await phonePost(room.code, rater.cookie, { intent: "rate", kind: "rehearsal", textId: line, feeling: "yes", honest: "no", "next-step": "yes" })).status).toBe(200);

    await moveTo(room.id, "rehearsal-best");
    const best = (await projectorState(room.id)).bestTexts;
    expect(best).toEqual([{ kind: "rehearsal", texts: [{ id: Number(line), body: `I hear you, employee ${employees[0]!.id}`, side: "As the Employee", score: "2 of 3 criteria met" }] }]);

    // The model answers: only once the room has ended, on the projector and the control panel, and in the debrief; not on phones.
    expect(JSON.stringify(await projectorState(room.id))).not.toContain(MARK.employeeModel);
    expect((await control(room.id, "end", { confirm: "yes" })).status).toBe(200);
    const ended = await projectorState(room.id);
    expect(ended.modelAnswers!.map((m) => m.role)).toEqual(["employee", "employer"]);
    expect(ended.modelAnswers![0]!.html).toContain(MARK.employeeModel);
    const phone = JSON.stringify(await phoneData(room.code, employees[0]!.cookie));
    expect(phone).not.toContain(MARK.employeeModel);
    const text = await debrief(room.id);
    expect(text).toContain("## Model answers from the case's author");
    expect(text).toContain(MARK.employeeModel);
    expect(text).toContain(MARK.employerModel);
    expect(text).toContain("## Rehearsal: the best lines, rated by the other side");
    expect(text).toContain("2 of 3 criteria met");
    for (const name of NAMES) expect(text).not.toContain(name);
  });

  it("releases a rating stage's scores when the facilitator ends the workshop during it", async () => {
    const { room, phones } = await sixPhones();
    await moveTo(room.id, "steelman");
    for (const p of phones) await phonePost(room.code, p.cookie, { intent: "write", kind: "steelman", body: `S ${p.id}` });
    await moveTo(room.id, "steelman-rating");
    const textsBy = new Map((await textIds(room.id, "steelman")).map((t) => [t.participant_id, t.id]));
    const employees = phones.filter((p) => p.role === "employee");
    const employers = phones.filter((p) => p.role === "employer");
    for (const rater of employers) await phonePost(room.code, rater.cookie, { intent: "rate", kind: "steelman", textId: String(textsBy.get(employees[0]!.id)), fair: "3" });
    expect((await control(room.id, "end", { confirm: "yes" })).status).toBe(200);
    const released = await textIds(room.id, "steelman");
    expect(released.find((t) => t.id === textsBy.get(employees[0]!.id))!.released_score).toBe(6);
    // Nobody voted, so the workshop has no grouping by standing: the ratings are not broken down by it.
    expect(await debrief(room.id)).toMatch(/How fair raters found them, by standing\n\nBy standing: /);
  });
});
