import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";
import { serveWorkshopEvents, type WorkshopEventsServer } from "../support/workshop-events";

// Found trying the endpoint by hand (branch tryout): Express routes HEAD to the GET handler, and a
// HEAD response never sends its headers (Node ignores writes to a body-less response), so the
// facilitator's HEAD gets no status line at all while it is counted as an open stream.
const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const { existingSingleton } = await import("../../app/platform/singleton.server");

let server: WorkshopEventsServer;
let workshopId: number;
let facilitator: { id: number; cookie: string };

beforeAll(async () => {
  facilitator = await app.person("facilitator", "manager");
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: "background-check", title: "Head room", perspectives: "employee", resultsMode: "live" }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  workshopId = Number(created.headers.get("Location")!.split("/").pop());
  server = await serveWorkshopEvents();
});

afterAll(async () => {
  await server.close();
  await app.cleanup();
});

it("answers the facilitator's HEAD of the stream at once, and keeps no stream open for it", async () => {
  const status = await new Promise<number | "no answer">((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, method: "HEAD", path: `/workshops/${workshopId}/events`, headers: { Cookie: facilitator.cookie } }, (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    req.on("error", () => resolve("no answer"));
    setTimeout(() => {
      resolve("no answer");
      req.destroy();
    }, 2000);
    req.end();
  });
  expect(status).not.toBe("no answer");
  const live = existingSingleton<{ connectionsByAudience(): Record<string, number> }>("workshop-broadcaster");
  expect(Object.values(live?.connectionsByAudience() ?? {}).reduce((a, b) => a + b, 0)).toBe(0);
});
