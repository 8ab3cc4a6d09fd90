import { Lexer, type Token, type Tokens } from "marked";
import type { CaseFileProblem, CaseStage, Rehearsal, RoleBrief } from "./case-file";
import { lengthProblem, PERSPECTIVE_KEYS, singleLineProblem, STAGE_LIMITS, type PerspectiveKey } from "./case-file-schema";
import { tryRenderMarkdown } from "./markdown";
import { describeMarkdownNestingProblem, findMarkdownNestingProblem } from "./markdown-limits";
import { findSingleLineProblem } from "./single-line";
import { visibleLengthProblem } from "./visible-length";

export interface CaseBody {
  stages: CaseStage[];
  roles: RoleBrief[];
  rehearsals: Rehearsal[];
  facilitatorNotes: string | null;
  sources: string | null;
}

type SectionKind = "stage" | "role" | "rehearsal" | "model answers" | "facilitator notes" | "sources" | "unknown";

/** The sections that belong to one perspective, named after it: "## Role: employee". */
type PerspectiveSectionKind = "role" | "rehearsal" | "model answers";

interface Section {
  kind: SectionKind;
  /** The heading's text, e.g. "Stage: The request". */
  heading: string;
  /** The text after the colon: a stage's title, or the perspective a role, rehearsal or model answers section is for. */
  subject: string;
  headingLine: number;
  /** Where the heading starts in bodyText. */
  headingStart: number;
  /** The line textStart is on. */
  textStartLine: number;
  /** The section's text after its heading, as written: bodyText from textStart to textEnd. */
  textStart: number;
  textEnd: number;
}

const ALLOWED_HEADINGS = `"## Stage: <title>", "## Role: <perspective>", "## Rehearsal: <perspective>", "## Model answers: <perspective>", "## Facilitator notes" or "## Sources"`;

/**
 * The order sections come in (ADR 027): stages, then role briefs, then rehearsal prompts (each
 * perspective's model answers after its prompt), then facilitator notes and sources (those two
 * in either order, as before).
 */
const SECTION_RANK: Record<Exclude<SectionKind, "unknown">, number> = {
  stage: 0,
  role: 1,
  rehearsal: 2,
  "model answers": 2,
  "facilitator notes": 3,
  sources: 3,
};

/** How a problem names a kind of section. */
const SECTION_NAME: Record<Exclude<SectionKind, "unknown">, string> = {
  stage: "stages",
  role: '"## Role: …" sections',
  rehearsal: '"## Rehearsal: …" sections',
  "model answers": '"## Model answers: …" sections',
  "facilitator notes": "Facilitator notes",
  sources: "Sources",
};

/**
 * What a heading's text names: a stage ("Stage: <title>"), a section for one perspective
 * ("Role: <perspective>", "Rehearsal: <perspective>", "Model answers: <perspective>"), one of the
 * other reserved sections ("Facilitator notes", "Sources"), or nothing reserved. Case, spacing,
 * emphasis markers and a trailing colon are ignored, so "**Facilitator  notes:**" is reserved too.
 */
function classifyHeading(heading: string): { kind: SectionKind; subject: string } {
  const plain = heading
    .replace(/[*_~`\\]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const stage = /^stage[ \t]*(?::(.*))?$/i.exec(plain);
  // The title as written when the heading is plainly "Stage: …", so the single-line check sees
  // any control character in it (the normalised text above has folded them into spaces).
  const written = /^stage[ \t]*:(.*)$/is.exec(heading.trim());
  if (stage) return { kind: "stage", subject: (written ? written[1]! : (stage[1] ?? "")).trim() };
  const perspectiveSection = /^(role|rehearsal|model answers?)[ \t]*(?::(.*))?$/i.exec(plain);
  if (perspectiveSection) {
    const word = perspectiveSection[1]!.toLowerCase();
    const kind: PerspectiveSectionKind = word === "role" ? "role" : word === "rehearsal" ? "rehearsal" : "model answers";
    return { kind, subject: (perspectiveSection[2] ?? "").trim() };
  }
  const normalized = plain.replace(/:$/, "").trim().toLowerCase();
  if (normalized === "facilitator notes") return { kind: "facilitator notes", subject: "" };
  if (normalized === "sources") return { kind: "sources", subject: "" };
  return { kind: "unknown", subject: "" };
}

/** Drops leading blank lines and trailing whitespace but keeps the first line's indent. */
function sectionMarkdown(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
}

/** A heading the lexer found that names a reserved section but cannot be one (wrong level, or nested). */
interface MisplacedHeading {
  line: number;
  heading: string;
  where: string;
}

const lexer = () => new Lexer({ gfm: true });

function linesIn(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count += 1;
  return count;
}

/**
 * Finds where nested headings are written inside one top-level token's raw text. Each search
 * starts after the previous find, so a token's headings cost one pass over it together.
 */
function lineFinder(raw: string): (text: string) => number {
  let from = 0;
  let line = 0;
  return (text) => {
    const needle = (text.split("\n")[0] ?? "").trim();
    const index = needle === "" ? -1 : raw.indexOf(needle, from);
    if (index === -1) return line;
    line += linesIn(raw.slice(from, index));
    from = index;
    return line;
  };
}

/** Headings and HTML blocks anywhere inside `token` (block quotes, lists and their items), in order. */
function nestedBlocks(token: Token): (Tokens.Heading | Tokens.HTML)[] {
  const found: (Tokens.Heading | Tokens.HTML)[] = [];
  // An explicit stack: the nesting is already bounded, but the walk should not depend on it.
  const stack: Token[] = [token];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.type === "heading" || next.type === "html") found.push(next as Tokens.Heading | Tokens.HTML);
    // Paragraphs, headings and other leaves hold inline tokens only, where no heading can be.
    const children: Token[] = next.type === "list" ? (next as Tokens.List).items : next.type === "blockquote" || next.type === "list_item" ? (next as Tokens.Blockquote).tokens : [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]!);
  }
  return found;
}

/** A hostile body could name reserved sections thousands of times; the problem list is capped anyway. */
const MAX_MISPLACED_HEADINGS = 50;

/**
 * marked's top-level tokens of `markdown` with the line each starts on (counting from
 * `firstLine`) and its offsets: the tokens' raw texts add up to the text, in order.
 */
function lexWithLines(markdown: string, firstLine: number): { token: Token; line: number; start: number; end: number }[] {
  const tokens: { token: Token; line: number; start: number; end: number }[] = [];
  let offset = 0;
  let line = firstLine;
  for (const token of lexer().lex(markdown)) {
    const start = markdown.startsWith(token.raw, offset) ? offset : Math.max(offset, markdown.indexOf(token.raw, offset));
    line += linesIn(markdown.slice(offset, start));
    const end = start + token.raw.length;
    tokens.push({ token, line, start, end });
    line += linesIn(markdown.slice(start, end));
    offset = end;
  }
  return tokens;
}

/**
 * The 1-based line of the first level-2 heading in `markdown` (written `## Title` or underlined
 * with `---`) outside block quotes, lists and code: where a case file would start a new section.
 * Null when there is none. Check the text with findMarkdownNestingProblem first.
 */
export function firstSectionHeadingLine(markdown: string): number | null {
  const found = lexWithLines(markdown, 1).find(({ token }) => token.type === "heading" && (token as Tokens.Heading).depth === 2);
  return found ? found.line : null;
}

/** `<h1>`…`<h6>` written as HTML, with their text. */
// No "<" inside the tag or the text, so each match attempt stops at the next "<": linear time.
const HTML_HEADING = /<h([1-6])\b[^<>]*>([^<]*)<\/h\1\s*>/gi;

/** Entities sanitize-html and marked may leave or that stand for (invisible) spacing; the rest stay as written. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ensp: "\u2002",
  emsp: "\u2003",
  thinsp: "\u2009",
  shy: "\u00ad",
  zwsp: "\u200b",
  zwj: "\u200d",
  zwnj: "\u200c",
  lrm: "\u200e",
  rlm: "\u200f",
};

/** Tags that break the line or start a block where they are displayed: read as a space. Other tags are read as nothing. */
const SPACING_TAGS = /^(?:br|hr|p|div|li|ul|ol|table|thead|tbody|tr|td|th|blockquote|pre|h[1-6])$/i;

/**
 * The text a reader sees of an HTML fragment: tags dropped (line-breaking ones read as a space),
 * entities decoded once (named, decimal and hex), invisible characters (soft hyphens, zero-width
 * and direction marks) removed, compatibility forms folded (NFKC), white space folded, trimmed.
 */
function displayedText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<\/?([a-z][a-z0-9]*)\b[^<>]*>/gi, (_, name: string) => (SPACING_TAGS.test(name) ? " " : ""))
    .replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,31}));?/gi, (entity, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    });
  return text
    .normalize("NFKC")
    .replace(/\p{Default_Ignorable_Code_Point}/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The headings in rendered, sanitized HTML, in the order they open, each with its displayed
 * text. Sanitized HTML may nest headings (an <h4> written inside an <h3>); each is found, and
 * the outer one's text includes the inner one's.
 */
function renderedHeadings(html: string): string[] {
  const found: string[] = [];
  const open: { level: string; start: number; index: number }[] = [];
  for (const match of html.matchAll(/<(\/?)h([1-6])\b[^<>]*>/gi)) {
    const at = match.index!;
    if (match[1] === "") {
      open.push({ level: match[2]!, start: at + match[0].length, index: found.length });
      found.push("");
      continue;
    }
    // Close the nearest open heading of this level (and any left open inside it).
    let depth = open.length - 1;
    while (depth >= 0 && open[depth]!.level !== match[2]) depth -= 1;
    if (depth < 0) continue;
    for (const heading of open.splice(depth)) found[heading.index] = displayedText(html.slice(heading.start, at));
  }
  // Any left open (sanitized HTML closes them, but be sure) run to the end.
  for (const heading of open) found[heading.index] = displayedText(html.slice(heading.start));
  return found;
}

/** The word each reserved kind of heading starts with, to find where it is written. */
const RESERVED_WORD: Record<Exclude<SectionKind, "unknown">, string> = {
  stage: "stage",
  "facilitator notes": "facilitator",
  sources: "sources",
  role: "role",
  rehearsal: "rehearsal",
  "model answers": "model",
};

/**
 * Splits the body into sections with marked's lexer: a level-2 heading (`## Title` or a title
 * underlined with `---`) at the top level starts a section; headings in code blocks are code.
 * Headings that name a reserved section anywhere else are returned as misplaced.
 */
function splitSections(bodyText: string, bodyFirstLine: number): { sections: Section[]; firstStrayLine: number | null; misplaced: MisplacedHeading[] } {
  const sections: Section[] = [];
  const misplaced: MisplacedHeading[] = [];
  let firstStrayLine: number | null = null;
  let current: Section | null = null;

  for (const { token, line, start, end } of lexWithLines(bodyText, bodyFirstLine)) {
    if (token.type === "heading" && (token as Tokens.Heading).depth === 2) {
      if (current) current.textEnd = start;
      const written = (token as Tokens.Heading).text;
      const heading = written.replace(/\s+/g, " ").trim();
      const textStartLine = line + linesIn(token.raw);
      current = { ...classifyHeading(written), heading, headingLine: line, headingStart: start, textStartLine, textStart: end, textEnd: bodyText.length };
      sections.push(current);
    } else {
      if (!current && token.type !== "space" && firstStrayLine === null) firstStrayLine = line;
      const lineOf = lineFinder(token.raw);
      for (const block of nestedBlocks(token)) {
        if (misplaced.length >= MAX_MISPLACED_HEADINGS) break;
        if (block.type === "heading") {
          if (classifyHeading(block.text).kind === "unknown") continue;
          const where = block === token ? `a level-${block.depth} heading` : "a heading inside a block quote or list";
          misplaced.push({ line: line + lineOf(block.text), heading: block.text.replace(/\s+/g, " ").trim(), where });
        } else {
          for (const match of block.text.matchAll(HTML_HEADING)) {
            if (classifyHeading(match[2] ?? "").kind === "unknown") continue;
            misplaced.push({ line: line + lineOf(match[0]), heading: (match[2] ?? "").trim(), where: `an HTML <h${match[1]}> heading` });
          }
        }
      }
    }
  }
  return { sections, firstStrayLine, misplaced };
}

function misplacedMessage(heading: string, where: string): string {
  // No "title" in the message: the editor reads that word as a problem with a stage's title field.
  return `"${heading}" is ${where}, so it would be shown as part of the text around it; write the section as a level-2 heading, "## ${heading}", or rename the heading`;
}

/** Text compared the way classifyHeading compares it: emphasis markers dropped, spacing folded, lower case. */
function comparable(text: string): string {
  return text
    .replace(/[*_~`\\]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/**
 * Where a heading found in a section's rendered HTML is written: the index in `lines` (the
 * section's source lines, with `seen`, each line's displayed text made comparable) of the first
 * line that writes a heading ("#" or "<h1>"…"<h6>") and shows the whole heading, else one that
 * writes a heading and names `word`, else one that shows the whole heading, else one that names
 * `word`; a line from `from` on before one above it. -1 when no line does. One pass over the lines.
 */
function lineOfHeading(lines: string[], seen: string[], heading: string, word: string, from: number): number {
  const whole = comparable(heading);
  // For each rule in turn: the first line from `from` on, and the first line at all.
  const after = [-1, -1, -1, -1];
  const anywhere = [-1, -1, -1, -1];
  for (let i = 0; i < lines.length; i += 1) {
    const line = seen[i]!;
    if (!line.includes(word)) continue;
    const shown = whole !== "" && line.includes(whole);
    const writesHeading = /#|<h[1-6]/i.test(lines[i]!);
    const rules = [shown && writesHeading, writesHeading, shown, true];
    for (let rule = 0; rule < rules.length; rule += 1) {
      if (!rules[rule]) continue;
      if (anywhere[rule] === -1) anywhere[rule] = i;
      if (i >= from && after[rule] === -1) after[rule] = i;
    }
  }
  for (let rule = 0; rule < after.length; rule += 1) {
    if (after[rule] !== -1) return after[rule]!;
    if (anywhere[rule] !== -1) return anywhere[rule]!;
  }
  return -1;
}

/**
 * Where the role, rehearsal and model answers sections of a body are, as [start, end) offsets in
 * `bodyText`, heading included, in order: what `withoutRoleSections` cuts out. Check the text
 * with findMarkdownNestingProblem first (a stored file always passed it).
 */
export function perspectiveSectionSpans(bodyText: string): [number, number][] {
  return splitSections(bodyText, 1)
    .sections.filter((section) => section.kind === "role" || section.kind === "rehearsal" || section.kind === "model answers")
    .map((section) => [section.headingStart, section.textEnd]);
}

/** A perspective key as a "## Role: …" heading may write it (any case); null when it names none. */
function perspectiveKeyOf(subject: string): PerspectiveKey | null {
  const key = subject.toLowerCase();
  return (PERSPECTIVE_KEYS as readonly string[]).includes(key) ? (key as PerspectiveKey) : null;
}

/**
 * The problem field of a section: "stage 2", "role employee", "facilitator notes"; "body" for
 * an unknown section.
 */
function fieldOfSection(section: Section, stageNumber: number): string {
  if (section.kind === "stage") return `stage ${stageNumber}`;
  if (section.kind === "role" || section.kind === "rehearsal" || section.kind === "model answers") {
    return section.subject === "" ? section.kind : `${section.kind} ${section.subject.toLowerCase()}`;
  }
  if (section.kind === "facilitator notes" || section.kind === "sources") return section.kind;
  return "body";
}

/**
 * Reads the body of a case file: its sections in order, each checked, with every problem at its
 * line in the whole file. `perspectives` are the keys the front matter names, when it could be
 * read: a role, rehearsal or model answers section for a perspective the case does not ask for is
 * a problem (null: only unknown keys are).
 */
export function parseCaseBody(bodyText: string, bodyFirstLine: number, closingLine: number, perspectives: readonly string[] | null = null): { body: CaseBody; problems: CaseFileProblem[] } {
  const body: CaseBody = { stages: [], roles: [], rehearsals: [], facilitatorNotes: null, sources: null };
  // Checked before lexing: the lexer itself recurses into what is nested.
  const nesting = findMarkdownNestingProblem(bodyText);
  if (nesting) {
    return { body, problems: [{ line: bodyFirstLine + nesting.line - 1, field: "body", message: describeMarkdownNestingProblem(nesting, { withLine: false }) }] };
  }
  const { sections, firstStrayLine, misplaced } = splitSections(bodyText, bodyFirstLine);
  const problems: CaseFileProblem[] = [];
  const fieldOf = new Map<Section, string>();
  const misplacedLines = new Set(misplaced.map((heading) => heading.line));
  let misplacedCount = misplaced.length;
  let reservedRendered = 0;
  const renderedMisplaced: CaseFileProblem[] = [];
  const stageCount = sections.filter((section) => section.kind === "stage").length;
  const firstLineOf: Partial<Record<SectionKind, number>> = {};
  /** Where each perspective's role, rehearsal and model answers section was first written. */
  const perspectiveSectionLines = new Map<string, number>();
  /** Model answers wait for the end: their rehearsal may be missing altogether. */
  const modelAnswers: { key: PerspectiveKey; markdown: string; line: number; field: string }[] = [];
  /** The highest-ranked kind of section seen so far, to say when one comes too late. */
  let latest: { kind: Exclude<SectionKind, "unknown">; rank: number } | null = null;

  if (firstStrayLine !== null) {
    problems.push({
      line: firstStrayLine,
      field: "body",
      message: "text before the first section; start the body with a '## Stage: <title>' heading",
    });
  }

  for (const section of sections) {
    const markdown = sectionMarkdown(bodyText.slice(section.textStart, section.textEnd));
    const sectionField = fieldOfSection(section, body.stages.length + 1);
    fieldOf.set(section, sectionField);
    const rendering = tryRenderMarkdown(markdown);
    if (!rendering.ok) problems.push({ line: section.headingLine, field: sectionField, message: `cannot be rendered: ${rendering.reason}` });
    else if (section.kind !== "unknown") {
      // The backstop to splitSections: whatever the spelling (entities, tags, comments, links,
      // tables), a heading the page would display that names a reserved section is refused.
      let lines: string[] | null = null;
      let seen: string[] = [];
      let cursor = 0;
      for (const text of renderedHeadings(rendering.html)) {
        // Each heading looked up costs a pass over the section: a bounded number of them, as with splitSections.
        if (misplacedCount >= MAX_MISPLACED_HEADINGS || reservedRendered >= 2 * MAX_MISPLACED_HEADINGS) break;
        const { kind } = classifyHeading(text);
        if (kind === "unknown") continue;
        reservedRendered += 1;
        if (!lines) {
          lines = bodyText.slice(section.textStart, section.textEnd).split("\n");
          seen = lines.map((line) => comparable(displayedText(line)));
        }
        const at = lineOfHeading(lines, seen, text, RESERVED_WORD[kind], cursor);
        const line = at === -1 ? section.headingLine : section.textStartLine + at;
        if (at !== -1) cursor = at + 1;
        if (misplacedLines.has(line)) continue;
        misplacedLines.add(line);
        misplacedCount += 1;
        renderedMisplaced.push({ line, field: sectionField, message: misplacedMessage(text, "a heading in the text as the page displays it") });
      }
    }
    if (section.kind !== "unknown") {
      const rank = SECTION_RANK[section.kind];
      if (latest && latest.rank > rank) {
        // The message stages had before role sections existed, for the case it covered.
        const message =
          section.kind === "stage" && latest.rank === SECTION_RANK["facilitator notes"]
            ? "stages must come before Facilitator notes and Sources"
            : `${SECTION_NAME[section.kind]} must come before ${SECTION_NAME[latest.kind]}; the order is stages, roles, rehearsals (each followed by its model answers), then Facilitator notes and Sources`;
        problems.push({ line: section.headingLine, field: sectionField, message });
      } else {
        latest = { kind: section.kind, rank };
      }
    }
    switch (section.kind) {
      case "stage": {
        const field = sectionField;
        if (body.stages.length === STAGE_LIMITS.max) {
          problems.push({ line: section.headingLine, field, message: `at most ${STAGE_LIMITS.max} stages, found ${stageCount}` });
        }
        if (section.subject === "") {
          problems.push({ line: section.headingLine, field, message: "stage title is required, e.g. '## Stage: The request'" });
        } else {
          const tooLong = visibleLengthProblem(section.subject, STAGE_LIMITS.titleLength);
          if (tooLong) problems.push({ line: section.headingLine, field, message: `stage title ${lengthProblem(tooLong, STAGE_LIMITS.titleLength)}` });
        }
        const finding = findSingleLineProblem(section.subject);
        if (finding) problems.push({ line: section.headingLine, field, message: `stage title ${singleLineProblem(finding)}` });
        if (markdown === "") problems.push({ line: section.headingLine, field, message: "stage is empty" });
        body.stages.push({ title: section.subject, markdown });
        break;
      }
      case "role":
      case "rehearsal":
      case "model answers": {
        const field = sectionField;
        const key = perspectiveKeyOf(section.subject);
        if (section.subject === "") {
          problems.push({ line: section.headingLine, field, message: `needs the perspective it is for, e.g. "## ${section.heading.replace(/:.*$/, "").trim()}: employee"` });
          break;
        }
        if (key === null) {
          problems.push({ line: section.headingLine, field, message: `unknown perspective "${section.subject}"; use one of ${PERSPECTIVE_KEYS.join(", ")}` });
          break;
        }
        if (perspectives !== null && !perspectives.includes(key)) {
          problems.push({ line: section.headingLine, field, message: `the case asks for no ${key} perspective; write sections only for ${perspectives.join(" and ")}` });
          break;
        }
        const firstLine = perspectiveSectionLines.get(`${section.kind} ${key}`);
        if (firstLine !== undefined) {
          problems.push({ line: section.headingLine, field, message: `appears twice; the first is at line ${firstLine}` });
          break;
        }
        perspectiveSectionLines.set(`${section.kind} ${key}`, section.headingLine);
        if (markdown === "") {
          problems.push({ line: section.headingLine, field, message: "section is empty; add text or remove the heading" });
          break;
        }
        if (section.kind === "role") body.roles.push({ perspective: key, markdown });
        else if (section.kind === "rehearsal") body.rehearsals.push({ perspective: key, prompt: markdown, modelAnswers: null });
        else modelAnswers.push({ key, markdown, line: section.headingLine, field });
        break;
      }
      case "facilitator notes":
      case "sources": {
        const firstLine = firstLineOf[section.kind];
        if (firstLine !== undefined) {
          problems.push({ line: section.headingLine, field: section.kind, message: `appears twice; the first is at line ${firstLine}` });
          break;
        }
        firstLineOf[section.kind] = section.headingLine;
        if (markdown === "") {
          problems.push({ line: section.headingLine, field: section.kind, message: "section is empty; add text or remove the heading" });
        }
        if (section.kind === "sources") body.sources = markdown;
        else body.facilitatorNotes = markdown;
        break;
      }
      case "unknown":
        problems.push({
          line: section.headingLine,
          field: "body",
          message: `unknown section "## ${section.heading}"; use ${ALLOWED_HEADINGS}`,
        });
        break;
    }
  }

  for (const answers of modelAnswers) {
    const rehearsal = body.rehearsals.find((candidate) => candidate.perspective === answers.key);
    const rehearsalLine = perspectiveSectionLines.get(`rehearsal ${answers.key}`);
    if (rehearsalLine === undefined) {
      problems.push({ line: answers.line, field: answers.field, message: `model answers answer a rehearsal prompt; add a "## Rehearsal: ${answers.key}" section before them` });
    } else if (rehearsalLine > answers.line) {
      problems.push({ line: answers.line, field: answers.field, message: `model answers must come after the "## Rehearsal: ${answers.key}" section they answer (line ${rehearsalLine})` });
    } else if (rehearsal) {
      rehearsal.modelAnswers = answers.markdown;
    }
  }

  for (const heading of misplaced) {
    const section = sections.filter((candidate) => candidate.headingLine < heading.line).pop();
    problems.push({
      line: heading.line,
      field: (section && fieldOf.get(section)) ?? "body",
      message: misplacedMessage(heading.heading, heading.where),
    });
  }
  problems.push(...renderedMisplaced);

  if (stageCount === 0) {
    problems.push({
      line: firstStrayLine ?? sections[0]?.headingLine ?? closingLine,
      field: "body",
      message: `needs at least ${STAGE_LIMITS.min} '## Stage: <title>' section`,
    });
  }
  return { body, problems };
}
