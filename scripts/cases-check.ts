/**
 * Checks case files: `tsx scripts/cases-check.ts [paths…]` (npm run cases:check).
 * Paths may be files or folders (their *.md files); the default is the repository's cases/.
 * Prints `file:line: field: message` for every problem, then a summary; exits 1 on any problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkCaseFiles, formatCaseFileProblem, type CaseFileProblem } from "../app/domain/case-file";

interface FileProblem {
  file: string;
  problem: CaseFileProblem;
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

function checkFiles(files: string[]): FileProblem[] {
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
  return [...problems, ...checkCaseFiles(readable).problems];
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function main(args: string[]): number {
  const collected = collectFiles(args);
  if (collected.files.length === 0 && collected.problems.length === 0) {
    console.log(`No case files found in ${args.length > 0 ? args.join(", ") : displayPath(defaultCasesDirectory)}`);
    return 1;
  }

  const problems = [...collected.problems, ...checkFiles(collected.files)];
  const fileOrder = new Map(collected.files.map((file, index) => [file, index]));
  problems.sort(
    (a, b) => (fileOrder.get(a.file) ?? -1) - (fileOrder.get(b.file) ?? -1) || a.problem.line - b.problem.line,
  );
  for (const { file, problem } of problems) console.log(formatCaseFileProblem(file, problem));

  const filesWithProblems = new Set(problems.map((entry) => entry.file).filter((file) => fileOrder.has(file)));
  const okCount = collected.files.length - filesWithProblems.size;
  if (problems.length === 0) {
    console.log(`${plural(okCount, "file", "files")} OK`);
    return 0;
  }
  console.log(
    `${plural(okCount, "file", "files")} OK, ${filesWithProblems.size} with problems (${plural(problems.length, "problem", "problems")})`,
  );
  return 1;
}

process.exitCode = main(process.argv.slice(2));
