import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCaseFile, serializeCaseFile, type CaseDraft, type CaseFileProblem } from "../../app/domain/case-file";
import { caseFormValues, formFieldForProblem, MAX_STAGE_SLOTS, readCaseForm, type CaseFormValues } from "../../app/domain/case-form";

const casesDirectory = fileURLToPath(new URL("../../cases/", import.meta.url));

/** Builds the FormData a browser would post; list values become repeated fields. */
function formOf(fields: CaseFormValues): FormData {
  const formData = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) formData.append(name, item);
  }
  return formData;
}

/** A complete, valid editor post: two stages, one extra perspective, a spare stage slot. */
const validForm: CaseFormValues = {
  title: "The late invoice",
  slug: "the-late-invoice",
  summary: "A bookkeeper is asked to date an invoice a week early.",
  tags: "finance, honesty,deadlines",
  judgement: "Was the bookkeeper right?",
  discussion: "Who is harmed by a date?\n\nWhen is a deadline a reason?",
  lenses: ["rights", "law"],
  facilitatorNotes: "Most rooms split.\n\n### Timing\n\n30 minutes.",
  sources: "",
  "perspective-0-key": "employee",
  "perspective-0-prompt": "You are the bookkeeper. What do you do?",
  "perspective-0-options": "Date it early\nRefuse\nAsk the controller",
  "perspective-1-key": "employer",
  "perspective-1-prompt": "You are the controller. What do you do?",
  "perspective-1-options": "Back the bookkeeper\nOverrule her",
  "perspective-2-key": "client",
  "perspective-2-prompt": "You are the client. What do you do?",
  "perspective-2-options": "Pay early\nWait",
  "perspective-3-key": "",
  "perspective-3-prompt": "",
  "perspective-3-options": "",
  stageCount: "3",
  "stage-0-title": "The request",
  "stage-0-body": "On the last day of the quarter, the sales director asks Ana to date an invoice early.",
  "stage-1-title": "What she did",
  "stage-1-body": "She refused.\n\n```\n## not a heading in a fence\n```",
  "stage-2-title": "",
  "stage-2-body": "",
};

/** Options as the form gives them: wordings, no ids yet (ADR 017). */
const plain = (...texts: string[]) => texts.map((text) => ({ text }));

const lateInvoice: CaseDraft = {
  slug: "the-late-invoice",
  title: "The late invoice",
  summary: "A bookkeeper is asked to date an invoice a week early.",
  tags: ["finance", "honesty", "deadlines"],
  perspectives: [
    { key: "employee", prompt: "You are the bookkeeper. What do you do?", options: plain("Date it early", "Refuse", "Ask the controller") },
    { key: "employer", prompt: "You are the controller. What do you do?", options: plain("Back the bookkeeper", "Overrule her") },
    { key: "client", prompt: "You are the client. What do you do?", options: plain("Pay early", "Wait") },
  ],
  judgement: "Was the bookkeeper right?",
  lenses: ["rights", "law"],
  discussion: ["Who is harmed by a date?", "When is a deadline a reason?"],
  stages: [
    { title: "The request", markdown: "On the last day of the quarter, the sales director asks Ana to date an invoice early." },
    { title: "What she did", markdown: "She refused.\n\n```\n## not a heading in a fence\n```" },
  ],
  roles: [],
  rehearsals: [],
  facilitatorNotes: "Most rooms split.\n\n### Timing\n\n30 minutes.",
  sources: null,
};

function read(changes: CaseFormValues = {}) {
  return readCaseForm(formOf({ ...validForm, ...changes }));
}

/** What the editor does: the same validator as cases:check, on the document the form describes. */
function validatorProblems(doc: CaseDraft): CaseFileProblem[] {
  const result = parseCaseFile(serializeCaseFile(doc));
  return result.ok ? [] : result.problems;
}

/** Reads a form with one mistake and returns where each validator problem would be shown. */
function problemFields(changes: CaseFormValues): { field: string; formField: string; message: string }[] {
  const { doc } = read(changes);
  const problems = validatorProblems(doc);
  if (problems.length === 0) throw new Error("expected the validator to find a problem");
  return problems.map((problem) => ({ field: problem.field, formField: formFieldForProblem(problem, doc), message: problem.message }));
}

describe("readCaseForm", () => {
  it("reads a complete form into the case it describes, which the validator accepts", () => {
    const reading = read();
    expect(reading.doc).toEqual(lateInvoice);
    expect(reading.problems).toEqual([]);
    expect(reading.stageSlots).toBe(3);
    expect(parseCaseFile(serializeCaseFile(reading.doc))).toEqual({ ok: true, doc: lateInvoice });
  });

  it("drops blank spare slots, and lists filled slots first so slot i is the case's stage i", () => {
    const reading = read({
      stageCount: "4",
      "stage-0-title": "  ",
      "stage-0-body": "\r\n",
      "stage-1-title": "The request",
      "stage-1-body": "Ana is asked.",
      "stage-2-title": "",
      "stage-2-body": "",
      "stage-3-title": "What she did",
      "stage-3-body": "She refused.",
      "perspective-2-key": "",
      "perspective-2-prompt": " ",
      "perspective-2-options": "",
      "perspective-3-key": "customer",
      "perspective-3-prompt": "You are the customer.",
      "perspective-3-options": "Complain\nShrug",
    });
    expect(reading.doc.stages).toEqual([
      { title: "The request", markdown: "Ana is asked." },
      { title: "What she did", markdown: "She refused." },
    ]);
    expect(reading.doc.perspectives.map((p) => p.key)).toEqual(["employee", "employer", "customer"]);
    expect(reading.stageSlots).toBe(4);
    expect(reading.values).toMatchObject({
      stageCount: "4",
      "stage-0-title": "The request",
      "stage-1-title": "What she did",
      "stage-2-title": "  ",
      "stage-2-body": "\r\n",
      "stage-3-title": "",
      "perspective-2-key": "customer",
      "perspective-3-prompt": " ",
    });
  });

  it("keeps every value as typed, untrimmed, while the document is trimmed", () => {
    const reading = read({
      title: "  The late invoice  ",
      tags: " finance ,  honesty ",
      discussion: "  Who is harmed?  \r\n\r\n",
      "perspective-1-options": " Back her \r\n\r\n Overrule her ",
      "stage-0-title": " The request ",
      "stage-0-body": "\r\n\r\n    indented code\r\nnext line  \r\n\r\n",
      lenses: [" care "],
    });
    expect(reading.values).toMatchObject({
      title: "  The late invoice  ",
      tags: " finance ,  honesty ",
      discussion: "  Who is harmed?  \r\n\r\n",
      "perspective-1-options": " Back her \r\n\r\n Overrule her ",
      "stage-0-title": " The request ",
      "stage-0-body": "\r\n\r\n    indented code\r\nnext line  \r\n\r\n",
      lenses: [" care "],
    });
    expect(reading.doc).toMatchObject({
      title: "The late invoice",
      tags: ["finance", "honesty"],
      discussion: ["Who is harmed?"],
      lenses: ["care"],
    });
    expect(reading.doc.perspectives[1].options).toEqual(plain("Back her", "Overrule her"));
    // Like the case file parser: LF line ends, no leading blank lines, first line's indent kept.
    expect(reading.doc.stages[0]).toEqual({ title: "The request", markdown: "    indented code\nnext line" });
  });

  it("turns blank notes and sources into null and fills in every field in values, even unposted ones", () => {
    const formData = formOf({ ...validForm });
    formData.delete("sources");
    formData.set("facilitatorNotes", " \r\n ");
    const reading = readCaseForm(formData);
    expect(reading.doc.facilitatorNotes).toBeNull();
    expect(reading.doc.sources).toBeNull();
    expect(reading.values.sources).toBe("");
  });

  it("always reads slots 0 and 1 as employee and employer, whatever their hidden key fields say", () => {
    const reading = read({ "perspective-0-key": "client", "perspective-1-key": "" });
    expect(reading.doc.perspectives.map((p) => p.key)).toEqual(["employee", "employer", "client"]);
    expect(reading.values["perspective-1-key"]).toBe("employer");
  });

  it("keeps an empty key for an extra perspective with content, for the validator to report", () => {
    const { doc } = read({ "perspective-2-key": "  " });
    expect(doc.perspectives[2]).toEqual({ key: "", prompt: "You are the client. What do you do?", options: plain("Pay early", "Wait") });
  });

  it("renders the posted number of stage slots, at least 1 and at most MAX_STAGE_SLOTS", () => {
    expect(read({ stageCount: "0", "stage-1-title": "", "stage-1-body": "" }).stageSlots).toBe(1);
    expect(read({ stageCount: "500" }).stageSlots).toBe(MAX_STAGE_SLOTS);
    const withoutCount = formOf(validForm);
    withoutCount.delete("stageCount");
    expect(readCaseForm(withoutCount).stageSlots).toBe(3); // stage-0 … stage-2 were posted
    expect(read({ stageCount: "two" }).stageSlots).toBe(3);
  });

  it("reads only the slots stageCount announces", () => {
    const reading = read({ stageCount: "1", "stage-1-title": "Ignored", "stage-1-body": "Not a slot on this form." });
    expect(reading.doc.stages.map((stage) => stage.title)).toEqual(["The request"]);
  });

  describe("form-only problems", () => {
    it("rejects a '## ' line in a stage body, but not inside a code fence or as ###", () => {
      expect(read({ "stage-1-body": "She refused.\r\n\r\n## What next\r\nMore." }).problems).toEqual([
        { field: "stage-1-body", message: 'Line 3 starts with "##". Use ### for headings inside a stage; ## starts a new section.' },
      ]);
      expect(read({ "stage-1-body": "   ## Indented still counts" }).problems.map((p) => p.field)).toEqual(["stage-1-body"]);
      expect(read({ "stage-1-body": "### Fine\n~~~\n## in a fence\n~~~\n#### Fine" }).problems).toEqual([]);
    });

    it("rejects '## ' lines in facilitator notes and sources", () => {
      expect(read({ facilitatorNotes: "Intro\n## Sources\nsneaky", sources: "##\nx" }).problems).toEqual([
        { field: "facilitatorNotes", message: 'Line 2 starts with "##". Use ### for headings inside facilitator notes; ## starts a new section.' },
        { field: "sources", message: 'Line 1 starts with "##". Use ### for headings inside sources; ## starts a new section.' },
      ]);
    });

    it("rejects a line underlined with ---, which is a level-2 heading, but not a --- after a blank line", () => {
      expect(read({ "stage-1-body": "She refused.\n\nWhat next\n---\nMore." }).problems).toEqual([
        {
          field: "stage-1-body",
          message: 'Line 3 is underlined with "---", which makes it a heading that starts a new section. Use ### for headings inside a stage, or leave a blank line above the "---" to draw a line.',
        },
      ]);
      expect(read({ "stage-1-body": "She refused.\n\n---\n\nMore." }).problems).toEqual([]);
    });

    it("rejects Markdown nested deeper than the renderer allows, at its line in the field", () => {
      expect(read({ facilitatorNotes: `Fine.\n\n${">".repeat(2000)} deep` }).problems).toEqual([
        { field: "facilitatorNotes", message: "Line 3 nests block quotes (>), lists or indentation 2000 levels deep; at most 16 levels are allowed." },
      ]);
    });

    it("rejects a code fence that is never closed, since it would swallow the sections after it", () => {
      expect(read({ "stage-0-body": "Text\n````\ncode\n```" }).problems).toEqual([{ field: "stage-0-body", message: "The code block opened on line 2 is never closed; add a ```` line after it." }]);
    });

    it("rejects a stage title with a line break", () => {
      expect(read({ "stage-0-title": "The request\r\nand more" }).problems).toEqual([
        { field: "stage-0-title", message: "A stage title must be one line without tabs or control characters; it has a line break at character 12." },
      ]);
    });

    it("rejects a slug typed with spaces or capitals, suggesting one that is allowed", () => {
      expect(read({ slug: "The Late Invoice" }).problems).toEqual([{ field: "slug", message: "Use only lowercase letters, digits and single hyphens, no spaces, e.g. the-late-invoice." }]);
      expect(read({ slug: "late invoice" }).problems.map((p) => p.field)).toEqual(["slug"]);
      expect(read({ slug: "  the-late-invoice  " }).problems).toEqual([]);
    });

    it("rejects an extra perspective key that is not a perspective", () => {
      expect(read({ "perspective-2-key": "boss" }).problems).toEqual([
        {
          field: "perspective-2-key",
          message: '"boss" is not a perspective; use one of employee, employer, customer, client, applicant, colleague, public.',
        },
      ]);
    });

    it("rejects an extra perspective key used by another slot, which the file could not hold twice", () => {
      const twice = read({ "perspective-3-key": "client", "perspective-3-prompt": "Again?", "perspective-3-options": "a\nb" });
      expect(twice.problems).toEqual([{ field: "perspective-3-key", message: "The client perspective is already in this case; choose another or leave this one blank." }]);
      expect(read({ "perspective-2-key": "employer" }).problems.map((p) => p.field)).toEqual(["perspective-2-key"]);
    });

    it("accepts what the validator would turn into a different case only when the check says so", () => {
      // Every body the check accepts comes back unchanged from the case file.
      const accepted = read({ "stage-0-body": "#### Deep\n```js\n## fenced\n```\n~~~~\n```\n## still fenced\n~~~~\n\t## tab-indented is code" });
      expect(accepted.problems).toEqual([]);
      expect(parseCaseFile(serializeCaseFile(accepted.doc))).toEqual({ ok: true, doc: accepted.doc });
    });
  });
});

describe("formFieldForProblem", () => {
  it("puts an empty title on the title field", () => {
    expect(problemFields({ title: "  " })).toEqual([{ field: "title", formField: "title", message: "must not be empty" }]);
  });

  it("puts slug, summary and judgement problems on their fields", () => {
    expect(problemFields({ slug: "late--invoice" }).map((p) => [p.field, p.formField])).toEqual([["slug", "slug"]]);
    expect(problemFields({ summary: "" }).map((p) => [p.field, p.formField])).toEqual([["summary", "summary"]]);
    expect(problemFields({ judgement: "" }).map((p) => [p.field, p.formField])).toEqual([["judgement", "judgement"]]);
  });

  it("puts problems with one tag, or with the list, on the tags field", () => {
    expect(problemFields({ tags: "finance, Two_Words" }).map((p) => [p.field, p.formField])).toEqual([["tags.1", "tags"]]);
    const eleven = Array.from({ length: 11 }, (_, i) => `tag-${i}`).join(",");
    expect(problemFields({ tags: eleven }).map((p) => [p.field, p.formField])).toEqual([["tags", "tags"]]);
  });

  it("puts too few employer options on the employer's options field", () => {
    expect(problemFields({ "perspective-1-options": "Back the bookkeeper" })).toEqual([
      { field: "perspectives.employer.options", formField: "perspective-1-options", message: "needs at least 2 options, found 1" },
    ]);
  });

  it("puts too many options on that perspective's options field", () => {
    expect(problemFields({ "perspective-0-options": "a\nb\nc\nd\ne\nf\ng" })).toEqual([
      { field: "perspectives.employee.options", formField: "perspective-0-options", message: "at most 6 options, found 7" },
    ]);
  });

  it("puts a duplicate option on that perspective's options field", () => {
    expect(problemFields({ "perspective-2-options": "Pay early\nWait\npay early" })).toEqual([
      {
        field: "perspectives.client.options.2",
        formField: "perspective-2-options",
        message: 'duplicate option "pay early" (same as option 1)',
      },
    ]);
  });

  it("finds an extra perspective's slot by its position in the case, after blank slots are dropped", () => {
    const moved = {
      "perspective-2-key": "",
      "perspective-2-prompt": "",
      "perspective-2-options": "",
      "perspective-3-key": "client",
      "perspective-3-prompt": "",
      "perspective-3-options": "a\nb",
    };
    expect(problemFields(moved).map((p) => [p.field, p.formField])).toEqual([["perspectives.client.prompt", "perspective-2-prompt"]]);
  });

  it("puts a missing employer prompt on the employer's prompt field", () => {
    expect(problemFields({ "perspective-1-prompt": " " })).toEqual([{ field: "perspectives.employer.prompt", formField: "perspective-1-prompt", message: "must not be empty" }]);
  });

  it("puts an unknown or empty extra key on that slot's key field, and an empty key's prompt on its prompt", () => {
    expect(problemFields({ "perspective-2-key": "boss" }).map((p) => [p.field, p.formField])).toEqual([["perspectives.boss", "perspective-2-key"]]);
    // The validator names an empty key `""`.
    expect(problemFields({ "perspective-2-key": "", "perspective-2-prompt": "" }).map((p) => [p.field, p.formField])).toEqual([
      ['perspectives.""', "perspective-2-key"],
      ['perspectives."".prompt', "perspective-2-prompt"],
    ]);
  });

  it("matches a typed key containing a dot as a whole", () => {
    expect(problemFields({ "perspective-2-key": "a.options" }).map((p) => [p.field, p.formField])).toEqual([["perspectives.a.options", "perspective-2-key"]]);
  });

  it("puts a missing employee or employer perspective on its prompt field", () => {
    const withoutEmployer = { ...lateInvoice, perspectives: lateInvoice.perspectives.filter((p) => p.key !== "employer") };
    const [missingEmployer] = validatorProblems(withoutEmployer);
    expect(missingEmployer?.field).toBe("perspectives.employer");
    expect(formFieldForProblem(missingEmployer!, withoutEmployer)).toBe("perspective-1-prompt");

    const withoutEmployee = { ...lateInvoice, perspectives: lateInvoice.perspectives.filter((p) => p.key !== "employee") };
    const [missingEmployee] = validatorProblems(withoutEmployee);
    expect(missingEmployee?.field).toBe("perspectives.employee");
    expect(formFieldForProblem(missingEmployee!, withoutEmployee)).toBe("perspective-0-prompt");

    const synthetic = { line: 5, field: "perspectives", message: "is required" };
    expect(formFieldForProblem(synthetic, lateInvoice)).toBe("perspective-0-prompt");
  });

  it("puts an empty discussion, or one long question, on the discussion field", () => {
    expect(problemFields({ discussion: " \n " })).toEqual([{ field: "discussion", formField: "discussion", message: "needs at least 1 question, found 0" }]);
    expect(problemFields({ discussion: `Fine?\n${"x".repeat(301)}` }).map((p) => [p.field, p.formField])).toEqual([["discussion.1", "discussion"]]);
  });

  it("puts lens problems on the lenses field", () => {
    // Checkboxes cannot post an unknown lens, but a hand-made request can.
    expect(problemFields({ lenses: ["rights", "wisdom"] }).map((p) => [p.field, p.formField])).toEqual([["lenses.1", "lenses"]]);
    expect(formFieldForProblem({ line: 9, field: "lenses", message: "must be a list" }, lateInvoice)).toBe("lenses");
  });

  it("puts an empty stage on its body, and a missing title on its title", () => {
    expect(problemFields({ "stage-1-body": "  " })).toEqual([{ field: "stage 2", formField: "stage-1-body", message: "stage is empty" }]);
    expect(problemFields({ "stage-1-title": "" })).toEqual([{ field: "stage 2", formField: "stage-1-title", message: "stage title is required, e.g. '## Stage: The request'" }]);
    expect(problemFields({ "stage-0-title": "x".repeat(121) }).map((p) => p.formField)).toEqual(["stage-0-title"]);
  });

  it("puts a ninth stage's problem on the ninth stage", () => {
    const nine: CaseFormValues = { stageCount: "9" };
    for (let i = 0; i < 9; i++) Object.assign(nine, { [`stage-${i}-title`]: `Part ${i + 1}`, [`stage-${i}-body`]: "Text." });
    expect(problemFields(nine)).toEqual([{ field: "stage 9", formField: "stage-8-body", message: "at most 8 stages, found 9" }]);
  });

  it("puts problems in facilitator notes and sources on those fields", () => {
    // The form-only check catches these first; the mapping still has somewhere to put the validator's view.
    const fields = problemFields({ facilitatorNotes: "## Facilitator notes\nTwice", sources: "## Sources\nTwice" }).map((p) => [p.field, p.formField]);
    expect(fields).toEqual([
      ["facilitator notes", "facilitatorNotes"],
      ["facilitator notes", "facilitatorNotes"],
      ["sources", "sources"],
      ["sources", "sources"],
    ]);
  });

  it("puts problems about the file as a whole on the form", () => {
    expect(problemFields({ "stage-0-body": "Text\n## Aside\nMore" }).map((p) => [p.field, p.formField])).toEqual([["body", "form"]]);
    for (const field of ["front matter", "file", "constructor", "perspectives.employee.extra"]) {
      expect(formFieldForProblem({ line: 1, field, message: "synthetic" }, lateInvoice)).toBe("form");
    }
  });
});

describe("caseFormValues", () => {
  it("pre-fills every field from a case, with one spare stage slot", () => {
    const values = caseFormValues(lateInvoice);
    expect(values).toMatchObject({
      tags: "finance, honesty, deadlines",
      discussion: "Who is harmed by a date?\nWhen is a deadline a reason?",
      lenses: ["rights", "law"],
      sources: "",
      stageCount: "3",
      "perspective-1-key": "employer",
      "perspective-2-key": "client",
      "perspective-3-key": "",
      "stage-2-title": "",
      "stage-2-body": "",
    });
  });

  const caseFiles = readdirSync(casesDirectory).filter((file) => file.endsWith(".md"));

  it("finds the case library", () => {
    expect(caseFiles.length).toBeGreaterThan(0);
  });

  it.each(caseFiles)("round-trips cases/%s through the editor form unchanged", (file) => {
    const parsed = parseCaseFile(readFileSync(`${casesDirectory}${file}`, "utf8"));
    if (!parsed.ok) throw new Error(`cases/${file} does not parse`);
    const reading = readCaseForm(formOf(caseFormValues(parsed.doc)));
    expect(reading.doc).toEqual(parsed.doc);
    expect(reading.problems).toEqual([]);
  });
});

describe("role-play fields (ADR 027)", () => {
  const rolePlay = {
    "perspective-0-brief": "The rep knows *this*.\r\n\r\n- and this",
    "perspective-1-brief": "   ",
    "perspective-2-brief": "The client knows that.",
    "perspective-0-rehearsal": "What do you say to the caller?",
    "perspective-0-model-answers": '- "I hear you."',
    "perspective-2-rehearsal": "What do you say to the firm?",
  };

  it("reads each perspective's brief, rehearsal prompt and model answers, dropping blank ones, and the validator accepts them", () => {
    const reading = read(rolePlay);
    expect(reading.doc.roles).toEqual([
      { perspective: "employee", markdown: "The rep knows *this*.\n\n- and this" },
      { perspective: "client", markdown: "The client knows that." },
    ]);
    expect(reading.doc.rehearsals).toEqual([
      { perspective: "employee", prompt: "What do you say to the caller?", modelAnswers: '- "I hear you."' },
      { perspective: "client", prompt: "What do you say to the firm?", modelAnswers: null },
    ]);
    expect(reading.problems).toEqual([]);
    expect(parseCaseFile(serializeCaseFile(reading.doc))).toEqual({ ok: true, doc: reading.doc });
  });

  it("gives the fields back from a case, so a brief round-trips through the form", () => {
    const doc = read(rolePlay).doc;
    const values = caseFormValues(doc);
    expect(values).toMatchObject({
      "perspective-0-brief": "The rep knows *this*.\n\n- and this",
      "perspective-1-brief": "",
      "perspective-2-rehearsal": "What do you say to the firm?",
      "perspective-2-model-answers": "",
    });
    expect(readCaseForm(formOf(values)).doc).toEqual(doc);
  });

  it("rejects a '## ' line in a brief, which would start a section, on that field", () => {
    expect(read({ "perspective-1-brief": "Fine.\n## Sources\nsneaky" }).problems).toEqual([
      { field: "perspective-1-brief", message: 'Line 2 starts with "##". Use ### for headings inside a role brief; ## starts a new section.' },
    ]);
  });

  it("rejects model answers without a rehearsal prompt rather than dropping them", () => {
    const reading = read({ "perspective-1-model-answers": "- An answer." });
    expect(reading.problems).toEqual([{ field: "perspective-1-model-answers", message: expect.stringContaining("write the prompt too") }]);
    expect(reading.doc.rehearsals).toEqual([]);
  });

  it("keeps an extra slot with only a brief, so its missing key is reported rather than the brief lost", () => {
    const reading = read({ "perspective-3-brief": "A brief for nobody." });
    expect(reading.doc.perspectives).toHaveLength(4);
  });

  it("puts a role, rehearsal or model answers problem on that perspective's field", () => {
    const doc = read(rolePlay).doc;
    const on = (field: string) => formFieldForProblem({ line: 1, field, message: "section is empty" }, doc);
    expect(on("role employee")).toBe("perspective-0-brief");
    expect(on("rehearsal employer")).toBe("perspective-1-rehearsal");
    expect(on("model answers client")).toBe("perspective-2-model-answers");
    expect(on("role manager")).toBe("form");
  });
});
