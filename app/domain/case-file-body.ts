import type { CaseFileProblem, CaseStage } from "./case-file";
import { singleLineProblem, STAGE_LIMITS } from "./case-file-schema";
import { findControlCharacter } from "./single-line";

export interface CaseBody {
  stages: CaseStage[];
  facilitatorNotes: string | null;
  sources: string | null;
}

type SectionKind = "stage" | "facilitator notes" | "sources" | "unknown";

interface Section {
  kind: SectionKind;
  /** The heading text after `## `, e.g. "Stage: The request". */
  heading: string;
  /** For stages: the text after "Stage:". */
  stageTitle: string;
  headingLine: number;
  lines: string[];
}

const ALLOWED_HEADINGS = `"## Stage: <title>", "## Facilitator notes" or "## Sources"`;

/** `## Heading` with up to 3 spaces of indent; `###` and deeper are not matched. */
const LEVEL_TWO_HEADING = /^ {0,3}##(?=[ \t]|$)(.*)$/;
const FENCE_OPENING = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSING = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

function readLevelTwoHeading(line: string): string | null {
  const match = LEVEL_TWO_HEADING.exec(line);
  if (!match) return null;
  // Markdown allows a closing run of #s: "## Sources ##".
  return (match[1] ?? "").replace(/[ \t]+#+[ \t]*$/, "").trim();
}

function classifyHeading(heading: string): { kind: SectionKind; stageTitle: string } {
  const stage = /^stage[ \t]*(?::(.*))?$/i.exec(heading);
  if (stage) return { kind: "stage", stageTitle: (stage[1] ?? "").trim() };
  const normalized = heading.replace(/\s+/g, " ").toLowerCase();
  if (normalized === "facilitator notes") return { kind: "facilitator notes", stageTitle: "" };
  if (normalized === "sources") return { kind: "sources", stageTitle: "" };
  return { kind: "unknown", stageTitle: "" };
}

/** Drops leading blank lines and trailing whitespace but keeps the first line's indent. */
function sectionMarkdown(lines: string[]): string {
  return lines.join("\n").replace(/^(?:[ \t]*\n)+/, "").trimEnd();
}

/** Splits the body into sections, ignoring `##` lines inside fenced code blocks. */
function splitSections(bodyText: string, bodyFirstLine: number): { sections: Section[]; firstStrayLine: number | null } {
  const sections: Section[] = [];
  let current: Section | null = null;
  let openFence: { marker: string; length: number } | null = null;
  let firstStrayLine: number | null = null;

  bodyText.split("\n").forEach((line, index) => {
    const lineNumber = bodyFirstLine + index;
    if (openFence) {
      const closing = FENCE_CLOSING.exec(line);
      if (closing?.[1] && closing[1][0] === openFence.marker && closing[1].length >= openFence.length) openFence = null;
    } else {
      const opening = FENCE_OPENING.exec(line);
      if (opening?.[1]) {
        openFence = { marker: opening[1][0] ?? "`", length: opening[1].length };
      } else {
        const heading = readLevelTwoHeading(line);
        if (heading !== null) {
          current = { ...classifyHeading(heading), heading, headingLine: lineNumber, lines: [] };
          sections.push(current);
          return;
        }
      }
    }
    if (current) current.lines.push(line);
    else if (line.trim() !== "" && firstStrayLine === null) firstStrayLine = lineNumber;
  });
  return { sections, firstStrayLine };
}

export function parseCaseBody(
  bodyText: string,
  bodyFirstLine: number,
  closingLine: number,
): { body: CaseBody; problems: CaseFileProblem[] } {
  const { sections, firstStrayLine } = splitSections(bodyText, bodyFirstLine);
  const problems: CaseFileProblem[] = [];
  const body: CaseBody = { stages: [], facilitatorNotes: null, sources: null };
  const stageCount = sections.filter((section) => section.kind === "stage").length;
  const firstLineOf: Partial<Record<SectionKind, number>> = {};

  if (firstStrayLine !== null) {
    problems.push({
      line: firstStrayLine,
      field: "body",
      message: "text before the first section; start the body with a '## Stage: <title>' heading",
    });
  }

  for (const section of sections) {
    const markdown = sectionMarkdown(section.lines);
    switch (section.kind) {
      case "stage": {
        const field = `stage ${body.stages.length + 1}`;
        if (firstLineOf["facilitator notes"] !== undefined || firstLineOf.sources !== undefined) {
          problems.push({ line: section.headingLine, field, message: "stages must come before Facilitator notes and Sources" });
        }
        if (body.stages.length === STAGE_LIMITS.max) {
          problems.push({ line: section.headingLine, field, message: `at most ${STAGE_LIMITS.max} stages, found ${stageCount}` });
        }
        if (section.stageTitle === "") {
          problems.push({ line: section.headingLine, field, message: "stage title is required, e.g. '## Stage: The request'" });
        } else if (section.stageTitle.length > STAGE_LIMITS.titleLength) {
          problems.push({
            line: section.headingLine,
            field,
            message: `stage title must be at most ${STAGE_LIMITS.titleLength} characters, found ${section.stageTitle.length}`,
          });
        }
        const control = findControlCharacter(section.stageTitle);
        if (control) problems.push({ line: section.headingLine, field, message: `stage title ${singleLineProblem(control)}` });
        if (markdown === "") problems.push({ line: section.headingLine, field, message: "stage is empty" });
        body.stages.push({ title: section.stageTitle, markdown });
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

  if (stageCount === 0) {
    problems.push({
      line: firstStrayLine ?? sections[0]?.headingLine ?? closingLine,
      field: "body",
      message: `needs at least ${STAGE_LIMITS.min} '## Stage: <title>' section`,
    });
  }
  return { body, problems };
}
