import { isMap, isNode, isScalar, isSeq, LineCounter, parse, parseDocument, Scalar, visit, type Document, type ErrorCode, type YAMLError } from "yaml";
import type { CaseFileProblem } from "./case-file";

/** Aliases have no business in a case file; a small cap stops "billion laughs" expansion. */
const MAX_ALIAS_COUNT = 50;

/** Where the front matter and the body are, as text and as 1-based file line numbers. */
export interface CaseFileParts {
  yamlText: string;
  yamlFirstLine: number;
  closingLine: number;
  bodyText: string;
  bodyFirstLine: number;
}

export type SplitResult = { ok: true; parts: CaseFileParts } | { ok: false; problem: CaseFileProblem };

function isFenceLine(line: string | undefined): boolean {
  return line !== undefined && line.trimEnd() === "---";
}

/** Expects LF line endings. */
export function splitCaseFile(text: string): SplitResult {
  const lines = text.split("\n");
  if (!isFenceLine(lines[0])) {
    return {
      ok: false,
      problem: {
        line: 1,
        field: "front matter",
        message: "is missing: the file must start with a '---' line, then the YAML fields, then another '---' line",
      },
    };
  }
  const closingIndex = lines.findIndex((line, index) => index > 0 && isFenceLine(line));
  if (closingIndex === -1) {
    return {
      ok: false,
      problem: { line: 1, field: "front matter", message: "is not closed: add a '---' line after the last field" },
    };
  }
  return {
    ok: true,
    parts: {
      yamlText: lines.slice(1, closingIndex).join("\n"),
      yamlFirstLine: 2,
      closingLine: closingIndex + 1,
      bodyText: lines.slice(closingIndex + 1).join("\n"),
      bodyFirstLine: closingIndex + 2,
    },
  };
}

/** The file line of a front matter field path, e.g. ["perspectives", "employee", "options"]; see makeLocator. */
export type FieldLineLocator = (path: readonly (string | number)[]) => number;

export type FrontMatterReading = { ok: true; data: unknown; lineOf: FieldLineLocator } | { ok: false; problems: CaseFileProblem[]; lineOf: FieldLineLocator };

export function readFrontMatter(yamlText: string, yamlFirstLine: number): FrontMatterReading {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, {
    lineCounter,
    prettyErrors: false, // plain messages; positions come from lineCounter.linePos, as prettyErrors would do
    uniqueKeys: true,
    logLevel: "error", // a pure parser has no business printing warnings to the console
  });
  const fileLineAt = (offset: number): number => lineCounter.linePos(offset).line + yamlFirstLine - 1;
  const lineOf = makeLocator(document, fileLineAt);

  if (document.errors.length > 0) return { ok: false, problems: describeYamlErrors(document.errors, fileLineAt), lineOf };

  try {
    return { ok: true, data: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), lineOf };
  } catch (error) {
    // toJS throws a ReferenceError on alias bombs; report it where the first alias is.
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [
        {
          line: firstAliasLine(document, fileLineAt) ?? yamlFirstLine,
          field: "front matter",
          message: `YAML could not be expanded (${message}); case files should not use anchors and aliases`,
        },
      ],
      lineOf,
    };
  }
}

/** One syntax error often causes more; repeats are dropped and the rest capped. */
function describeYamlErrors(errors: readonly YAMLError[], fileLineAt: (offset: number) => number): CaseFileProblem[] {
  const problems: CaseFileProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const hint = YAML_ERROR_HINTS[error.code];
    const problem = {
      line: fileLineAt(error.pos[0]),
      field: "front matter",
      message: `YAML: ${error.message}${hint ? `; ${hint}` : ""}`,
    };
    const key = `${problem.line}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  if (problems.length <= MAX_YAML_PROBLEMS) return problems;
  const shown = problems.slice(0, MAX_YAML_PROBLEMS);
  const lastShown = shown[shown.length - 1];
  shown.push({
    line: lastShown ? lastShown.line : 1,
    field: "front matter",
    message: `${problems.length - MAX_YAML_PROBLEMS} more YAML errors not shown; fix the first ones and check again`,
  });
  return shown;
}

const MAX_YAML_PROBLEMS = 10;

const YAML_ERROR_HINTS: Partial<Record<ErrorCode, string>> = {
  BLOCK_AS_IMPLICIT_KEY: "put text that contains ': ' in quotes",
  TAB_AS_INDENT: "indent with spaces",
  DUPLICATE_KEY: "each field may appear once",
  RESOURCE_EXHAUSTION: "the YAML is too deeply nested",
};

/**
 * Walks the YAML tree along the path. A mapping step lands on the key's line (a block value
 * may start on the next line); a list step on the item's line. When a step is missing (say
 * a required field), the nearest existing parent answers, and line 1 for the top level.
 */
function makeLocator(document: Document.Parsed, fileLineAt: (offset: number) => number): FieldLineLocator {
  return (path) => {
    let node: unknown = document.contents;
    let line = 1;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        const anchorNode = isScalar(pair.key) ? pair.key : null;
        if (anchorNode?.range) line = fileLineAt(anchorNode.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        if (isNode(item) && item.range) line = fileLineAt(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}

function firstAliasLine(document: Document.Parsed, fileLineAt: (offset: number) => number): number | null {
  let line: number | null = null;
  visit(document, {
    Alias(_key, alias) {
      if (alias.range) line = fileLineAt(alias.range[0]);
      return visit.BREAK;
    },
  });
  return line;
}

/** The line of a front matter field in a whole file, or 1 when it cannot be found. */
export function lineOfField(normalizedSource: string, path: readonly (string | number)[]): number {
  const split = splitCaseFile(normalizedSource);
  if (!split.ok) return 1;
  return readFrontMatter(split.parts.yamlText, split.parts.yamlFirstLine).lineOf(path);
}

/**
 * YAML 1.1 types the `yaml` library does not resolve, but PyYAML and others do, and then refuse
 * as a value: the merge key `<<` (yaml.org/type/merge.html) and the value key `=`
 * (yaml.org/type/value.html).
 */
const YAML11_KEY_TYPES: Record<string, string> = { "<<": "a merge key", "=": "a value key" };

/** What YAML 1.1 makes of a plain scalar's text, when it is not that text; null when it is. */
function yaml11Reading(text: string): string | null {
  const keyType = YAML11_KEY_TYPES[text];
  if (keyType) return `${keyType}, which they refuse as a value`;
  let value: unknown;
  try {
    value = parse(text, { version: "1.1", logLevel: "silent" });
  } catch {
    return null;
  }
  if (typeof value === "string") return value === text ? null : `the text ${JSON.stringify(value)}`;
  if (value instanceof Date) return `a date (${value.toISOString().replace(/T00:00:00\.000Z$/, "")})`;
  if (value === null) return "no value (null)";
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (typeof value === "number") return `the number ${value}`;
  return null;
}

/**
 * Front matter values written plain that the app reads as text (YAML 1.2, ADR 004) but a YAML 1.1
 * parser (PyYAML, Ruby's Psych, many editors' plugins) reads as something else: `Yes`/`No`/`on`/
 * `off`/`y`/`n` as booleans, `2024-04-01` as a date, `1:20` or `1_000` as numbers, `<<` as a
 * merge key (ADR 015). Which values YAML 1.1 resolves is the `yaml` library's YAML 1.1 schema,
 * plus the two key types it leaves out. Quoted values, field names and values the app does not
 * read as text (refused elsewhere) are not looked at.
 *
 * @returns one warning per value, at its file line, with its field path (e.g. perspectives.employee.options.0)
 */
export function yaml11Warnings(yamlText: string, yamlFirstLine: number): CaseFileProblem[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "silent" });
  if (document.errors.length > 0) return [];
  const warnings: CaseFileProblem[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    } else if (isScalar(node) && node.type === Scalar.PLAIN && typeof node.value === "string") {
      const reading = yaml11Reading(node.value);
      if (reading === null) return;
      warnings.push({
        line: lineCounter.linePos(node.range?.[0] ?? 0).line + yamlFirstLine - 1,
        field: path.length === 0 ? "front matter" : path.join("."),
        message: `${node.value} is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as ${reading}; write it in quotes: ${JSON.stringify(node.value)}`,
      });
    }
  };
  walk(document.contents, []);
  return warnings;
}
