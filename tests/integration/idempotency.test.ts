/**
 * Every create is idempotent per submission (issue 15, item 3; ADR 016): a form carries a key of
 * its own, and the server answers a repeat of the key (a double click, a retry, a second POST at
 * the same moment) with the first answer instead of creating again. Each create is held to it
 * with two POSTs in sequence and two truly parallel (Promise.all); `npm run test:integration:pg`
 * runs the same on PostgreSQL.
 */
import express from "express";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const app = await startApp({ kThreshold: 5 });
const caseRoute = await import("../../app/routes/cases.$slug");
const joinRoute = await import("../../app/routes/join.($code)");
const phoneRoute = await import("../../app/routes/w.$code");
const signupRoute = await import("../../app/routes/signup");
const workshopsRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const newCaseRoute = await import("../../app/routes/cases.new");
const editCaseRoute = await import("../../app/routes/cases.$slug_.edit");
const uploadRoute = await import("../../app/routes/cases.upload");
const { caseFormValues } = await import("../../app/domain/case-form");
const { parseCaseFile } = await import("../../app/domain/case-file");
const { findCaseBySlug, listCaseVersions } = await import("../../app/models/cases.server");
const { readFileSync } = await import("node:fs");
const { phoneVoteEndpoint } = await import("../../app/workshops/phone-vote-endpoint.server");
const { findWorkshop, saveStageState } = await import("../../app/models/workshops.server");
const { answerOnce, keyedSubmission, sweepIdempotencyKeys } = await import("../../app/models/idempotency-keys.server");
const { KEY_REUSED_MESSAGE, IDEMPOTENCY_KEY_LIFETIME_MS } = await import("../../app/domain/idempotency");

afterAll(() => app.cleanup());

type Person = Awaited<ReturnType<typeof app.person>>;
type Body = { errors: Record<string, string>; message?: string; myVotes?: { perspective: string; judgement: number }[] };

/** A fresh key, as a rendered form would carry. */
const newKey = () => `test-${randomUUID()}`;
const count = async (table: "arguments" | "positions" | "endorsements" | "workshop_submissions" | "workshop_upvotes" | "workshop_participants" | "users" | "workshops") =>
  Number(
    (
      await app
        .db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("on the case page", () => {
  const SLUG = "background-check";
  let author: Person;
  let reader: Person;

  async function act(person: Person, fields: Record<string, string>) {
    const response = (await settle(() => caseRoute.action({ request: app.post(`/cases/${SLUG}`, fields, person.cookie), params: { slug: SLUG }, context: {} }))) as Response;
    return { status: response.status, replayed: response.headers.get("Idempotent-Replayed"), body: await json<Body>(response) };
  }
  const argument = (body: string, key: string) => ({ intent: "argument", perspective: "employee", side: "for", lens: "", body, idempotencyKey: key });

  beforeAll(async () => {
    author = await app.person("participant", "frontline");
    reader = await app.person("participant", "manager");
  });

  it("posts an argument once when the form is sent twice: the repeat gets the first answer", async () => {
    const before = await count("arguments");
    const key = newKey();
    const first = await act(author, argument("Sent twice by a slow connection.", key));
    const repeat = await act(author, argument("Sent twice by a slow connection.", key));
    expect([first.status, first.replayed]).toEqual([200, null]);
    expect([repeat.status, repeat.replayed]).toEqual([200, "true"]);
    expect(repeat.body).toEqual(first.body);
    expect(await count("arguments")).toBe(before + 1);
  });

  it("posts an argument, a reply, an answer and an endorsement once each when two POSTs arrive together", async () => {
    const before = { arguments: await count("arguments"), positions: await count("positions"), endorsements: await count("endorsements") };
    const key = newKey();
    const both = await Promise.all([act(author, argument("Two at once.", key)), act(author, argument("Two at once.", key))]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.replayed).sort()).toEqual([null, "true"].sort());
    const parent = (await app.db().selectFrom("arguments").select("id").where("body", "=", "Two at once.").executeTakeFirstOrThrow()).id;

    const replyKey = newKey();
    const reply = { intent: "reply", parentId: String(parent), body: "One reply, however fast the clicks.", idempotencyKey: replyKey };
    expect((await Promise.all([act(reader, reply), act(reader, reply)])).map((r) => r.status)).toEqual([200, 200]);

    const answerKey = newKey();
    const answer = { intent: "position", perspective: "employee", ...(await app.ballot(SLUG, "employee", 1)), judgement: "2", legal: "unsure", confidence: "medium", idempotencyKey: answerKey };
    expect((await Promise.all([act(reader, answer), act(reader, answer)])).map((r) => r.status)).toEqual([200, 200]);

    // An endorsement is a toggle: without a key, the second click would withdraw the first.
    const endorseKey = newKey();
    const endorse = { intent: "endorse", argumentId: String(parent), idempotencyKey: endorseKey };
    const endorsed = await Promise.all([act(reader, endorse), act(reader, endorse)]);
    expect(endorsed.map((r) => r.body.message)).toEqual(["Marked as an argument that moved you.", "Marked as an argument that moved you."]);

    expect(await count("arguments")).toBe(before.arguments + 2);
    expect(await app.db().selectFrom("positions").selectAll().where("user_id", "=", reader.id).execute()).toHaveLength(1);
    expect(await count("endorsements")).toBe(before.endorsements + 1);
  });

  it("refuses a key reused for something else (422, saying what to do), saving nothing", async () => {
    const key = newKey();
    expect((await act(author, argument("The first text.", key))).status).toBe(200);
    const before = await count("arguments");
    const reused = await act(author, argument("A different text under the same key.", key));
    expect(reused.status).toBe(422);
    expect(reused.body.errors.form).toBe(KEY_REUSED_MESSAGE);
    expect(await count("arguments")).toBe(before);
  });

  it("keeps no key for a refused submission, so the corrected form can be sent with it", async () => {
    const key = newKey();
    const empty = await act(author, argument("", key));
    expect(empty.status).toBe(400);
    expect(empty.body.errors.body).toBeTruthy();
    expect((await act(author, argument("Now with a text.", key))).status).toBe(200);
  });

  it("refuses a malformed key with a 400 that names it", async () => {
    const malformed = await act(author, argument("Short key.", "abc"));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.form).toMatch(/idempotencyKey is malformed/);
  });

  it("keeps keys per person: another account's form with the same key is its own submission", async () => {
    const key = newKey();
    const before = await count("arguments");
    expect((await act(author, argument("Same words, two people.", key))).replayed).toBeNull();
    expect((await act(reader, argument("Same words, two people.", key))).replayed).toBeNull();
    expect(await count("arguments")).toBe(before + 2);
  });

  it("serves a form without a key as before (scripts, pages rendered before keys)", async () => {
    const before = await count("arguments");
    const { idempotencyKey: _none, ...unkeyed } = argument("No key at all.", "");
    await act(author, unkeyed);
    await act(author, unkeyed);
    expect(await count("arguments")).toBe(before + 2);
  });
});

describe("keys are kept for a bounded time", () => {
  it("answers a repeat within a day with the first answer, and after it creates again; the sweep deletes expired keys", async () => {
    const submission = keyedSubmission("user:999", newKey(), "case:1", "test", [["body", "x"]]);
    let runs = 0;
    const act = async () => ({ status: 200, body: { run: ++runs } });
    const now = Date.now();
    expect(await answerOnce(app.db(), submission, act, now)).toEqual({ kind: "first", answer: { status: 200, body: { run: 1 } } });
    expect(await answerOnce(app.db(), submission, act, now + IDEMPOTENCY_KEY_LIFETIME_MS - 1000)).toEqual({ kind: "repeat", answer: { status: 200, body: { run: 1 } } });
    expect(await answerOnce(app.db(), submission, act, now + IDEMPOTENCY_KEY_LIFETIME_MS + 1000)).toEqual({ kind: "first", answer: { status: 200, body: { run: 2 } } });
    expect(await sweepIdempotencyKeys(app.db(), now + 3 * IDEMPOTENCY_KEY_LIFETIME_MS)).toBeGreaterThanOrEqual(1);
    expect(await app.db().selectFrom("idempotency_keys").selectAll().where("scope", "=", "user:999").execute()).toEqual([]);
  });
});

describe("in a workshop", () => {
  let code: string;
  let workshopId: number;
  let server: Server;
  let base: string;
  const address = { clientIp: "198.51.100.40" };

  async function phone(cookie: string, fields: Record<string, string>) {
    const response = (await settle(() => phoneRoute.action({ request: app.post(`/w/${code}`, fields, cookie), params: { code }, context: address }))) as Response;
    return { status: response.status, replayed: response.headers.get("Idempotent-Replayed"), body: await json<Body>(response) };
  }

  async function endpoint(cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/w/${code}/vote`, { method: "POST", body: new URLSearchParams(fields), headers: { Cookie: cookie, ...headers } });
    return { status: response.status, replayed: response.headers.get("Idempotent-Replayed"), body: (await response.json()) as Body };
  }

  /** The join page: viewing it sets no cookie, so a new phone has none until it joins. */
  async function openJoinPage(): Promise<void> {
    const page = (await settle(() => joinRoute.loader({ request: app.get(`/join/${code}`), params: { code }, context: address }))) as unknown as { init?: { headers?: Record<string, string> } };
    expect(page.init?.headers?.["Set-Cookie"], "viewing the join page sets no cookie").toBeUndefined();
  }

  /** Sends the join form, with the phone's device cookie if it has one; `cookie` is the device cookie the answer sets. */
  async function join(cookie: string | undefined, key: string, displayName = "Pat", joinCode = code) {
    const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code: joinCode, displayName, idempotencyKey: key }, cookie), params: {}, context: address }))) as Response;
    return {
      status: response.status,
      location: response.headers.get("Location"),
      replayed: response.headers.get("Idempotent-Replayed"),
      cookie: response.headers.get("Set-Cookie")?.split(";")[0],
    };
  }

  /** A new phone: opens the join page and joins; returns the device cookie joining gave it. */
  async function newPhone(displayName = "Pat"): Promise<string> {
    await openJoinPage();
    const joined = await join(undefined, newKey(), displayName);
    expect(joined.status).toBe(302);
    expect(joined.cookie).toMatch(/^casebook_device=/);
    return joined.cookie!;
  }

  const vote = (judgement: number, key: string) => ({
    intent: "vote",
    "option-employee": "delay-the-report-and-help-him-get-it-expunged",
    "judgement-employee": String(judgement),
    "option-employer": "fire-the-screener",
    "judgement-employer": "-1",
    idempotencyKey: key,
  });

  beforeAll(async () => {
    const workshop = await app.backgroundCheckWorkshop("Idempotent room", { twoRounds: true });
    code = workshop.code;
    workshopId = workshop.id;
    const web = express();
    web.use(phoneVoteEndpoint());
    await new Promise<void>((ready) => {
      server = web.listen(0, "127.0.0.1", () => ready());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((closed) => server.close(closed)));

  it("joins a new phone once when its join form is sent twice, at the same moment or again later: every answer sets the same device cookie", async () => {
    await openJoinPage();
    const before = await count("workshop_participants");
    const key = newKey();
    const both = await Promise.all([join(undefined, key), join(undefined, key)]);
    expect(both.map((r) => [r.status, r.location])).toEqual([
      [302, `/w/${code}`],
      [302, `/w/${code}`],
    ]);
    expect(both.map((r) => r.replayed).sort()).toEqual([null, "true"].sort());
    expect(both[0]!.cookie).toMatch(/^casebook_device=/);
    expect(both[1]!.cookie).toBe(both[0]!.cookie);
    // Again without the cookie (the browser dropped the first answer), and with it (it kept it).
    const again = await join(undefined, key);
    expect([again.status, again.replayed, again.cookie]).toEqual([302, "true", both[0]!.cookie]);
    expect((await join(both[0]!.cookie, key)).status).toBe(302);
    expect(await count("workshop_participants")).toBe(before + 1);
  });

  it("sets the device cookie only on a join that lets the phone in", async () => {
    await openJoinPage();
    const unknown = await join(undefined, newKey(), "Pat", code === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ");
    expect([unknown.status, unknown.cookie]).toEqual([404, undefined]);
    const malformed = await join(undefined, newKey(), "Pat", "12");
    expect([malformed.status, malformed.cookie]).toEqual([400, undefined]);
    const unkeyed = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName: "Script" }), params: {}, context: address }))) as Response;
    expect([unkeyed.status, unkeyed.headers.get("Set-Cookie")]).toEqual([302, expect.stringMatching(/^casebook_device=/)]);
  });

  it("takes a vote once per key, by the page and by the JSON endpoint (field or Idempotency-Key header): a late repeat never overwrites a newer vote", async () => {
    await saveStageState(app.db(), workshopId, { stage: "vote-1", votingOpen: true, revealedRounds: [] }, []);
    const cookie = await newPhone();
    const voter = (await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
    const judgements = async () =>
      (await app.db().selectFrom("workshop_votes").select("judgement").where("participant_id", "=", voter).where("perspective", "=", "employee").execute()).map((r) => r.judgement);

    const first = newKey();
    const sent = await Promise.all([endpoint(cookie, vote(2, first)), endpoint(cookie, vote(2, first))]);
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    expect(sent.map((r) => r.replayed).sort()).toEqual([null, "true"].sort());
    // The person changes their mind with a new form (a new key)…
    expect((await endpoint(cookie, vote(-3, newKey()))).status).toBe(200);
    // …and the first vote's retry, delayed on the network, arrives last: it gets its first answer and changes nothing.
    const late = await endpoint(cookie, vote(2, first));
    expect([late.status, late.replayed, late.body.myVotes?.find((v) => v.perspective === "employee")?.judgement]).toEqual([200, "true", 2]);
    expect(await judgements()).toEqual([-3]);

    // The header carries the key as well as the field; the page's action shares the keys.
    const headerKey = newKey();
    const { idempotencyKey: _field, ...unkeyed } = vote(1, headerKey);
    expect((await endpoint(cookie, unkeyed, { "Idempotency-Key": headerKey })).replayed).toBeNull();
    expect((await phone(cookie, vote(1, headerKey))).replayed).toBe("true");
    const clash = await endpoint(cookie, vote(1, newKey()), { "Idempotency-Key": newKey() });
    expect(clash.status).toBe(400);
    expect(clash.body.errors.form).toMatch(/header and the form's idempotencyKey field differ/);
    // A reused key with other answers is refused.
    const reused = await endpoint(cookie, vote(0, headerKey));
    expect([reused.status, reused.body.errors.form]).toEqual([422, KEY_REUSED_MESSAGE]);
    expect(await judgements()).toEqual([1]);
  });

  it("sends a submission once and upvotes once when each form is sent twice at the same moment", async () => {
    await saveStageState(app.db(), workshopId, { stage: "discussion", votingOpen: false, revealedRounds: [] }, []);
    const [writer, reader] = [await newPhone(), await newPhone()];
    const before = await count("workshop_submissions");
    const submitKey = newKey();
    const submit = { intent: "submit", kind: "argument", body: "Sent from a phone on a bad network.", idempotencyKey: submitKey };
    expect((await Promise.all([phone(writer, submit), phone(writer, submit)])).map((r) => r.status)).toEqual([200, 200]);
    expect(await count("workshop_submissions")).toBe(before + 1);

    const id = (await app.db().selectFrom("workshop_submissions").select("id").where("body", "=", "Sent from a phone on a bad network.").executeTakeFirstOrThrow()).id;
    // The same form twice: the key answers the repeat with the first answer (and the form asks for "upvoted", so it could not take it back anyway).
    const upvote = { intent: "upvote", submissionId: String(id), idempotencyKey: newKey() };
    const both = await Promise.all([phone(reader, upvote), phone(reader, upvote)]);
    expect(both.map((r) => r.body.message)).toEqual(["Upvoted.", "Upvoted."]);
    expect(await app.db().selectFrom("workshop_upvotes").selectAll().where("submission_id", "=", id).execute()).toHaveLength(1);

    // Taking it back is said too (upvoted=no): sent from two pages, it removes once and adds nothing back.
    const takeBack = () => phone(reader, { intent: "upvote", submissionId: String(id), upvoted: "no", idempotencyKey: newKey() });
    expect([(await takeBack()).body.message, (await takeBack()).body.message]).toEqual(["Upvote removed.", "Not upvoted: nothing changed."]);
    expect(await app.db().selectFrom("workshop_upvotes").selectAll().where("submission_id", "=", id).execute()).toHaveLength(0);
    expect((await phone(reader, { intent: "upvote", submissionId: String(id), upvoted: "maybe", idempotencyKey: newKey() })).status).toBe(400);
  });

  describe("the facilitator's controls", () => {
    let facilitator: Person;
    type Control = { status: number; replayed: string | null; body: { ok: boolean; message: string } };
    async function control(fields: Record<string, string>): Promise<Control> {
      const response = (await settle(() =>
        panelRoute.action({ request: app.post(`/workshops/${workshopId}`, fields, facilitator.cookie), params: { id: String(workshopId) }, context: {} }),
      )) as Response;
      return { status: response.status, replayed: response.headers.get("Idempotent-Replayed"), body: await json(response) };
    }
    const stageNow = async () => (await findWorkshop(app.db(), workshopId))!.state.stage;
    const at = (stage: "lobby" | "case-1" | "case-3" | "vote-1" | "discussion", votingOpen = false) => saveStageState(app.db(), workshopId, { stage, votingOpen, revealedRounds: [] }, []);

    beforeAll(async () => {
      // An admin may run any workshop, this one included.
      facilitator = await app.person("admin");
    });

    it("moves one stage when 'Next' is sent twice with one key, in sequence or at the same moment", async () => {
      await at("lobby");
      const next = { intent: "next", from: "lobby", idempotencyKey: newKey() };
      const first = await control(next);
      const repeat = await control(next);
      expect([first.status, first.replayed, repeat.status, repeat.replayed]).toEqual([200, null, 200, "true"]);
      expect(repeat.body).toEqual(first.body);
      expect(await stageNow()).toBe("case-1");

      const both = await Promise.all([0, 1].map(() => control({ intent: "next", from: "case-1", idempotencyKey: newKey().replace("test", "both") })));
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      expect(await stageNow()).toBe("case-2");
    });

    it("moves one stage when two pages send 'Next' from the same stage (two keys, or none); a move from a stage already left changes nothing", async () => {
      await at("lobby");
      const fromTwoTabs = await Promise.all([control({ intent: "next", from: "lobby", idempotencyKey: newKey() }), control({ intent: "next", from: "lobby", idempotencyKey: newKey() })]);
      expect(fromTwoTabs.map((r) => [r.status, r.body.ok])).toEqual([
        [200, true],
        [200, true],
      ]);
      expect(await stageNow()).toBe("case-1");
      // A script without a key: the stage it moves from is enough.
      expect((await control({ intent: "back", from: "case-1" })).status).toBe(200);
      const again = await control({ intent: "back", from: "case-1" });
      expect([again.status, again.body.message]).toEqual([200, expect.stringMatching(/^Already on Lobby/)]);
      expect(await stageNow()).toBe("lobby");

      await at("case-3");
      const stale = await control({ intent: "next", from: "lobby", idempotencyKey: newKey() });
      expect([stale.status, stale.body.ok]).toEqual([409, false]);
      expect(stale.body.message).toMatch(/moved on since this page showed it, so nothing changed\. Now: Case, part 3 of 4/);
      expect(await stageNow()).toBe("case-3");
      const unknown = await control({ intent: "next", from: "stage-99", idempotencyKey: newKey() });
      expect([unknown.status, unknown.body.message]).toEqual([400, expect.stringMatching(/from/)]);
    });

    it("resets a round once: a vote cast after the reset survives the reset's repeat", async () => {
      await at("vote-1", true);
      const cookie = await newPhone();
      const voter = (await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
      const votes = async () => (await app.db().selectFrom("workshop_votes").select("judgement").where("participant_id", "=", voter).where("round", "=", 1).execute()).length;
      expect((await phone(cookie, vote(1, newKey()))).status).toBe(200);
      const reset = { intent: "reset-round", round: "1", confirm: "yes", idempotencyKey: newKey() };
      expect((await control(reset)).status).toBe(200);
      expect(await votes()).toBe(0);
      expect((await phone(cookie, vote(2, newKey()))).status).toBe(200);
      const repeat = await control(reset);
      expect([repeat.status, repeat.replayed]).toEqual([200, "true"]);
      expect(await votes()).toBe(2);
    });

    it("spotlights once when 'Spotlight' is sent twice (a toggle: without a key the repeat took it off)", async () => {
      await at("discussion");
      const cookie = await newPhone();
      expect((await phone(cookie, { intent: "submit", kind: "question", body: "Who decides what counts as fair?" })).status).toBe(200);
      const id = (await app.db().selectFrom("workshop_submissions").select("id").where("body", "=", "Who decides what counts as fair?").executeTakeFirstOrThrow()).id;
      const spotlight = { intent: "spotlight", submissionId: String(id), idempotencyKey: newKey() };
      const both = [await control(spotlight), await control(spotlight)];
      expect(both.map((r) => [r.status, r.replayed])).toEqual([
        [200, null],
        [200, "true"],
      ]);
      expect((await findWorkshop(app.db(), workshopId))!.spotlightSubmissionId).toBe(id);
    });

    it("takes the spotlight off only from a form that says spotlight=off, once however often it is sent, and refuses another value", async () => {
      await at("discussion");
      const cookie = await newPhone();
      expect((await phone(cookie, { intent: "submit", kind: "question", body: "Is a warning a favour?" })).status).toBe(200);
      const id = (await app.db().selectFrom("workshop_submissions").select("id").where("body", "=", "Is a warning a favour?").executeTakeFirstOrThrow()).id;
      expect((await control({ intent: "spotlight", submissionId: String(id), spotlight: "on", idempotencyKey: newKey() })).body.message).toBe("Spotlighted.");
      const offs = [
        await control({ intent: "spotlight", submissionId: String(id), spotlight: "off", idempotencyKey: newKey() }),
        await control({ intent: "spotlight", submissionId: String(id), spotlight: "off", idempotencyKey: newKey() }),
      ];
      expect(offs.map((r) => [r.status, r.body.message])).toEqual([
        [200, "Spotlight removed."],
        [200, "Not spotlighted: nothing changed."],
      ]);
      expect((await findWorkshop(app.db(), workshopId))!.spotlightSubmissionId).toBeNull();
      const odd = await control({ intent: "spotlight", submissionId: String(id), spotlight: "toggle", idempotencyKey: newKey() });
      expect([odd.status, odd.body.message]).toEqual([400, "spotlight: must be on or off."]);
    });

    it("answers a repeated removal, lock and end with the first answer instead of an error, and refuses a key reused for another control", async () => {
      await newPhone("Robin");
      const robin = (await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
      const remove = { intent: "remove-participant", participantId: String(robin), idempotencyKey: newKey() };
      const removals = [await control(remove), await control(remove)];
      expect(removals.map((r) => [r.status, r.replayed])).toEqual([
        [200, null],
        [200, "true"],
      ]);
      const lock = { intent: "lock-room", idempotencyKey: newKey() };
      expect((await Promise.all([control(lock), control(lock)])).map((r) => r.status)).toEqual([200, 200]);

      const reused = await control({ intent: "unlock-room", idempotencyKey: lock.idempotencyKey });
      expect([reused.status, reused.body.message]).toEqual([422, KEY_REUSED_MESSAGE]);
      expect((await findWorkshop(app.db(), workshopId))!.locked).toBe(true);

      const end = { intent: "end", confirm: "yes", idempotencyKey: newKey() };
      const ends = [await control(end), await control(end)];
      expect(ends.map((r) => [r.status, r.replayed])).toEqual([
        [200, null],
        [200, "true"],
      ]);
      expect(await stageNow()).toBe("ended");
    });
  });
});

describe("an author's new case, edit and upload", () => {
  const parsed = parseCaseFile(readFileSync("cases/background-check.md", "utf8"));
  if (!parsed.ok) throw new Error("fixture must parse");
  const background = parsed;
  type Doc = typeof background.doc;
  let author: Person;

  /** The editor's form as a browser posts it: checkboxes repeat their name. */
  function editorForm(doc: Doc, intent: string, key?: string): URLSearchParams {
    const fields = new URLSearchParams({ intent });
    for (const [name, value] of Object.entries(caseFormValues(doc))) for (const v of Array.isArray(value) ? value : [value]) fields.append(name, v);
    if (key) fields.set("idempotencyKey", key);
    return fields;
  }
  function post(path: string, body: URLSearchParams | FormData) {
    const headers: Record<string, string> = { Cookie: author.cookie };
    if (body instanceof URLSearchParams) headers["Content-Type"] = "application/x-www-form-urlencoded";
    return new Request(`http://casebook.test${path}`, { method: "POST", body, headers });
  }
  async function answer(run: () => Promise<unknown>) {
    const response = (await settle(run)) as Response;
    return { status: response.status, location: response.headers.get("Location"), replayed: response.headers.get("Idempotent-Replayed"), response };
  }
  const create = (doc: Doc, key: string) => answer(() => newCaseRoute.action({ request: post("/cases/new", editorForm(doc, "save", key)), params: {}, context: {} }));
  const edit = (doc: Doc, key: string) => answer(() => editCaseRoute.action({ request: post(`/cases/${doc.slug}/edit`, editorForm(doc, "publish", key)), params: { slug: doc.slug }, context: {} }));
  function upload(source: string, key: string) {
    const form = new FormData();
    form.set("file", new File([source], "uploaded.md", { type: "text/markdown" }));
    form.set("idempotencyKey", key);
    return answer(() => uploadRoute.action({ request: post("/cases/upload", form), params: {}, context: {} }));
  }
  const versions = async (slug: string) => (await listCaseVersions(app.db(), (await findCaseBySlug(app.db(), slug))!.id)).length;
  const audits = async (slug: string) => (await app.db().selectFrom("audit_log").select("action").where("subject_type", "=", "case").where("subject_id", "=", slug).execute()).map((r) => r.action);

  beforeAll(async () => {
    author = await app.person("author");
  });

  it("creates one case when the new-case form is sent twice: the repeat goes to it instead of saying the address is taken", async () => {
    const doc = { ...background.doc, slug: "sent-twice", title: "Sent twice" };
    const key = newKey();
    const first = await create(doc, key);
    const repeat = await create(doc, key);
    expect([first.status, first.location, first.replayed]).toEqual([302, "/cases/sent-twice", null]);
    expect([repeat.status, repeat.location, repeat.replayed]).toEqual([302, "/cases/sent-twice", "true"]);
    expect(await versions("sent-twice")).toBe(1);
    expect(await audits("sent-twice")).toEqual(["case.created"]);
  });

  it("creates one case, one version and one audit entry when the new-case form arrives twice at the same moment", async () => {
    const doc = { ...background.doc, slug: "sent-at-once", title: "Sent at once" };
    const key = newKey();
    const both = await Promise.all([create(doc, key), create(doc, key)]);
    expect(both.map((r) => [r.status, r.location])).toEqual([
      [302, "/cases/sent-at-once"],
      [302, "/cases/sent-at-once"],
    ]);
    expect(both.map((r) => r.replayed).sort()).toEqual([null, "true"].sort());
    expect(await versions("sent-at-once")).toBe(1);
    expect(await audits("sent-at-once")).toEqual(["case.created"]);
  });

  it("never lets a late repeat of an edit add its text again as a newer version over a later edit", async () => {
    const doc = { ...background.doc, slug: "edited-twice", title: "Edited twice" };
    expect((await create(doc, newKey())).status).toBe(302);
    const firstEdit = { ...doc, summary: "The first edit." };
    const key = newKey();
    expect((await edit(firstEdit, key)).status).toBe(302);
    expect((await edit({ ...doc, summary: "A later edit." }, newKey())).status).toBe(302);
    const late = await edit(firstEdit, key);
    expect([late.status, late.replayed]).toEqual([302, "true"]);
    expect(await versions("edited-twice")).toBe(3);
    expect((await findCaseBySlug(app.db(), "edited-twice"))!.doc.summary).toBe("A later edit.");
  });

  it("uploads a file once per form: a repeat, sent at once or late, adds no version; the same key with another file is refused", async () => {
    const source = readFileSync("cases/off-script.md", "utf8").replace("slug: off-script", "slug: uploaded-twice");
    const key = newKey();
    const both = await Promise.all([upload(source, key), upload(source, key)]);
    expect(both.map((r) => [r.status, r.location])).toEqual([
      [302, "/cases/uploaded-twice"],
      [302, "/cases/uploaded-twice"],
    ]);
    expect(both.map((r) => r.replayed).sort()).toEqual([null, "true"].sort());
    const changed = source.replace(/^summary: .*$/m, "summary: A newer upload.");
    expect((await upload(changed, newKey())).status).toBe(302);
    expect((await upload(source, key)).replayed).toBe("true");
    expect(await versions("uploaded-twice")).toBe(2);
    expect((await findCaseBySlug(app.db(), "uploaded-twice"))!.doc.summary).toBe("A newer upload.");
    expect(await audits("uploaded-twice")).toHaveLength(2);

    const other = await upload(source.replace(/^title: .*$/m, "title: Another file"), key);
    expect(other.status).toBe(422);
    expect(await versions("uploaded-twice")).toBe(2);
  });
});

describe("a facilitator's new workshop and a sign-up", () => {
  it("creates one workshop when the form is sent twice at the same moment, sending both to it", async () => {
    const facilitator = await app.person("facilitator");
    const before = await count("workshops");
    const fields = { caseSlug: "background-check", title: "Double-clicked", perspectives: "employee", resultsMode: "live", idempotencyKey: newKey() };
    const both = (await Promise.all([0, 1].map(() => settle(() => workshopsRoute.action({ request: app.post("/workshops", fields, facilitator.cookie), params: {}, context: {} }))))) as Response[];
    expect(both.map((r) => r.status)).toEqual([302, 302]);
    expect(both[0]!.headers.get("Location")).toBe(both[1]!.headers.get("Location"));
    expect(await count("workshops")).toBe(before + 1);
  });

  it("makes one account when the sign-up form is sent twice at the same moment, and signs both answers in", async () => {
    const before = await count("users");
    const fields = { email: "double@casebook.test", displayName: "Double", password: "a long enough password", redirectTo: "", idempotencyKey: newKey() };
    const signUp = (password = fields.password) =>
      settle(() => signupRoute.action({ request: app.post("/signup", { ...fields, password }), params: {}, context: { clientIp: "198.51.100.41" } })) as Promise<Response>;
    const both = await Promise.all([signUp(), signUp()]);
    expect(both.map((r) => r.status)).toEqual([302, 302]);
    for (const response of both) expect(response.headers.get("Set-Cookie")).toMatch(/^casebook_session=/);
    expect(await count("users")).toBe(before + 1);
    // The same form with another password does not sign anyone in.
    const other = await signUp("another long password");
    expect(other.status).toBe(422);
    expect(other.headers.get("Set-Cookie")).toBeNull();
  });

  it("answers two sign-ups with one email and no key with one account and a neutral refusal, never an error", async () => {
    const fields = { email: "twice@casebook.test", displayName: "Twice", password: "a long enough password", redirectTo: "" };
    const both = (await Promise.all([0, 1].map(() => settle(() => signupRoute.action({ request: app.post("/signup", fields), params: {}, context: { clientIp: "198.51.100.42" } }))))) as Response[];
    expect(both.map((r) => r.status).sort()).toEqual([302, 400]);
  });
});
