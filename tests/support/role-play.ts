/**
 * The set-up the role-play workshop tests share (ADR 028, ADR 032), through the routes as the
 * server calls them: a published case whose roles carry briefs of the test's choosing, and the
 * forms a role-play room's people send (the facilitator's controls, a phone joining, a phone's
 * page data). Call both after `startApp`, which the route modules need loaded first.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { json, settle, type startApp } from "../integration/app-under-test";

type App = Awaited<ReturnType<typeof startApp>>;
type Person = Awaited<ReturnType<App["person"]>>;

/**
 * Imports `cases/background-check.md` as a published case `slug` titled `title`, with one role
 * per perspective whose brief is the Markdown given (put a marker in each to find where a brief
 * reaches), and the rehearsal prompts given (none unless asked). Fails the test if the import
 * reports a problem.
 */
export async function importRolePlayCase(
  app: App,
  slug: string,
  title: string,
  briefs: { employee: string; employer: string },
  rehearsals: { perspective: "employee" | "employer"; prompt: string; modelAnswers: string }[] = [],
): Promise<void> {
  const { importCaseFiles } = await import("../../app/models/cases.server");
  const { parseCaseFile, serializeCaseFile } = await import("../../app/domain/case-file");
  const background = parseCaseFile(readFileSync("cases/background-check.md", "utf8"));
  if (!background.ok) throw new Error("fixture must parse");
  const doc = {
    ...background.doc,
    slug,
    title,
    roles: [
      { perspective: "employee" as const, markdown: briefs.employee },
      { perspective: "employer" as const, markdown: briefs.employer },
    ],
    rehearsals,
  };
  const report = await importCaseFiles(app.db(), [{ path: `cases/${slug}.md`, source: serializeCaseFile(doc) }]);
  expect(report.problems).toEqual([]);
}

/**
 * A role-play room's forms, bound to `app`. `facilitator` is asked for the signed-in facilitator
 * each time a control is sent without another sender (tests sign them in in `beforeAll`).
 *
 * @returns newAddress (a new client address from 203.0.113.0/24 each call, so no network spends
 *   its join budget), control (a control as the panel's form posts it, with a fresh idempotency
 *   key unless one is given: status, whether it was a replay, and the JSON body), join (a phone
 *   joins with a name and standing; its device cookie) and phoneData (the phone page's loader
 *   data; throws for a removed phone)
 */
export async function rolePlayForms(app: App, facilitator: () => Person) {
  const panelRoute = await import("../../app/routes/workshops.$id");
  const joinRoute = await import("../../app/routes/join.($code)");
  const phoneRoute = await import("../../app/routes/w.$code");

  let address = 0;
  const newAddress = () => `203.0.113.${(address += 1)}`;

  let keys = 0;
  async function control(workshopId: number, intent: string, extra: Record<string, string> = {}, who: Person = facilitator(), key = `test-key-${(keys += 1)}-abcdefghijklmnop`) {
    const response = (await settle(() =>
      panelRoute.action({ request: app.post(`/workshops/${workshopId}`, { intent, idempotencyKey: key, ...extra }, who.cookie), params: { id: String(workshopId) }, context: {} }),
    )) as Response;
    return { status: response.status, replayed: response.headers.get("Idempotent-Replayed") === "true", body: await json<{ ok: boolean; message: string }>(response) };
  }

  async function join(code: string, displayName: string, standing: string) {
    const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName, standing }), params: {}, context: { clientIp: newAddress() } }))) as Response;
    expect(response.status).toBe(302);
    return response.headers.get("Set-Cookie")!.split(";")[0]!;
  }

  async function phoneData(code: string, cookie: string) {
    const data = await phoneRoute.loader({ request: app.get(`/w/${code}`, cookie), params: { code }, context: { clientIp: newAddress() } });
    if (data.removed) throw new Error("removed");
    return data;
  }

  return { newAddress, control, join, phoneData };
}
