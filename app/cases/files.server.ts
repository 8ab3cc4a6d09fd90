import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { DB } from "../../db/client";
import { importCaseFiles, type CaseFile, type ImportReport } from "../models/cases.server";

/** Every `*.md` in the folder, named by its path relative to the working directory. */
export function readCaseFiles(directory: string): CaseFile[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => {
      const path = join(directory, name);
      return { path: relative(process.cwd(), path) || path, source: readFileSync(path, "utf8") };
    });
}

export async function importCaseDirectory(db: DB, directory: string, options: { force?: boolean } = {}): Promise<ImportReport> {
  return importCaseFiles(db, readCaseFiles(directory), options);
}

export function describeImport(report: ImportReport): string {
  const conflicts = report.conflicts.length > 0 ? `, kept the app's version on conflict ${report.conflicts.length}` : "";
  return `added ${report.added.length}, updated ${report.updated.length}, unchanged ${report.unchanged.length}${conflicts}, skipped with problems ${new Set(report.problems.map((p) => p.file)).size}`;
}
