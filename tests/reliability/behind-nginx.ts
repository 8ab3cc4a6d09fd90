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
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReliabilityTest, TestContext } from "./context";
import { freePort, makeWorkspace, ROOT, Server, sleep } from "./harness";

/** The ```nginx block after `<!-- name: … -->` in the README. */
export function readmeBlock(readme: string, name: string): string {
  const marker = readme.indexOf(`<!-- ${name}:`);
  if (marker < 0) throw new Error(`README.md has no <!-- ${name}: … --> block`);
  const match = /```nginx\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!match) throw new Error(`README.md: no \`\`\`nginx block after <!-- ${name}: … -->`);
  return match[1]!;
}

/** Replaces one line of the README's config, failing loudly when the README changed it. */
function swap(config: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(config)) throw new Error(`The README's nginx block no longer has ${pattern}; update tests/reliability/behind-nginx.ts with it`);
  return config.replace(pattern, replacement);
}

/** An nginx binary: on PATH, or Debian's package unpacked into `dir`. Null when neither works. */
function findNginx(dir: string, ctx: TestContext): string | null {
  for (const candidate of ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]) if (existsSync(candidate)) return candidate;
  const onPath = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  if (spawnSync("sh", ["-c", "command -v apt-get && command -v dpkg"]).status !== 0) return null;
  ctx.log("nginx is not installed: fetching Debian's package (apt-get download) into a temporary folder");
  const download = spawnSync("apt-get", ["download", "nginx"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  const deb = readdirSync(dir).find((file) => file.startsWith("nginx_") && file.endsWith(".deb"));
  if (!deb) {
    ctx.log(`apt-get download nginx failed: ${(download.stderr || download.stdout).trim().split("\n").pop()}`);
    return null;
  }
  const unpacked = join(dir, "nginx-package");
  if (spawnSync("dpkg", ["-x", join(dir, deb), unpacked]).status !== 0) return null;
  const binary = join(unpacked, "usr/sbin/nginx");
  return existsSync(binary) && spawnSync(binary, ["-v"]).status === 0 ? binary : null;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to nginx from 127.0.0.2, accepting the throwaway certificate. */
function request(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", port, method, path, localAddress: "127.0.0.2", rejectUnauthorized: false, headers: { ...headers, ...(body !== undefined ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
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
    const dir = mkdtempSync(join(tmpdir(), "casebook-nginx-"));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const nginx = findNginx(dir, ctx);
    if (!nginx) {
      ctx.check(process.env.CASEBOOK_REQUIRE_SERVICES !== "1", "nginx is installed or Debian's package can be fetched");
      ctx.log("skipped: no nginx, and Debian's package could not be fetched");
      ctx.note("skipped", "no nginx");
      return;
    }

    const workspace = makeWorkspace("nginx");
    ctx.defer(() => workspace.remove());
    const app = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { TRUST_PROXY: "1", LOG_LEVEL: "debug", HOST: "127.0.0.1" } });
    ctx.defer(() => app.stop());
    await app.start();

    // A throwaway certificate for 127.0.0.1.
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1", "-keyout", key, "-out", cert], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);

    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const port = await freePort();
    let site = readmeBlock(readme, "nginx-site");
    site = swap(site, /^(\s*)upstream casebook \{[\s\S]*?\n\1\}/m, `upstream casebook {\n    server 127.0.0.1:${app.port};\n    keepalive 32;\n}`);
    site = swap(site, /listen 443 ssl;/, `listen 127.0.0.1:${port} ssl;`);
    site = swap(site, /ssl_certificate\s+\S+;/, `ssl_certificate ${cert};`);
    site = swap(site, /ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${key};`);
    for (const temp of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, temp));
    const config = [
      // As root, nginx's workers would run as nobody, who cannot read this test's private folder.
      process.getuid?.() === 0 ? "user root;" : "",
      "daemon off;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${join(dir, "error.log")} warn;`,
      readmeBlock(readme, "nginx-main"),
      "http {",
      `  access_log ${join(dir, "access.log")};`,
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((temp) => `  ${temp}_temp_path ${join(dir, temp)};`),
      site,
      "}",
    ].join("\n");
    const configPath = join(dir, "nginx.conf");
    writeFileSync(configPath, config);
    const checked = spawnSync(nginx, ["-t", "-p", dir, "-c", configPath], { encoding: "utf8" });
    ctx.check(checked.status === 0, `nginx -t accepts the README's configuration: ${checked.stderr.trim()}`);
    if (checked.status !== 0) return;

    const proxy: ChildProcess = spawn(nginx, ["-p", dir, "-c", configPath], { stdio: ["ignore", "ignore", "pipe"] });
    let proxyErrors = "";
    proxy.stderr!.on("data", (chunk: Buffer) => (proxyErrors += chunk.toString("utf8")));
    ctx.defer(async () => {
      if (proxy.exitCode === null) proxy.kill("SIGQUIT");
      await Promise.race([new Promise((resolve) => proxy.once("exit", resolve)), sleep(5_000)]);
      if (proxy.exitCode === null) proxy.kill("SIGKILL");
    });
    for (let i = 0; i < 50; i += 1) {
      const up = await request(port, "GET", "/livez").catch(() => null);
      if (up?.status === 200) break;
      if (proxy.exitCode !== null) throw new Error(`nginx exited: ${proxyErrors}`);
      await sleep(100);
    }

    const origin = `https://127.0.0.1:${port}`;
    const form = { "Content-Type": "application/x-www-form-urlencoded", Origin: origin, "Sec-Fetch-Site": "same-origin" };

    // A browser's sign-up: its Origin and Host carry the port; a forged X-Forwarded-For must not be believed.
    const signup = await request(port, "POST", "/signup", { ...form, "X-Forwarded-For": "203.0.113.9" }, new URLSearchParams({ email: "nginx@casebook.test", displayName: "Proxy", password: "reliability-password-1", redirectTo: "" }).toString());
    ctx.check(signup.status === 302, `a browser's sign-up through nginx is accepted (302), not refused as cross-site (${signup.status} ${signup.body.slice(0, 120)})`);
    const session = cookieOf(signup, "__Host-casebook_session");
    ctx.check(session !== null && /;\s*Secure/i.test(session), `the app saw https: its session cookie is the __Host- one, Secure (${JSON.stringify(signup.headers["set-cookie"])})`);
    // The README has nginx send its own $request_id (32 hex digits), so both logs name the request alike.
    const requestId = String(signup.headers["x-request-id"]);
    ctx.check(/^[0-9a-f]{32}$/.test(requestId), `nginx's request id reaches the app and comes back (${requestId})`);
    const cookie = session?.split(";")[0] ?? "";

    // What the app logged for it: the client's address (127.0.0.2), not nginx's nor the forged one, and https.
    await sleep(200);
    const line = app.log.map((text) => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return null;
      }
    }).find((entry) => entry?.event === "request" && entry.reqId === requestId);
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
    const stream = https.get({ host: "127.0.0.1", port, path: `/workshops/${workshopId}/events`, localAddress: "127.0.0.2", rejectUnauthorized: false, headers: { Cookie: cookie, Accept: "text/event-stream" } }, (res) => {
      ctx.check(res.statusCode === 200 && String(res.headers["content-type"]).startsWith("text/event-stream"), `the live stream opens through nginx (${res.statusCode})`);
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        for (const match of chunk.matchAll(/^event: (.*)$/gm)) events.push({ name: match[1]!, at: Date.now() });
      });
    });
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
    const metrics = await request(port, "GET", "/metrics");
    ctx.check(metrics.status === 404 && !metrics.body.includes("casebook_"), `/metrics is not served through nginx (${metrics.status})`);
  },
};
