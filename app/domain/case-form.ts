/**
 * The in-app case editor: converts between its HTML form and a `CaseDocument`, and maps the
 * case file validator's problems back to form fields. Pure.
 *
 * The editor validates with `serializeCaseFile` then `parseCaseFile`, the same check as
 * `cases:check`. `readCaseForm` adds the few checks that check cannot make, because the
 * serializer would silently change the case (a "## " line in a stage starts a new section, two
 * perspectives with one key collapse into one).
 *
 * Slot order: blank spare slots are dropped from the document, and `values` lists the filled
 * slots first, so slot i of the re-rendered form is always doc.stages[i] (or doc.perspectives[i]).
 * That is what lets `formFieldForProblem` turn "stage 3" into `stage-2-body`.
 */
import {
  PERSPECTIVE_KEYS,
  type CaseDocument,
  type CaseDraft,
  type CaseFileProblem,
  type CaseOption,
  type CasePerspective,
  type CaseStage,
  type Lens,
  type OptionDraft,
  type PerspectiveKey,
  type Rehearsal,
  type RoleBrief,
} from "./case-file";
import { firstSectionHeadingLine } from "./case-file-body";
import { optionIdFor } from "./option-identity";
import { REQUIRED_PERSPECTIVE_KEYS, singleLineProblem, SLUG_PATTERN } from "./case-file-schema";
import { describeMarkdownNestingProblem, findMarkdownNestingProblem } from "./markdown-limits";
import { findSingleLineProblem } from "./single-line";
import { TEXT_LIMITS } from "./text-limits";
import { codeUnitCap } from "./visible-length";

/** Employee, employer, and two optional extra perspectives. */
export const PERSPECTIVE_SLOTS = 4;
/** The validator allows 8 stages; the form accepts a few more so the validator can say so. */
export const MAX_STAGE_SLOTS = 12;

/** What the form fields hold, to re-render it: `lenses` is a list, everything else a string. */
export type CaseFormValues = Record<string, string | string[]>;

export interface CaseFormProblem {
  /** A form field name, e.g. `stage-0-body`. */
  field: string;
  message: string;
}

export interface CaseFormReading {
  /** Built from the form, trimmed, not validated; options without ids (see `decideOptionIdentities`). */
  doc: CaseDraft;
  /** Every field as typed (untrimmed), with filled slots before blank ones. */
  values: CaseFormValues;
  /** How many stage slots to render: the posted `stageCount`, 1 to MAX_STAGE_SLOTS. */
  stageSlots: number;
  /** Problems the case file validator cannot see, keyed by form field name. */
  problems: CaseFormProblem[];
}

/**
 * A perspective slot's fields: its key, prompt and options, and the role-play sections for it
 * (ADR 027): the role brief, the rehearsal prompt and its model answers.
 */
export type PerspectiveFieldPart = "key" | "prompt" | "options" | "brief" | "rehearsal" | "model-answers";

/** The Markdown fields of a perspective slot (a section of the case file each), with how a problem names them. */
const ROLE_PLAY_PARTS = [
  { part: "brief", where: "a role brief" },
  { part: "rehearsal", where: "a rehearsal prompt" },
  { part: "model-answers", where: "model answers" },
] as const satisfies readonly { part: PerspectiveFieldPart; where: string }[];

export function perspectiveFieldName(slot: number, part: PerspectiveFieldPart): string {
  return `perspective-${slot}-${part}`;
}

export function stageFieldName(slot: number, part: "title" | "body"): string {
  return `stage-${slot}-${part}`;
}

/** One perspective slot as typed. */
interface PerspectiveSlot {
  key: string;
  prompt: string;
  options: string;
  brief: string;
  rehearsal: string;
  modelAnswers: string;
}

/** One stage slot as typed. */
interface StageSlot {
  title: string;
  body: string;
}

// ---------------------------------------------------------------------------------------------
// Form → document

export function readCaseForm(formData: FormData): CaseFormReading {
  const field = (name: string): string => {
    const value = formData.get(name);
    return typeof value === "string" ? value : ""; // a File where text was expected counts as blank
  };
  const lenses = formData.getAll("lenses").filter((value): value is string => typeof value === "string");
  const stageSlots = postedStageSlotCount(formData, field("stageCount"));
  const perspectiveSlots = readPerspectiveSlots(field);
  const stages = filledFirst(
    Array.from({ length: stageSlots }, (_, slot) => ({ title: field(stageFieldName(slot, "title")), body: field(stageFieldName(slot, "body")) })),
    isBlankStage,
  );

  const perspectives = perspectiveSlots.filter((slot, index) => index < 2 || !isBlankPerspective(slot));
  const doc: CaseDraft = {
    slug: field("slug").trim(),
    title: field("title").trim(),
    summary: field("summary").trim(),
    tags: commaSeparated(field("tags")),
    perspectives: perspectives.map(toPerspective),
    judgement: field("judgement").trim(),
    lenses: lenses.map((lens) => lens.trim()).filter((lens) => lens !== "") as Lens[],
    discussion: nonBlankLines(field("discussion")),
    stages: stages.filter((stage) => !isBlankStage(stage)).map(toStage),
    roles: perspectives.flatMap(toRoleBrief),
    rehearsals: perspectives.flatMap(toRehearsal),
    facilitatorNotes: optionalMarkdown(field("facilitatorNotes")),
    sources: optionalMarkdown(field("sources")),
  };

  const values: CaseFormValues = {
    title: field("title"),
    slug: field("slug"),
    summary: field("summary"),
    tags: field("tags"),
    judgement: field("judgement"),
    discussion: field("discussion"),
    lenses,
    facilitatorNotes: field("facilitatorNotes"),
    sources: field("sources"),
    stageCount: String(stageSlots),
    ...perspectiveValues(perspectiveSlots),
    ...stageValues(stages),
  };

  const problems = [
    ...slugProblems(field("slug")),
    ...perspectiveKeyProblems(perspectiveSlots),
    ...perspectiveSlots.flatMap(rolePlayProblems),
    ...stages.flatMap(stageProblems),
    ...markdownSectionProblems("facilitatorNotes", field("facilitatorNotes"), "facilitator notes"),
    ...markdownSectionProblems("sources", field("sources"), "sources"),
  ];

  return { doc, values, stageSlots, problems };
}

/** The posted `stageCount`; if it is missing or not a whole number, the highest stage slot posted. */
function postedStageSlotCount(formData: FormData, stageCount: string): number {
  const posted = stageCount.trim() === "" ? Number.NaN : Number(stageCount);
  const count = Number.isInteger(posted) ? posted : highestPostedStageSlot(formData) + 1;
  return Math.min(Math.max(count, 1), MAX_STAGE_SLOTS);
}

function highestPostedStageSlot(formData: FormData): number {
  let highest = -1;
  for (const name of formData.keys()) {
    const match = /^stage-(\d+)-(?:title|body)$/.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** Slots 0 and 1 are always employee and employer, whatever their hidden key fields say. */
function readPerspectiveSlots(field: (name: string) => string): PerspectiveSlot[] {
  const slots = Array.from({ length: PERSPECTIVE_SLOTS }, (_, slot) => ({
    key: slot < REQUIRED_PERSPECTIVE_KEYS.length ? REQUIRED_PERSPECTIVE_KEYS[slot] : field(perspectiveFieldName(slot, "key")),
    prompt: field(perspectiveFieldName(slot, "prompt")),
    options: field(perspectiveFieldName(slot, "options")),
    brief: field(perspectiveFieldName(slot, "brief")),
    rehearsal: field(perspectiveFieldName(slot, "rehearsal")),
    modelAnswers: field(perspectiveFieldName(slot, "model-answers")),
  }));
  const required = slots.slice(0, REQUIRED_PERSPECTIVE_KEYS.length);
  const extras = slots.slice(REQUIRED_PERSPECTIVE_KEYS.length);
  return [...required, ...filledFirst(extras, isBlankPerspective)];
}

/** Stable: filled items keep their order, then blank ones keep theirs. */
function filledFirst<T>(items: T[], isBlank: (item: T) => boolean): T[] {
  return [...items.filter((item) => !isBlank(item)), ...items.filter(isBlank)];
}

function isBlankPerspective(slot: PerspectiveSlot): boolean {
  return [slot.key, slot.prompt, slot.options, slot.brief, slot.rehearsal, slot.modelAnswers].every((text) => text.trim() === "");
}

function isBlankStage(slot: StageSlot): boolean {
  return slot.title.trim() === "" && slot.body.trim() === "";
}

/** An extra slot with content but no key keeps key "", so the validator reports it. */
function toPerspective(slot: PerspectiveSlot): CasePerspective<OptionDraft> {
  return { key: slot.key.trim() as PerspectiveKey, prompt: slot.prompt.trim(), options: nonBlankLines(slot.options).map((text) => ({ text })) };
}

function toRoleBrief(slot: PerspectiveSlot): RoleBrief[] {
  const markdown = optionalMarkdown(slot.brief);
  return markdown === null ? [] : [{ perspective: slot.key.trim() as PerspectiveKey, markdown }];
}

/** Model answers without a prompt are the form's problem to report (`rolePlayProblems`), not dropped silently. */
function toRehearsal(slot: PerspectiveSlot): Rehearsal[] {
  const prompt = optionalMarkdown(slot.rehearsal);
  return prompt === null ? [] : [{ perspective: slot.key.trim() as PerspectiveKey, prompt, modelAnswers: optionalMarkdown(slot.modelAnswers) }];
}

function toStage(slot: StageSlot): CaseStage {
  return { title: slot.title.trim(), markdown: trimMarkdown(slot.body) };
}

function commaSeparated(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function nonBlankLines(text: string): string[] {
  return text
    .split(/\r\n?|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/**
 * Browsers post textareas with CRLF. Trimmed as the case file parser trims a section (leading
 * blank lines, trailing whitespace), keeping the first line's indent: it can be an indented code block.
 */
function trimMarkdown(text: string): string {
  return toLf(text)
    .replace(/^(?:[ \t]*\n)+/, "")
    .trimEnd();
}

function optionalMarkdown(text: string): string | null {
  const markdown = trimMarkdown(text);
  return markdown === "" ? null : markdown;
}

function toLf(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

function perspectiveValues(slots: PerspectiveSlot[]): CaseFormValues {
  const values: CaseFormValues = {};
  slots.forEach((slot, index) => {
    values[perspectiveFieldName(index, "key")] = slot.key;
    values[perspectiveFieldName(index, "prompt")] = slot.prompt;
    values[perspectiveFieldName(index, "options")] = slot.options;
    values[perspectiveFieldName(index, "brief")] = slot.brief;
    values[perspectiveFieldName(index, "rehearsal")] = slot.rehearsal;
    values[perspectiveFieldName(index, "model-answers")] = slot.modelAnswers;
  });
  return values;
}

function stageValues(slots: StageSlot[]): CaseFormValues {
  const values: CaseFormValues = {};
  slots.forEach((slot, index) => {
    values[stageFieldName(index, "title")] = slot.title;
    values[stageFieldName(index, "body")] = slot.body;
  });
  return values;
}

// ---------------------------------------------------------------------------------------------
// Form-only checks

function slugProblems(slug: string): CaseFormProblem[] {
  const trimmed = slug.trim();
  if (!/\s/.test(trimmed) && !/[A-Z]/.test(trimmed)) return [];
  const suggestion = suggestSlug(trimmed);
  const example = SLUG_PATTERN.test(suggestion) ? `, e.g. ${suggestion}` : "";
  return [{ field: "slug", message: `Use only lowercase letters, digits and single hyphens, no spaces${example}.` }];
}

function suggestSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Extra perspectives need a known key used once: the serializer writes perspectives as a
 * mapping, so a repeated key would silently replace the earlier perspective.
 */
function perspectiveKeyProblems(slots: PerspectiveSlot[]): CaseFormProblem[] {
  const problems: CaseFormProblem[] = [];
  slots.forEach((slot, index) => {
    const key = slot.key.trim();
    if (index < REQUIRED_PERSPECTIVE_KEYS.length || key === "") return; // a missing key is the validator's to report
    const field = perspectiveFieldName(index, "key");
    if (!(PERSPECTIVE_KEYS as readonly string[]).includes(key)) {
      problems.push({ field, message: `"${key}" is not a perspective; use one of ${PERSPECTIVE_KEYS.join(", ")}.` });
    } else if (slots.slice(0, index).some((earlier) => earlier.key.trim() === key)) {
      problems.push({ field, message: `The ${key} perspective is already in this case; choose another or leave this one blank.` });
    }
  });
  return problems;
}

/** A role brief, rehearsal prompt or model answers must not end its section; model answers need their prompt. */
function rolePlayProblems(slot: PerspectiveSlot, index: number): CaseFormProblem[] {
  const texts: Record<(typeof ROLE_PLAY_PARTS)[number]["part"], string> = { brief: slot.brief, rehearsal: slot.rehearsal, "model-answers": slot.modelAnswers };
  const problems = ROLE_PLAY_PARTS.flatMap(({ part, where }) => markdownSectionProblems(perspectiveFieldName(index, part), texts[part], where));
  if (slot.modelAnswers.trim() !== "" && slot.rehearsal.trim() === "") {
    problems.push({ field: perspectiveFieldName(index, "model-answers"), message: "Model answers answer a rehearsal prompt; write the prompt too, or clear these." });
  }
  return problems;
}

function stageProblems(slot: StageSlot, index: number): CaseFormProblem[] {
  const problems: CaseFormProblem[] = [];
  // The title is written into the "## Stage: <title>" heading line; a second line would become body text.
  const title = slot.title.trim();
  // A title past its limit is refused by the validator already; not worth reading through.
  const finding = title.length <= codeUnitCap(TEXT_LIMITS.stageTitle) ? findSingleLineProblem(title) : null;
  if (finding) problems.push({ field: stageFieldName(index, "title"), message: `A stage title ${singleLineProblem(finding)}.` });
  problems.push(...markdownSectionProblems(stageFieldName(index, "body"), slot.body, "a stage"));
  return problems;
}

// The body parser's own patterns (case-file-body.ts): a "##" heading indented at most 3 spaces,
// and ``` or ~~~ fences, inside which "##" lines are not headings.
const LEVEL_TWO_HEADING = /^ {0,3}##(?=[ \t]|$)/;
const FENCE_OPENING = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSING = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * Text that goes inside a section of the case file must not end that section: a "## " line
 * would start a new one, and an unclosed code fence would swallow every section after it.
 * Line numbers count from the first line of the field, as the author sees it.
 */
function markdownSectionProblems(field: string, text: string, where: string): CaseFormProblem[] {
  let openFence: { marker: string; length: number; line: number } | null = null;
  const lines = toLf(text).split("\n");
  for (const [index, line] of lines.entries()) {
    if (openFence) {
      const closing = FENCE_CLOSING.exec(line)?.[1];
      if (closing && closing[0] === openFence.marker && closing.length >= openFence.length) openFence = null;
      continue;
    }
    const opening = FENCE_OPENING.exec(line)?.[1];
    if (opening) {
      openFence = { marker: opening[0], length: opening.length, line: index + 1 };
    } else if (LEVEL_TWO_HEADING.test(line)) {
      return [{ field, message: `Line ${index + 1} starts with "##". Use ### for headings inside ${where}; ## starts a new section.` }];
    }
  }
  if (openFence) {
    const fence = openFence.marker.repeat(openFence.length);
    return [{ field, message: `The code block opened on line ${openFence.line} is never closed; add a ${fence} line after it.` }];
  }
  const nesting = findMarkdownNestingProblem(lines.join("\n"));
  if (nesting) return [{ field, message: `Line ${nesting.line} ${describeMarkdownNestingProblem(nesting, { withLine: false })}.` }];
  // A line underlined with "---" is a level-2 heading too (the lines above are patterns for "##" only).
  let headingLine: number | null;
  try {
    headingLine = firstSectionHeadingLine(lines.join("\n"));
  } catch {
    // The lexer gave up on this text (the renderer would too): refuse it rather than answer 500.
    return [{ field, message: "This text cannot be read as Markdown; simplify its nesting (block quotes, lists, emphasis)." }];
  }
  if (headingLine !== null) {
    return [
      {
        field,
        message: `Line ${headingLine} is underlined with "---", which makes it a heading that starts a new section. Use ### for headings inside ${where}, or leave a blank line above the "---" to draw a line.`,
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Document → form

/**
 * Pre-fills the editor from a stored case, with one blank stage slot to add a stage in. Only
 * PERSPECTIVE_SLOTS perspectives fit the form: a case with more extras than that loses them here.
 */
export function caseFormValues(doc: CaseDraft): CaseFormValues {
  const byKey = (key: string): CasePerspective<OptionDraft> | undefined => doc.perspectives.find((perspective) => perspective.key === key);
  const extras = doc.perspectives.filter((perspective) => !REQUIRED_PERSPECTIVE_KEYS.includes(perspective.key));
  const slots: PerspectiveSlot[] = Array.from({ length: PERSPECTIVE_SLOTS }, (_, slot) => {
    const isRequired = slot < REQUIRED_PERSPECTIVE_KEYS.length;
    const perspective = isRequired ? byKey(REQUIRED_PERSPECTIVE_KEYS[slot]) : extras[slot - REQUIRED_PERSPECTIVE_KEYS.length];
    const key = isRequired ? REQUIRED_PERSPECTIVE_KEYS[slot] : (perspective?.key ?? "");
    const rehearsal = perspective ? doc.rehearsals.find((r) => r.perspective === key) : undefined;
    return {
      key,
      prompt: perspective?.prompt ?? "",
      options: perspective?.options.map((option) => option.text).join("\n") ?? "",
      brief: (perspective && doc.roles.find((role) => role.perspective === key)?.markdown) || "",
      rehearsal: rehearsal?.prompt ?? "",
      modelAnswers: rehearsal?.modelAnswers ?? "",
    };
  });
  const stageSlots = Math.min(doc.stages.length + 1, MAX_STAGE_SLOTS);
  const stages: StageSlot[] = Array.from({ length: stageSlots }, (_, slot) => ({
    title: doc.stages[slot]?.title ?? "",
    body: doc.stages[slot]?.markdown ?? "",
  }));

  return {
    title: doc.title,
    slug: doc.slug,
    summary: doc.summary,
    tags: doc.tags.join(", "),
    judgement: doc.judgement,
    discussion: doc.discussion.join("\n"),
    lenses: [...doc.lenses],
    facilitatorNotes: doc.facilitatorNotes ?? "",
    sources: doc.sources ?? "",
    stageCount: String(stageSlots),
    ...perspectiveValues(slots),
    ...stageValues(stages),
  };
}

// ---------------------------------------------------------------------------------------------
// Validator problem → form field

/** Where a problem that belongs to no single field is shown. */
const WHOLE_FORM = "form";

const FIELDS_BY_NAME: Record<string, string> = {
  slug: "slug",
  title: "title",
  summary: "summary",
  judgement: "judgement",
  tags: "tags",
  lenses: "lenses",
  discussion: "discussion",
  "facilitator notes": "facilitatorNotes",
  sources: "sources",
};

/**
 * The form field a `parseCaseFile` problem belongs to, for a document read by `readCaseForm`
 * (whose perspective and stage order match the form's slots). Problems about the file as a
 * whole ("body", "front matter", "file") go to "form".
 */
export function formFieldForProblem(problem: CaseFileProblem, doc: CaseDraft): string {
  const { field } = problem;
  // "tags" and "tags.3" (the fourth tag) both go to the one tags field.
  const listField = field.replace(/\.\d+$/, "");
  if (Object.hasOwn(FIELDS_BY_NAME, listField)) return FIELDS_BY_NAME[listField];
  if (field === "perspectives" || field.startsWith("perspectives.")) {
    return perspectiveField(field.slice("perspectives.".length), doc);
  }
  const rolePlay = /^(role|rehearsal|model answers) (.+)$/.exec(field);
  if (rolePlay) {
    const slot = doc.perspectives.findIndex((perspective) => perspective.key === rolePlay[2]);
    const part = rolePlay[1] === "role" ? "brief" : rolePlay[1] === "rehearsal" ? "rehearsal" : "model-answers";
    return slot === -1 ? WHOLE_FORM : perspectiveFieldName(slot, part);
  }
  const stage = /^stage (\d+)$/.exec(field);
  if (stage) {
    const part = /\btitle\b/.test(problem.message) ? "title" : "body";
    return stageFieldName(Number(stage[1]) - 1, part);
  }
  return WHOLE_FORM;
}

/**
 * `rest` is what follows "perspectives.": "<key>", "<key>.prompt", "<key>.options" or
 * "<key>.options.N". Keys are matched against the document rather than split on dots, since
 * a typed key may contain one; the validator writes an empty key as `""`.
 */
function perspectiveField(rest: string, doc: CaseDraft): string {
  const keys = doc.perspectives.map((perspective) => String(perspective.key));
  const slot = longestMatchingKeyIndex(keys, rest);
  if (slot === -1) {
    // Not in the document: a required perspective is missing, or perspectives is missing altogether.
    const requiredSlot = REQUIRED_PERSPECTIVE_KEYS.indexOf(rest as PerspectiveKey);
    if (rest === "" || requiredSlot !== -1) return perspectiveFieldName(Math.max(requiredSlot, 0), "prompt");
    return WHOLE_FORM;
  }
  const key = keys[slot];
  const part = rest.slice(displayedKey(key).length + 1).split(".")[0];
  if (part === "prompt") return perspectiveFieldName(slot, "prompt");
  if (part === "options") return perspectiveFieldName(slot, "options");
  if (part === "" && !(PERSPECTIVE_KEYS as readonly string[]).includes(key)) return perspectiveFieldName(slot, "key");
  if (part === "") return perspectiveFieldName(slot, "prompt");
  return WHOLE_FORM; // an unknown field inside a perspective: no form can post one
}

function displayedKey(key: string): string {
  return key === "" ? '""' : key;
}

function longestMatchingKeyIndex(keys: string[], rest: string): number {
  let best = -1;
  keys.forEach((key, index) => {
    const shown = displayedKey(key);
    const matches = rest === shown || rest.startsWith(`${shown}.`);
    if (matches && (best === -1 || shown.length > displayedKey(keys[best]).length)) best = index;
  });
  return best;
}

// ---------------------------------------------------------------------------------------------
// Reworded or new? (ADR 017)

/** The form field holding the author's answer for option line `line` of perspective slot `slot`. */
export function optionOriginFieldName(slot: number, line: number): string {
  return `perspective-${slot}-option-${line}-origin`;
}

/** What `optionOriginFieldName` holds for a line that is a new option rather than a rewording. */
export const NEW_OPTION = "new";

/** One option line the editor asks about: a wording the current version lacks, while some of its options left the list. */
export interface OptionOriginQuestion {
  /** The select's name (`optionOriginFieldName`); a hidden `<field>-text` holds the wording it was answered for. */
  field: string;
  /** The line's wording. */
  text: string;
  /** The current version's options no longer in the list: what this line may be a rewording of. */
  candidates: CaseOption[];
  /** The answer posted for this wording: an option id, NEW_OPTION, or "" when not answered yet. */
  chosen: string;
}

export interface OptionIdentityDecision {
  /** The draft with ids on every line that keeps or rewords an option of the current version, or that the author called new. */
  doc: CaseDraft;
  /** Per perspective slot, the lines asked about (shown beside the options until the case is saved). */
  questions: Record<number, OptionOriginQuestion[]>;
  problems: CaseFormProblem[];
}

/**
 * The author decides whether a changed option is a rewording or a new option (ADR 017). Against
 * the case's current version, per perspective: a line with exactly an option's wording is that
 * option (moved or not); when lines with new wordings and options that left the list are both
 * there, each such line must say, in its `optionOriginFieldName` select, which option it rewords
 * or that it is new (an answer counts only for the wording it was given for). A line that is new,
 * or whose perspective only gained or only lost options, keeps no id: the case file's rule
 * applies (`identifyOptions`: a wording an earlier version had is that option, else a new one).
 * A line the author called "a new option" gets a new id here (`optionIdFor`, unlike any id of
 * `history` or of this draft), so a wording an older version offered cannot give it that old
 * option's id and answers: the author's answer wins over the file rule.
 *
 * @param draft the form's case (`readCaseForm`), slot i being draft.perspectives[i]
 * @param current the case's current version, or null for a new case
 * @param field the posted form field of this name ("" when absent)
 * @param history every stored version of the case, any order (the ids a new option must not take); defaults to `current`
 */
export function decideOptionIdentities(
  draft: CaseDraft,
  current: CaseDocument | null,
  field: (name: string) => string,
  history: readonly CaseDocument[] = current ? [current] : [],
): OptionIdentityDecision {
  const questions: Record<number, OptionOriginQuestion[]> = {};
  const problems: CaseFormProblem[] = [];
  const perspectives = draft.perspectives.map((perspective, slot) => {
    const before = current?.perspectives.find((p) => p.key === perspective.key)?.options ?? [];
    const fresh: number[] = [];
    const kept = new Map(before.map((option) => [option.text, option.id]));
    const lines = perspective.options.map((option) => ({ text: option.text, id: kept.get(option.text) }));
    const keptIds = new Set(lines.flatMap((line) => (line.id ? [line.id] : [])));
    const candidates = before.filter((option) => !keptIds.has(option.id));
    const changed = lines.flatMap((line, index) => (line.id === undefined ? [index] : []));
    if (candidates.length > 0 && changed.length > 0) {
      const claimed = new Map<string, string>();
      questions[slot] = changed.map((index) => {
        const name = optionOriginFieldName(slot, index);
        const text = lines[index]!.text;
        const answer = field(`${name}-text`) === text ? field(name) : "";
        const chosen = answer === NEW_OPTION || candidates.some((option) => option.id === answer) ? answer : "";
        if (chosen === "") {
          problems.push({ field: name, message: `Say whether “${text}” rewords an option that is no longer in the list, or is a new option.` });
        } else if (chosen !== NEW_OPTION && claimed.has(chosen)) {
          problems.push({ field: name, message: `“${claimed.get(chosen)}” already rewords that option; choose another, or say this is a new option.` });
        } else if (chosen !== NEW_OPTION) {
          claimed.set(chosen, text);
          lines[index]!.id = chosen;
        } else {
          fresh.push(index);
        }
        return { field: name, text, candidates, chosen };
      });
    }
    if (fresh.length > 0) {
      const taken = new Set<string>(lines.flatMap((line) => (line.id ? [line.id] : [])));
      for (const doc of [...history, ...(current ? [current] : [])]) {
        for (const option of doc.perspectives.find((p) => p.key === perspective.key)?.options ?? []) taken.add(option.id);
      }
      for (const index of fresh) {
        const id = optionIdFor(lines[index]!.text, taken);
        taken.add(id);
        lines[index]!.id = id;
      }
    }
    return { ...perspective, options: lines.map((line) => (line.id === undefined ? { text: line.text } : { id: line.id, text: line.text })) };
  });
  return { doc: { ...draft, perspectives }, questions, problems };
}
