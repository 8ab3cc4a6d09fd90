import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";

const app = await startApp({ kThreshold: 5 });
const listRoute = await import("../../app/routes/workshops._index");
const panelRoute = await import("../../app/routes/workshops.$id");
const joinRoute = await import("../../app/routes/join.($code)");
const { phoneVoteEndpoint } = await import("../../app/workshops/phone-vote-endpoint.server");
const { findWorkshop } = await import("../../app/models/workshops.server");

let server: Server;
let base: string;
let workshopId: number;
let code: string;
let facilitatorCookie: string;

interface Answer {
  intent: string;
  errors: Record<string, string>;
  message?: string;
  myVotes?: { round: number; perspective: string; option: string; judgement: number }[];
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Answer; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } });
  const text = await response.text();
  expect(text, "no stack trace").not.toMatch(/\n\s+at /);
  return { status: response.status, body: JSON.parse(text) as Answer, headers: response.headers };
}

const aVote = new URLSearchParams({
  "option-employee": "delay-the-report-and-help-him-get-it-expunged",
  "judgement-employee": "2",
  "option-employer": "fire-the-screener",
  "judgement-employer": "-1",
}).toString();

async function control(intent: string) {
  const response = (await settle(() =>
    panelRoute.action({ request: app.post(`/workshops/${workshopId}`, { intent }, facilitatorCookie), params: { id: String(workshopId) }, context: {} }),
  )) as Response;
  expect(response.status).toBe(200);
}

async function joinDevice(displayName: string): Promise<string> {
  const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName }), params: {}, context: { clientIp: "198.51.100.9" } }))) as Response;
  expect(response.status).toBe(302);
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

beforeAll(async () => {
  const facilitator = await app.person("facilitator", "manager");
  facilitatorCookie = facilitator.cookie;
  const created = (await settle(() =>
    listRoute.action({
      request: app.post("/workshops", { caseSlug: "background-check", title: "Endpoint room", perspectives: "employee", resultsMode: "live" }, facilitator.cookie),
      params: {},
      context: {},
    }),
  )) as Response;
  workshopId = Number(created.headers.get("Location")!.split("/").pop());
  await app
    .db()
    .updateTable("workshops")
    .set({ perspectives: JSON.stringify(["employee", "employer"]) })
    .where("id", "=", workshopId)
    .execute();
  code = (await findWorkshop(app.db(), workshopId))!.code;

  const web = express();
  web.use(phoneVoteEndpoint());
  await new Promise<void>((ready) => {
    server = web.listen(0, "127.0.0.1", () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
  await app.cleanup();
});

describe("POST /w/:code/vote", () => {
  it("refuses a device that has not joined, and an unknown code, with JSON that says what to do", async () => {
    const stranger = await post(`/w/${code}/vote`, aVote);
    expect(stranger.status).toBe(403);
    expect(stranger.body.errors.form).toBe(`Join the workshop first, at /join/${code}.`);
    const unknown = await post(`/w/${code === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ"}/vote`, aVote);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors.form).toMatch(/No workshop has this code/);
  });

  it("refuses a vote while no round is open, and stores nothing", async () => {
    const device = await joinDevice("Early");
    const early = await post(`/w/${code}/vote`, aVote, { Cookie: device });
    expect(early.status).toBe(409);
    expect(early.body.errors.form).toMatch(/Voting is not open/);
    expect(await app.db().selectFrom("workshop_votes").selectAll().execute()).toHaveLength(0);
  });

  it("stores a vote and answers with the person's votes as stored", async () => {
    for (let i = 0; i < 5; i += 1) await control("next"); // lobby, four case stages, the vote
    const device = await joinDevice("Voter");
    const answer = await post(`/w/${code.toLowerCase()}/vote`, aVote, { Cookie: device });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Cache-Control")).toBe("no-store");
    expect(answer.body.message).toMatch(/^Your vote is in\./);
    expect(answer.body.myVotes!.map((v) => [v.perspective, v.judgement]).sort()).toEqual([
      ["employee", 2],
      ["employer", -1],
    ]);
    const changed = await post(`/w/${code}/vote`, aVote.replace("judgement-employee=2", "judgement-employee=-3"), { Cookie: device });
    expect(changed.status).toBe(200);
    const rows = await app.db().selectFrom("workshop_votes").select(["perspective", "judgement"]).where("workshop_id", "=", workshopId).execute();
    expect(rows.sort((a, b) => a.perspective.localeCompare(b.perspective))).toEqual([
      { perspective: "employee", judgement: -3 },
      { perspective: "employer", judgement: -1 },
    ]);
  });

  it("takes votes only, whatever the form's intent says", async () => {
    const device = await joinDevice("Sneaky");
    const answer = await post(`/w/${code}/vote`, "intent=submit&kind=argument&body=Hello", { Cookie: device });
    expect(answer.status).toBe(400);
    expect(answer.body.errors["option-employee"]).toBe("Choose what you would do as the employee.");
    expect(await app.db().selectFrom("workshop_submissions").selectAll().execute()).toHaveLength(0);
  });

  it("names the field that is wrong, and reads a repeated field by its first value", async () => {
    const device = await joinDevice("Careless");
    const wrong = await post(`/w/${code}/vote`, aVote.replace("option-employer=fire-the-screener", "option-employer=0"), { Cookie: device });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual({ "option-employer": "Choose what you would do as the employer." });
    const repeated = await post(`/w/${code}/vote`, `${aVote}&judgement-employee=7`, { Cookie: device });
    expect(repeated.status).toBe(200);
  });

  it("answers an unreadable or oversized body with a 4xx and a message, never a 500", async () => {
    const device = await joinDevice("Odd");
    const charset = await post(`/w/${code}/vote`, aVote, { Cookie: device, "Content-Type": "application/x-www-form-urlencoded; charset=latin-9" });
    expect(charset.status).toBe(415);
    expect(charset.body.errors.form).toMatch(/UTF-8 form/);
    const huge = await post(`/w/${code}/vote`, `${aVote}&padding=${"x".repeat(20_000)}`, { Cookie: device });
    expect(huge.status).toBe(413);
    expect(huge.body.errors.form).toBe("That vote is too large to read.");
    const json = await post(`/w/${code}/vote`, JSON.stringify({ "option-employee": 1 }), { Cookie: device, "Content-Type": "application/json" });
    expect(json.status).toBe(400);
  });

  it("refuses once voting closes, keeping the stored vote", async () => {
    const device = await joinDevice("Late");
    await control("close-voting");
    const late = await post(`/w/${code}/vote`, aVote, { Cookie: device });
    expect(late.status).toBe(409);
    const stored = await app.db().selectFrom("workshop_votes").select("participant_id").distinct().where("workshop_id", "=", workshopId).execute();
    expect(stored.length).toBeGreaterThan(0);
  });
});
