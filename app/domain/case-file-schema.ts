import { z } from "zod";
import { singleLine, type SingleLineFinding } from "./single-line";
import { TEXT_LIMITS } from "./text-limits";
import { maxVisible, visibleLength, type VisibleLengthProblem } from "./visible-length";
import { OPTION_ID_FORMAT_MESSAGE, OPTION_ID_MAX_LENGTH, OPTION_ID_PATTERN } from "./option-identity";

/** The hats a person can answer in. Every case asks for `employee` and `employer`. */
/** Addresses under /cases/ that belong to the app, so no case may take them. */
export const RESERVED_SLUGS = ["new", "upload", "preview"];

export const PERSPECTIVE_KEYS = ["employee", "employer", "customer", "client", "applicant", "colleague", "public"] as const;
export type PerspectiveKey = (typeof PERSPECTIVE_KEYS)[number];
export const REQUIRED_PERSPECTIVE_KEYS: readonly PerspectiveKey[] = ["employee", "employer"];

/** Ethical lenses an argument (and a case) can be read through. */
export const LENSES = ["rights", "justice", "outcomes", "common-good", "virtue", "care", "law"] as const;
export type Lens = (typeof LENSES)[number];

export const LENS_LABELS: Record<Lens, string> = {
  rights: "Rights",
  justice: "Justice / fairness",
  outcomes: "Outcomes",
  "common-good": "Common good",
  virtue: "Virtue",
  care: "Care / empathy",
  law: "Law / policy",
};

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_FORMAT_MESSAGE = "must be lowercase letters and digits joined by single hyphens, e.g. background-check";

export const STAGE_LIMITS = { min: 1, max: 8, titleLength: TEXT_LIMITS.stageTitle } as const;

/** The single-line rule's wording in case file problems ("title: must be one line …"). */
export const singleLineProblem = ({ kind, found }: SingleLineFinding) =>
  kind === "control" ? `must be one line without tabs or control characters; it has ${found}` : `must not contain invisible formatting characters; it has ${found}`;

/**
 * A length problem's wording in case file problems, for a limit of `max` visible characters:
 * "must be at most 120 characters, found 121".
 */
export function lengthProblem(problem: VisibleLengthProblem, max: number): string {
  return problem.kind === "too long"
    ? `must be at most ${max} characters${problem.length === null ? "" : `, found ${problem.length}`}`
    : `is built from too many invisible parts (combining marks or joined symbols); it may hold up to ${max} characters of ordinary text`;
}

/**
 * Text fields are one line (shown in headings, table cells and exports), trimmed first so that
 * "   " counts as empty and a YAML block's final line break does not count. Their length is
 * counted in the characters people see (visible-length.ts).
 */
function text(maxLength: number) {
  return singleLine(
    maxVisible(
      z.string().trim().min(1),
      maxLength,
      (length) => lengthProblem({ kind: "too long", length }, maxLength),
      (codeUnits) => lengthProblem({ kind: "too large", codeUnits }, maxLength),
    ),
    singleLineProblem,
  );
}

/** Rejects repeats, ignoring case, at the index of the later copy (`path` below it, if given). */
function rejectDuplicates<T>(noun: string, valueOf: (item: T) => string | undefined = (item) => String(item), path: string[] = []) {
  return (items: readonly T[], ctx: z.RefinementCtx): void => {
    const firstIndexByValue = new Map<string, number>();
    items.forEach((item, index) => {
      const value = valueOf(item);
      if (value === undefined) return;
      const normalized = value.toLowerCase();
      const firstIndex = firstIndexByValue.get(normalized);
      if (firstIndex === undefined) {
        firstIndexByValue.set(normalized, index);
      } else {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, ...path],
          message: `duplicate ${noun} "${value}" (same as ${noun === "option id" ? "option" : noun} ${firstIndex + 1})`,
        });
      }
    });
  };
}

/**
 * An option is its wording, or a mapping naming its stable id as well (ADR 017):
 * `{ id: refuse, text: Decline }` says "Decline" is the option "refuse" of earlier versions, reworded.
 */
const optionSchema = z.union([
  text(TEXT_LIMITS.option),
  z
    .object({
      id: z.string().trim().min(1).max(OPTION_ID_MAX_LENGTH).regex(OPTION_ID_PATTERN, OPTION_ID_FORMAT_MESSAGE),
      text: text(TEXT_LIMITS.option),
    })
    .strict(),
]);
type OptionEntry = z.infer<typeof optionSchema>;

const perspectiveSchema = z
  .object({
    prompt: text(TEXT_LIMITS.prompt),
    options: z
      .array(optionSchema)
      .min(2)
      .max(6)
      .superRefine(rejectDuplicates<OptionEntry>("option", (option) => (typeof option === "string" ? option : option.text)))
      .superRefine(rejectDuplicates<OptionEntry>("option id", (option) => (typeof option === "string" ? undefined : option.id), ["id"])),
  })
  .strict();

const OPTION_FIELDS = ["id", "text"];

/**
 * Perspectives are a record, not an object with fixed keys, so the output keeps the file's
 * order; which keys are allowed is checked by `checkPerspectiveKeys`, which also runs when
 * zod stops early on a type error.
 */
export const frontMatterSchema = z
  .object({
    slug: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(SLUG_PATTERN, SLUG_FORMAT_MESSAGE)
      .refine((slug) => !RESERVED_SLUGS.includes(slug), { message: `is reserved for the app's own pages (${RESERVED_SLUGS.join(", ")}); choose another slug` }),
    title: text(TEXT_LIMITS.caseTitle),
    summary: text(TEXT_LIMITS.caseSummary),
    tags: z.array(z.string().trim().min(1).max(40).regex(SLUG_PATTERN, SLUG_FORMAT_MESSAGE)).max(10).superRefine(rejectDuplicates<string>("tag")).default([]),
    perspectives: z.record(z.string(), perspectiveSchema),
    judgement: text(TEXT_LIMITS.judgement),
    lenses: z.array(z.enum(LENSES)).superRefine(rejectDuplicates<string>("lens")).default([]),
    discussion: z.array(text(TEXT_LIMITS.discussionQuestion)).min(1).max(12),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;

const FRONT_MATTER_FIELDS = Object.keys(frontMatterSchema.shape);
const PERSPECTIVE_FIELDS = Object.keys(perspectiveSchema.shape);

/** A schema problem before it is placed on a line. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/** Perspective keys must be known, and the employee/employer pair must be there. */
export function checkPerspectiveKeys(frontMatter: unknown): FieldIssue[] {
  if (!isPlainObject(frontMatter)) return [];
  const perspectives = frontMatter.perspectives;
  if (!isPlainObject(perspectives)) return []; // zod reports the missing or mistyped field
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(perspectives)) {
    if (!(PERSPECTIVE_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: ["perspectives", key],
        message: `unknown perspective "${key}"; use one of ${PERSPECTIVE_KEYS.join(", ")}`,
      });
    }
  }
  for (const key of REQUIRED_PERSPECTIVE_KEYS) {
    if (!(key in perspectives)) {
      issues.push({
        path: ["perspectives", key],
        message: `missing the ${key} perspective; every case needs both employee and employer`,
      });
    }
  }
  return issues;
}

/** Turns one zod issue into plain-language field issues (one per unknown key). */
export function describeZodIssue(issue: z.ZodIssue, input: unknown): FieldIssue[] {
  const path = [...issue.path];
  const value = valueAt(input, path);
  switch (issue.code) {
    case z.ZodIssueCode.unrecognized_keys: {
      const allowed = path.length === 0 ? FRONT_MATTER_FIELDS : path.at(-2) === "options" ? OPTION_FIELDS : PERSPECTIVE_FIELDS;
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown field "${key}"; use one of ${allowed.join(", ")}`,
      }));
    }
    case z.ZodIssueCode.invalid_type: {
      if (path.length === 0) {
        return [{ path, message: `must be a mapping of fields (${FRONT_MATTER_FIELDS.join(", ")}), found ${typeName(issue.received)}` }];
      }
      if (issue.received === "undefined") return [{ path, message: "is required" }];
      if (issue.received === "null") return [{ path, message: `is empty; expected ${typeName(issue.expected)}` }];
      return [{ path, message: `must be ${typeName(issue.expected)}, found ${typeName(issue.received)}` }];
    }
    case z.ZodIssueCode.too_small: {
      if (issue.type === "string") return [{ path, message: "must not be empty" }];
      const noun = listNoun(path);
      const count = Number(issue.minimum);
      return [{ path, message: `needs at least ${count} ${count === 1 ? noun.one : noun.many}, found ${lengthOf(value)}` }];
    }
    case z.ZodIssueCode.too_big: {
      if (issue.type === "string") {
        return [{ path, message: `must be at most ${issue.maximum} characters, found ${lengthOf(value)}` }];
      }
      const noun = listNoun(path);
      return [{ path, message: `at most ${issue.maximum} ${noun.many}, found ${lengthOf(value)}` }];
    }
    case z.ZodIssueCode.invalid_enum_value: {
      const noun = listNoun(path.slice(0, -1)).one;
      return [{ path, message: `unknown ${noun} "${String(issue.received)}"; use one of ${issue.options.join(", ")}` }];
    }
    case z.ZodIssueCode.invalid_union: {
      // An option (the only union): text fails as text, a mapping as a mapping; anything else is neither.
      const branch = typeof value === "string" ? issue.unionErrors[0] : isPlainObject(value) ? issue.unionErrors[1] : undefined;
      if (branch) return branch.issues.flatMap((inner) => describeZodIssue(inner, input));
      return [
        { path, message: `must be text, or a mapping of id and text (e.g. { id: refuse, text: Decline }), found ${typeName(value === null ? "null" : Array.isArray(value) ? "array" : typeof value)}` },
      ];
    }
    case z.ZodIssueCode.invalid_string:
      // An empty value already gets "must not be empty"; its format is beside the point.
      if (typeof value === "string" && value.trim() === "") return [];
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

const LIST_NOUNS: Record<string, { one: string; many: string }> = {
  options: { one: "option", many: "options" },
  discussion: { one: "question", many: "questions" },
  tags: { one: "tag", many: "tags" },
  lenses: { one: "lens", many: "lenses" },
};

function listNoun(path: (string | number)[]): { one: string; many: string } {
  const last = path[path.length - 1];
  return (typeof last === "string" && LIST_NOUNS[last]) || { one: "value", many: "values" };
}

function typeName(zodType: string): string {
  const names: Record<string, string> = {
    string: "text",
    number: "a number",
    integer: "a number",
    float: "a number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping (key: value lines)",
    null: "nothing",
    undefined: "nothing",
  };
  return names[zodType] ?? zodType;
}

function lengthOf(value: unknown): number {
  if (typeof value === "string") return visibleLength(value.trim());
  if (Array.isArray(value)) return value.length;
  return 0;
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
  let current = input;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
