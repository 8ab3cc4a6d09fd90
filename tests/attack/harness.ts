/**
 * The real app for the attacker suite, restarted cheaply for every world a scenario is replayed
 * in: one SQLite database migrated with cases/ imported is made once (the template), and each
 * world starts from a byte copy of it with every per-process cache dropped (the `singleton`
 * store: database handle, parsed releases, snapshots, rendered Markdown). Ids then come out the
 * same in every world, so two worlds' transcripts differ only where the hidden answers differ.
 *
 * Always SQLite on a RAM disk when there is one: the suite replays hundreds of worlds.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DB } from "../../db/client";
import type { Role, Standing } from "../../db/schema";

type Store = { __casebook?: Map<string, unknown> };

/** A signed-in account of the scenario (a hidden person, an attacker account, the reader). */
export interface Account {
  id: number;
  name: string;
  cookie: string;
}

const BASE = "http://casebook.test";

export interface AttackApp {
  /** Starts a world: a fresh copy of the template database, no caches, K_THRESHOLD = k. */
  fresh(k: number): Promise<void>;
  person(role: Role, standing: Standing | null, name: string): Promise<Account>;
  get(path: string, cookie?: string): Request;
  post(path: string, fields: Record<string, string>, cookie?: string): Request;
  db(): DB;
  cleanup(): Promise<void>;
}

async function closeWorld(): Promise<void> {
  const store = (globalThis as Store).__casebook;
  if (!store) return;
  const { runShutdownHooks } = await import("../../app/platform/shutdown.server");
  await runShutdownHooks();
  const open = store.get("db") as DB | undefined;
  if (open) await open.destroy();
  store.clear();
}

export async function startAttackApp(): Promise<AttackApp> {
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "casebook-attack-"));
  const template = join(dir, "template.sqlite");
  const world = join(dir, "world.sqlite");
  delete process.env.DATABASE_URL;
  // A fixed cookie secret: otherwise the first sign-in of each world would generate and store one.
  process.env.SESSION_SECRET = "attacker-suite-secret-attacker-suite-secret";
  process.env.DATABASE_PATH = template;
  await closeWorld();

  const { db } = await import("../../app/platform/db.server");
  const { migrateToLatest } = await import("../../db/client");
  const { importCaseFiles } = await import("../../app/models/cases.server");
  const { readCaseFiles } = await import("../../app/cases/files.server");
  const { signIn } = await import("../../app/accounts/auth.server");
  const { createUser } = await import("../../app/models/users.server");
  const { sql } = await import("kysely");
  await migrateToLatest(db());
  await importCaseFiles(db(), readCaseFiles("cases"));
  // Everything into the main file, so a plain copy of it is the whole database.
  await sql`pragma wal_checkpoint(truncate)`.execute(db());
  await closeWorld();

  return {
    db,
    async fresh(k: number) {
      await closeWorld();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(world + suffix, { force: true });
      copyFileSync(template, world);
      process.env.DATABASE_PATH = world;
      process.env.K_THRESHOLD = String(k);
    },
    async person(role: Role, standing: Standing | null, name: string) {
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      // A cheap stored hash: these accounts never log in with a password.
      const user = await createUser(db(), { email: `${slug}@casebook.test`, displayName: name, passwordHash: "scrypt$test" });
      await db().updateTable("users").set({ role, standing }).where("id", "=", user.id).execute();
      const response = await signIn(new Request(`${BASE}/login`), user.id, "/");
      return { id: user.id, name, cookie: (response.headers.get("Set-Cookie") ?? "").split(";")[0]! };
    },
    get(path: string, cookie?: string) {
      return new Request(`${BASE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
    },
    post(path: string, fields: Record<string, string>, cookie?: string) {
      return new Request(`${BASE}${path}`, {
        method: "POST",
        body: new URLSearchParams(fields),
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
      });
    },
    async cleanup() {
      await closeWorld();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a loader or action and returns what it returned or threw (a thrown Response included). */
export async function settle<T>(fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const ISO_TIME = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?/g;

/**
 * What the attacker read, as a canonical string: wall-clock times (keys ending in "At"/"_at",
 * "at", ISO times inside text), the join-rate histogram (minutes of the wall clock) and a page's
 * `pageKey` (128 random bits per load, its forms' idempotency keys: ADR 016) are removed, since
 * they differ between two replays of the same world; everything else is kept.
 */
export function canonical(value: unknown, replace: [string, string][] = []): string {
  const strip = (v: unknown): unknown => {
    if (typeof v === "string") {
      let text = v.replace(ISO_TIME, "<time>");
      for (const [from, to] of replace) text = text.split(from).join(to);
      return text;
    }
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v as Record<string, unknown>)) {
        if (key === "at" || /At$|_at$/.test(key) || key === "joinsPerMinute" || key === "qrSvg" || key === "pageKey") continue;
        out[key] = strip(inner);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(strip(value));
}
