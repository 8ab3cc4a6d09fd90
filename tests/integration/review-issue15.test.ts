/**
 * Review of issue 15 as a new user and a slightly hostile one (newuser-15). Each `it.fails` is a
 * defect found: its comment says what happens and what should. They pass (as expected failures)
 * while the defect stands; when it is fixed, turn `it.fails` into `it`.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const app = await startApp({ kThreshold: 5 });
const editRoute = await import("../../app/routes/cases.$slug_.edit");
const joinRoute = await import("../../app/routes/join.($code)");
const phoneRoute = await import("../../app/routes/w.$code");
const panelRoute = await import("../../app/routes/workshops.$id");
const { caseFormValues } = await import("../../app/domain/case-form");
const { findCaseBySlug, importCaseFiles } = await import("../../app/models/cases.server");
const { readFileSync } = await import("node:fs");
const { findWorkshop, saveStageState } = await import("../../app/models/workshops.server");
afterAll(() => app.cleanup());

type Person = Awaited<ReturnType<typeof app.person>>;
const newKey = () => `review-${randomUUID()}`;

/** The author publishes the case's employee options from the editor, with the editor's questions answered by `answers`. */
async function editOptions(author: Person, slug: string, options: string[], answers: Record<string, string> = {}) {
  const found = (await findCaseBySlug(app.db(), slug))!;
  const values: Record<string, string | string[]> = { ...caseFormValues(found.doc), "perspective-0-options": options.join("\n"), ...answers };
  const fields = new URLSearchParams({ intent: "publish" });
  for (const [key, value] of Object.entries(values)) for (const v of Array.isArray(value) ? value : [value]) fields.append(key, v);
  const request = new Request(`http://casebook.test/cases/${slug}/edit`, { method: "POST", body: fields, headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: author.cookie } });
  const response = (await settle(() => editRoute.action({ request, params: { slug }, context: {} }))) as Response;
  return { status: response.status, body: response.status === 302 ? null : await json<{ errors: Record<string, string> }>(response) };
}

async function employeeOptions(slug: string) {
  return (await findCaseBySlug(app.db(), slug))!.doc.perspectives.find((p) => p.key === "employee")!.options;
}

describe("the editor's rewording question (ADR 017)", () => {
  /*
   * Defect: the editor asks "rewording of … or a new option?" and the author answers "a new
   * option", but when the line's wording was offered by an OLDER version (removed since), the
   * save gives the line that old option's id anyway (identifyOptions matches plain wordings
   * against history after the editor's decision is dropped). Old answers to the removed option
   * are silently merged into the option the author declared new. ADR 017 says: "an author who
   * wants a truly new option with an old option's wording says 'a new option' in the editor".
   * Steps: v1 A,B,C → publish A,B (C removed) → publish A,C (B removed, C's wording back); the
   * editor asks about "C"; answer "a new option". Expected: "C" gets a new id (c-2). Actual: c.
   */
  it("gives a line the author called 'a new option' a new id, even when an older version offered that wording", async () => {
    const slug = "off-script";
    const author = await app.person("author");
    const v1 = await employeeOptions(slug);
    const [, removedFirst, comesBack] = v1;
    expect(
      (
        await editOptions(
          author,
          slug,
          v1.filter((o) => o.id !== comesBack!.id).map((o) => o.text),
        )
      ).status,
    ).toBe(302);

    const texts = v1.filter((o) => o.id !== removedFirst!.id).map((o) => o.text);
    const index = texts.indexOf(comesBack!.text);
    const asked = await editOptions(author, slug, texts);
    expect(asked.status).toBe(400);
    expect(asked.body!.errors[`perspective-0-option-${index}-origin`]).toMatch(/rewords an option that is no longer in the list, or is a new option/);

    const saved = await editOptions(author, slug, texts, { [`perspective-0-option-${index}-origin`]: "new", [`perspective-0-option-${index}-origin-text`]: comesBack!.text });
    expect(saved.status).toBe(302);
    const now = (await employeeOptions(slug)).find((o) => o.text === comesBack!.text)!;
    expect(now.id).not.toBe(comesBack!.id);
  });
});

describe("toggles sent from two pages (ADR 016)", () => {
  const address = { clientIp: "198.51.100.77" };

  async function setUp() {
    const workshop = await app.backgroundCheckWorkshop(`Two tabs ${randomUUID().slice(0, 6)}`);
    await saveStageState(app.db(), workshop.id, { stage: "discussion", votingOpen: false, revealedRounds: [] }, []);
    const newPhone = async (name: string) => {
      const response = (await settle(() =>
        joinRoute.action({ request: app.post("/join", { code: workshop.code, displayName: name, idempotencyKey: newKey() }), params: {}, context: address }),
      )) as Response;
      return response.headers.get("Set-Cookie")!.split(";")[0]!;
    };
    const phone = async (cookie: string, fields: Record<string, string>) => {
      const response = (await settle(() => phoneRoute.action({ request: app.post(`/w/${workshop.code}`, fields, cookie), params: { code: workshop.code }, context: address }))) as Response;
      return { status: response.status, body: await json<{ message?: string }>(response) };
    };
    const writer = await newPhone("Writer");
    const body = `A question ${randomUUID()}`;
    expect((await phone(writer, { intent: "submit", kind: "question", body, idempotencyKey: newKey() })).status).toBe(200);
    const id = (await app.db().selectFrom("workshop_submissions").select("id").where("body", "=", body).executeTakeFirstOrThrow()).id;
    return { workshop, newPhone, phone, id };
  }

  /*
   * Defect: "Spotlight" is a toggle with no stated target. The facilitator has the control panel
   * open in two tabs (or an admin co-runs the room); both show "Spotlight" for the same question
   * and both are clicked. Each form has its own key, so the second is not a repeat: it takes the
   * spotlight OFF. ADR 016 fixed exactly this class for stage moves (`from`), not for toggles.
   * Expected: a control that says "spotlight #12" leaves #12 spotlighted (the form should carry
   * the wanted state, e.g. spotlight=on/off, as stage moves carry `from`). Actual: no spotlight.
   */
  it("keeps a submission spotlighted when 'Spotlight' is sent from two pages at once", async () => {
    const { workshop, id } = await setUp();
    const facilitator = await app.person("admin");
    const control = async (fields: Record<string, string>) =>
      (await settle(() => panelRoute.action({ request: app.post(`/workshops/${workshop.id}`, fields, facilitator.cookie), params: { id: String(workshop.id) }, context: {} }))) as Response;
    const responses = await Promise.all([0, 1].map(() => control({ intent: "spotlight", submissionId: String(id), idempotencyKey: newKey() })));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect((await findWorkshop(app.db(), workshop.id))!.spotlightSubmissionId).toBe(id);
  });

  /*
   * Defect (same class, on a phone): the upvote button is a toggle (aria-pressed). A phone with
   * the room open in two tabs, or a page whose live update stalled, shows "▲ upvote" twice; both
   * are tapped. Each has its own key, so the second removes the upvote the person just gave.
   * Expected: an upvote sent from a page that showed "not upvoted" upvotes (or answers "already
   * upvoted"); only a form that showed "remove my upvote" removes it. Actual: removed.
   */
  it("keeps a phone's upvote when 'upvote' is sent from two pages that both showed it not upvoted", async () => {
    const { newPhone, phone, id } = await setUp();
    const reader = await newPhone("Reader");
    const first = await phone(reader, { intent: "upvote", submissionId: String(id), idempotencyKey: newKey() });
    const second = await phone(reader, { intent: "upvote", submissionId: String(id), idempotencyKey: newKey() });
    expect([first.body.message, second.status]).toEqual(["Upvoted.", 200]);
    expect(await app.db().selectFrom("workshop_upvotes").selectAll().where("submission_id", "=", id).execute()).toHaveLength(1);
  });
});

describe("rewording an option in a case file (ADR 017)", () => {
  const slug = "the-overpayment";
  const path = `cases/${slug}.md`;
  const original = readFileSync(path, "utf8");
  const REPORT = "Report it through the normal process and say nothing to him";
  const WARN = "Warn him privately before you report it";

  /*
   * Defect: a hand-edited file that names an id the case never had is taken as a brand-new
   * option, silently. An author rewording "Report it through the normal process and say nothing
   * to him" writes the id they would expect (the wording, hyphenated):
   *   - { id: report-it-through-the-normal-process-and-say-nothing-to-him, text: Report it through the usual process … }
   * but the stored id was cut at 48 characters mid-word ("…-and-say-not"), and ids are shown on
   * no page, so the guess misses. cases:check says "1 file OK", cases:import says "updated", and
   * every earlier answer becomes "option no longer offered"; a ballot open on the old version is
   * refused with 409. Expected: the import names the unknown id (a problem, or at least a warning
   * listing the case's ids for that perspective), since an explicit id exists to say "same option".
   */
  it("tells the author when a file names an option id this case never had", async () => {
    const edited = original.replace(
      `      - ${REPORT}\n`,
      `      - { id: report-it-through-the-normal-process-and-say-nothing-to-him, text: Report it through the usual process and say nothing to him }\n`,
    );
    expect(edited).not.toBe(original);
    const report = await importCaseFiles(app.db(), [{ path, source: edited }]);
    expect(report.updated).toEqual([slug]);
    expect(JSON.stringify(report)).toContain("report-it-through-the-normal-process-and-say-nothing-to-him");
  });

  /*
   * Defect (usability, issue 15 item 2 for files): rewording an option in place in a case file,
   * as every file in cases/ is written (plain wordings), makes a new option and retires the old
   * one with all its answers, and the import only says "updated". The editor asks "rewording or
   * new?"; a file import neither asks nor tells. Expected: the import report (and
   * /admin/case-problems) warns that option "Warn him privately…" (id warn-him-privately-before-
   * you-report-it) left the list while a new wording arrived, and shows how to write the rewording
   * (`- { id: warn-him-privately-before-you-report-it, text: … }`).
   */
  it("warns when a file rewords an option in place, naming the id that would keep its answers", async () => {
    const edited = original.replace(`      - ${WARN}\n`, "      - Give him a private heads-up before you report it\n");
    expect(edited).not.toBe(original);
    const report = await importCaseFiles(app.db(), [{ path, source: edited }], { force: true });
    expect(report.updated).toEqual([slug]);
    expect(JSON.stringify(report)).toContain("warn-him-privately-before-you-report-it");
  });
});
