import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCaseFile, type CaseDocument } from "../../app/domain/case-file";
import { argumentForm, argumentIdForm, editForm, MAX_ARGUMENT_LENGTH, MAX_REASON_LENGTH, moderationForm, positionForm, replyForm, STALE_FORM_MESSAGE } from "../../app/domain/debate-forms";
import { parseForm } from "../../app/http/forms";
import { identifyOptions } from "../../app/domain/option-identity";

const caseFile = fileURLToPath(new URL("../../cases/background-check.md", import.meta.url));

function backgroundCheck(): CaseDocument {
  const result = parseCaseFile(readFileSync(caseFile, "utf8"));
  if (!result.ok) throw new Error(`cases/background-check.md does not parse: ${JSON.stringify(result.problems)}`);
  return identifyOptions(result.doc, []);
}

const doc = backgroundCheck();
/** The same case asked from a third hat. */
const withClient: CaseDocument = {
  ...doc,
  perspectives: [
    ...doc.perspectives,
    {
      key: "client",
      prompt: "You are the client. What do you do?",
      options: [
        { id: "drop-the-firm", text: "Drop the firm" },
        { id: "keep-the-firm", text: "Keep the firm" },
      ],
    },
  ],
};

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

function errorsOf(result: ReturnType<typeof parseForm>): Record<string, string> {
  if (result.ok) throw new Error(`expected field errors, got ${JSON.stringify(result.data)}`);
  return result.errors;
}

describe("positionForm", () => {
  const valid = { perspective: "employee", option: "delay-the-report-and-help-him-get-it-expunged", version: "2", judgement: "-2", legal: "no", confidence: "high" };

  it("reads a complete answer, with the option as its stable id and the version the form showed (ADR 017)", () => {
    expect(parseForm(positionForm(doc), form(valid))).toEqual({
      ok: true,
      data: { perspective: "employee", option: "delay-the-report-and-help-him-get-it-expunged", version: 2, judgement: -2, legal: "no", confidence: "high", movedBy: null },
      values: expect.any(Object),
    });
  });

  it("accepts both ends of the judgement scale", () => {
    const first = parseForm(positionForm(doc), form({ ...valid, judgement: "-3" }));
    const last = parseForm(positionForm(doc), form({ ...valid, judgement: "3" }));
    expect([first.ok && first.data.judgement, last.ok && last.data.judgement]).toEqual([-3, 3]);
  });

  it("refuses an option that is not an option id", () => {
    for (const option of ["Report It", "1.5", "a b", "x".repeat(61)]) {
      expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, option }))), option).toEqual({ option: "Choose one of the options shown." });
    }
  });

  it("asks for an option when none was chosen, rather than taking the first one", () => {
    const { option: _omitted, ...withoutOption } = valid;
    expect(errorsOf(parseForm(positionForm(doc), form(withoutOption)))).toEqual({ option: "Choose what you would do." });
    expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, option: "" })))).toEqual({ option: "Choose what you would do." });
  });

  it("refuses a form that does not say which version of the case it showed", () => {
    const { version: _omitted, ...withoutVersion } = valid;
    for (const fields of [withoutVersion, { ...valid, version: "" }, { ...valid, version: "0" }, { ...valid, version: "v2" }]) {
      expect(errorsOf(parseForm(positionForm(doc), form(fields)))).toEqual({ version: STALE_FORM_MESSAGE });
    }
  });

  it("refuses a judgement outside −3 to 3", () => {
    for (const judgement of ["4", "-4", "10"]) {
      expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, judgement }))), judgement).toEqual({
        judgement: "Choose a judgement on the scale.",
      });
    }
  });

  it("refuses a judgement that is not a whole number, or is missing, rather than reading it as torn", () => {
    for (const judgement of ["0.5", "right", "", " "]) {
      expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, judgement }))), JSON.stringify(judgement)).toEqual({
        judgement: "Choose a judgement on the scale.",
      });
    }
  });

  it("refuses a perspective the case does not ask for", () => {
    expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, perspective: "client" })))).toEqual({
      perspective: "Choose one of this case's perspectives.",
    });
  });

  it("refuses a legal answer other than yes, no or unsure", () => {
    expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, legal: "maybe" })))).toEqual({
      legal: "Say whether it was legal or within policy (yes, no or unsure).",
    });
  });

  it("refuses a confidence other than low, medium or high", () => {
    expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, confidence: "total" })))).toEqual({
      confidence: "Choose how confident you are.",
    });
  });

  it("names every wrong field at once", () => {
    const errors = errorsOf(parseForm(positionForm(doc), form({ perspective: "employee", option: "", judgement: "9", legal: "", confidence: "" })));
    expect(Object.keys(errors).sort()).toEqual(["confidence", "judgement", "legal", "option", "version"]);
  });

  it("reads 'no particular argument' as no argument", () => {
    const result = parseForm(positionForm(doc), form({ ...valid, movedBy: "" }));
    expect(result.ok && result.data.movedBy).toBeNull();
  });

  it("reads the argument that moved someone as its id", () => {
    const result = parseForm(positionForm(doc), form({ ...valid, movedBy: "12" }));
    expect(result.ok && result.data.movedBy).toBe(12);
  });

  it("refuses a moved-by value that is not an argument id, with a message a person can act on", () => {
    for (const movedBy of ["abc", "0", "-3", "2.5"]) {
      expect(errorsOf(parseForm(positionForm(doc), form({ ...valid, movedBy }))), movedBy).toEqual({
        movedBy: "Choose an argument from the list.",
      });
    }
  });

  it("gives back what was typed so the form can be shown again", () => {
    const result = parseForm(positionForm(doc), form({ ...valid, option: "Not An Id" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values).toEqual({ ...valid, option: "Not An Id" });
  });
});

describe("argumentForm", () => {
  const valid = { perspective: "employer", side: "against", lens: "justice", body: "The client paid for the truth." };

  it("reads a complete argument", () => {
    expect(parseForm(argumentForm(doc), form(valid))).toEqual({
      ok: true,
      data: { perspective: "employer", side: "against", lens: "justice", body: "The client paid for the truth." },
      values: expect.any(Object),
    });
  });

  it("trims the body", () => {
    const result = parseForm(argumentForm(doc), form({ ...valid, body: "  \n The truth.\n  " }));
    expect(result.ok && result.data.body).toBe("The truth.");
  });

  it("requires a body", () => {
    const { body: _omitted, ...withoutBody } = valid;
    expect(errorsOf(parseForm(argumentForm(doc), form(withoutBody)))).toEqual({ body: "Write your argument." });
  });

  it("refuses a body of only spaces", () => {
    expect(errorsOf(parseForm(argumentForm(doc), form({ ...valid, body: "   \n  " })))).toEqual({ body: "Write something before posting." });
  });

  it("accepts a body of exactly 2000 characters, not counting surrounding spaces", () => {
    const body = "x".repeat(MAX_ARGUMENT_LENGTH);
    const result = parseForm(argumentForm(doc), form({ ...valid, body: `  ${body}  ` }));
    expect(MAX_ARGUMENT_LENGTH).toBe(2000);
    expect(result.ok && result.data.body).toBe(body);
  });

  it("refuses a body of 2001 characters", () => {
    expect(errorsOf(parseForm(argumentForm(doc), form({ ...valid, body: "x".repeat(2001) })))).toEqual({
      body: "Keep it to 2,000 characters or fewer (it has 2,001).",
    });
  });

  it("refuses a body of 2,000 nested block quotes, naming how deep it goes and the limit", () => {
    expect(errorsOf(parseForm(argumentForm(doc), form({ ...valid, body: `${">".repeat(1990)} Disagree` })))).toEqual({
      body: "Your text nests block quotes (>), lists or indentation 1990 levels deep at line 1; at most 16 levels are allowed.",
    });
  });

  it("refuses over-deep lists, emphasis, links and HTML in a body, and accepts them nested to the limit", () => {
    for (const [deep, fine] of [
      ["- ".repeat(17) + "x", "- ".repeat(16) + "x"],
      ["*".repeat(17) + "x" + "*".repeat(17), "*".repeat(16) + "x" + "*".repeat(16)],
      ["[a ".repeat(17) + "x", "[a ".repeat(16) + "x"],
      ["<i>".repeat(17) + "x", "<i>".repeat(16) + "x"],
    ]) {
      expect(errorsOf(parseForm(argumentForm(doc), form({ ...valid, body: deep }))).body, deep).toMatch(/^Your text nests .* at most 16 levels are allowed\.$/);
      expect(parseForm(argumentForm(doc), form({ ...valid, body: fine })).ok, fine).toBe(true);
    }
  });

  it("requires a side", () => {
    const { side: _omitted, ...withoutSide } = valid;
    expect(errorsOf(parseForm(argumentForm(doc), form(withoutSide)))).toEqual({ side: "Choose for, against or it depends." });
  });

  it("refuses a side other than for, against or it depends", () => {
    expect(errorsOf(parseForm(argumentForm(doc), form({ ...valid, side: "neutral" })))).toEqual({ side: "Choose for, against or it depends." });
  });

  it("accepts 'depends' as a side", () => {
    const result = parseForm(argumentForm(doc), form({ ...valid, side: "depends" }));
    expect(result.ok && result.data.side).toBe("depends");
  });

  it("reads an empty or missing lens as no lens", () => {
    const { lens: _omitted, ...withoutLens } = valid;
    const empty = parseForm(argumentForm(doc), form({ ...valid, lens: "" }));
    const missing = parseForm(argumentForm(doc), form(withoutLens));
    expect([empty.ok && empty.data.lens, missing.ok && missing.data.lens]).toEqual([null, null]);
  });

  it("refuses a lens that is not one of the ethical lenses", () => {
    expect(errorsOf(parseForm(argumentForm(doc), form({ ...valid, lens: "vibes" })))).toEqual({
      lens: "Choose one of the listed lenses, or none.",
    });
  });

  it("accepts a perspective the case asks for, and refuses one it does not", () => {
    const employee = parseForm(argumentForm(doc), form({ ...valid, perspective: "employee" }));
    const client = parseForm(argumentForm(doc), form({ ...valid, perspective: "client" }));
    const clientCase = parseForm(argumentForm(withClient), form({ ...valid, perspective: "client" }));
    expect(employee.ok && employee.data.perspective).toBe("employee");
    expect(errorsOf(client)).toEqual({ perspective: "Choose the perspective you are arguing from." });
    expect(clientCase.ok).toBe(true);
  });
});

describe("replyForm", () => {
  it("refuses a reply nested past the limit, like an argument", () => {
    expect(errorsOf(parseForm(replyForm, form({ parentId: "7", body: "> ".repeat(40) + "Agreed." }))).body).toContain("40 levels deep at line 1; at most 16");
  });

  it("reads the argument being replied to and the trimmed body", () => {
    expect(parseForm(replyForm, form({ parentId: "7", body: " Agreed. " }))).toEqual({ ok: true, data: { parentId: 7, body: "Agreed." }, values: expect.any(Object) });
  });

  it("refuses a reply without a valid argument to reply to", () => {
    for (const parentId of ["", "0", "-1", "1.5", "abc"]) {
      expect(errorsOf(parseForm(replyForm, form({ parentId, body: "Agreed." }))), parentId).toEqual({
        parentId: "Reply to an argument on this page.",
      });
    }
  });

  it("refuses a reply with no argument named at all", () => {
    expect(errorsOf(parseForm(replyForm, form({ body: "Agreed." })))).toEqual({ parentId: "Reply to an argument on this page." });
  });

  it("holds replies to the same length limit as arguments", () => {
    expect(errorsOf(parseForm(replyForm, form({ parentId: "7", body: "y".repeat(2001) })))).toEqual({ body: "Keep it to 2,000 characters or fewer (it has 2,001)." });
  });
});

describe("editForm and argumentIdForm", () => {
  it("read the argument id and, for edits, the new body", () => {
    expect(parseForm(editForm, form({ argumentId: "3", body: " Better wording. " }))).toEqual({ ok: true, data: { argumentId: 3, body: "Better wording." }, values: expect.any(Object) });
    expect(parseForm(argumentIdForm, form({ argumentId: "3" }))).toEqual({ ok: true, data: { argumentId: 3 }, values: expect.any(Object) });
  });

  it("refuse an unknown argument id", () => {
    expect(errorsOf(parseForm(argumentIdForm, form({ argumentId: "x" })))).toEqual({ argumentId: "Unknown argument." });
    expect(errorsOf(parseForm(editForm, form({ argumentId: "0", body: "ok" })))).toEqual({ argumentId: "Unknown argument." });
  });
});

describe("moderationForm", () => {
  it("reads the argument and a trimmed reason", () => {
    expect(parseForm(moderationForm, form({ argumentId: "4", reason: "  Names a colleague.  " }))).toEqual({
      ok: true,
      data: { argumentId: 4, reason: "Names a colleague." },
      values: expect.any(Object),
    });
  });

  it("requires a reason of at least 3 characters after trimming", () => {
    for (const reason of ["", "ab", "  ab  "]) {
      expect(errorsOf(parseForm(moderationForm, form({ argumentId: "4", reason }))), reason).toEqual({
        reason: "Give a reason; it is kept in the audit log.",
      });
    }
    expect(parseForm(moderationForm, form({ argumentId: "4", reason: "abc" })).ok).toBe(true);
  });

  it("requires a reason even when the field is missing", () => {
    expect(errorsOf(parseForm(moderationForm, form({ argumentId: "4" })))).toEqual({ reason: "Give a reason; it is kept in the audit log." });
  });

  it("accepts a reason of 300 characters and refuses one of 301", () => {
    expect(MAX_REASON_LENGTH).toBe(300);
    expect(parseForm(moderationForm, form({ argumentId: "4", reason: "r".repeat(300) })).ok).toBe(true);
    expect(errorsOf(parseForm(moderationForm, form({ argumentId: "4", reason: "r".repeat(301) })))).toEqual({
      reason: "Keep the reason to 300 characters or fewer (it has 301).",
    });
  });
});
