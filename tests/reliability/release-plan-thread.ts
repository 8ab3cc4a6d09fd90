/**
 * The production build plans a large case's results release on its worker thread (ADR 042):
 * build/server.js starts build/release-plan-worker.js, the plan is made there, and the results
 * page shows its release. A build without the worker, or one the thread cannot load, would still
 * release (on the event loop) and log `release-plan-thread-failed` and `release-plan-on-event-loop`: both are checked against.
 */
import SQLite from "better-sqlite3";
import type { ReliabilityTest } from "./context";
import { Http, makeWorkspace, Server, signUp } from "./harness";
import { seed } from "../bench/results-loader";
import type { CaseDocument } from "../../app/domain/case-file";

/** More people than LARGE_RELEASE_PEOPLE (2,000), whose release is planned on the thread. */
const PEOPLE = 2_100;

export const releasePlanThread: ReliabilityTest = {
  name: "release plans: the production build plans a large case on its worker thread",
  timeoutMs: 90_000,
  async run(ctx) {
    const workspace = makeWorkspace("release-plan-thread");
    ctx.defer(() => workspace.remove());
    const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, entry: "built" });
    ctx.defer(() => server.stop(5_000));
    await server.start(45_000);
    const client = new Http(server.port);
    ctx.defer(() => client.close());
    // The first account of a fresh install is an admin, who may read results without answering.
    const admin = await signUp(client, "release-admin@casebook.test", "Release Admin");

    const sqlite = new SQLite(workspace.databasePath, { readonly: true });
    const found = sqlite
      .prepare("select c.id, c.current_version_id as versionId, v.document from cases c join case_versions v on v.id = c.current_version_id where c.slug = 'background-check'")
      .get() as { id: number; versionId: number; document: string };
    sqlite.close();
    const doc = JSON.parse(found.document) as CaseDocument;
    const options = Object.fromEntries(doc.perspectives.map((p) => [p.key, p.options])) as Parameters<typeof seed>[4];
    seed(workspace.databasePath, found.id, found.versionId, PEOPLE, options);

    const page = await client.request("GET", "/cases/background-check/results", { headers: { Cookie: admin }, timeoutMs: 60_000 });
    ctx.check(page.status === 200, `the results page answers 200 (${page.status})`);
    // React writes <!-- --> between the sentence's parts.
    const counted = /counting(?:<!-- -->| )*([\d,]+) people/.exec(page.body)?.[1];
    ctx.check(counted === String(PEOPLE), `the results page shows the release of all ${PEOPLE} people (counting ${counted ?? "nobody"})`);
    const scraped = await client.request("GET", "/metrics", { timeoutMs: 5_000 });
    const worker = /^casebook_release_plans_total\{thread="worker"\} (\d+)/m.exec(scraped.body);
    ctx.check(worker !== null && Number(worker[1]) >= 1, `/metrics counts the plan on the worker thread (${worker?.[0] ?? "no such series"})`);
    ctx.check(!/release-plan-thread-failed|release-plan-on-event-loop/.test(server.log.join("\n")), `the server logged no failed release-plan thread (${server.tail(5)})`);
  },
};
