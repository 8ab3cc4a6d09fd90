/**
 * A number typed into a form is decimal digits, within what the database stores: a spreadsheet's
 * "3e0", a hex "0x3", padded " 3" or an id past PostgreSQL's 32-bit integer are refused with the
 * field's message and a 400, never read as some other number (which acted on another account)
 * nor sent to the database (where PostgreSQL's out-of-range error was a 500).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";

const app = await startApp();
afterAll(() => app.cleanup());
const adminRoute = await import("../../app/routes/admin._index");
const caseRoute = await import("../../app/routes/cases.$slug");
const { findUserById } = await import("../../app/models/users.server");
const { findCaseBySlug } = await import("../../app/models/cases.server");
const workshopRoute = await import("../../app/routes/workshops.$id");
const historyRoute = await import("../../app/routes/cases.$slug_.history");
const { readWholeNumber } = await import("../../app/domain/whole-number");

const BASE = "http://casebook.test";

function post(path: string, fields: Record<string, string>, cookie: string): Request {
  return new Request(`${BASE}${path}`, { method: "POST", body: new URLSearchParams(fields), headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie } });
}

/** What an action returned or threw, with its status: a thrown or returned Response's, else 200. */
async function outcome(run: () => Promise<unknown>): Promise<{ status: number; body: string }> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, body: await result.text() };
  const data = (result as { data?: unknown; init?: { status?: number } } | null) ?? {};
  return { status: data.init?.status ?? 200, body: JSON.stringify(data.data ?? result) };
}

describe("numbers in forms", () => {
  it("refuses an account id written any way but decimal digits, or past the database's integers, and changes nobody's role", async () => {
    const admin = await app.person("admin");
    const target = await app.person("participant");
    for (const userId of [`${target.id}e0`, `0x${target.id.toString(16)}`, ` ${target.id}`, `${target.id}.0`, `+${target.id}`, "", "99999999999", "2147483648"]) {
      const answer = await outcome(() => adminRoute.action({ request: post("/admin", { userId, role: "author" }, admin.cookie), params: {}, context: {} }));
      expect({ userId, status: answer.status }).toEqual({ userId, status: 400 });
      expect(answer.body).toContain("Unknown user.");
    }
    expect((await findUserById(app.db(), target.id))?.role).toBe("participant");
  });

  it("refuses a judgement or case version written as an exponent, in hex or padded, beside the field", async () => {
    const person = await app.person("participant");
    const found = (await findCaseBySlug(app.db(), "background-check"))!;
    const option = found.doc.perspectives[0]!.options[0]!.id;
    const ballot = { intent: "position", perspective: "employee", option, version: String(found.versionId), judgement: "1", legal: "yes", confidence: "medium" };
    for (const [field, value, message] of [
      ["judgement", "1e0", "Choose a judgement on the scale."],
      ["judgement", "0x1", "Choose a judgement on the scale."],
      ["judgement", " 1", "Choose a judgement on the scale."],
      ["version", `${found.versionId}e0`, "This form does not say which version of the case it showed"],
      ["version", "99999999999", "This form does not say which version of the case it showed"],
    ] as const) {
      const answer = await outcome(() =>
        caseRoute.action({ request: post("/cases/background-check", { ...ballot, [field]: value }, person.cookie), params: { slug: "background-check" }, context: {} }),
      );
      expect({ field, value, status: answer.status }).toEqual({ field, value, status: 400 });
      expect(answer.body).toContain(message);
    }
    const saved = await outcome(() => caseRoute.action({ request: post("/cases/background-check", ballot, person.cookie), params: { slug: "background-check" }, context: {} }));
    expect(saved.status).toBe(200);
  });
});

describe("numbers in addresses", () => {
  it("reads decimal digits within the database's integers, and nothing else", () => {
    expect(["12", "1", "2147483647"].map((raw) => readWholeNumber(raw, { min: 1 }))).toEqual([12, 1, 2147483647]);
    for (const raw of ["", " 1", "1 ", "1e0", "0x1", "+1", "1.0", "0", "2147483648", "99999999999", null, undefined]) expect(readWholeNumber(raw, { min: 1 })).toBeNull();
  });

  it("answers a workshop address whose id is not decimal digits, or past the database's integers, with a 404", async () => {
    const workshop = await app.backgroundCheckWorkshop("Numbers in addresses");
    const facilitator = await app.db().selectFrom("workshops").select("facilitator_user_id").where("id", "=", workshop.id).executeTakeFirstOrThrow();
    const { signIn } = await import("../../app/accounts/auth.server");
    const cookie = ((await signIn(new Request(`${BASE}/login`), facilitator.facilitator_user_id, "/")).headers.get("Set-Cookie") ?? "").split(";")[0]!;
    const open = (id: string) => outcome(() => workshopRoute.loader({ request: new Request(`${BASE}/workshops/${id}`, { headers: { Cookie: cookie } }), params: { id }, context: {} }));
    expect((await open(String(workshop.id))).status).toBe(200);
    for (const id of [`${workshop.id}e0`, `0x${workshop.id.toString(16)}`, "99999999999", "2147483648"]) expect({ id, status: (await open(id)).status }).toEqual({ id, status: 404 });
  });

  it("answers a case history asked for a version written as an exponent, or past the database's integers, with a 404", async () => {
    const reader = await app.person("author");
    const history = (query: string) =>
      outcome(() =>
        historyRoute.loader({ request: new Request(`${BASE}/cases/background-check/history${query}`, { headers: { Cookie: reader.cookie } }), params: { slug: "background-check" }, context: {} }),
      );
    for (const query of ["?to=1e0", "?from=0x1&to=1", "?to=99999999999", "?from=2147483648&to=1"]) expect({ query, status: (await history(query)).status }).toEqual({ query, status: 404 });
  });
});
