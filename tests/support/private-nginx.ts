/**
 * An nginx of the test's own, running the README's configuration (the ```nginx blocks after
 * `<!-- nginx-main: … -->` and `<!-- nginx-site: … -->` under "Behind nginx"), so the docs and
 * the tests cannot drift: only the ports, the upstream's servers, the certificate and the paths
 * of its own files are replaced. HTTPS on 127.0.0.1 with a throwaway certificate. The binary is
 * the one installed, else Debian's package fetched with `apt-get download` and unpacked into a
 * temporary folder (no service is installed or started). Used by tests/reliability/behind-nginx.ts
 * (one process behind it) and tests/ops/run.ts (three).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The ```nginx block after `<!-- name: … -->` in the README. */
export function readmeBlock(readme: string, name: string): string {
  const marker = readme.indexOf(`<!-- ${name}:`);
  if (marker < 0) throw new Error(`README.md has no <!-- ${name}: … --> block`);
  const match = /```nginx\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!match) throw new Error(`README.md: no \`\`\`nginx block after <!-- ${name}: … -->`);
  return match[1]!;
}

/** Replaces one part of the README's config, failing loudly when the README no longer has it. */
function swap(config: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(config)) throw new Error(`The README's nginx block no longer has ${pattern}; update tests/support/private-nginx.ts with it`);
  return config.replace(pattern, replacement);
}

/**
 * An nginx binary: installed, or Debian's package unpacked into `dir`. Null when neither works;
 * `say` hears what was tried.
 */
export function findNginx(dir: string, say: (line: string) => void = () => {}): string | null {
  for (const candidate of ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]) if (existsSync(candidate)) return candidate;
  const onPath = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  if (spawnSync("sh", ["-c", "command -v apt-get && command -v dpkg"]).status !== 0) return null;
  say("nginx is not installed: fetching Debian's package (apt-get download) into a temporary folder");
  const download = spawnSync("apt-get", ["download", "nginx"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  const deb = readdirSync(dir).find((file) => file.startsWith("nginx_") && file.endsWith(".deb"));
  if (!deb) {
    say(`apt-get download nginx failed: ${(download.stderr || download.stdout).trim().split("\n").pop()}`);
    return null;
  }
  const unpacked = join(dir, "nginx-package");
  if (spawnSync("dpkg", ["-x", join(dir, deb), unpacked]).status !== 0) return null;
  const binary = join(unpacked, "usr/sbin/nginx");
  return existsSync(binary) && spawnSync(binary, ["-v"]).status === 0 ? binary : null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const port = (server.address() as { port: number }).port;
  await new Promise((closed) => server.close(closed));
  return port;
}

export interface PrivateNginx {
  /** The HTTPS port nginx listens on (127.0.0.1). */
  port: number;
  /** The configuration file written (the README's blocks with this test's values). */
  configPath: string;
  /** nginx's error log so far. */
  errors(): string;
  /**
   * Rewrites the upstream with these app ports (a port marked `down` takes no new requests, as
   * the README's draining step says) and reloads nginx gracefully (SIGHUP).
   */
  setUpstreams(servers: { port: number; down?: boolean }[]): Promise<void>;
  /** Stops nginx (SIGQUIT, then SIGKILL) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts nginx with the README's configuration in front of `appPorts`; null when no nginx can be
 * found (the caller skips or fails, per CASEBOOK_REQUIRE_SERVICES). Throws when nginx refuses the
 * configuration or does not start.
 */
export async function startPrivateNginx(appPorts: number[], say: (line: string) => void = () => {}): Promise<PrivateNginx | null> {
  const dir = mkdtempSync(join(tmpdir(), "casebook-nginx-"));
  const nginx = findNginx(dir, say);
  if (!nginx) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1", "-keyout", key, "-out", cert], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  const port = await freePort();
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];
  for (const temp of temps) mkdirSync(join(dir, temp));
  const configPath = join(dir, "nginx.conf");

  const write = (servers: { port: number; down?: boolean }[]) => {
    let site = readmeBlock(readme, "nginx-site");
    // Each server line keeps the README's parameters (max_fails=0…); only the address is the test's.
    const parameters = /^\s*server\s+\S+((?:\s+[a-z_]+(?:=\S+)?)*)\s*;/m.exec(/upstream casebook \{[\s\S]*?\}/.exec(site)?.[0] ?? "")?.[1] ?? "";
    const upstream = servers.map((server) => `    server 127.0.0.1:${server.port}${parameters}${server.down ? " down" : ""};`).join("\n");
    site = swap(site, /^(\s*)upstream casebook \{[\s\S]*?\n\1\}/m, `upstream casebook {\n${upstream}\n    keepalive 32;\n}`);
    site = swap(site, /listen 443 ssl;/, `listen 127.0.0.1:${port} ssl;`);
    site = swap(site, /ssl_certificate\s+\S+;/, `ssl_certificate ${cert};`);
    site = swap(site, /ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${key};`);
    const config = [
      // As root, nginx's workers would run as nobody, who cannot read this private folder.
      process.getuid?.() === 0 ? "user root;" : "",
      "daemon off;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${join(dir, "error.log")} warn;`,
      readmeBlock(readme, "nginx-main"),
      "http {",
      `  access_log ${join(dir, "access.log")};`,
      ...temps.map((temp) => `  ${temp}_temp_path ${join(dir, temp)};`),
      site,
      "}",
    ].join("\n");
    writeFileSync(configPath, config);
    const checked = spawnSync(nginx, ["-t", "-p", dir, "-c", configPath], { encoding: "utf8" });
    if (checked.status !== 0) throw new Error(`nginx -t refuses the README's configuration: ${checked.stderr.trim()}`);
  };
  write(appPorts.map((p) => ({ port: p })));

  const child: ChildProcess = spawn(nginx, ["-p", dir, "-c", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise((done) => child.once("exit", done));
  const errors = () => stderr + (existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : "");
  // Listening: a TCP connection to its port succeeds.
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${errors()}`);
    const open = await new Promise<boolean>((answer) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => (socket.destroy(), answer(true)));
      socket.once("error", () => answer(false));
    });
    if (open) break;
    if (i > 100) throw new Error(`nginx did not listen within 10 s: ${errors()}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }

  return {
    port,
    configPath,
    errors,
    async setUpstreams(servers) {
      write(servers);
      child.kill("SIGHUP");
      // A reload starts new workers and lets the old ones finish; give it a moment.
      await new Promise((wait) => setTimeout(wait, 300));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGQUIT");
        await Promise.race([exited, new Promise((wait) => setTimeout(wait, 5_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
