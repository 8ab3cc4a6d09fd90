/**
 * Issue 15, items 1 and 2 (ADR 017): an answer names its option by a stable identity, so a ballot
 * shown before the author moved the options still records what the person picked, a rewording
 * decided in the editor is the same option in results, and a form the server can no longer map
 * safely is refused without losing what was saved.
 */
import { afterAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const K = 5;
const app = await startApp({ kThreshold: K });
const caseRoute = await import("../../app/routes/cases.$slug");
const editRoute = await import("../../app/routes/cases.$slug_.edit");
const resultsRoute = await import("../../app/routes/cases.$slug_.results");
const compareRoute = await import("../../app/routes/workshops.$id_.compare");
const { caseFormValues } = await import("../../app/domain/case-form");
const { findCaseBySlug } = await import("../../app/models/cases.server");
const { createWorkshop, saveStageState } = await import("../../app/models/workshops.server");
const { joinWorkshop } = await import("../../app/models/participants.server");
const { castWorkshopVotes } = await import("../../app/models/workshop-votes.server");
afterAll(() => app.cleanup());

type Person = Awaited<ReturnType<typeof app.person>>;
const SLUG = "the-overpayment";
const WARN = "Warn him privately before you report it";
const HAND = "Hand the file to a colleague because of the conflict";

/** The case page as a person's browser loads it. */
async function casePage(person: Person, slug = SLUG) {
  return caseRoute.loader({ request: app.get(`/cases/${slug}`, person.cookie), params: { slug }, context: {} });
}

/** What the page's employee ballot posts when the person picks `label`: the fields of the form as rendered. */
function ballotFor(page: Awaited<ReturnType<typeof casePage>>, label: string, judgement: number): Record<string, string> {
  const option = page.perspectives.find((p) => p.key === "employee")!.options.find((o) => o.text === label)!;
  return { intent: "position", perspective: "employee", option: option.id, version: String(page.version), judgement: String(judgement), legal: "unsure", confidence: "medium" };
}

async function send(person: Person, fields: Record<string, string>, slug = SLUG) {
  const response = (await settle(() => caseRoute.action({ request: app.post(`/cases/${slug}`, fields, person.cookie), params: { slug }, context: {} }))) as Response;
  return { status: response.status, body: await json<{ errors: Record<string, string>; message?: string }>(response) };
}

/** The author saves the case's employee options in the editor, answering the editor's questions with `answers`. */
async function editEmployeeOptions(author: Person, options: string[], answers: Record<string, string> = {}, slug = SLUG) {
  const found = (await findCaseBySlug(app.db(), slug))!;
  const values: Record<string, string | string[]> = { ...caseFormValues(found.doc), "perspective-0-options": options.join("\n"), ...answers };
  const fields = new URLSearchParams({ intent: "publish" });
  for (const [key, value] of Object.entries(values)) for (const v of Array.isArray(value) ? value : [value]) fields.append(key, v);
  const request = new Request(`http://casebook.test/cases/${slug}/edit`, { method: "POST", body: fields, headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: author.cookie } });
  const response = (await settle(() => editRoute.action({ request, params: { slug }, context: {} }))) as Response;
  return {
    status: response.status,
    body: response.status === 302 ? null : await json<{ errors: Record<string, string>; optionQuestions?: Record<number, { field: string; text: string }[]> }>(response),
  };
}

async function currentAnswer(person: Person, slug = SLUG) {
  return (await casePage(person, slug)).debate.current.employee;
}

describe("a ballot shown before the author changed the options (issue 15, item 1)", () => {
  it("records the option the person picked when a version published meanwhile only reordered the options", async () => {
    const author = await app.person("author");
    const dana = await app.person("participant", "frontline");
    const page = await casePage(dana);
    const before = page.perspectives.find((p) => p.key === "employee")!.options.map((o) => o.text);
    const picked = ballotFor(page, WARN, 2);

    // The author moves the last option to the top and publishes, while Dana's page is open.
    expect((await editEmployeeOptions(author, [before[3]!, before[0]!, before[1]!, before[2]!])).status).toBe(302);
    expect((await findCaseBySlug(app.db(), SLUG))!.version).toBe(page.version + 1);

    const sent = await send(dana, picked);
    expect(sent.status).toBe(200);
    expect(await currentAnswer(dana)).toMatchObject({ option: WARN });
  });

  it("refuses a ballot whose option the current version removed, naming the option field, and keeps the answer saved before", async () => {
    const author = await app.person("author");
    const eli = await app.person("participant", "manager");
    expect((await send(eli, ballotFor(await casePage(eli), WARN, 1))).status).toBe(200);
    const page = await casePage(eli);
    const stale = ballotFor(page, HAND, -1);
    const options = page.perspectives.find((p) => p.key === "employee")!.options.map((o) => o.text);
    expect(
      (
        await editEmployeeOptions(
          author,
          options.filter((o) => o !== HAND),
        )
      ).status,
    ).toBe(302);

    const sent = await send(eli, stale);
    expect(sent.status).toBe(409);
    expect(sent.body.errors.option).toMatch(/“Hand the file to a colleague because of the conflict” is no longer offered/);
    expect(await currentAnswer(eli)).toMatchObject({ option: WARN, judgement: 1 });
    // Put back for the tests below (the same wording is the same option again).
    expect((await editEmployeeOptions(author, options)).status).toBe(302);
  });

  it("refuses a ballot sent as the options' positions were, without the version shown, naming the field", async () => {
    const fay = await app.person("participant");
    const sent = await send(fay, { intent: "position", perspective: "employee", option: "1", judgement: "2", legal: "unsure", confidence: "medium" });
    expect(sent.status).toBe(400);
    expect(sent.body.errors).toEqual({ version: expect.stringMatching(/does not say which version of the case it showed/) });
    const forged = await send(fay, { ...ballotFor(await casePage(fay), WARN, 2), option: "resign-on-the-spot" });
    expect(forged.status).toBe(400);
    expect(forged.body.errors.option).toBe("Choose one of the options shown.");
    const future = await send(fay, { ...ballotFor(await casePage(fay), WARN, 2), version: "99" });
    expect(future.status).toBe(400);
    expect(future.body.errors.version).toMatch(/does not exist/);
    expect(await currentAnswer(fay)).toBeUndefined();
  });
});

describe("a rewording is the same option (issue 15, item 2)", () => {
  const slug = "the-quiet-fix";

  it("asks the author whether a changed wording rewords an option or is new, then counts the reworded option as one", async () => {
    const author = await app.person("author");
    const reader = await app.person("facilitator", "other");
    const first = (await casePage(reader, slug)).perspectives.find((p) => p.key === "employee")!.options;
    const original = first[0]!;
    const people: Person[] = [];
    for (let i = 0; i < K; i += 1) {
      const person = await app.person("participant", "frontline");
      people.push(person);
      const page = await casePage(person, slug);
      for (const perspective of ["employee", "employer"] as const) {
        const option = page.perspectives.find((p) => p.key === perspective)!.options[0]!;
        expect((await send(person, { intent: "position", perspective, option: option.id, version: String(page.version), judgement: "3", legal: "unsure", confidence: "medium" }, slug)).status).toBe(
          200,
        );
      }
    }

    // The author rewords the first option in place: the editor asks, naming the select.
    const reworded = `${original.text}, after checking with legal`;
    const texts = [reworded, ...first.slice(1).map((o) => o.text)];
    const asked = await editEmployeeOptions(author, texts, {}, slug);
    expect(asked.status).toBe(400);
    expect(asked.body!.errors["perspective-0-option-0-origin"]).toMatch(/rewords an option that is no longer in the list, or is a new option/);
    expect(asked.body!.optionQuestions?.[0]).toEqual([expect.objectContaining({ field: "perspective-0-option-0-origin", text: reworded })]);
    const saved = await editEmployeeOptions(author, texts, { "perspective-0-option-0-origin": original.id, "perspective-0-option-0-origin-text": reworded }, slug);
    expect(saved.status).toBe(302);

    // Everyone re-answers with the same (reworded) option and only a softer judgement.
    for (const person of people) {
      const page = await casePage(person, slug);
      const option = page.perspectives.find((p) => p.key === "employee")!.options.find((o) => o.text === reworded)!;
      expect(option.id).toBe(original.id);
      expect(
        (await send(person, { intent: "position", perspective: "employee", option: option.id, version: String(page.version), judgement: "1", legal: "unsure", confidence: "medium" }, slug)).status,
      ).toBe(200);
    }

    const data = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, reader.cookie), params: { slug }, context: {} });
    if (data.locked) throw new Error("the facilitator reads results without answering");
    const employee = data.results.perspectives.find((p) => p.key === "employee")!;
    expect(employee.options.filter((o) => o.count > 0)).toEqual([{ id: original.id, label: reworded, count: K, offered: true }]);
    // Same option, judgement softened: K people now at +1 who first answered something else.
    const at = (steps: { value: number; count: number }[], value: number) => steps.find((s) => s.value === value)!.count;
    expect(at(employee.shift.firstJudgements, 3)).toBe(K);
    expect(at(employee.judgements, 1)).toBe(K);
  });
});

describe("workshops on different versions of a case", () => {
  const slug = "no-authority";

  it("line up a reworded option on the comparison page", async () => {
    const author = await app.person("author");
    const facilitator = await app.person("facilitator");
    const runRoom = async (title: string, optionIndex: number) => {
      const found = (await findCaseBySlug(app.db(), slug))!;
      const workshop = await createWorkshop(app.db(), {
        caseId: found.id,
        caseVersionId: found.versionId,
        facilitatorUserId: facilitator.id,
        title,
        perspectives: ["employee"],
        twoRounds: false,
        resultsMode: "live",
        askStanding: false,
      });
      await saveStageState(app.db(), workshop.id, { stage: "vote-1", votingOpen: true, revealedRounds: [] }, []);
      const option = found.doc.perspectives.find((p) => p.key === "employee")!.options[optionIndex]!;
      for (let i = 0; i < K; i += 1) {
        const joined = await joinWorkshop(app.db(), { workshopId: workshop.id, tokenHash: `${title}-${i}`, displayName: null, standing: null });
        if (!joined.joined) throw new Error("the phone must join");
        await castWorkshopVotes(app.db(), {
          workshopId: workshop.id,
          participantId: joined.participant.id,
          round: 1,
          movedBySubmissionId: null,
          answers: [{ perspective: "employee", option, judgement: 1 }],
        });
      }
      return workshop;
    };

    const spring = await runRoom("Spring", 0);
    await saveStageState(app.db(), spring.id, { stage: "ended", votingOpen: false, revealedRounds: [] }, []);
    const first = (await findCaseBySlug(app.db(), slug))!.doc.perspectives.find((p) => p.key === "employee")!.options;
    const reworded = `${first[0]!.text} straight away`;
    const texts = [reworded, ...first.slice(1).map((o) => o.text)];
    expect((await editEmployeeOptions(author, texts, { "perspective-0-option-0-origin": first[0]!.id, "perspective-0-option-0-origin-text": reworded }, slug)).status).toBe(302);
    const autumn = await runRoom("Autumn", 0);

    const data = await compareRoute.loader({ request: app.get(`/workshops/${autumn.id}/compare`, facilitator.cookie), params: { id: String(autumn.id) }, context: {} });
    const employee = data.perspectives.find((p) => p.key === "employee")!;
    expect(employee.options[0]).toEqual({ id: first[0]!.id, text: reworded });
    const lines = Object.fromEntries(employee.lines.map((line) => [line.label.includes("Spring") ? "Spring" : line.label, line.shares?.[0]]));
    expect(lines).toMatchObject({ "This workshop": 1, Spring: 1 });
  });
});
