/**
 * TRUST_PROXY and what it lets a client claim. A setting that would let any client choose its
 * own address (and so its own rate-limit key) stops the server at start-up with a message; with
 * a hop count, the rate limits key on the address the proxy saw, whatever a client forges to
 * the left of it; and the Origin check compares the whole origin, scheme included, with the
 * site as the proxy saw it. Each test starts its own server (ports SECURITY_PORT+1, +2) on a
 * fresh database, so draining a rate limit here starves nobody else.
 */
import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SECURITY_PORT = Number(process.env.SECURITY_PORT ?? 3127);

/** Starts `server.ts` from the production build with these settings; stderr and stdout are collected. */
function startServer(port: number, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const dir = mkdtempSync(join(tmpdir(), "casebook-trust-proxy-"));
  mkdirSync(join(dir, "cases"));
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: join(dir, "casebook.sqlite"),
      CASES_DIR: join(dir, "cases"),
      DATABASE_URL: "",
      REDIS_URL: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function untilServing(base: string, server: ReturnType<typeof startServer>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`the server exited: ${server.output()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not start: ${server.output()}`);
}

test.describe("TRUST_PROXY", () => {
  test.describe.configure({ timeout: 60_000 });

  for (const [value, message] of [
    ["true", /TRUST_PROXY=true is refused: .*X-Forwarded-For.*TRUST_PROXY=1.*TRUST_PROXY=loopback/],
    ["0.0.0.0/0", /TRUST_PROXY="0\.0\.0\.0\/0" is refused: .*trusts every address/],
    ["10.0.0.300", /TRUST_PROXY="10\.0\.0\.300" is refused: "10\.0\.0\.300" is not an IP address/],
  ] as const) {
    test(`TRUST_PROXY=${value} stops the server at start-up with a message naming the variable and the safe values`, async () => {
      const server = startServer(SECURITY_PORT + 2, { TRUST_PROXY: value });
      const code = await Promise.race([server.exited, new Promise<"running">((r) => setTimeout(() => r("running"), 20_000))]);
      if (code === "running") server.child.kill("SIGTERM");
      expect(code, server.output()).not.toBe("running");
      expect(code).not.toBe(0);
      expect(server.output()).toMatch(message);
      expect(server.output(), "a message, not a stack trace").not.toMatch(/\n\s+at /);
    });
  }

  test("with TRUST_PROXY=1 the rate limit keys on the address the proxy saw, not a forged left-most X-Forwarded-For", async () => {
    const port = SECURITY_PORT + 1;
    const base = `http://127.0.0.1:${port}`;
    const server = startServer(port, { TRUST_PROXY: "1" });
    try {
      await untilServing(base, server);
      // The proxy appends the address it saw (203.0.113.7); the client writes a new address to its left every time.
      const logIn = (i: number, proxySaw: string) =>
        fetch(`${base}/login`, {
          method: "POST",
          redirect: "manual",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": `198.51.100.${i % 250}, ${proxySaw}` },
          body: new URLSearchParams({ email: `nobody${i}@proxy.test`, password: "not the password", redirectTo: "" }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 51; i += 1) statuses.push((await logIn(i, "203.0.113.7")).status);
      // 50 sign-in attempts per address per 15 minutes (RATE_LIMITS["login-address"]).
      expect(
        statuses.slice(0, 50).every((s) => s === 400),
        statuses.join(","),
      ).toBe(true);
      const limited = await logIn(51, "203.0.113.7");
      expect(limited.status).toBe(429);
      expect(await limited.text()).toContain("Too many sign-in attempts from your network");
      // Another address behind the same proxy is its own key.
      expect((await logIn(52, "203.0.113.8")).status).toBe(400);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  test("with TRUST_PROXY=1 behind https, a write whose Origin is the same host over http is refused", async () => {
    const port = SECURITY_PORT + 1;
    const base = `http://127.0.0.1:${port}`;
    const server = startServer(port, { TRUST_PROXY: "1" });
    try {
      await untilServing(base, server);
      // The proxy terminates TLS for casebook.example and says so in X-Forwarded-Proto and -Host.
      const signUp = (origin: string, email: string) =>
        fetch(`${base}/signup`, {
          method: "POST",
          redirect: "manual",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "casebook.example", "X-Forwarded-For": "203.0.113.9" },
          body: new URLSearchParams({ email, displayName: "Origin Probe", password: "a long enough password", redirectTo: "" }),
        });
      const plain = await signUp("http://casebook.example", "plain@proxy.test");
      expect(plain.status).toBe(403);
      expect(await plain.text()).toBe("Cross-site form submissions are refused. Please use Casebook's own pages.");
      const otherPort = await signUp("https://casebook.example:8443", "port@proxy.test");
      expect(otherPort.status).toBe(403);
      const same = await signUp("https://casebook.example", "same@proxy.test");
      expect(same.status, await same.text()).toBe(302);
      expect(same.headers.get("set-cookie")).toMatch(/^__Host-casebook_session=/);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});
