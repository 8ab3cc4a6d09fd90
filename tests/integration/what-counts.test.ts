/**
 * One rule for what counts (issue 15, item 4; app/domain/counting.ts): a contribution counts
 * while it is visible and its author is still in the room; a credit (endorsement, upvote, "what
 * moved me") counts when its contribution counts, it is not the author's own, and its giver was
 * not withdrawn. Each fault the issue names is a test here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

// k = 2, so that two removed phones can be withdrawn together and two voters can credit an argument.
const K = 2;
const app = await startApp({ kThreshold: K });
const panelRoute = await import("../../app/routes/workshops.$id");
const joinRoute = await import("../../app/routes/join.($code)");
const phoneRoute = await import("../../app/routes/w.$code");
const caseRoute = await import("../../app/routes/cases.$slug");
const { findWorkshop, saveStageState } = await import("../../app/models/workshops.server");
const { loadWorkshopStates } = await import("../../app/workshops/live-state.server");
const { workshopDebrief } = await import("../../app/workshops/debrief.server");
const meRoute = await import("../../app/routes/me");
const { countUnreadReplies } = await import("../../app/models/arguments.server");
const { findCaseBySlug, setCaseStatus } = await import("../../app/models/cases.server");

afterAll(() => app.cleanup());

type Person = Awaited<ReturnType<typeof app.person>>;
type Answer = { status: number; body: { errors: Record<string, string>; message?: string } };

describe("in a workshop", () => {
  let facilitator: Person;
  let workshopId: number;
  let code: string;

  async function control(intent: string, extra: Record<string, string> = {}) {
    const response = (await settle(() =>
      panelRoute.action({ request: app.post(`/workshops/${workshopId}`, { intent, ...extra }, facilitator.cookie), params: { id: String(workshopId) }, context: {} }),
    )) as Response;
    return { status: response.status, body: await json<{ ok: boolean; message: string }>(response) };
  }

  async function joinPhone(displayName: string): Promise<{ cookie: string; id: number }> {
    const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName }), params: {}, context: { clientIp: "198.51.100.21" } }))) as Response;
    expect(response.status).toBe(302);
    const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
    const row = await app.db().selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).orderBy("id", "desc").executeTakeFirstOrThrow();
    return { cookie, id: row.id };
  }

  async function phone(cookie: string, fields: Record<string, string>): Promise<Answer> {
    const response = await settle(() => phoneRoute.action({ request: app.post(`/w/${code}`, fields, cookie), params: { code }, context: { clientIp: "198.51.100.21" } }));
    return { status: (response as Response).status, body: await json(response) };
  }

  async function stage(stageId: "discussion" | "vote-2", votingOpen = false) {
    await saveStageState(app.db(), workshopId, { stage: stageId, votingOpen, revealedRounds: [] }, []);
  }

  async function send(cookie: string, kind: "argument" | "question", body: string): Promise<number> {
    expect((await phone(cookie, { intent: "submit", kind, body })).status).toBe(200);
    const row = await app.db().selectFrom("workshop_submissions").select("id").where("body", "=", body).executeTakeFirstOrThrow();
    return row.id;
  }

  const roomList = async () => (await loadWorkshopStates(workshopId))!.room.submissions.map((s) => [s.body, s.upvotes]);
  const debrief = async () => workshopDebrief((await findWorkshop(app.db(), workshopId))!);
  const vote = (cookie: string, movedBy: string) =>
    phone(cookie, {
      intent: "vote",
      "option-employee": "report-the-record-as-found",
      "judgement-employee": "1",
      "option-employer": "keep-him-with-a-final-written-warning",
      "judgement-employer": "-1",
      movedBy,
    });

  beforeAll(async () => {
    const workshop = await app.backgroundCheckWorkshop("Counting room", { twoRounds: true });
    workshopId = workshop.id;
    code = workshop.code;
    facilitator = { id: workshop.facilitatorUserId, name: "", cookie: "" };
    // The workshop's own facilitator signs in: a fresh session for the same account.
    const { signIn } = await import("../../app/accounts/auth.server");
    facilitator.cookie = ((await signIn(new Request("http://casebook.test/login"), workshop.facilitatorUserId, "/")).headers.get("Set-Cookie") ?? "").split(";")[0]!;
    await stage("discussion");
  });

  it("refuses a phone's upvote of its own submission (403, with why), and stores none", async () => {
    const author = await joinPhone("Author");
    const mine = await send(author.cookie, "argument", "My own point");
    const answer = await phone(author.cookie, { intent: "upvote", submissionId: String(mine) });
    expect(answer.status).toBe(403);
    expect(answer.body.errors.form).toBe("You cannot upvote what you sent yourself.");
    expect(await app.db().selectFrom("workshop_upvotes").selectAll().where("submission_id", "=", mine).execute()).toHaveLength(0);
  });

  it("does not count an upvote by the submission's own author, one stored before it was refused", async () => {
    const author = await joinPhone("Earlier author");
    const mine = await send(author.cookie, "question", "Who decides?");
    await app.db().insertInto("workshop_upvotes").values({ submission_id: mine, participant_id: author.id, created_at: new Date().toISOString() }).execute();
    expect(await roomList()).toContainEqual(["Who decides?", 0]);
  });

  it("takes removed phones' upvotes out of the counts, the order and the debrief once they leave together (k at once), never one removed phone's alone", async () => {
    const writer = await joinPhone("Writer");
    const popular = await send(writer.cookie, "argument", "Stuffed point");
    const modest = await send(writer.cookie, "argument", "Honest point");
    const [stuffer1, stuffer2, honest] = [await joinPhone("S1"), await joinPhone("S2"), await joinPhone("H")];
    for (const s of [stuffer1, stuffer2]) expect((await phone(s.cookie, { intent: "upvote", submissionId: String(popular) })).status).toBe(200);
    expect((await phone(honest.cookie, { intent: "upvote", submissionId: String(modest) })).status).toBe(200);
    const order = async () => (await roomList()).filter(([body]) => body === "Stuffed point" || body === "Honest point");
    expect(await order()).toEqual([
      ["Stuffed point", 2],
      ["Honest point", 1],
    ]);

    // One removed phone's upvote leaving at once would tell the facilitator what that named phone upvoted.
    expect((await control("remove-participant", { participantId: String(stuffer1.id) })).status).toBe(200);
    expect(await order()).toEqual([
      ["Stuffed point", 2],
      ["Honest point", 1],
    ]);

    // A second removal makes k removed upvoters of that submission: they leave together.
    expect((await control("remove-participant", { participantId: String(stuffer2.id) })).status).toBe(200);
    expect(await order()).toEqual([
      ["Honest point", 1],
      ["Stuffed point", 0],
    ]);
    const text = await debrief();
    expect(text).toContain("Argument (0 upvotes):\n\n> Stuffed point");
    expect(text.indexOf("Honest point")).toBeLessThan(text.indexOf("Stuffed point"));
  });

  describe("what moved me", () => {
    let author: { cookie: string; id: number };
    let voters: { cookie: string; id: number }[];
    let argument: number;
    let hiddenArgument: number;
    let question: number;
    let hiddenQuestion: number;

    beforeAll(async () => {
      await stage("discussion");
      author = await joinPhone("Arguer");
      voters = [await joinPhone("V1"), await joinPhone("V2")];
      argument = await send(author.cookie, "argument", "Credit me");
      hiddenArgument = await send(author.cookie, "argument", "Hide me");
      question = await send(author.cookie, "question", "A question, not an argument");
      hiddenQuestion = await send(author.cookie, "question", "A hidden question");
      for (const id of [hiddenArgument, hiddenQuestion]) expect((await control("hide-submission", { submissionId: String(id) })).status).toBe(200);
      await stage("vote-2", true);
    });

    it("refuses a hidden question, a hidden argument, a question and one's own argument, naming the field (400), and stores no vote", async () => {
      const cases: [number, { cookie: string }, RegExp][] = [
        [hiddenQuestion, voters[0]!, /hidden or deleted/],
        [hiddenArgument, voters[0]!, /hidden or deleted/],
        [question, voters[0]!, /Only an argument can be what moved you/],
        [argument, author, /Your own argument cannot be what moved you/],
      ];
      for (const [id, who, message] of cases) {
        const answer = await vote(who.cookie, String(id));
        expect(answer.status, `movedBy ${id}`).toBe(400);
        expect(answer.body.errors.movedBy).toMatch(message);
      }
      expect(await app.db().selectFrom("workshop_votes").selectAll().where("workshop_id", "=", workshopId).execute()).toHaveLength(0);
      expect((await vote(voters[0]!.cookie, String(argument))).status).toBe(200);
    });

    it("credits in the debrief only counted voters naming a shown argument by someone else", async () => {
      // Votes stored before the rule could refuse them, written as such.
      const name = async (who: { id: number }, id: number | null) =>
        app.db().updateTable("workshop_votes").set({ moved_by_submission_id: id }).where("workshop_id", "=", workshopId).where("participant_id", "=", who.id).execute();
      for (const v of voters) expect((await vote(v.cookie, "")).status).toBe(200);
      await app
        .db()
        .insertInto("workshop_votes")
        .values({
          workshop_id: workshopId,
          participant_id: author.id,
          round: 2,
          perspective: "employee",
          option: "x",
          option_id: "x",
          judgement: 0,
          moved_by_submission_id: null,
          created_at: "2026-01-01T00:00:00.000Z",
          updated_at: "2026-01-01T00:00:00.000Z",
        })
        .execute();

      // k voters named the question: a question is not an argument one is moved by.
      for (const v of voters) await name(v, question);
      expect(await debrief()).toContain("Question (0 upvotes):\n\n> A question, not an argument");
      // One voter and the argument's own author named the argument: one counts, below k.
      await name(voters[0]!, argument);
      await name(voters[1]!, null);
      await name(author, argument);
      expect(await debrief()).toContain("Argument (0 upvotes):\n\n> Credit me");
      expect(await debrief()).not.toMatch(/named by/);
      // A second voter names it: k counted people, the author still left out.
      await name(voters[1]!, argument);
      expect(await debrief()).toContain("Argument (0 upvotes, named by 2 as what moved them):\n\n> Credit me");
      // Hidden, it is neither listed nor credited.
      expect((await control("hide-submission", { submissionId: String(argument) })).status).toBe(200);
      expect(await debrief()).not.toContain("Credit me");
    });
  });

  it("refuses to spotlight a hidden submission (409)", async () => {
    await stage("discussion");
    const author = await joinPhone("Spot");
    const id = await send(author.cookie, "argument", "Spot me while hidden");
    expect((await control("hide-submission", { submissionId: String(id) })).status).toBe(200);
    const spotlit = await control("spotlight", { submissionId: String(id) });
    expect(spotlit.status).toBe(409);
    expect(spotlit.body.message).toMatch(/show it again first/);
  });
});

describe("online", () => {
  const SLUG = "the-overpayment";
  let author: Person;
  let reader: Person;
  let moderator: Person;
  let argumentIds: Record<"kept" | "hidden" | "deleted" | "mine" | "reply", number>;

  async function act(person: Person, fields: Record<string, string>): Promise<Answer> {
    const response = await settle(() => caseRoute.action({ request: app.post(`/cases/${SLUG}`, fields, person.cookie), params: { slug: SLUG }, context: {} }));
    return { status: (response as Response).status, body: await json(response) };
  }

  async function post(person: Person, body: string, extra: Record<string, string> = {}): Promise<number> {
    const answer = await act(person, { intent: extra.parentId ? "reply" : "argument", perspective: "employee", side: "for", body, ...extra });
    expect(answer.status, answer.body.errors.form).toBe(200);
    const row = await app.db().selectFrom("arguments").select("id").where("body", "=", body).executeTakeFirstOrThrow();
    return row.id;
  }

  const answer = async (person: Person, movedBy: string) =>
    act(person, { intent: "position", perspective: "employee", ...(await app.ballot(SLUG, "employee", 0)), judgement: "1", legal: "unsure", confidence: "medium", movedBy });

  beforeAll(async () => {
    author = await app.person("participant", "frontline");
    reader = await app.person("participant", "manager");
    moderator = await app.person("facilitator", "manager");
    const kept = await post(author, "Kept argument");
    const hidden = await post(author, "Hidden argument");
    const deleted = await post(author, "Deleted argument");
    const mine = await post(reader, "The reader's own argument");
    const reply = await post(author, "A reply", { parentId: String(kept) });
    argumentIds = { kept, hidden, deleted, mine, reply };
    expect((await act(moderator, { intent: "hide", argumentId: String(hidden), reason: "Off topic" })).status).toBe(200);
    expect((await act(author, { intent: "delete", argumentId: String(deleted) })).status).toBe(200);
  });

  it("refuses an answer naming a hidden or deleted argument, a reply or one's own argument as what moved you (400, on movedBy), and saves nothing", async () => {
    const cases: [keyof typeof argumentIds, RegExp][] = [
      ["hidden", /hidden or deleted/],
      ["deleted", /hidden or deleted/],
      ["reply", /not a question or a reply/],
      ["mine", /Your own argument cannot be what moved you/],
    ];
    for (const [which, message] of cases) {
      const refused = await answer(reader, String(argumentIds[which]));
      expect(refused.status, which).toBe(400);
      expect(refused.body.errors.movedBy, which).toMatch(message);
    }
    expect(await app.db().selectFrom("positions").selectAll().where("user_id", "=", reader.id).execute()).toHaveLength(0);
    // A first answer names nothing: what changed your mind goes with a change of answer.
    const first = await answer(reader, String(argumentIds.kept));
    expect(first.status).toBe(400);
    expect(first.body.errors.movedBy).toMatch(/once you change an answer/);
    expect((await answer(reader, "")).status).toBe(200);
    expect((await answer(reader, String(argumentIds.kept))).status).toBe(200);
  });

  it("refuses naming an argument made as the other perspective as what changed one's answer (400, on movedBy)", async () => {
    const person = await app.person("participant", "frontline");
    const employerArgument = await act(author, { intent: "argument", perspective: "employer", side: "for", body: "An employer's argument" });
    expect(employerArgument.status).toBe(200);
    const id = (await app.db().selectFrom("arguments").select("id").where("body", "=", "An employer's argument").executeTakeFirstOrThrow()).id;
    expect((await answer(person, "")).status).toBe(200);
    const refused = await answer(person, String(id));
    expect(refused.status).toBe(400);
    expect(refused.body.errors.movedBy).toMatch(/made as the employee/);
  });

  it("gives a hidden argument no endorsement count in the page's data, and does not order by it", async () => {
    const endorsers = [await app.person(), await app.person()];
    for (const e of endorsers) {
      // Endorsed while visible, then hidden by a moderator.
      await app.db().updateTable("arguments").set({ status: "visible" }).where("id", "=", argumentIds.hidden).execute();
      expect((await act(e, { intent: "endorse", argumentId: String(argumentIds.hidden) })).status).toBe(200);
      await app.db().updateTable("arguments").set({ status: "hidden" }).where("id", "=", argumentIds.hidden).execute();
    }
    expect((await act(endorsers[0]!, { intent: "endorse", argumentId: String(argumentIds.kept) })).status).toBe(200);
    const data = (await caseRoute.loader({ request: app.get(`/cases/${SLUG}?sort=endorsed`, moderator.cookie), params: { slug: SLUG }, context: {} })) as Awaited<ReturnType<typeof caseRoute.loader>>;
    const threads = data.debate.threads.map((t) => [t.id, t.endorsements]);
    expect(threads[0]).toEqual([argumentIds.kept, 1]);
    expect(threads).toContainEqual([argumentIds.hidden, 0]);
    // "Which argument moved you?" offers only visible arguments by someone else.
    const movable = (await caseRoute.loader({ request: app.get(`/cases/${SLUG}`, reader.cookie), params: { slug: SLUG }, context: {} })).debate.movableBy.employee!.map((a) => a.id);
    expect(movable).toEqual([argumentIds.kept]);
  });

  it("tells me of replies that count (visible, by someone else, on a case I may read), alike in the header's number and on /me", async () => {
    const me = await app.person("participant", "frontline");
    const other = await app.person("participant", "manager");
    const mine = await post(me, "Mine, to be replied to");
    await post(other, "A reply that counts", { parentId: String(mine) });
    const hidden = await post(other, "A reply a moderator hides", { parentId: String(mine) });
    const deleted = await post(other, "A reply its author deletes", { parentId: String(mine) });
    await post(me, "My own reply to my argument", { parentId: String(mine) });
    expect((await act(moderator, { intent: "hide", argumentId: String(hidden), reason: "Off topic" })).status).toBe(200);
    expect((await act(other, { intent: "delete", argumentId: String(deleted) })).status).toBe(200);
    // A reply on another case, which is then archived: I can no longer read it there.
    const archivedSlug = "background-check";
    const onOther = async (person: Person, fields: Record<string, string>) => {
      const response = (await settle(() => caseRoute.action({ request: app.post(`/cases/${archivedSlug}`, fields, person.cookie), params: { slug: archivedSlug }, context: {} }))) as Response;
      expect(response.status).toBe(200);
    };
    await onOther(me, { intent: "argument", perspective: "employee", side: "for", body: "Mine on a case that gets archived" });
    const mineThere = (await app.db().selectFrom("arguments").select("id").where("body", "=", "Mine on a case that gets archived").executeTakeFirstOrThrow()).id;
    await onOther(other, { intent: "reply", parentId: String(mineThere), body: "A reply on a case that gets archived" });
    const archived = (await findCaseBySlug(app.db(), archivedSlug))!;
    await setCaseStatus(app.db(), archived.id, "archived");
    try {
      const meUser = { id: me.id, role: "participant" as const };
      expect(await countUnreadReplies(app.db(), meUser)).toBe(1);
      const page = await meRoute.loader({ request: app.get("/me", me.cookie), params: {}, context: {} });
      expect(page.replies.map((r) => [r.body, r.unread])).toEqual([["A reply that counts", true]]);
      // Seen on /me: the header's number goes to none.
      expect(await countUnreadReplies(app.db(), meUser)).toBe(0);
    } finally {
      await setCaseStatus(app.db(), archived.id, "published");
    }
  });
});
