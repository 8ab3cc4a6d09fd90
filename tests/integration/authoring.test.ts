import { afterAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const app = await startApp();
const newRoute = await import("../../app/routes/cases.new");
const editRoute = await import("../../app/routes/cases.$slug_.edit");
const caseRoute = await import("../../app/routes/cases.$slug");
const uploadRoute = await import("../../app/routes/cases.upload");
const { findCaseBySlug, listCaseVersions } = await import("../../app/models/cases.server");
const { caseFormValues } = await import("../../app/domain/case-form");
const { readFileSync } = await import("node:fs");
const { parseCaseFile } = await import("../../app/domain/case-file");
afterAll(() => app.cleanup());

/** The editor's form as a browser posts it: checkboxes repeat their name. */
function formOf(values: Record<string, string | string[]>, intent: string): URLSearchParams {
  const fields = new URLSearchParams({ intent });
  for (const [key, value] of Object.entries(values)) for (const v of Array.isArray(value) ? value : [value]) fields.append(key, v);
  return fields;
}

async function submit(route: typeof newRoute.action, path: string, fields: URLSearchParams | Record<string, string>, cookie: string, params: Record<string, string> = {}) {
  const request = new Request(`http://casebook.test${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  });
  return (await settle(() => route({ request, params, context: {} }))) as Response;
}

const background = parseCaseFile(readFileSync("cases/background-check.md", "utf8"));
if (!background.ok) throw new Error("fixture must parse");

describe("the case editor", () => {
  it("is refused to participants and facilitators, by address and by post", async () => {
    for (const role of ["participant", "facilitator"] as const) {
      const someone = await app.person(role);
      expect(((await settle(() => newRoute.loader({ request: app.get("/cases/new", someone.cookie), params: {}, context: {} }))) as Response).status).toBe(403);
      expect((await submit(newRoute.action, "/cases/new", { title: "x" }, someone.cookie)).status).toBe(403);
      const edit = (await settle(() =>
        editRoute.action({ request: app.post("/cases/background-check/edit", { intent: "archive" }, someone.cookie), params: { slug: "background-check" }, context: {} }),
      )) as Response;
      expect(edit.status).toBe(403);
    }
    expect((await findCaseBySlug(app.db(), "background-check"))?.status).toBe("published");
  });

  it("saves a new case as a draft only authors see, then publishes it", async () => {
    const author = await app.person("author");
    const doc = { ...background.doc, slug: "a-second-check", title: "A second check" };
    const saved = await submit(newRoute.action, "/cases/new", formOf(caseFormValues(doc), "save"), author.cookie);
    expect(saved.status).toBe(302);
    expect((await findCaseBySlug(app.db(), "a-second-check"))?.status).toBe("draft");

    const participant = await app.person("participant");
    const hidden = (await settle(() => caseRoute.loader({ request: app.get("/cases/a-second-check", participant.cookie), params: { slug: "a-second-check" }, context: {} }))) as Response;
    expect(hidden.status).toBe(404);
    const seen = await caseRoute.loader({ request: app.get("/cases/a-second-check", author.cookie), params: { slug: "a-second-check" }, context: {} });
    expect(seen.status).toBe("draft");

    const published = await submit(editRoute.action, "/cases/a-second-check/edit", formOf(caseFormValues(doc), "publish"), author.cookie, { slug: "a-second-check" });
    expect(published.status).toBe(302);
    expect((await findCaseBySlug(app.db(), "a-second-check"))?.status).toBe("published");
  });

  it("adds a version for each content change and keeps the old ones", async () => {
    const author = await app.person("author");
    const renamed = { ...background.doc, perspectives: background.doc.perspectives.map((p, i) => (i === 0 ? { ...p, options: [{ text: "Report it at once" }, ...p.options.slice(1)] } : p)) };
    // The first option's wording changed: the author says it is a new option (ADR 017).
    const decided = { ...caseFormValues(renamed), "perspective-0-option-0-origin": "new", "perspective-0-option-0-origin-text": "Report it at once" };
    const response = await submit(editRoute.action, "/cases/background-check/edit", formOf(decided, "publish"), author.cookie, { slug: "background-check" });
    expect(response.status).toBe(302);
    const found = (await findCaseBySlug(app.db(), "background-check"))!;
    expect(found.version).toBe(2);
    expect(found.doc.perspectives[0]!.options[0]).toEqual({ id: "report-it-at-once", text: "Report it at once" });
    expect((await listCaseVersions(app.db(), found.id)).map((v) => [v.version, v.origin])).toEqual([
      [2, "app"],
      [1, "file"],
    ]);
  });

  it("answers an invalid form with 400, errors on their fields and every value kept", async () => {
    const author = await app.person("author");
    const values = { ...caseFormValues(background.doc), title: "", "perspective-1-options": "Only one", summary: "  Kept as typed  " };
    const response = await submit(editRoute.action, "/cases/background-check/edit", formOf(values, "publish"), author.cookie, { slug: "background-check" });
    expect(response.status).toBe(400);
    const body = await json<{ errors: Record<string, string>; values: Record<string, string> }>(response);
    expect(Object.keys(body.errors)).toEqual(expect.arrayContaining(["title", "perspective-1-options"]));
    expect(body.values.summary).toBe("  Kept as typed  ");
    expect((await findCaseBySlug(app.db(), "background-check"))?.version).toBe(2);
  });

  it("refuses a form naming an action the editor does not have (400), saving nothing", async () => {
    const author = await app.person("author");
    const before = (await findCaseBySlug(app.db(), "background-check"))?.version;
    const values = { ...caseFormValues(background.doc), summary: "Changed by an unknown action" };
    const response = await submit(editRoute.action, "/cases/background-check/edit", formOf(values, "overwrite"), author.cookie, { slug: "background-check" });
    expect(response.status).toBe(400);
    expect((await json<{ errors: Record<string, string> }>(response)).errors.form).toBe("Unknown action.");
    expect((await findCaseBySlug(app.db(), "background-check"))?.version).toBe(before);
  });

  it("archives and restores, keeping the case's data", async () => {
    const author = await app.person("author");
    const archive = (await settle(() =>
      editRoute.action({ request: app.post("/cases/background-check/edit", { intent: "archive" }, author.cookie), params: { slug: "background-check" }, context: {} }),
    )) as Response;
    expect(archive.status).toBe(302);
    expect((await findCaseBySlug(app.db(), "background-check"))?.status).toBe("archived");
    await settle(() => editRoute.action({ request: app.post("/cases/background-check/edit", { intent: "restore" }, author.cookie), params: { slug: "background-check" }, context: {} }));
    expect((await findCaseBySlug(app.db(), "background-check"))?.status).toBe("published");
  });
});

describe("uploading a case file", () => {
  async function upload(source: string, name: string, cookie: string) {
    const form = new FormData();
    form.set("file", new File([source], name, { type: "text/markdown" }));
    const request = new Request("http://casebook.test/cases/upload", { method: "POST", body: form, headers: { Cookie: cookie } });
    return (await settle(() => uploadRoute.action({ request, params: {}, context: {} }))) as Response;
  }

  it("reports a broken file with line numbers and saves nothing", async () => {
    const author = await app.person("author");
    const response = await upload("---\nslug: broken-upload\ntitle: Broken\n---\n\n## Stage: One\n\nText.\n", "broken.md", author.cookie);
    expect(response.status).toBe(400);
    const body = await json<{ problems: string[] }>(response);
    expect(body.problems[0]).toMatch(/^broken\.md:\d+: /);
    expect(await findCaseBySlug(app.db(), "broken-upload")).toBeUndefined();
  });

  it("creates a draft from a good file", async () => {
    const author = await app.person("author");
    const source = readFileSync("cases/off-script.md", "utf8").replace("slug: off-script", "slug: off-script-uploaded");
    expect((await upload(source, "whatever-name.md", author.cookie)).status).toBe(302);
    expect((await findCaseBySlug(app.db(), "off-script-uploaded"))?.status).toBe("draft");
  });
});
