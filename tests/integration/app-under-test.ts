import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role, Standing } from "../../db/schema";
import { createPostgresDatabase, testDialect } from "./test-database";

/**
 * Points the app's database singleton at a fresh database with cases/ imported, so route
 * loaders and actions can be called as the server would call them: a temporary SQLite file, or
 * with CASEBOOK_TEST_DATABASE=postgres a throwaway PostgreSQL database (via DATABASE_URL).
 */
export async function startApp(options: { kThreshold?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "casebook-app-"));
  const postgres = testDialect() === "postgres" ? await createPostgresDatabase() : null;
  process.env.DATABASE_PATH = join(dir, "casebook.sqlite");
  if (postgres) process.env.DATABASE_URL = postgres.url;
  else delete process.env.DATABASE_URL;
  process.env.K_THRESHOLD = String(options.kThreshold ?? 5);
  (globalThis as { __casebook?: Map<string, unknown> }).__casebook?.clear();

  const { db } = await import("../../app/platform/db.server");
  const { migrateToLatest } = await import("../../db/client");
  const { importCaseFiles } = await import("../../app/models/cases.server");
  const { readCaseFiles } = await import("../../app/cases/files.server");
  const { signIn } = await import("../../app/accounts/auth.server");
  const { createUser } = await import("../../app/models/users.server");
  await migrateToLatest(db());
  await importCaseFiles(db(), readCaseFiles("cases"));

  const BASE = "http://casebook.test";
  let people = 0;

  return {
    db,
    dialect: testDialect(),
    /** A signed-in person with a role and standing; returns their id and session cookie. */
    async person(role: Role = "participant", standing: Standing | null = null) {
      people += 1;
      // A cheap stored hash: these people never log in with a password.
      const user = await createUser(db(), { email: `person${people}@casebook.test`, displayName: `Person ${people}`, passwordHash: "scrypt$test" });
      await db().updateTable("users").set({ role, standing }).where("id", "=", user.id).execute();
      const response = await signIn(new Request(`${BASE}/login`), user.id, "/");
      return { id: user.id, name: user.display_name, cookie: (response.headers.get("Set-Cookie") ?? "").split(";")[0]! };
    },
    /**
     * A background-check workshop polling both perspectives, run by a new facilitator. With
     * `openVoting` it is already at round 1's vote with voting open.
     */
    async backgroundCheckWorkshop(title: string, options: { twoRounds?: boolean; askStanding?: boolean; openVoting?: boolean } = {}) {
      const { findCaseBySlug } = await import("../../app/models/cases.server");
      const { createWorkshop, saveStageState } = await import("../../app/models/workshops.server");
      const facilitator = await this.person("facilitator");
      const found = (await findCaseBySlug(db(), "background-check"))!;
      const workshop = await createWorkshop(db(), {
        caseId: found.id,
        caseVersionId: found.versionId,
        facilitatorUserId: facilitator.id,
        title,
        perspectives: ["employee", "employer"],
        twoRounds: options.twoRounds ?? false,
        resultsMode: "live",
        askStanding: options.askStanding ?? true,
      });
      if (options.openVoting) await saveStageState(db(), workshop.id, { stage: "vote-1", votingOpen: true, revealedRounds: [] }, []);
      return workshop;
    },
    /**
     * What the case page's form posts for the option at `index` of a perspective as the case
     * stands now: the option's stable id and the version shown (ADR 017).
     */
    async ballot(slug: string, perspective: string, index: number): Promise<{ option: string; version: string }> {
      const { findCaseBySlug } = await import("../../app/models/cases.server");
      const found = (await findCaseBySlug(db(), slug))!;
      const option = found.doc.perspectives.find((p) => p.key === perspective)?.options[index];
      return { option: option?.id ?? `no-option-${index}`, version: String(found.version) };
    },
    /**
     * Answers a case as the employee and as the employer through the case page's action, as the
     * browser's form would ([option index on the page, judgement] each, legal "unsure", confidence
     * "medium"). Throws when the action refuses.
     */
    async answerCase(person: { cookie: string }, slug: string, employee: [number, number], employer: [number, number]) {
      const caseRoute = await import("../../app/routes/cases.$slug");
      for (const [perspective, [option, judgement]] of [
        ["employee", employee],
        ["employer", employer],
      ] as const) {
        const ballot = await this.ballot(slug, perspective, option);
        const response = await settle(() =>
          caseRoute.action({
            request: this.post(`/cases/${slug}`, { intent: "position", perspective, ...ballot, judgement: String(judgement), legal: "unsure", confidence: "medium" }, person.cookie),
            params: { slug },
            context: {},
          }),
        );
        const status = response instanceof Response ? response.status : 200;
        if (status !== 200) throw new Error(`answering ${slug} as the ${perspective}: ${status}`);
      }
    },
    get(path: string, cookie?: string): Request {
      return new Request(`${BASE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
    },
    post(path: string, fields: Record<string, string>, cookie?: string): Request {
      return new Request(`${BASE}${path}`, {
        method: "POST",
        body: new URLSearchParams(fields),
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
      });
    },
    async cleanup() {
      await db().destroy();
      (globalThis as { __casebook?: Map<string, unknown> }).__casebook?.clear();
      rmSync(dir, { recursive: true, force: true });
      if (postgres) {
        await postgres.drop();
        if (process.env.DATABASE_URL === postgres.url) delete process.env.DATABASE_URL;
      }
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

export async function json<T = Record<string, unknown>>(value: unknown): Promise<T> {
  if (!(value instanceof Response)) throw new Error(`Expected a Response, got ${JSON.stringify(value)}`);
  return (await value.json()) as T;
}
