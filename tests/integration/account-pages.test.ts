import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";

/** Small things from issue 16 ("Accounts"), through the routes' loaders as the server calls them. */
const app = await startApp();
const signupRoute = await import("../../app/routes/signup");
const caseRoute = await import("../../app/routes/cases.$slug");
const workshopsRoute = await import("../../app/routes/workshops._index");
const BASE = "http://casebook.test";

const get = (path: string, cookie?: string) => new Request(`${BASE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });

async function run(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await fn();
  } catch (thrown) {
    return thrown;
  }
}

afterAll(async () => {
  await app.db().destroy();
});

describe("sign-up on an empty site", () => {
  it("says the first account becomes admin, and stops saying it once there is one", async () => {
    expect(((await signupRoute.loader({ request: get("/signup"), params: {}, context: {} })) as { firstAccount: boolean }).firstAccount).toBe(true);
    await app.person("participant");
    expect(((await signupRoute.loader({ request: get("/signup"), params: {}, context: {} })) as { firstAccount: boolean }).firstAccount).toBe(false);
  });
});

describe("Run as a workshop", () => {
  it("is offered only to people the workshops page lets in", async () => {
    for (const role of ["participant", "author", "facilitator", "admin"] as const) {
      const person = await app.person(role);
      const page = (await caseRoute.loader({ request: get("/cases/background-check", person.cookie), params: { slug: "background-check" }, context: {} })) as { mayRunWorkshop: boolean };
      const workshops = await run(() => workshopsRoute.loader({ request: get("/workshops?case=background-check", person.cookie), params: {}, context: {} }));
      const allowed = !(workshops instanceof Response && workshops.status === 403);
      expect(page.mayRunWorkshop, role).toBe(allowed);
      expect(page.mayRunWorkshop, role).toBe(role === "facilitator" || role === "admin");
    }
  });
});

describe("after publishing", () => {
  it("the case page confirms it, and ignores notices it does not know", async () => {
    const page = (await caseRoute.loader({ request: get("/cases/background-check?notice=published"), params: { slug: "background-check" }, context: {} })) as { notice: string | null };
    expect(page.notice).toMatch(/^Published\./);
    const other = (await caseRoute.loader({ request: get("/cases/background-check?notice=<script>"), params: { slug: "background-check" }, context: {} })) as { notice: string | null };
    expect(other.notice).toBeNull();
  });
});
