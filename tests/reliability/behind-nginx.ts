/**
 * The README's nginx configuration, run (issue 18 item 8): the two ```nginx blocks under
 * "Behind nginx" are read from README.md, given this test's ports and a throwaway certificate,
 * and put in front of one app process (TRUST_PROXY=1, as the README says). Through nginx over
 * HTTPS, from 127.0.0.2 so nginx's own address (127.0.0.1) and the client's differ:
 *  - a browser's sign-up and workshop creation (Origin, Host with its port) are not refused (403);
 *  - the app sees the client's address (not nginx's, nor one the client wrote itself) and https;
 *  - a live stream's events arrive as they happen (no buffering);
 *  - /metrics is not served.
 * nginx: the one on PATH, else Debian's package fetched with `apt-get download` and unpacked
 * into a temporary folder (no service installed or started). Skips (one line) without either,
 * unless CASEBOOK_REQUIRE_SERVICES=1.
 */
import https from "node:https";
import type { ReliabilityTest } from "./context";
import { makeWorkspace, Server, sleep } from "./harness";
import { startPrivateNginx } from "../support/private-nginx";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to nginx from 127.0.0.2, accepting the throwaway certificate. */
function request(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        localAddress: "127.0.0.2",
        rejectUnauthorized: false,
        headers: { ...headers, ...(body !== undefined ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

function cookieOf(answer: Answer, name: string): string | null {
  for (const header of (answer.headers["set-cookie"] as string[] | undefined) ?? []) if (header.startsWith(`${name}=`)) return header;
  return null;
}

export const behindNginx: ReliabilityTest = {
  name: "behind nginx: the README's configuration passes forms, the client's address and https, and live streams",
  timeoutMs: 180_000,
  async run(ctx) {
    const workspace = makeWorkspace("nginx");
    ctx.defer(() => workspace.remove());
    const app = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { TRUST_PROXY: "1", LOG_LEVEL: "debug", HOST: "127.0.0.1" } });
    ctx.defer(() => app.stop());
    await app.start();

    const proxy = await startPrivateNginx([app.port], (line) => ctx.log(line));
    if (!proxy) {
      ctx.check(process.env.CASEBOOK_REQUIRE_SERVICES !== "1", "nginx is installed or Debian's package can be fetched");
      ctx.log("skipped: no nginx, and Debian's package could not be fetched");
      ctx.note("skipped", "no nginx");
      return;
    }
    ctx.defer(() => proxy.stop());
    const { port } = proxy;
    for (let i = 0; i < 50; i += 1) {
      const up = await request(port, "GET", "/livez").catch(() => null);
      if (up?.status === 200) break;
      await sleep(100);
    }

    const origin = `https://127.0.0.1:${port}`;
    const form = { "Content-Type": "application/x-www-form-urlencoded", Origin: origin, "Sec-Fetch-Site": "same-origin" };

    // A browser's sign-up: its Origin and Host carry the port; a forged X-Forwarded-For must not be believed.
    const signup = await request(
      port,
      "POST",
      "/signup",
      { ...form, "X-Forwarded-For": "203.0.113.9" },
      new URLSearchParams({ email: "nginx@casebook.test", displayName: "Proxy", password: "reliability-password-1", redirectTo: "" }).toString(),
    );
    ctx.check(signup.status === 302, `a browser's sign-up through nginx is accepted (302), not refused as cross-site (${signup.status} ${signup.body.slice(0, 120)})`);
    const session = cookieOf(signup, "__Host-casebook_session");
    ctx.check(session !== null && /;\s*Secure/i.test(session), `the app saw https: its session cookie is the __Host- one, Secure (${JSON.stringify(signup.headers["set-cookie"])})`);
    // The README has nginx send its own $request_id (32 hex digits), so both logs name the request alike.
    const requestId = String(signup.headers["x-request-id"]);
    ctx.check(/^[0-9a-f]{32}$/.test(requestId), `nginx's request id reaches the app and comes back (${requestId})`);
    const cookie = session?.split(";")[0] ?? "";

    // What the app logged for it: the client's address (127.0.0.2), not nginx's nor the forged one, and https.
    await sleep(200);
    const line = app.log
      .map((text) => {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          return null;
        }
      })
      .find((entry) => entry?.event === "request" && entry.reqId === requestId);
    ctx.check(line?.ip === "127.0.0.2", `the app saw the client's address 127.0.0.2 (${String(line?.ip)})`);
    ctx.check(line?.protocol === "https", `the app saw https (${String(line?.protocol)})`);
    ctx.check(line?.level === "debug" && typeof line?.time === "string" && line?.msg === "request answered", `the app's log line is JSON with level, time, msg and reqId (${JSON.stringify(line)})`);

    // A form post as a signed-in browser: creating a workshop.
    const workshopForm = new URLSearchParams({ caseSlug: "background-check", title: "Behind nginx", resultsMode: "live" });
    workshopForm.append("perspectives", "employee");
    const created = await request(port, "POST", "/workshops", { ...form, Cookie: cookie }, workshopForm.toString());
    const workshopId = /\/workshops\/(\d+)$/.exec(String(created.headers.location ?? ""))?.[1];
    ctx.check(created.status === 302 && workshopId !== undefined, `creating a workshop through nginx is accepted (${created.status} ${created.body.slice(0, 120)})`);
    if (!workshopId) return;

    // The control panel's live stream: the first state at once, then each change as it happens.
    const events: { name: string; at: number }[] = [];
    const stream = https.get(
      { host: "127.0.0.1", port, path: `/workshops/${workshopId}/events`, localAddress: "127.0.0.2", rejectUnauthorized: false, headers: { Cookie: cookie, Accept: "text/event-stream" } },
      (res) => {
        ctx.check(res.statusCode === 200 && String(res.headers["content-type"]).startsWith("text/event-stream"), `the live stream opens through nginx (${res.statusCode})`);
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          for (const match of chunk.matchAll(/^event: (.*)$/gm)) events.push({ name: match[1]!, at: Date.now() });
        });
      },
    );
    stream.on("error", () => {});
    ctx.defer(() => void stream.destroy());
    for (let i = 0; i < 100 && events.length === 0; i += 1) await sleep(50);
    ctx.check(events.length >= 1 && events[0]!.name === "state", `the stream's first state arrives through nginx (${events.map((e) => e.name).join(", ")})`);
    const sent = Date.now();
    const next = await request(port, "POST", `/workshops/${workshopId}.data`, { ...form, Cookie: cookie }, new URLSearchParams({ intent: "next" }).toString());
    ctx.check(next.status === 200, `the facilitator's "next" through nginx is accepted (${next.status})`);
    for (let i = 0; i < 60 && events.length < 2; i += 1) await sleep(50);
    const arrived = events[1] ? events[1].at - sent : null;
    ctx.check(arrived !== null && arrived < 2_000, `the change reaches the stream through nginx at once, not when a buffer fills (${arrived ?? "never"} ms)`);
    if (arrived !== null) ctx.note("change to event through nginx (ms)", arrived);

    // Metrics stay private.
    for (const path of ["/metrics", "/metrics/", "/metrics?format=text"]) {
      const metrics = await request(port, "GET", path);
      ctx.check(metrics.status === 404 && !metrics.body.includes("casebook_"), `${path} is not served through nginx (${metrics.status})`);
    }
  },
};
