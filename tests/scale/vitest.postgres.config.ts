import type { UserConfig } from "vite";
import { defineConfig, type TestProjectConfiguration } from "vitest/config";
import base from "../../vite.config";

/**
 * The project's Vitest config with one addition for the integration project: a per-file
 * PostgreSQL database (postgres-per-file.ts). Used by `npm run test:integration:pg` through
 * tests/scale/integration-postgres.ts, which also sets CASEBOOK_TEST_DATABASE=postgres.
 */
const config = base as UserConfig;
const projects = (config.test?.projects ?? []).map((project: TestProjectConfiguration): TestProjectConfiguration => {
  if (typeof project !== "object" || !("test" in project) || project.test?.name !== "integration") return project;
  return { ...project, test: { ...project.test, setupFiles: ["tests/scale/postgres-per-file.ts"] } };
});

export default defineConfig({ ...config, test: { ...config.test, projects } });
