/**
 * A private PostgreSQL cluster for one test: `initdb` in a temporary folder, `pg_ctl` on a port
 * of its own (TCP on 127.0.0.1, its socket in the same folder), so the test may stop, kill and
 * restart the database without touching any other server. Needs PostgreSQL's server binaries
 * (`initdb`, `pg_ctl`) on PATH or in /usr/lib/postgresql/<version>/bin. As root (which initdb
 * refuses) the cluster runs as the `postgres` user through `runuser`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../reliability/harness";

/** The folder holding initdb and pg_ctl, or null when PostgreSQL's server binaries are missing. */
export function postgresBinaries(): string | null {
  const which = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" });
  const onPath = which.status === 0 ? which.stdout.trim() : "";
  if (onPath && existsSync(onPath.replace(/pg_ctl$/, "initdb"))) return onPath.replace(/\/pg_ctl$/, "");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

/** The uid/gid to run the cluster as: ours, or the `postgres` user's when we are root. */
function clusterUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { name: "postgres", uid, gid };
}

export class PrivatePostgres {
  readonly dir: string;
  readonly dataDir: string;
  port = 0;
  private readonly bin: string;
  private readonly user: ReturnType<typeof clusterUser>;

  private constructor(bin: string) {
    this.bin = bin;
    this.user = clusterUser();
    this.dir = mkdtempSync(join(tmpdir(), "casebook-private-pg-"));
    if (this.user) chownSync(this.dir, this.user.uid, this.user.gid);
    this.dataDir = join(this.dir, "data");
  }

  /** Creates and starts a fresh cluster with a `casebook` database; throws when the binaries are missing. */
  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    if (!bin) throw new Error("PostgreSQL's server binaries (initdb, pg_ctl) are not installed.");
    const cluster = new PrivatePostgres(bin);
    cluster.port = await freePort();
    cluster.run("initdb", ["-D", cluster.dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
    cluster.start();
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${cluster.port}/postgres` });
    await admin.connect();
    try {
      await admin.query("create database casebook");
    } finally {
      await admin.end();
    }
    return cluster;
  }

  /** The app's DATABASE_URL for this cluster. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/casebook`;
  }

  private run(tool: string, args: string[], timeoutMs = 30_000): string {
    const path = join(this.bin, tool);
    const [command, argv] = this.user ? ["runuser", ["-u", this.user.name, "--", path, ...args]] : [path, args];
    const result = spawnSync(command, argv, { encoding: "utf8", timeout: timeoutMs, cwd: this.dir });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
    return result.stdout;
  }

  /** Starts the server and waits until it accepts connections. */
  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    this.run("pg_ctl", ["-D", this.dataDir, "-l", join(this.dir, "server.log"), "-o", options, "-w", "-t", "30", "start"]);
  }

  /** `pg_ctl stop -m fast` (sessions terminated, clean shutdown) or `immediate` (no shutdown: crash recovery on start). */
  stop(mode: "fast" | "immediate"): void {
    this.run("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "-t", "30", "stop"]);
  }

  /** The postmaster's pid and its children's (backends, checkpointer, walwriter…). */
  private processes(): number[] {
    const pidFile = join(this.dataDir, "postmaster.pid");
    if (!existsSync(pidFile)) return [];
    const postmaster = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    const children = spawnSync("pgrep", ["-P", String(postmaster)], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean)
      .map(Number);
    return [postmaster, ...children];
  }

  /**
   * Hangs the server without closing anything (SIGSTOP to the postmaster, then to each of its
   * processes): connections stay open and connecting still completes at the TCP level, but
   * nothing is answered, as when the host stalls or the network drops packets.
   */
  freeze(): void {
    for (const pid of this.processes()) process.kill(pid, "SIGSTOP");
  }

  /** Undoes freeze() (SIGCONT to every process of the cluster). */
  thaw(): void {
    for (const pid of this.processes().reverse()) process.kill(pid, "SIGCONT");
  }

  /** Stops the server if it runs and removes the folder. */
  remove(): void {
    try {
      this.thaw();
    } catch {
      // not running
    }
    try {
      this.run("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "-t", "10", "stop"]);
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
