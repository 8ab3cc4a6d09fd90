/**
 * Checks case files: `tsx scripts/cases-check.ts [paths…]` (npm run cases:check).
 * Paths may be files or folders (their *.md files); the default is the repository's cases/.
 * Prints `file:line: field: message` for every problem and `file:line: warning: field: message`
 * for every warning (a value YAML 1.1 tools read as something else than the text the app reads,
 * ADR 015), then a summary; exits 1 on any problem. Warnings alone exit 0: the app reads those files.
 * When the configured database exists (DATABASE_URL, or a DATABASE_PATH file), each valid file of
 * a case stored there is also compared with the case's versions, read only: an option id the case
 * never had, or a plain rewording in place that retires an option, is a warning (ADR 017).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseLocation, readConfigOrExit } from "../app/platform/config.server";
import { checkCaseFiles, findOptionIdentityWarnings, formatCaseFileProblem, formatCaseFileWarning, type CaseDraft, type CaseFileProblem } from "../app/domain/case-file";
import { caseVersionDocuments } from "../app/models/cases.server";
import { isPostgresUrl, openDatabase } from "../db/client";

interface FileProblem {
  file: string;
  problem: CaseFileProblem;
}

interface FileWarning {
  file: string;
  warning: CaseFileProblem;
}

const defaultCasesDirectory = fileURLToPath(new URL("../cases", import.meta.url));

/** Paths as people typed them or, for the default folder, relative to where they stand. */
function displayPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

function markdownFilesIn(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(directory, name));
}

function collectFiles(args: string[]): { files: string[]; problems: FileProblem[] } {
  const files: string[] = [];
  const problems: FileProblem[] = [];
  const paths = args.length > 0 ? args : [displayPath(defaultCasesDirectory)];
  for (const path of paths) {
    if (!existsSync(path)) {
      problems.push({ file: path, problem: { line: 1, field: "file", message: "does not exist" } });
    } else if (statSync(path).isDirectory()) {
      files.push(...markdownFilesIn(path));
    } else {
      files.push(path);
    }
  }
  return { files, problems };
}

/**
 * Option warnings (ADR 017) for the valid files whose case the configured database holds; none
 * when there is no database yet (a SQLite file is never created here) or it cannot be read.
 */
async function optionWarnings(valid: { file: string; source: string; doc: CaseDraft }[]): Promise<FileWarning[]> {
  const location = databaseLocation(readConfigOrExit("cases:check cannot run"));
  if (valid.length === 0 || (!isPostgresUrl(location) && (location === ":memory:" || !existsSync(location)))) return [];
  const db = openDatabase(location, { poolSize: 1 });
  try {
    const warnings: FileWarning[] = [];
    for (const entry of valid) {
      const stored = await db.selectFrom("cases").select("id").where("slug", "=", entry.doc.slug).executeTakeFirst();
      if (!stored) continue;
      const history = await caseVersionDocuments(db, stored.id);
      warnings.push(...findOptionIdentityWarnings(entry.source, entry.doc, history).map((warning) => ({ file: entry.file, warning })));
    }
    return warnings;
  } catch (error) {
    console.warn(`(not compared with the database: ${error instanceof Error ? error.message : String(error)})`);
    return [];
  } finally {
    await db.destroy();
  }
}

async function checkFiles(files: string[]): Promise<{ problems: FileProblem[]; warnings: FileWarning[]; optionWarnings: number }> {
  const problems: FileProblem[] = [];
  const readable: { file: string; source: string }[] = [];
  for (const file of files) {
    try {
      readable.push({ file, source: readFileSync(file, "utf8") });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ file, problem: { line: 1, field: "file", message: `cannot be read: ${message}` } });
    }
  }
  const checked = checkCaseFiles(readable);
  const options = await optionWarnings(checked.valid);
  return { problems: [...problems, ...checked.problems], warnings: [...checked.warnings, ...options], optionWarnings: options.length };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

async function main(args: string[]): Promise<number> {
  const collected = collectFiles(args);
  if (collected.files.length === 0 && collected.problems.length === 0) {
    console.log(`No case files found in ${args.length > 0 ? args.join(", ") : displayPath(defaultCasesDirectory)}`);
    return 1;
  }

  const checked = await checkFiles(collected.files);
  const problems = [...collected.problems, ...checked.problems];
  const fileOrder = new Map(collected.files.map((file, index) => [file, index]));
  // Problems and warnings together, in file order and then line order.
  const lines = [
    ...problems.map(({ file, problem }) => ({ file, line: problem.line, text: formatCaseFileProblem(file, problem) })),
    ...checked.warnings.map(({ file, warning }) => ({ file, line: warning.line, text: formatCaseFileWarning(file, warning) })),
  ];
  lines.sort((a, b) => (fileOrder.get(a.file) ?? -1) - (fileOrder.get(b.file) ?? -1) || a.line - b.line);
  for (const { text } of lines) console.log(text);

  const filesWithProblems = new Set(problems.map((entry) => entry.file).filter((file) => fileOrder.has(file)));
  const okCount = collected.files.length - filesWithProblems.size;
  const advice = checked.optionWarnings > 0 ? "read them above: the files are valid, but may not do what you meant" : "quote those values so other tools read them as text";
  const warned = checked.warnings.length > 0 ? ` (${plural(checked.warnings.length, "warning", "warnings")}: ${advice})` : "";
  if (problems.length === 0) {
    console.log(`${plural(okCount, "file", "files")} OK${warned}`);
    return 0;
  }
  console.log(`${plural(okCount, "file", "files")} OK, ${filesWithProblems.size} with problems (${plural(problems.length, "problem", "problems")})${warned}`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
