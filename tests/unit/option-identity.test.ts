import { describe, expect, it } from "vitest";
import { parseCaseFile, serializeCaseFile, type CaseDocument, type CaseDraft } from "../../app/domain/case-file";
import { decideOptionIdentities, NEW_OPTION, optionOriginFieldName } from "../../app/domain/case-form";
import { identifyOptions, mapBallotOption, optionIdFor, optionLabels } from "../../app/domain/option-identity";

/** A case whose employee options are `employee` (plain wordings, or `{ id, text }`). */
function draftWith(employee: (string | { id: string; text: string })[], employer: string[] = ["Back her", "Overrule her"]): CaseDraft {
  return {
    slug: "the-late-invoice",
    title: "The late invoice",
    summary: "A bookkeeper is asked to date an invoice early.",
    tags: [],
    perspectives: [
      { key: "employee", prompt: "What do you do?", options: employee.map((o) => (typeof o === "string" ? { text: o } : o)) },
      { key: "employer", prompt: "What do you do?", options: employer.map((text) => ({ text })) },
    ],
    judgement: "Was she right?",
    lenses: [],
    discussion: ["Who is harmed?"],
    stages: [{ title: "The request", markdown: "Text." }],
    roles: [],
    rehearsals: [],
    facilitatorNotes: null,
    sources: null,
  };
}

const employeeOptions = (doc: CaseDocument) => doc.perspectives.find((p) => p.key === "employee")!.options;

describe("optionIdFor", () => {
  it("makes a lowercase hyphenated id of the wording's letters and digits", () => {
    expect(optionIdFor("Ask the finance director")).toBe("ask-the-finance-director");
    expect(optionIdFor("  Refuse, and explain why!  ")).toBe("refuse-and-explain-why");
    expect(optionIdFor("Décliner poliment")).toBe("decliner-poliment");
  });

  it("falls back to 'option' for a wording with no Latin letters or digits", () => {
    expect(optionIdFor("مرحبا")).toBe("option");
    expect(optionIdFor("👍")).toBe("option");
  });

  it("adds -2, -3 … when the id is taken", () => {
    expect(optionIdFor("Refuse", new Set(["refuse"]))).toBe("refuse-2");
    expect(optionIdFor("Refuse", new Set(["refuse", "refuse-2"]))).toBe("refuse-3");
  });

  it("keeps ids short however long the wording", () => {
    expect(optionIdFor("x".repeat(200)).length).toBeLessThanOrEqual(48);
  });
});

describe("identifyOptions: which option each line of a new version is", () => {
  const v1 = identifyOptions(draftWith(["Date it as asked", "Refuse", "Ask the director"]), []);

  it("gives a new case's options the ids of their wordings", () => {
    expect(employeeOptions(v1)).toEqual([
      { id: "date-it-as-asked", text: "Date it as asked" },
      { id: "refuse", text: "Refuse" },
      { id: "ask-the-director", text: "Ask the director" },
    ]);
  });

  it("keeps each option's id when the options are only reordered", () => {
    const v2 = identifyOptions(draftWith(["Ask the director", "Refuse", "Date it as asked"]), [v1]);
    expect(employeeOptions(v2).map((o) => o.id)).toEqual(["ask-the-director", "refuse", "date-it-as-asked"]);
  });

  it("reads a plain new wording as a new option, unlike any id used before", () => {
    const v2 = identifyOptions(draftWith(["Date it as asked", "Decline", "Ask the director"]), [v1]);
    expect(employeeOptions(v2)[1]).toEqual({ id: "decline", text: "Decline" });
  });

  it("reads an option that names its id as that option, whatever its wording", () => {
    const v2 = identifyOptions(draftWith(["Date it as asked", { id: "refuse", text: "Decline" }, "Ask the director"]), [v1]);
    expect(employeeOptions(v2)[1]).toEqual({ id: "refuse", text: "Decline" });
  });

  it("gives a new option whose wording an earlier option had a fresh id when that option's id is taken", () => {
    const v2 = identifyOptions(draftWith(["Date it as asked", { id: "refuse", text: "Decline" }, "Ask the director"]), [v1]);
    const v3 = identifyOptions(draftWith([{ id: "refuse", text: "Decline" }, "Refuse", "Ask the director"]), [v2, v1]);
    expect(employeeOptions(v3).map((o) => o.id)).toEqual(["refuse", "refuse-2", "ask-the-director"]);
  });

  it("brings back an option removed earlier when its exact wording returns", () => {
    const v2 = identifyOptions(draftWith(["Date it as asked", "Ask the director"]), [v1]);
    const v3 = identifyOptions(draftWith(["Refuse", "Date it as asked", "Ask the director"]), [v2, v1]);
    expect(employeeOptions(v3)[0]).toEqual({ id: "refuse", text: "Refuse" });
  });

  it("matches a wording against the newest version that had it", () => {
    const v2 = identifyOptions(
      draftWith([
        { id: "refuse", text: "Decline" },
        { id: "refuse-2", text: "Refuse" },
      ]),
      [v1],
    );
    const v3 = identifyOptions(draftWith(["Refuse", "Decline"]), [v2, v1]);
    expect(employeeOptions(v3).map((o) => o.id)).toEqual(["refuse-2", "refuse"]);
  });
});

describe("case files name option ids when they need to", () => {
  const source = (options: string) =>
    [
      "---",
      "slug: the-late-invoice",
      "title: The late invoice",
      "summary: A bookkeeper is asked to date an invoice early.",
      "perspectives:",
      "  employee:",
      "    prompt: What do you do?",
      "    options:",
      options,
      "  employer:",
      "    prompt: What do you do?",
      "    options: [Back her, Overrule her]",
      "judgement: Was she right?",
      "discussion: [Who is harmed?]",
      "---",
      "",
      "## Stage: The request",
      "",
      "Text.",
      "",
    ].join("\n");

  it("keeps plain wordings valid and reads `{ id, text }` as a named option", () => {
    const result = parseCaseFile(source("      - Date it as asked\n      - { id: refuse, text: Decline }"));
    expect(result.ok && result.doc.perspectives[0]!.options).toEqual([{ text: "Date it as asked" }, { id: "refuse", text: "Decline" }]);
  });

  it("reports a malformed id, an unknown field and a value of the wrong kind at their lines", () => {
    const result = parseCaseFile(source("      - { id: Refuse Now, text: Decline }\n      - { id: ask, text: Ask, note: x }\n      - 12"));
    expect(result.ok ? [] : result.problems).toEqual([
      { line: 9, field: "perspectives.employee.options.0.id", message: expect.stringContaining("must be lowercase letters and digits joined by single hyphens") },
      { line: 10, field: "perspectives.employee.options.1.note", message: 'unknown field "note"; use one of id, text' },
      { line: 11, field: "perspectives.employee.options.2", message: expect.stringContaining("must be text, or a mapping of id and text") },
    ]);
  });

  it("refuses one id given to two options", () => {
    const result = parseCaseFile(source("      - { id: refuse, text: Decline }\n      - { id: refuse, text: Say no }"));
    expect(result.ok ? [] : result.problems).toEqual([{ line: 10, field: "perspectives.employee.options.1.id", message: 'duplicate option id "refuse" (same as option 1)' }]);
  });

  it("writes every option that has an id as {id, text}, and one without as its wording", () => {
    const doc = identifyOptions(draftWith(["Date it as asked", { id: "refuse", text: "Decline" }]), []);
    const written = serializeCaseFile({ ...doc, perspectives: doc.perspectives.map((p, i) => (i === 1 ? { ...p, options: p.options.map((o) => ({ text: o.text })) } : p)) });
    expect(written).toContain('      - {id: "date-it-as-asked", text: "Date it as asked"}\n');
    expect(written).toContain('      - {id: "refuse", text: "Decline"}\n');
    expect(written).toContain('      - "Back her"\n');
    const reread = parseCaseFile(serializeCaseFile(doc));
    expect(reread.ok && identifyOptions(reread.doc, [])).toEqual(doc);
  });

  it("reads back a long reworded option as the same option, even when its new wording begins like the old", () => {
    const long = "Escalate through the normal queue and tell her honestly";
    const v1 = identifyOptions(draftWith([long, "Refuse"]), []);
    const v2 = employeeOptions(v1).map((o, i) => (i === 0 ? { ...o, text: `${long} straight away` } : o));
    const reread = parseCaseFile(serializeCaseFile(draftWith(v2)));
    expect(reread.ok && employeeOptions(identifyOptions(reread.doc, [v1]))[0]).toEqual({ id: employeeOptions(v1)[0]!.id, text: `${long} straight away` });
  });
});

describe("optionLabels", () => {
  it("names every option ever offered by its newest wording", () => {
    const v1 = identifyOptions(draftWith(["Date it as asked", "Refuse", "Ask the director"]), []);
    const v2 = identifyOptions(draftWith([{ id: "refuse", text: "Decline" }, "Ask the director"]), [v1]);
    expect(Object.fromEntries(optionLabels([v2, v1], "employee"))).toEqual({ refuse: "Decline", "ask-the-director": "Ask the director", "date-it-as-asked": "Date it as asked" });
  });
});

describe("mapBallotOption: a ballot shown with one version, answered on another", () => {
  const v1 = identifyOptions(draftWith(["Date it as asked", "Refuse", "Ask the director"]), []);
  const employee = (doc: CaseDocument) => doc.perspectives.find((p) => p.key === "employee")!;

  it("records the option the person picked when a later version only reordered the options", () => {
    const v2 = identifyOptions(draftWith(["Ask the director", "Date it as asked", "Refuse"]), [v1]);
    expect(mapBallotOption(employee(v1), employee(v2), "ask-the-director", 2)).toEqual({ ok: true, option: { id: "ask-the-director", text: "Ask the director" } });
  });

  it("records a reworded option as the same option, in today's wording", () => {
    const v2 = identifyOptions(draftWith(["Date it as asked", { id: "refuse", text: "Decline" }, "Ask the director"]), [v1]);
    expect(mapBallotOption(employee(v1), employee(v2), "refuse", 2)).toEqual({ ok: true, option: { id: "refuse", text: "Decline" } });
  });

  it("refuses an option the current version removed, with 409 and the option field", () => {
    const v2 = identifyOptions(draftWith(["Date it as asked", "Ask the director"]), [v1]);
    const mapped = mapBallotOption(employee(v1), employee(v2), "refuse", 2);
    expect(mapped).toMatchObject({ ok: false, status: 409, field: "option" });
    expect(mapped.ok ? "" : mapped.message).toContain("“Refuse” is no longer offered");
  });

  it("refuses an id the shown version did not offer, or a position sent as before", () => {
    for (const posted of ["decline", "1", ""]) expect(mapBallotOption(employee(v1), employee(v1), posted, 1)).toMatchObject({ ok: false, status: 400, field: "option" });
  });
});

describe("decideOptionIdentities: the editor asks whether a changed option is reworded or new", () => {
  const current = identifyOptions(draftWith(["Date it as asked", "Refuse", "Ask the director"]), []);
  const noAnswers = () => "";

  it("keeps moved options without asking", () => {
    const decided = decideOptionIdentities(draftWith(["Ask the director", "Refuse", "Date it as asked"]), current, noAnswers);
    expect(decided.problems).toEqual([]);
    expect(decided.doc.perspectives[0]!.options.map((o) => o.id)).toEqual(["ask-the-director", "refuse", "date-it-as-asked"]);
  });

  it("asks about a new wording while an option left the list, naming the select", () => {
    const decided = decideOptionIdentities(draftWith(["Date it as asked", "Decline", "Ask the director"]), current, noAnswers);
    const field = optionOriginFieldName(0, 1);
    expect(decided.questions[0]).toEqual([{ field, text: "Decline", candidates: [{ id: "refuse", text: "Refuse" }], chosen: "" }]);
    expect(decided.problems).toEqual([{ field, message: "Say whether “Decline” rewords an option that is no longer in the list, or is a new option." }]);
  });

  it("takes the author's answer: a rewording keeps the option's id, a new option gets a new one", () => {
    const field = optionOriginFieldName(0, 1);
    const answered = (answer: string) => (name: string) => (name === field ? answer : name === `${field}-text` ? "Decline" : "");
    const reworded = decideOptionIdentities(draftWith(["Date it as asked", "Decline", "Ask the director"]), current, answered("refuse"));
    expect(reworded.problems).toEqual([]);
    expect(reworded.doc.perspectives[0]!.options[1]).toEqual({ id: "refuse", text: "Decline" });
    const fresh = decideOptionIdentities(draftWith(["Date it as asked", "Decline", "Ask the director"]), current, answered(NEW_OPTION));
    expect(fresh.problems).toEqual([]);
    expect(fresh.doc.perspectives[0]!.options[1]).toEqual({ id: "decline", text: "Decline" });
  });

  it("gives a line called 'a new option' an id no earlier version used, even when an older version offered its wording", () => {
    const older = identifyOptions(draftWith(["Date it as asked", "Refuse", "Ask the director", "Decline"]), []);
    const field = optionOriginFieldName(0, 1);
    const answered = (name: string) => (name === field ? NEW_OPTION : name === `${field}-text` ? "Decline" : "");
    const fresh = decideOptionIdentities(draftWith(["Date it as asked", "Decline", "Ask the director"]), current, answered, [current, older]);
    expect(fresh.problems).toEqual([]);
    expect(fresh.doc.perspectives[0]!.options[1]).toEqual({ id: "decline-2", text: "Decline" });
    expect(identifyOptions(fresh.doc, [current, older]).perspectives[0]!.options[1]).toEqual({ id: "decline-2", text: "Decline" });
  });

  it("asks again when the answer was given for another wording", () => {
    const field = optionOriginFieldName(0, 1);
    const stale = (name: string) => (name === field ? "refuse" : name === `${field}-text` ? "Say no" : "");
    expect(decideOptionIdentities(draftWith(["Date it as asked", "Decline", "Ask the director"]), current, stale).problems).toHaveLength(1);
  });

  it("asks nothing when options were only added, or only removed", () => {
    expect(decideOptionIdentities(draftWith(["Date it as asked", "Refuse", "Ask the director", "Resign"]), current, noAnswers).problems).toEqual([]);
    expect(decideOptionIdentities(draftWith(["Date it as asked", "Ask the director"]), current, noAnswers).problems).toEqual([]);
  });
});
