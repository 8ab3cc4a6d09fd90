/**
 * Single-line fields hold one line of printable text, in every form and in case files: a line
 * break, a tab or another control character is refused with a message naming the field (and,
 * in a case file, its line), never stored.
 */
import { describe, expect, it } from "vitest";
import { profileForm, signupForm } from "../../app/domain/account-forms";
import { parseCaseFile, serializeCaseFile, type CaseFileProblem } from "../../app/domain/case-file";
import { formFieldForProblem, readCaseForm } from "../../app/domain/case-form";
import { moderationForm } from "../../app/domain/debate-forms";
import { findControlCharacter, findInvisibleCharacter } from "../../app/domain/single-line";
import { joinForm, readCreateWorkshopForm } from "../../app/domain/workshop-forms";

/** Control characters as people and attackers type them, and what the message says of each. */
const CONTROLS: [string, string][] = [
  ["\n", "a line break"],
  ["\r", "a line break"],
  ["\u2028", "a line break"],
  ["\u0085", "a line break"],
  ["\t", "a tab"],
  ["\u0000", "the control character U+0000"],
  ["\u0007", "the control character U+0007"],
  ["\u001B", "the control character U+001B"],
  ["\u007F", "the control character U+007F"],
];

function formData(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
}

/** The messages a zod result holds for one field. */
function messagesFor(result: { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } }, field: string): string[] {
  return (result.error?.issues ?? []).filter((issue) => issue.path[0] === field).map((issue) => issue.message);
}

describe("findControlCharacter", () => {
  it.each(CONTROLS)("names %j and where it is", (character, name) => {
    expect(findControlCharacter(`Tuesday${character}lab`)).toBe(`${name} at character 8`);
  });

  it("finds nothing in printable text, including accents, emoji, right-to-left text and non-breaking spaces", () => {
    for (const text of ["Tuesday ethics lab", "Ana Souza-Müller", "Zoë 👩‍👩‍👧", "مرحبا", "a\u00A0b"]) expect(findControlCharacter(text)).toBeNull();
  });
});

describe("single-line fields in forms", () => {
  const workshop = (title: string) => readCreateWorkshopForm(formData({ caseSlug: "the-fee-waiver", title, perspectives: ["employee", "employer"], resultsMode: "live" }));

  it("accepts a workshop title on one line, and trims line breaks at its ends", () => {
    const result = workshop("\r\nTuesday ethics lab\n");
    expect(result.success && result.data.title).toBe("Tuesday ethics lab");
  });

  it.each(CONTROLS)("refuses a workshop title with %j inside, saying where", (character, name) => {
    expect(messagesFor(workshop(`Tuesday${character}# Injected`), "title")).toEqual([`Keep the workshop title on one line, without tabs or control characters (it has ${name} at character 8).`]);
  });

  it("refuses a display name with a line break when joining a workshop, signing up or changing a profile", () => {
    const name = "Ana\r\nSouza";
    const found = "a line break at character 4";
    expect(messagesFor(joinForm.safeParse({ code: "K7M2QP", displayName: name }), "displayName")).toEqual([`Keep your name on one line, without tabs or control characters (it has ${found}).`]);
    const message = `Keep your display name on one line, without tabs or control characters (it has ${found}).`;
    expect(messagesFor(signupForm.safeParse({ email: "ana@example.com", displayName: name, password: "a long enough password" }), "displayName")).toEqual([message]);
    expect(messagesFor(profileForm.safeParse({ displayName: name, standing: "" }), "displayName")).toEqual([message]);
  });

  it("still accepts a blank name when joining, as before", () => {
    expect(joinForm.safeParse({ code: "K7M2QP", displayName: "" }).success).toBe(true);
  });

  it("refuses a moderation reason with a control character (it goes into the audit log)", () => {
    expect(messagesFor(moderationForm.safeParse({ argumentId: "3", reason: "Off topic\u001B[2J" }), "reason")).toEqual([
      "Keep the reason on one line, without tabs or control characters (it has the control character U+001B at character 10).",
    ]);
  });
});

const FRONT = (fields: Record<string, string>) =>
  [
    "---",
    "slug: the-late-invoice",
    `title: ${fields.title ?? "The late invoice"}`,
    `summary: ${fields.summary ?? "A bookkeeper is asked to date an invoice a week early."}`,
    "perspectives:",
    "  employee:",
    `    prompt: ${fields.prompt ?? "You are the bookkeeper. What do you do?"}`,
    `    options: [${fields.option ?? "Date it early"}, Refuse]`,
    "  employer:",
    "    prompt: You are the controller. What do you do?",
    "    options: [Back her, Overrule her]",
    `judgement: ${fields.judgement ?? "Was the bookkeeper right?"}`,
    `discussion: [${fields.discussion ?? "Who is harmed by a date?"}]`,
    "---",
    "",
    `## Stage: ${fields.stage ?? "The request"}`,
    "",
    "Ana is asked to date an invoice early.",
    "",
  ].join("\n");

function problemsOf(source: string): CaseFileProblem[] {
  const result = parseCaseFile(source);
  if (result.ok) throw new Error("expected problems, but the file parsed");
  return result.problems;
}

describe("single-line fields in case files", () => {
  it("accepts the file without control characters", () => {
    expect(parseCaseFile(FRONT({})).ok).toBe(true);
  });

  it.each([
    ["title", { title: `"The late\\ninvoice"` }, 3, "a line break at character 9"],
    ["summary", { summary: `"Dated early.\\tOr not."` }, 4, "a tab at character 13"],
    ["perspectives.employee.prompt", { prompt: `"What do you do?\\u0007"` }, 7, "the control character U+0007 at character 16"],
    ["perspectives.employee.options.0", { option: `"Date it\\r\\n# early"` }, 8, "a line break at character 8"],
    ["judgement", { judgement: `"Right?\\u2028Wrong?"` }, 12, "a line break at character 7"],
    ["discussion.0", { discussion: `"Who?\\u001B[31m"` }, 13, "the control character U+001B at character 5"],
  ])("refuses %s with a control character, at its line", (field, fields, line, found) => {
    expect(problemsOf(FRONT(fields))).toEqual([{ line, field, message: `must be one line without tabs or control characters; it has ${found}` }]);
  });

  it("refuses a multi-line YAML block in a single-line field", () => {
    const source = FRONT({}).replace("summary: A bookkeeper is asked to date an invoice a week early.", "summary: |\n  A bookkeeper.\n  # Injected");
    expect(problemsOf(source)).toEqual([{ line: 4, field: "summary", message: "must be one line without tabs or control characters; it has a line break at character 14" }]);
  });

  it("refuses a stage title with a control character, at its heading's line", () => {
    expect(problemsOf(FRONT({ stage: "The\u000Brequest" }))).toEqual([
      { line: 16, field: "stage 1", message: "stage title must be one line without tabs or control characters; it has a line break at character 4" },
    ]);
  });
});

describe("single-line fields in the case editor", () => {
  const editorForm = (changes: Record<string, string>) =>
    formData({
      title: "The late invoice",
      slug: "the-late-invoice",
      summary: "A bookkeeper is asked to date an invoice a week early.",
      tags: "",
      judgement: "Was the bookkeeper right?",
      discussion: "Who is harmed by a date?",
      "perspective-0-prompt": "You are the bookkeeper. What do you do?",
      "perspective-0-options": "Date it early\nRefuse",
      "perspective-1-prompt": "You are the controller. What do you do?",
      "perspective-1-options": "Back her\nOverrule her",
      stageCount: "1",
      "stage-0-title": "The request",
      "stage-0-body": "Ana is asked to date an invoice early.",
      ...changes,
    });

  /** The editor's check (app/cases/editor.server.ts): its own problems first, then the case file validator's, one per form field. */
  function editorProblems(changes: Record<string, string>): Record<string, string> {
    const reading = readCaseForm(editorForm(changes));
    const errors: Record<string, string> = {};
    for (const problem of reading.problems) errors[problem.field] ??= problem.message;
    const parsed = parseCaseFile(serializeCaseFile(reading.doc));
    if (!parsed.ok) for (const p of parsed.problems) errors[formFieldForProblem(p, reading.doc)] ??= p.message[0]!.toUpperCase() + p.message.slice(1);
    return errors;
  }

  it("accepts the form without control characters", () => {
    expect(editorProblems({})).toEqual({});
  });

  it("shows a control character in the title, summary, an option or the judgement beside that field", () => {
    expect(editorProblems({ title: "The late\ninvoice" })).toEqual({ title: "Must be one line without tabs or control characters; it has a line break at character 9" });
    expect(editorProblems({ summary: "Dated early.\r\nOr not." })).toEqual({ summary: "Must be one line without tabs or control characters; it has a line break at character 13" });
    expect(editorProblems({ "perspective-0-options": "Date it\u0007early\nRefuse" })).toEqual({
      "perspective-0-options": "Must be one line without tabs or control characters; it has the control character U+0007 at character 8",
    });
    expect(editorProblems({ judgement: "Right?\tWrong?" })).toEqual({ judgement: "Must be one line without tabs or control characters; it has a tab at character 7" });
  });

  it("shows a control character in a stage title beside that stage's title", () => {
    expect(editorProblems({ "stage-0-title": "The\u001Brequest" })).toEqual({
      "stage-0-title": "A stage title must be one line without tabs or control characters; it has the control character U+001B at character 4.",
    });
  });
});

/**
 * Invisible formatting characters (issue 15, item 5): a display name ending in U+202E reversed
 * the text after it wherever it was shown. Single-line fields refuse direction controls
 * anywhere, and zero-width characters that do no visible work, naming the field.
 */
const INVISIBLES: [string, string][] = [
  ["\u202A", "the left-to-right embedding (U+202A)"],
  ["\u202B", "the right-to-left embedding (U+202B)"],
  ["\u202C", "the pop directional formatting (U+202C)"],
  ["\u202D", "the left-to-right override (U+202D)"],
  ["\u202E", "the right-to-left override (U+202E)"],
  ["\u2066", "the left-to-right isolate (U+2066)"],
  ["\u2067", "the right-to-left isolate (U+2067)"],
  ["\u2068", "the first strong isolate (U+2068)"],
  ["\u2069", "the pop directional isolate (U+2069)"],
  ["\u200E", "the left-to-right mark (U+200E)"],
  ["\u200F", "the right-to-left mark (U+200F)"],
  ["\u061C", "the Arabic letter mark (U+061C)"],
  ["\u200B", "the zero width space (U+200B)"],
  ["\u2060", "the word joiner (U+2060)"],
  ["\uFEFF", "the zero width no-break space (U+FEFF)"],
  ["\u00AD", "the soft hyphen (U+00AD)"],
  ["\u3164", "the invisible character U+3164"],
];

describe("findInvisibleCharacter", () => {
  it.each(INVISIBLES)("names %j and the character it is at", (character, name) => {
    expect(findInvisibleCharacter(`Tuesday${character}lab`)).toBe(`${name} at character 8`);
  });

  it("counts positions in the characters people see", () => {
    expect(findInvisibleCharacter("👩‍👩‍👧 Ana\u202E")).toBe("the right-to-left override (U+202E) at character 6");
  });

  it("refuses zero width joiners and non-joiners that join nothing, saying which character they follow", () => {
    expect(findInvisibleCharacter("Alice\u200D")).toBe("the zero width joiner (U+200D) after character 5");
    expect(findInvisibleCharacter("\u200CAlice")).toBe("the zero width non-joiner (U+200C) at character 1");
    expect(findInvisibleCharacter("Ana\u200D Souza")).toBe("the zero width joiner (U+200D) after character 3");
  });

  it("refuses tag characters that hide text after a letter", () => {
    expect(findInvisibleCharacter("Ana\u{E0041}\u{E0042}")).toBe("the invisible character U+E0041 after character 3");
  });

  it("finds nothing in text whose invisible characters do visible work: emoji sequences, flags, Persian and Hindi joining, variation selectors", () => {
    for (const text of ["Zoë 👩‍👩‍👧", "❤️ Lab", "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} team", "می\u200Cخواهم", "क्\u200Dष", "מנהל 2", "مرحبا", "Ana Souza-Müller"]) {
      expect(findInvisibleCharacter(text)).toBeNull();
    }
  });
});

describe("invisible formatting characters in single-line fields", () => {
  const RLO_NAME = "Ana\u202E";
  const found = "the right-to-left override (U+202E) at character 4";

  it("refuses a display name ending in U+202E at sign-up, on the profile and when joining a workshop", () => {
    const message = `Your display name cannot contain invisible formatting characters; remove ${found}.`;
    expect(messagesFor(signupForm.safeParse({ email: "ana@example.com", displayName: RLO_NAME, password: "a long enough password" }), "displayName")).toEqual([message]);
    expect(messagesFor(profileForm.safeParse({ displayName: RLO_NAME, standing: "" }), "displayName")).toEqual([message]);
    expect(messagesFor(joinForm.safeParse({ code: "K7M2QP", displayName: RLO_NAME }), "displayName")).toEqual([`Your name cannot contain invisible formatting characters; remove ${found}.`]);
  });

  it("refuses a workshop title and a moderation reason with a zero width space", () => {
    const workshop = readCreateWorkshopForm(formData({ caseSlug: "the-fee-waiver", title: "Tuesday\u200Blab", perspectives: ["employee"], resultsMode: "live" }));
    expect(messagesFor(workshop, "title")).toEqual(["The workshop title cannot contain invisible formatting characters; remove the zero width space (U+200B) at character 8."]);
    expect(messagesFor(moderationForm.safeParse({ argumentId: "3", reason: "Off\u2067topic" }), "reason")).toEqual([
      "The reason cannot contain invisible formatting characters; remove the right-to-left isolate (U+2067) at character 4.",
    ]);
  });

  it.each([
    ["title", { title: `"The late\\u202Einvoice"` }, 3, "the right-to-left override (U+202E) at character 9"],
    ["summary", { summary: `"Dated early.\\u200F"` }, 4, "the right-to-left mark (U+200F) at character 13"],
    ["perspectives.employee.prompt", { prompt: `"What do you do?\\u2066"` }, 7, "the left-to-right isolate (U+2066) at character 16"],
    ["perspectives.employee.options.0", { option: `"Date it\\u200Bearly"` }, 8, "the zero width space (U+200B) at character 8"],
    ["judgement", { judgement: `"Right?\\u061C"` }, 12, "the Arabic letter mark (U+061C) at character 7"],
    ["discussion.0", { discussion: `"Who\\uFEFF?"` }, 13, "the zero width no-break space (U+FEFF) at character 4"],
  ])("refuses %s in a case file with an invisible formatting character, at its line", (field, fields, line, description) => {
    expect(problemsOf(FRONT(fields))).toEqual([{ line, field, message: `must not contain invisible formatting characters; it has ${description}` }]);
  });

  it("refuses a stage title with a direction control, at its heading's line", () => {
    expect(problemsOf(FRONT({ stage: "The request\u202D" }))).toEqual([
      { line: 16, field: "stage 1", message: "stage title must not contain invisible formatting characters; it has the left-to-right override (U+202D) at character 12" },
    ]);
  });
});

describe("invisible formatting characters in the case editor", () => {
  it("shows a direction control in an option or a stage title beside that field", () => {
    const reading = readCaseForm(
      formData({
        title: "The late invoice",
        slug: "the-late-invoice",
        summary: "A bookkeeper is asked to date an invoice a week early.",
        tags: "",
        judgement: "Was the bookkeeper right?",
        discussion: "Who is harmed by a date?",
        "perspective-0-prompt": "You are the bookkeeper. What do you do?",
        "perspective-0-options": "Date it early\u202E\nRefuse",
        "perspective-1-prompt": "You are the controller. What do you do?",
        "perspective-1-options": "Back her\nOverrule her",
        stageCount: "1",
        "stage-0-title": "The\u2067request",
        "stage-0-body": "Ana is asked to date an invoice early.",
      }),
    );
    expect(reading.problems).toEqual([
      { field: "stage-0-title", message: "A stage title must not contain invisible formatting characters; it has the right-to-left isolate (U+2067) at character 4." },
    ]);
    const parsed = parseCaseFile(serializeCaseFile(reading.doc));
    const problems = parsed.ok ? [] : parsed.problems.map((p) => [formFieldForProblem(p, reading.doc), p.message]);
    expect(problems).toContainEqual(["perspective-0-options", "must not contain invisible formatting characters; it has the right-to-left override (U+202E) at character 14"]);
  });
});
