/**
 * `npm run cases:check` as an author runs it: a hand-written value that YAML 1.1 tools read as
 * something else than text (ADR 015) is a warning with its file and line, and does not fail the
 * check, since the app reads the file; a real problem still does.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importCaseFiles } from "../../app/models/cases.server";
import { migrateToLatest, openDatabase } from "../../db/client";

const dir = mkdtempSync(join(tmpdir(), "casebook-cases-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No database unless a test gives one: the check then compares nothing with stored cases. */
const noDatabase = { ...process.env, DATABASE_PATH: join(dir, "none.sqlite"), DATABASE_URL: "" };

function casesCheck(...paths: string[]): Promise<{ code: number; lines: string[] }> {
  return casesCheckWith(noDatabase, ...paths);
}

function casesCheckWith(env: NodeJS.ProcessEnv, ...paths: string[]): Promise<{ code: number; lines: string[] }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/cases-check.ts", ...paths], { env }, (error, stdout) => {
      done({ code: error ? Number(error.code) : 0, lines: stdout.trim().split("\n") });
    });
  });
}

/** The shipped off-script case with some values written plain as people type them. */
function handWritten(slug: string, replacements: [RegExp, string][]): string {
  let source = readFileSync("cases/off-script.md", "utf8").replace("slug: off-script", `slug: ${slug}`);
  for (const [pattern, value] of replacements) source = source.replace(pattern, value);
  return source;
}

describe("cases:check", () => {
  it("warns of each plain Yes, date or 1:20 at its file and line, and passes a file the app reads", async () => {
    const file = join(dir, "plain-values.md");
    writeFileSync(
      file,
      handWritten("plain-values", [
        [/^title: .*$/m, "title: 2024-04-01"],
        [/- Follow the script step by step/, "- Yes"],
        [/- Review the script itself/, "- '1:20'"],
      ]),
    );
    const { code, lines } = await casesCheck(file);
    expect(lines).toEqual([
      `${file}:3: warning: title: 2024-04-01 is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as a date (2024-04-01); write it in quotes: "2024-04-01"`,
      `${file}:10: warning: perspectives.employee.options.0: Yes is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as the boolean true; write it in quotes: "Yes"`,
      "1 file OK (2 warnings: quote those values so other tools read them as text)",
    ]);
    expect(code).toBe(0);
  }, 60_000); // spawns the command line (tsx start-up: seconds on a loaded machine)

  it("still fails on a problem, listing problems and warnings together in line order", async () => {
    const file = join(dir, "with-a-problem.md");
    writeFileSync(
      file,
      handWritten("with-a-problem", [
        [/^title: .*$/m, "title: On"],
        [/^judgement: .*$/m, "judgement: 12"],
      ]),
    );
    const { code, lines } = await casesCheck(file);
    expect(lines[0]).toBe(`${file}:3: warning: title: On is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as the boolean true; write it in quotes: "On"`);
    expect(lines[1]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+: judgement: `));
    expect(lines.at(-1)).toBe("0 files OK, 1 with problems (1 problem) (1 warning: quote those values so other tools read them as text)");
    expect(code).toBe(1);
  }, 60_000); // spawns the command line (tsx start-up: seconds on a loaded machine)
});

describe("cases:check against the database (ADR 017)", () => {
  it("warns of an option id the case never had and of a plain rewording in place, at file:line, when the case is stored", async () => {
    const databasePath = join(dir, "stored.sqlite");
    const db = openDatabase(databasePath);
    await migrateToLatest(db);
    await importCaseFiles(db, [{ path: "cases/the-overpayment.md", source: readFileSync("cases/the-overpayment.md", "utf8") }]);
    await db.destroy();
    const file = join(dir, "the-overpayment.md");
    const source = readFileSync("cases/the-overpayment.md", "utf8")
      .replace("      - Report it through the normal process and say nothing to him\n", "      - { id: report-it, text: Report it and say nothing }\n")
      .replace("      - Warn him privately before you report it\n", "      - Give him a private heads-up first\n");
    writeFileSync(file, source);
    const { code, lines } = await casesCheckWith({ ...noDatabase, DATABASE_PATH: databasePath }, file);
    expect(lines[0]).toMatch(new RegExp(`^${escape(file)}:10: warning: perspectives\\.employee\\.options\\.0: option id "report-it" is new to this case`));
    expect(lines[0]).toContain("report-it-through-the-normal-process-and-say-not (“Report it through the normal process and say nothing to him”)");
    expect(lines[1]).toMatch(new RegExp(`^${escape(file)}:11: warning: perspectives\\.employee\\.options\\.1: “Give him a private heads-up first” is a new option`));
    expect(lines[1]).toContain('- { id: warn-him-privately-before-you-report-it, text: "Give him a private heads-up first" }');
    expect(lines.at(-1)).toBe("1 file OK (2 warnings: read them above: the files are valid, but may not do what you meant)");
    expect(code).toBe(0);
    // Without the database the same file is simply valid.
    expect((await casesCheck(file)).lines).toEqual(["1 file OK"]);
  }, 60_000); // runs the command line three times: tsx start-up takes seconds on a loaded machine
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
