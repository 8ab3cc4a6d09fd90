import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const app = await startApp({ kThreshold: 5 });
const caseRoute = await import("../../app/routes/cases.$slug");
const resultsRoute = await import("../../app/routes/cases.$slug_.results");
const auditRoute = await import("../../app/routes/admin.audit");

const SLUG = "background-check";
const params = { slug: SLUG };
type Person = Awaited<ReturnType<typeof app.person>>;

async function act(person: Person, fields: Record<string, string>, slug = SLUG) {
  const response = await settle(() => caseRoute.action({ request: app.post(`/cases/${slug}`, fields, person.cookie), params: { slug }, context: {} }));
  return { status: (response as Response).status, body: await json<{ errors: Record<string, string>; message?: string }>(response) };
}

async function vote(person: Person, perspective: string, option: number, judgement: number, extra: Record<string, string> = {}, slug = SLUG) {
  return act(person, { intent: "position", perspective, ...(await app.ballot(slug, perspective, option)), judgement: String(judgement), legal: "unsure", confidence: "medium", ...extra }, slug);
}

afterAll(() => app.cleanup());

describe("positions", () => {
  let pat: Person;
  beforeAll(async () => {
    pat = await app.person("participant", "frontline");
  });

  it("records a position with the case version and the voter's standing", async () => {
    const result = await vote(pat, "employee", 1, 2);
    expect(result.status).toBe(200);
    const row = await app.db().selectFrom("positions").selectAll().where("user_id", "=", pat.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ perspective: "employee", judgement: 2, standing: "frontline", is_current: 1 });
    const version = await app.db().selectFrom("cases").select("current_version_id").where("slug", "=", SLUG).executeTakeFirstOrThrow();
    expect(row.case_version_id).toBe(version.current_version_id);
  });

  it("keeps history when someone changes their mind, with one current position", async () => {
    await vote(pat, "employee", 0, -1);
    const rows = await app.db().selectFrom("positions").selectAll().where("user_id", "=", pat.id).where("perspective", "=", "employee").orderBy("id").execute();
    expect(rows.map((r) => [r.judgement, r.is_current])).toEqual([
      [2, 0],
      [-1, 1],
    ]);
    expect(rows[1]!.initial_judgement).toBe(2);
  });

  it("answers bad input with 400 and the field at fault, saving nothing", async () => {
    const before = await app
      .db()
      .selectFrom("positions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const outOfRange = await vote(pat, "employer", 9, 1);
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.errors).toHaveProperty("option");
    const badJudgement = await vote(pat, "employer", 0, 7);
    expect(badJudgement.body.errors).toHaveProperty("judgement");
    const unknownPerspective = await vote(pat, "shareholder", 0, 1);
    expect(unknownPerspective.body.errors).toHaveProperty("perspective");
    const after = await app
      .db()
      .selectFrom("positions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("sends an anonymous voter to log in", async () => {
    const response = await settle(() =>
      caseRoute.action({ request: app.post(`/cases/${SLUG}`, { intent: "position", perspective: "employee", option: "0", judgement: "0", legal: "yes", confidence: "low" }), params, context: {} }),
    );
    expect((response as Response).status).toBe(302);
  });
});

describe("results", () => {
  it("are withheld by the loader until the person has answered every perspective", async () => {
    const newcomer = await app.person("participant", "manager");
    await vote(newcomer, "employee", 0, 1);
    const locked = await resultsRoute.loader({ request: app.get(`/cases/${SLUG}/results`, newcomer.cookie), params, context: {} });
    expect(locked).toMatchObject({ locked: true, missing: ["employer"] });
    expect(locked).not.toHaveProperty("results");
    await vote(newcomer, "employer", 0, -1);
    const open = await resultsRoute.loader({ request: app.get(`/cases/${SLUG}/results`, newcomer.cookie), params, context: {} });
    expect(open.locked).toBe(false);
  });

  it("never show a standing with fewer than k people, in any breakdown", async () => {
    // 6 front line and 4 HR people: HR is below k = 5 and must not appear on its own.
    const crowd = [...Array(6).fill("frontline"), ...Array(4).fill("hr")];
    for (const standing of crowd) {
      const person = await app.person("participant", standing);
      await vote(person, "employee", 2, standing === "hr" ? 3 : -3);
      await vote(person, "employer", 1, standing === "hr" ? 3 : -3);
    }
    const viewer = await app.person("facilitator", "other");
    const data = await resultsRoute.loader({ request: app.get(`/cases/${SLUG}/results`, viewer.cookie), params, context: {} });
    if (data.locked) throw new Error("facilitators may read results without answering");
    const serialized = JSON.stringify(data);
    for (const perspective of data.results.perspectives) {
      const keys = perspective.byStanding.groups.map((g) => g.key);
      expect(keys).not.toContain("hr");
      expect(perspective.byStanding.groups.every((g) => g.count >= 5)).toBe(true);
    }
    expect(data.results.gap?.byStanding.groups.map((g) => g.key)).not.toContain("hr");
    expect(serialized).not.toMatch(/"key":"hr"/);
  });

  it("show a change of mind as judgements at first answers beside those now, once k people have changed since the last release", async () => {
    // Results are released in steps where every cell moves by at least k people (ADR 009), so it
    // takes k movers; on a case of its own, so people left waiting by other tests hold nobody back.
    const slug = "the-fee-waiver";
    const movers = await Promise.all(Array.from({ length: 5 }, () => app.person("participant", "frontline")));
    for (const mover of movers) {
      await vote(mover, "employee", 0, 0, {}, slug);
      await vote(mover, "employer", 0, -3, {}, slug);
    }
    // k newcomers answering release everything written so far.
    const flush = async () => {
      for (let i = 0; i < 5; i += 1) {
        const newcomer = await app.person("participant", "manager");
        await vote(newcomer, "employee", 1, 1, {}, slug);
        await vote(newcomer, "employer", 1, 1, {}, slug);
      }
    };
    await flush();
    const before = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, movers[0]!.cookie), params: { slug }, context: {} });
    if (before.locked) throw new Error("answered both");
    // People now at a judgement minus people first at it (the same people).
    const net = (p: (typeof before.results.perspectives)[number], value: number) => p.judgements.find((j) => j.value === value)!.count - p.shift.firstJudgements.find((j) => j.value === value)!.count;
    const employerBefore = before.results.perspectives.find((p) => p.key === "employer")!;
    for (const mover of movers) await vote(mover, "employer", 3, 2, {}, slug);
    await flush();
    const after = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, movers[0]!.cookie), params: { slug }, context: {} });
    if (after.locked) throw new Error("answered both");
    const employer = after.results.perspectives.find((p) => p.key === "employer")!;
    // The five moved from "clearly wrong" (−3) to +2: five fewer now than at first at −3, five more at +2.
    expect(net(employer, -3) - net(employerBefore, -3)).toBe(-5);
    expect(net(employer, 2) - net(employerBefore, 2)).toBe(5);
    expect(employer.meanJudgement - employer.shift.firstMeanJudgement).toBeGreaterThan(employerBefore.meanJudgement - employerBefore.shift.firstMeanJudgement);
  });
});

describe("the empathy gap", () => {
  it("follows each person's latest employee and employer answers", async () => {
    const person = await app.person("participant", "hr");
    const gapOf = async () => (await app.db().selectFrom("empathy_gaps").select("gap").where("user_id", "=", person.id).executeTakeFirstOrThrow()).gap;
    await vote(person, "employee", 0, 3);
    expect(await gapOf()).toBeNull();
    await vote(person, "employer", 0, -2);
    expect(await gapOf()).toBe(5);
    await vote(person, "employee", 1, 1);
    expect(await gapOf()).toBe(3);
  });

  it("is shown privately to the person on the case page", async () => {
    const person = await app.person("participant", "frontline");
    await vote(person, "employee", 0, 3);
    await vote(person, "employer", 0, -1);
    const page = await caseRoute.loader({ request: app.get(`/cases/${SLUG}`, person.cookie), params, context: {} });
    expect(page.debate.myGap).toEqual({ employee: "Clearly right", employer: "Somewhat wrong", gap: 4 });
    const stranger = await caseRoute.loader({ request: app.get(`/cases/${SLUG}`), params, context: {} });
    expect(stranger.debate.myGap).toBeNull();
  });
});

describe("arguments", () => {
  let author: Person;
  let other: Person;
  let argumentId: number;
  beforeAll(async () => {
    author = await app.person("participant", "frontline");
    other = await app.person("participant", "manager");
    const posted = await act(author, { intent: "argument", perspective: "employee", side: "for", lens: "care", body: "He made the record **true** before reporting it." });
    expect(posted.status).toBe(200);
    argumentId = (await app.db().selectFrom("arguments").select("id").where("user_id", "=", author.id).executeTakeFirstOrThrow()).id;
  });

  it("refuses a body over 2,000 characters, naming the field", async () => {
    const result = await act(author, { intent: "argument", perspective: "employee", side: "for", body: "x".repeat(2001) });
    expect(result.status).toBe(400);
    expect(result.body.errors.body).toMatch(/2,000 characters/);
  });

  it("previews without saving", async () => {
    const before = await app.db().selectFrom("arguments").select("id").execute();
    const result = await act(author, { intent: "preview", perspective: "employee", side: "against", body: "A *draft*" });
    expect(result.status).toBe(200);
    expect((result.body as { previewHtml?: string }).previewHtml).toContain("<em>draft</em>");
    expect(await app.db().selectFrom("arguments").select("id").execute()).toHaveLength(before.length);
  });

  it("lets others endorse once, toggling off on a second press, and never the author", async () => {
    const own = await act(author, { intent: "endorse", argumentId: String(argumentId) });
    expect(own.status).toBe(403);
    await act(other, { intent: "endorse", argumentId: String(argumentId) });
    const count = async () => (await app.db().selectFrom("endorsements").selectAll().where("argument_id", "=", argumentId).execute()).length;
    expect(await count()).toBe(1);
    await act(other, { intent: "endorse", argumentId: String(argumentId) });
    expect(await count()).toBe(0);
  });

  it("nests replies two levels deep and refuses a third", async () => {
    const reply = await act(other, { intent: "reply", parentId: String(argumentId), body: "The client never agreed to the delay." });
    expect(reply.status).toBe(200);
    const replyId = (await app.db().selectFrom("arguments").select("id").where("parent_id", "=", argumentId).executeTakeFirstOrThrow()).id;
    const second = await act(author, { intent: "reply", parentId: String(replyId), body: "Nor did it cost them anything." });
    expect(second.status).toBe(200);
    const secondId = (await app.db().selectFrom("arguments").select("id").where("parent_id", "=", replyId).executeTakeFirstOrThrow()).id;
    const third = await act(other, { intent: "reply", parentId: String(secondId), body: "Too deep." });
    expect(third.status).toBe(400);
  });

  it("lets only the author edit, within 15 minutes", async () => {
    expect((await act(other, { intent: "edit", argumentId: String(argumentId), body: "Hijacked" })).status).toBe(403);
    expect((await act(author, { intent: "edit", argumentId: String(argumentId), body: "He made the record true first." })).status).toBe(200);
    await app
      .db()
      .updateTable("arguments")
      .set({ created_at: new Date(Date.now() - 16 * 60 * 1000).toISOString() })
      .where("id", "=", argumentId)
      .execute();
    const late = await act(author, { intent: "edit", argumentId: String(argumentId), body: "Too late" });
    expect(late.status).toBe(403);
    expect(late.body.errors.form).toMatch(/15 minutes/);
    const stored = await app.db().selectFrom("arguments").select("body").where("id", "=", argumentId).executeTakeFirstOrThrow();
    expect(stored.body).toBe("He made the record true first.");
  });

  it("refuses moderation to participants and records a facilitator's hide and restore in the audit log", async () => {
    const refused = await act(other, { intent: "hide", argumentId: String(argumentId), reason: "I disagree" });
    expect(refused.status).toBe(403);
    const facilitator = await app.person("facilitator", "manager");
    expect((await act(facilitator, { intent: "hide", argumentId: String(argumentId), reason: "" })).body.errors).toHaveProperty("reason");
    expect((await act(facilitator, { intent: "hide", argumentId: String(argumentId), reason: "Names a real colleague" })).status).toBe(200);

    const seenByParticipant = await caseRoute.loader({ request: app.get(`/cases/${SLUG}`, other.cookie), params, context: {} });
    const hidden = seenByParticipant.debate.threads.find((t) => t.id === argumentId)!;
    expect(hidden.status).toBe("hidden");
    expect(hidden.html).toBeNull();

    await act(facilitator, { intent: "restore", argumentId: String(argumentId), reason: "Name removed by the author" });
    const admin = await app.person("admin");
    const audit = await auditRoute.loader({ request: app.get("/admin/audit", admin.cookie), params: {}, context: {} });
    expect(audit.entries.map((e) => e.action).slice(0, 2)).toEqual(["argument.restored", "argument.hidden"]);
    expect(audit.entries[1]!.detail).toContain("Names a real colleague");
  });

  it("soft-deletes at the author's request, keeping the thread's replies", async () => {
    expect((await act(other, { intent: "delete", argumentId: String(argumentId) })).status).toBe(403);
    expect((await act(author, { intent: "delete", argumentId: String(argumentId) })).status).toBe(200);
    const row = await app.db().selectFrom("arguments").select("status").where("id", "=", argumentId).executeTakeFirstOrThrow();
    expect(row.status).toBe("deleted");
    const page = await caseRoute.loader({ request: app.get(`/cases/${SLUG}`), params, context: {} });
    const node = page.debate.threads.find((t) => t.id === argumentId)!;
    expect(node.html).toBeNull();
    expect(node.authorName).toBe("");
    expect(node.replies.length).toBe(1);
  });
});
