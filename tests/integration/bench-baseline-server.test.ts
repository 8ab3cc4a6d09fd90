/**
 * The benchmark's bare server (tests/bench/baseline-server.ts) is a limit only if it does the
 * vote's real work: it must refuse what the app refuses for the same form, store what it
 * acknowledges, and put the new count on the streams. Run in this process on a temporary file.
 */
import SQLite from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BASELINE_WORKSHOP, createBaselineServer } from "../bench/baseline-server";
import { Http, joinWorkshop, OPTION_IDS, vote, VOTE_ACK, voteValues } from "../reliability/harness";

describe("the bench's bare baseline server", () => {
  let dir: string;
  let server: Server;
  let client: Http;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "casebook-baseline-"));
    server = createBaselineServer(join(dir, "baseline.sqlite"), 0);
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    client = new Http((server.address() as { port: number }).port, { maxSockets: Infinity });
  });

  afterEach(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores an acknowledged vote, one row per perspective, and streams the new count", async () => {
    const frames: string[] = [];
    await client.stream(`/workshops/${BASELINE_WORKSHOP.id}/events`, "", (chunk) => frames.push(chunk.toString("utf8")));
    const device = await joinWorkshop(client, BASELINE_WORKSHOP.code, "Phone 1");

    const reply = await vote(client, BASELINE_WORKSHOP.code, device, voteValues(0, 0));

    expect(reply.status).toBe(200);
    expect(reply.body).toContain(VOTE_ACK);
    await expect.poll(() => frames.join("")).toContain('"answered":{"1":1}');
    const sqlite = new SQLite(join(dir, "baseline.sqlite"), { readonly: true });
    const rows = sqlite.prepare("select perspective, option_id as optionId from votes order by perspective").all();
    sqlite.close();
    expect(rows).toEqual([
      { perspective: "employee", optionId: OPTION_IDS.employee![0] },
      { perspective: "employer", optionId: OPTION_IDS.employer![1] },
    ]);
  });

  it("refuses a device that has not joined, an unknown option and a judgement off the scale", async () => {
    const device = await joinWorkshop(client, BASELINE_WORKSHOP.code, "Phone 1");
    const form = (option: string, judgement: string) =>
      new URLSearchParams({ "option-employee": option, "judgement-employee": judgement, "option-employer": OPTION_IDS.employer![0]!, "judgement-employer": "0" });
    const path = `/w/${BASELINE_WORKSHOP.code}/vote`;

    expect((await vote(client, BASELINE_WORKSHOP.code, "casebook_device=nobody", voteValues(0, 0))).status).toBe(403);
    expect((await client.request("POST", path, { cookie: device, form: form("not-an-option", "0") })).status).toBe(400);
    expect((await client.request("POST", path, { cookie: device, form: form(OPTION_IDS.employee![0]!, "4") })).status).toBe(400);
    const sqlite = new SQLite(join(dir, "baseline.sqlite"), { readonly: true });
    expect(sqlite.prepare("select count(*) as n from votes").get()).toEqual({ n: 0 });
    sqlite.close();
  });
});
