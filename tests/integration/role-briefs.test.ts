/**
 * Role briefs, rehearsal prompts and model answers (ADR 027) are withheld by the server as
 * facilitator notes are, and more narrowly: only authors and admins receive them. A case is written
 * in the editor with a marker in each, then read as every other audience reads a case and a room on
 * it: loader data (what `.data` sends), the source, the live snapshots, and both exports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";

const app = await startApp();
const newRoute = await import("../../app/routes/cases.new");
const editRoute = await import("../../app/routes/cases.$slug_.edit");
const caseRoute = await import("../../app/routes/cases.$slug");
const sourceRoute = await import("../../app/routes/cases.$slug_.source");
const libraryRoute = await import("../../app/routes/_index");
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const projectorRoute = await import("../../app/routes/workshops.$id_.projector");
const joinRoute = await import("../../app/routes/join.($code)");
const phoneRoute = await import("../../app/routes/w.$code");
const debriefRoute = await import("../../app/routes/workshops.$id_.debrief[.]md");
const csvRoute = await import("../../app/routes/workshops.$id_.positions[.]csv");
const { findCaseBySlug } = await import("../../app/models/cases.server");
const { importCaseFiles } = await import("../../app/models/cases.server");
const { loadWorkshopStates } = await import("../../app/workshops/live-state.server");
const { findWorkshop, saveStageState } = await import("../../app/models/workshops.server");
const { caseFormValues } = await import("../../app/domain/case-form");
const { parseCaseFile, withoutRoleSections } = await import("../../app/domain/case-file");
const { readFileSync } = await import("node:fs");
afterAll(() => app.cleanup());

const SLUG = "the-held-line";
/** One marker per withheld section: none may reach anyone but authors and admins. */
const MARKERS = ["BRIEFEMPLOYEE4417", "BRIEFEMPLOYER5521", "REHEARSALPROMPT8830", "MODELANSWER2291"];

const background = parseCaseFile(readFileSync("cases/background-check.md", "utf8"));
if (!background.ok) throw new Error("fixture must parse");
const withRoles = {
  ...background.doc,
  slug: SLUG,
  title: "The held line",
  roles: [
    { perspective: "employee" as const, markdown: `You know something: **${MARKERS[0]}**.` },
    { perspective: "employer" as const, markdown: `The firm knows something else: ${MARKERS[1]}.` },
  ],
  rehearsals: [{ perspective: "employee" as const, prompt: `What do you say? ${MARKERS[2]}`, modelAnswers: `- "I hear you." ${MARKERS[3]}` }],
};

/** The editor's form as a browser posts it: checkboxes repeat their name. */
function formOf(values: Record<string, string | string[]>, intent: string): URLSearchParams {
  const fields = new URLSearchParams({ intent });
  for (const [key, value] of Object.entries(values)) for (const v of Array.isArray(value) ? value : [value]) fields.append(key, v);
  return fields;
}

function postForm(path: string, fields: URLSearchParams, cookie: string): Request {
  return new Request(`http://casebook.test${path}`, { method: "POST", body: fields, headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie } });
}

function expectNoMarker(value: unknown, where: string) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const marker of MARKERS) expect(text, `${where} carries ${marker}`).not.toContain(marker);
}

async function text(response: unknown): Promise<string> {
  if (!(response instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(response)}`);
  return response.text();
}

type Person = Awaited<ReturnType<typeof app.person>>;
let author: Person;

beforeAll(async () => {
  author = await app.person("author");
  const saved = (await settle(() => newRoute.action({ request: postForm("/cases/new", formOf(caseFormValues(withRoles), "save"), author.cookie), params: {}, context: {} }))) as Response;
  expect(saved.status).toBe(302);
  const found = (await findCaseBySlug(app.db(), SLUG))!;
  const published = (await settle(() =>
    editRoute.action({ request: postForm(`/cases/${SLUG}/edit`, formOf(caseFormValues(found.doc), "publish"), author.cookie), params: { slug: SLUG }, context: {} }),
  )) as Response;
  expect(published.status).toBe(302);
});

describe("role briefs through the editor and the import", () => {
  it("stores what the editor's fields say as role, rehearsal and model answers sections of the file", async () => {
    const found = (await findCaseBySlug(app.db(), SLUG))!;
    expect(found.status).toBe("published");
    expect(found.doc.roles).toEqual(withRoles.roles);
    expect(found.doc.rehearsals).toEqual(withRoles.rehearsals);
    const source = await text(await sourceRoute.loader({ request: app.get(`/cases/${SLUG}/source`, author.cookie), params: { slug: SLUG }, context: {} }));
    expect(source).toContain("\n## Role: employee\n\nYou know something:");
    expect(source).toContain("\n## Model answers: employee\n\n");
  });

  it("gives the editor back every brief, and a file saved from it imports with the same briefs", async () => {
    const edit = await editRoute.loader({ request: app.get(`/cases/${SLUG}/edit`, author.cookie), params: { slug: SLUG }, context: {} });
    expect(edit.values).toMatchObject({
      "perspective-0-brief": withRoles.roles[0]!.markdown,
      "perspective-1-brief": withRoles.roles[1]!.markdown,
      "perspective-0-rehearsal": withRoles.rehearsals[0]!.prompt,
      "perspective-0-model-answers": withRoles.rehearsals[0]!.modelAnswers,
      "perspective-1-rehearsal": "",
    });
    // The exported file, renamed and imported as a case file: the import reads the same briefs.
    const source = await text(await sourceRoute.loader({ request: app.get(`/cases/${SLUG}/source?download=1`, author.cookie), params: { slug: SLUG }, context: {} }));
    const copy = source.replace(`slug: "${SLUG}"`, 'slug: "the-held-line-copy"');
    const report = await importCaseFiles(app.db(), [{ path: "cases/the-held-line-copy.md", source: copy }]);
    expect(report.problems).toEqual([]);
    const imported = (await findCaseBySlug(app.db(), "the-held-line-copy"))!;
    expect(imported.doc.roles).toEqual(withRoles.roles);
    expect(imported.doc.rehearsals).toEqual(withRoles.rehearsals);
  });

  it("refuses model answers without their rehearsal prompt on the model answers field", async () => {
    const found = (await findCaseBySlug(app.db(), SLUG))!;
    const values = { ...caseFormValues(found.doc), "perspective-1-model-answers": "- An answer to nothing." };
    const response = (await settle(() => editRoute.action({ request: postForm(`/cases/${SLUG}/edit`, formOf(values, "publish"), author.cookie), params: { slug: SLUG }, context: {} }))) as Response;
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors["perspective-1-model-answers"]).toContain("rehearsal prompt");
  });
});

describe("role briefs are withheld from everyone but authors and admins", () => {
  it("never reach an anonymous reader's, a participant's or a facilitator's case page data, nor the library", async () => {
    for (const role of [null, "participant", "facilitator"] as const) {
      const cookie = role ? (await app.person(role)).cookie : undefined;
      const data = await caseRoute.loader({ request: app.get(`/cases/${SLUG}`, cookie), params: { slug: SLUG }, context: {} });
      expect(data.title).toBe("The held line");
      expectNoMarker(data, `the case page's data as ${role ?? "anonymous"}`);
      expectNoMarker(await libraryRoute.loader({ request: app.get("/", cookie), params: {}, context: {} }), `the library as ${role ?? "anonymous"}`);
    }
  });

  it("give a facilitator the source without them, still a valid case file with the rest as written", async () => {
    const facilitator = await app.person("facilitator");
    const theirs = await text(await sourceRoute.loader({ request: app.get(`/cases/${SLUG}/source`, facilitator.cookie), params: { slug: SLUG }, context: {} }));
    const full = await text(await sourceRoute.loader({ request: app.get(`/cases/${SLUG}/source`, author.cookie), params: { slug: SLUG }, context: {} }));
    for (const marker of MARKERS) expect(full).toContain(marker);
    expectNoMarker(theirs, "the facilitator's source");
    expect(theirs).toBe(withoutRoleSections(full));
    const parsed = parseCaseFile(theirs);
    expect(parsed.ok && parsed.doc.stages).toEqual(withRoles.stages);
    expect(parsed.ok && parsed.doc.facilitatorNotes).toBe(withRoles.facilitatorNotes);
  });

  it("never reach a room on the case: control panel, projector, phones, live snapshots and exports", async () => {
    const facilitator = await app.person("facilitator", "manager");
    const fields = new URLSearchParams({ caseSlug: SLUG, title: "Held line room", twoRounds: "on", resultsMode: "live" });
    fields.append("perspectives", "employee");
    fields.append("perspectives", "employer");
    const created = (await settle(() => listRoute.action({ request: postForm("/workshops", fields, facilitator.cookie), params: {}, context: {} }))) as Response;
    expect(created.status).toBe(302);
    const id = created.headers.get("Location")!.split("/").pop()!;
    const workshop = (await findWorkshop(app.db(), Number(id)))!;
    const params = { id };

    const joined = (await settle(() =>
      joinRoute.action({ request: app.post("/join", { code: workshop.code, displayName: "Sam", standing: "frontline" }), params: {}, context: { clientIp: "198.51.100.9" } }),
    )) as Response;
    const device = joined.headers.get("Set-Cookie")!.split(";")[0]!;

    // Every stage a room moves through, each audience read at each.
    for (const stage of ["lobby", "case-1", "vote-1", "results-1", "discussion", "vote-2", "shift", "ended"] as const) {
      await saveStageState(app.db(), workshop.id, { stage, votingOpen: stage.startsWith("vote"), revealedRounds: [1] }, []);
      const states = await loadWorkshopStates(workshop.id);
      expectNoMarker(states, `the live snapshots at ${stage}`);
      expectNoMarker(await panelRoute.loader({ request: app.get(`/workshops/${id}`, facilitator.cookie), params, context: {} }), `the control panel at ${stage}`);
      expectNoMarker(await projectorRoute.loader({ request: app.get(`/workshops/${id}/projector`, facilitator.cookie), params, context: {} }), `the projector at ${stage}`);
      const phone = await phoneRoute.loader({ request: app.get(`/w/${workshop.code}`, device), params: { code: workshop.code }, context: { clientIp: "198.51.100.9" } });
      expect(phone.removed).toBe(false);
      expectNoMarker(phone, `the phone at ${stage}`);
    }
    expectNoMarker(await text(await debriefRoute.loader({ request: app.get(`/workshops/${id}/debrief.md`, facilitator.cookie), params, context: {} })), "debrief.md");
    expectNoMarker(await text(await csvRoute.loader({ request: app.get(`/workshops/${id}/positions.csv`, facilitator.cookie), params, context: {} })), "positions.csv");
  });
});
