/**
 * Case files: `cases/<slug>.md`, YAML front matter between `---` lines, then a Markdown body
 * of `## Stage: <title>` sections, optional `## Role: <perspective>`, `## Rehearsal: <perspective>`
 * and `## Model answers: <perspective>` sections (ADR 027), optional `## Facilitator notes` and
 * `## Sources`.
 * Pure: no I/O. Every problem carries the 1-based line in the whole file.
 */
import { Document, isMap, isSeq } from "yaml";
import { parseCaseBody, perspectiveSectionSpans } from "./case-file-body";
import { lineOfField, readFrontMatter, splitCaseFile, yaml11Warnings } from "./case-file-front-matter";
import { checkPerspectiveKeys, describeZodIssue, frontMatterSchema, type FieldIssue, type FrontMatter, type Lens, type PerspectiveKey } from "./case-file-schema";
import { optionIdentityWarnings, type CaseDraft, type CaseOption, type OptionDraft } from "./option-identity";

export { LENS_LABELS, LENSES, PERSPECTIVE_KEYS } from "./case-file-schema";
export type { Lens, PerspectiveKey } from "./case-file-schema";
export type { CaseDraft, CaseOption, OptionDraft } from "./option-identity";

/**
 * One hat a case asks people to answer in. A stored case's options have their stable ids
 * (`CaseOption`); a case as read from a file or the editor (`CaseDraft`) has an id only where one
 * was written (`OptionDraft`), until `identifyOptions` gives the rest theirs (ADR 017).
 */
export interface CasePerspective<O extends OptionDraft = CaseOption> {
  key: PerspectiveKey;
  prompt: string;
  options: O[];
}

export interface CaseStage {
  title: string;
  /** Body of the stage section, without leading blank lines or trailing whitespace. */
  markdown: string;
}

/**
 * What one role knows and feels that the other side does not (ADR 027): the `## Role: <perspective>`
 * section. Withheld by the server like facilitator notes, from everyone but authors and admins.
 */
export interface RoleBrief {
  perspective: PerspectiveKey;
  /** The section's Markdown, trimmed as a stage's is. */
  markdown: string;
}

/**
 * A rehearsal prompt for people in one role, with the author's model answers shown at a debrief
 * (ADR 027): `## Rehearsal: <perspective>` and its optional `## Model answers: <perspective>`.
 * Withheld like role briefs.
 */
export interface Rehearsal {
  perspective: PerspectiveKey;
  /** Markdown: what to say, and to whom ("The caller is still shouting. What do you say?"). */
  prompt: string;
  /** Markdown, usually a list of answers; null when the file gives none. */
  modelAnswers: string | null;
}

export interface CaseDocument<O extends OptionDraft = CaseOption> {
  slug: string;
  title: string;
  summary: string;
  tags: string[];
  /** In file order. */
  perspectives: CasePerspective<O>[];
  judgement: string;
  lenses: Lens[];
  discussion: string[];
  stages: CaseStage[];
  /** In file order, at most one per perspective of the case. Kept apart from `perspectives`, which pages send whole. */
  roles: RoleBrief[];
  /** In file order, at most one per perspective of the case. */
  rehearsals: Rehearsal[];
  facilitatorNotes: string | null;
  sources: string | null;
}

export interface CaseFileProblem {
  line: number;
  field: string;
  message: string;
}

/** A file read: its options carry ids only where the file names them (`identifyOptions` does the rest). */
export type CaseParseResult = { ok: true; doc: CaseDraft } | { ok: false; problems: CaseFileProblem[] };

export const MAX_CASE_FILE_BYTES = 200 * 1024;

/** CRLF to LF, and no byte-order mark, so that line numbers match what editors show. */
function normalizeSource(source: string): string {
  return source.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
}

function utf8Length(text: string): number {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so long strings fail fast.
  if (text.length > MAX_CASE_FILE_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

/** Never throws: any input, however broken or hostile, yields a result. */
export function parseCaseFile(source: string): CaseParseResult {
  try {
    return parseCaseFileOrThrow(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ line: 1, field: "file", message: `could not be read: ${message}` }] };
  }
}

function parseCaseFileOrThrow(source: string): CaseParseResult {
  if (typeof source !== "string") {
    return { ok: false, problems: [{ line: 1, field: "file", message: "is not text" }] };
  }
  const bytes = utf8Length(source);
  if (bytes > MAX_CASE_FILE_BYTES) {
    return {
      ok: false,
      problems: [
        {
          line: 1,
          field: "file",
          message: `is too large (${Math.ceil(bytes / 1024)} KB); a case file may be at most ${MAX_CASE_FILE_BYTES / 1024} KB`,
        },
      ],
    };
  }

  const split = splitCaseFile(normalizeSource(source));
  if (!split.ok) return { ok: false, problems: [split.problem] };
  const { yamlText, yamlFirstLine, closingLine, bodyText, bodyFirstLine } = split.parts;

  const problems: CaseFileProblem[] = [];
  const frontMatter = readFrontMatter(yamlText, yamlFirstLine);
  let validFrontMatter: FrontMatter | null = null;
  if (frontMatter.ok) {
    const parsed = frontMatterSchema.safeParse(frontMatter.data);
    const issues: FieldIssue[] = [...checkPerspectiveKeys(frontMatter.data), ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => describeZodIssue(issue, frontMatter.data)))];
    for (const issue of issues) {
      problems.push({ line: frontMatter.lineOf(issue.path), field: fieldName(issue.path), message: issue.message });
    }
    if (parsed.success) validFrontMatter = parsed.data;
  } else {
    problems.push(...frontMatter.problems);
  }

  const { body, problems: bodyProblems } = parseCaseBody(bodyText, bodyFirstLine, closingLine, frontMatter.ok ? perspectiveKeysIn(frontMatter.data) : null);
  problems.push(...bodyProblems);

  if (problems.length > 0 || validFrontMatter === null) {
    // Stable sort: problems on one line keep the order they were found in.
    return { ok: false, problems: capProblems(problems.sort((a, b) => a.line - b.line)) };
  }
  return {
    ok: true,
    doc: {
      slug: validFrontMatter.slug,
      title: validFrontMatter.title,
      summary: validFrontMatter.summary,
      tags: validFrontMatter.tags,
      perspectives: Object.entries(validFrontMatter.perspectives).map(([key, perspective]) => ({
        key: key as PerspectiveKey, // checkPerspectiveKeys found no unknown keys
        prompt: perspective.prompt,
        // A plain wording, or `{ id, text }` where the file names the option's id (ADR 017).
        options: perspective.options.map((option) => (typeof option === "string" ? { text: option } : { id: option.id, text: option.text })),
      })),
      judgement: validFrontMatter.judgement,
      lenses: validFrontMatter.lenses,
      discussion: validFrontMatter.discussion,
      stages: body.stages,
      roles: body.roles,
      rehearsals: body.rehearsals,
      facilitatorNotes: body.facilitatorNotes,
      sources: body.sources,
    },
  };
}

/** The perspective keys front matter names, when `perspectives` is a mapping; null otherwise. */
function perspectiveKeysIn(data: unknown): string[] | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const perspectives = (data as Record<string, unknown>).perspectives;
  if (typeof perspectives !== "object" || perspectives === null || Array.isArray(perspectives)) return null;
  return Object.keys(perspectives);
}

/** A hostile file could produce thousands of problems; a person needs the first screenful. */
export const MAX_PROBLEMS_PER_FILE = 50;

function capProblems(problems: CaseFileProblem[]): CaseFileProblem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
  const shown = problems.slice(0, MAX_PROBLEMS_PER_FILE);
  const last = shown[shown.length - 1]!;
  return [...shown, { line: last.line, field: "file", message: `and ${problems.length - MAX_PROBLEMS_PER_FILE} more problems not listed` }];
}

function fieldName(path: readonly (string | number)[]): string {
  if (path.length === 0) return "front matter";
  // An empty YAML key ("": x) would otherwise vanish from the name.
  return path.map((segment) => (segment === "" ? '""' : String(segment))).join(".");
}

/**
 * Writes a case file that `parseCaseFile` reads back as an equal document. Empty tag and lens
 * lists, and null (or blank) notes, sources, role briefs, rehearsal prompts and model answers, are
 * left out; role briefs, then rehearsals (each followed by its model answers), are written in the
 * document's order. An option with an id is written as
 * `{id: "…", text: "…"}`, so the file itself says which option each is, whatever the case's
 * history (ADR 017: a plain wording is matched against earlier versions' wordings, and a reworded
 * option's new wording matches none); an option without one (new in the editor) as its wording.
 *
 * Every text value is double-quoted, so every YAML parser reads it as the same text: written
 * plain, YAML 1.1 parsers (PyYAML, Ruby's Psych, editors' plugins) read `Yes`, `off` or `y` as
 * booleans, `2024-04-01` as a date, `1:20` as 80 and `1_000` as 1000, and YAML 1.2 reads `true`,
 * `null` or `12` as something else than text. Field names stay plain. The `yaml` library does the
 * quoting and escaping (`defaultStringType`), no rule of our own.
 */
export function serializeCaseFile(doc: CaseDraft): string {
  const frontMatter: Record<string, unknown> = { slug: doc.slug, title: doc.title, summary: doc.summary };
  if (doc.tags.length > 0) frontMatter.tags = doc.tags;
  frontMatter.perspectives = Object.fromEntries(
    doc.perspectives.map((perspective) => [
      perspective.key,
      { prompt: perspective.prompt, options: perspective.options.map((option) => (option.id === undefined ? option.text : { id: option.id, text: option.text })) },
    ]),
  );
  frontMatter.judgement = doc.judgement;
  if (doc.lenses.length > 0) frontMatter.lenses = doc.lenses;
  frontMatter.discussion = doc.discussion;

  // No anchors even if two lists are the same array; the parser treats aliases as suspect.
  const yamlDocument = new Document(frontMatter, { aliasDuplicateObjects: false });
  for (const shortList of ["tags", "lenses"]) {
    const node = yamlDocument.get(shortList, true);
    if (isSeq(node)) node.flow = true;
  }
  // An option with its id on one line: `- {id: "refuse", text: "Decline"}`.
  for (const perspective of doc.perspectives) {
    const options = yamlDocument.getIn(["perspectives", perspective.key, "options"], true);
    if (isSeq(options)) for (const item of options.items) if (isMap(item)) item.flow = true;
  }
  // lineWidth 0: one line per value, so diffs and grep stay simple.
  const yamlText = yamlDocument.toString({ lineWidth: 0, flowCollectionPadding: false, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" });

  const sections = doc.stages.map((stage) => `## Stage: ${stage.title}\n\n${stage.markdown}`);
  for (const role of doc.roles) if (role.markdown.trim()) sections.push(`## Role: ${role.perspective}\n\n${role.markdown}`);
  const rehearsals = doc.rehearsals.filter((rehearsal) => rehearsal.prompt.trim());
  for (const rehearsal of rehearsals) {
    sections.push(`## Rehearsal: ${rehearsal.perspective}\n\n${rehearsal.prompt}`);
    if (rehearsal.modelAnswers?.trim()) sections.push(`## Model answers: ${rehearsal.perspective}\n\n${rehearsal.modelAnswers}`);
  }
  if (doc.facilitatorNotes?.trim()) sections.push(`## Facilitator notes\n\n${doc.facilitatorNotes}`);
  if (doc.sources?.trim()) sections.push(`## Sources\n\n${doc.sources}`);
  return `---\n${yamlText}---\n\n${sections.join("\n\n")}\n`;
}

/**
 * The case file without its role, rehearsal and model answers sections (ADR 027): what
 * /cases/:slug/source gives people who may read the file but not the role briefs (facilitators).
 * The rest is kept exactly as written, so the result still passes `cases:check`. Line endings are
 * normalized to LF and a byte-order mark dropped, as the parser reads them. A file that does not
 * split into front matter and body is returned as it is (a stored file always does).
 */
export function withoutRoleSections(source: string): string {
  const normalized = normalizeSource(source);
  const split = splitCaseFile(normalized);
  if (!split.ok) return normalized;
  const { bodyText } = split.parts;
  const head = normalized.slice(0, normalized.length - bodyText.length);
  let kept = "";
  let from = 0;
  for (const [start, end] of perspectiveSectionSpans(bodyText)) {
    kept += bodyText.slice(from, start);
    from = end;
  }
  return head + kept + bodyText.slice(from);
}

export function formatCaseFileProblem(file: string, problem: CaseFileProblem): string {
  return `${file}:${problem.line}: ${problem.field}: ${problem.message}`;
}

/** A warning, said apart from a problem: `file:line: warning: field: message`. */
export function formatCaseFileWarning(file: string, warning: CaseFileProblem): string {
  return `${file}:${warning.line}: warning: ${warning.field}: ${warning.message}`;
}

/**
 * What a file says that other tools will read differently, though the app reads it as meant:
 * hand-written front matter values YAML 1.1 reads as non-text (`yaml11Warnings`, ADR 015).
 * Warnings, not problems: the app reads such a file, and refusing it would break a case that
 * worked. Nothing for a file whose front matter cannot be read (that is a problem already).
 */
export function findCaseFileWarnings(source: string): CaseFileProblem[] {
  const split = splitCaseFile(normalizeSource(source));
  if (!split.ok) return [];
  return yaml11Warnings(split.parts.yamlText, split.parts.yamlFirstLine);
}

/**
 * What a valid file's options would do to the case's earlier answers that its author may not mean
 * (`optionIdentityWarnings`, ADR 017), each at the option's file line: an id the case never had,
 * or a plain rewording in place that retires an option.
 *
 * @param source the file's text, as parsed into `draft`
 * @param history the case's stored versions, newest first (none for a new case)
 */
export function findOptionIdentityWarnings(source: string, draft: CaseDraft, history: readonly CaseDocument[]): CaseFileProblem[] {
  const normalized = normalizeSource(source);
  return optionIdentityWarnings(draft, history, (key, index) => lineOfField(normalized, ["perspectives", key, "options", index]));
}

/** The first file to use a slug keeps it; each later one gets a problem at its `slug` line. */
export function findDuplicateSlugs(files: { file: string; source: string; doc: CaseDraft }[]): { file: string; problem: CaseFileProblem }[] {
  const firstFileBySlug = new Map<string, string>();
  const duplicates: { file: string; problem: CaseFileProblem }[] = [];
  for (const { file, source, doc } of files) {
    const firstFile = firstFileBySlug.get(doc.slug);
    if (firstFile === undefined) {
      firstFileBySlug.set(doc.slug, file);
      continue;
    }
    duplicates.push({
      file,
      problem: {
        line: lineOfField(normalizeSource(source), ["slug"]),
        field: "slug",
        message: `slug "${doc.slug}" is already used by ${firstFile}`,
      },
    });
  }
  return duplicates;
}

/** `cases/background-check.md` → `background-check`; works for / and \ separators. */
function fileSlug(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.md$/i, "");
}

export interface CheckedCaseFile {
  file: string;
  source: string;
  doc: CaseDraft;
}

/**
 * Checks a set of case files together, as `cases:check` and the import both do: each file must
 * parse, be named after its slug, and not reuse another file's slug. `warnings` are what a file
 * says that other tools will read differently (`findCaseFileWarnings`); they refuse nothing.
 */
export function checkCaseFiles(files: { file: string; source: string }[]): {
  valid: CheckedCaseFile[];
  problems: { file: string; problem: CaseFileProblem }[];
  warnings: { file: string; warning: CaseFileProblem }[];
} {
  const problems: { file: string; problem: CaseFileProblem }[] = [];
  const warnings: { file: string; warning: CaseFileProblem }[] = [];
  const parsed: CheckedCaseFile[] = [];
  for (const { file, source } of files) {
    const result = parseCaseFile(source);
    warnings.push(...findCaseFileWarnings(source).map((warning) => ({ file, warning })));
    if (!result.ok) {
      problems.push(...result.problems.map((problem) => ({ file, problem })));
    } else if (fileSlug(file) !== result.doc.slug) {
      problems.push({
        file,
        problem: {
          line: lineOfField(normalizeSource(source), ["slug"]),
          field: "slug",
          message: `slug "${result.doc.slug}" does not match the file name; rename the file to ${result.doc.slug}.md or change the slug`,
        },
      });
    } else {
      parsed.push({ file, source, doc: result.doc });
    }
  }
  const duplicates = findDuplicateSlugs(parsed);
  const duplicateFiles = new Set(duplicates.map((d) => d.file));
  problems.push(...duplicates);
  return { valid: parsed.filter((entry) => !duplicateFiles.has(entry.file)), problems, warnings };
}
