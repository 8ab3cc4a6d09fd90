/**
 * Length limits count what people see (issue 15, item 5): user-perceived characters (grapheme
 * clusters), not UTF-16 code units. An option of 21 visible characters with emoji is 21
 * characters, in every form, in case files and in the editor; messages say how many there are.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { librarySearch, passwordChangeForm, profileForm, signupForm } from "../../app/domain/account-forms";
import { parseCaseFile, type CaseFileProblem } from "../../app/domain/case-file";
import { argumentForm, editForm, moderationForm, replyForm } from "../../app/domain/debate-forms";
import { codeUnitCap, graphemes, hasVisibleText, truncateVisible, visibleLength } from "../../app/domain/visible-length";
import { joinForm, readCreateWorkshopForm, submissionForm } from "../../app/domain/workshop-forms";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One visible character each, of 2 to 11 UTF-16 code units. */
const FAMILY = "👩‍👩‍👧‍👦"; // 11 code units: four people joined by zero-width joiners
const FLAG = "🇫🇷"; // 4: two regional indicators
const ACCENTED = "e\u0301"; // 2: e and a combining acute accent
const THUMBS = "👍🏽"; // 4: a thumb and a skin tone

/** `count` visible characters, cycling through the ones above. */
function visible(count: number): string {
  const cycle = [FAMILY, FLAG, ACCENTED, THUMBS, "a"];
  return Array.from({ length: count }, (_, i) => cycle[i % cycle.length]).join("");
}

/** 21 visible characters, 134 code units: an option that was refused as too long. */
const EMOJI_OPTION = `Ask them ${FAMILY.repeat(11)}${FLAG}`;

describe("visibleLength", () => {
  it("counts what people see", () => {
    expect([visibleLength(FAMILY), visibleLength(FLAG), visibleLength(ACCENTED), visibleLength(THUMBS), visibleLength("\r\n")]).toEqual([1, 1, 1, 1, 1]);
    expect(visibleLength(EMOJI_OPTION)).toBe(21);
  });

  it("stops counting past the number it is asked about", () => {
    expect(visibleLength("a".repeat(1000), 10)).toBe(11);
  });
});

describe("graphemes", () => {
  const whole = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  /** Pieces that join into characters across any window boundary: marks, joiners, skin tones, flags, Hangul jamo, Indic conjuncts, prepended marks, lone surrogates. */
  const PIECES = ["a", " ", "\r", "\n", "\u0301", "👩", "\u200D", "🏽", "🇫", "🇷", "ᄀ", "ᅡ", "ᆨ", "각", "\u0E33", "क", "्", "ष", "\uFE0F", "\u{E0067}", "🏴", "\u0600", "\uD83D", "\uDC69"];

  it("splits any text exactly as segmenting it whole does, however long", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 1500 }), (pieces) => {
        const text = pieces.join("");
        expect([...graphemes(text)]).toEqual(Array.from(whole.segment(text), (s) => s.segment));
      }),
      { numRuns: 150 },
    );
  });

  it("takes time in proportion to the text (segmenting 200,000 letters whole takes V8 minutes)", () => {
    const started = performance.now();
    expect(visibleLength("a".repeat(200_000))).toBe(200_000);
    expect(visibleLength("a" + "\u0301".repeat(100_000))).toBe(1);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe("hasVisibleText", () => {
  it("is false for text made only of white space, control characters and invisible ones", () => {
    for (const text of ["", "   ", "\u0007\u0000", "\u200b\u2060", "\u202e\t\n", "\u00ad\ufeff"]) expect(hasVisibleText(text), JSON.stringify(text)).toBe(false);
  });

  it("is true once any character shows, in any script or as an emoji", () => {
    for (const text of ["a", "\u200bé", "日", "👩‍👩‍👧", " . "]) expect(hasVisibleText(text), JSON.stringify(text)).toBe(true);
  });
});

describe("truncateVisible", () => {
  it("cuts between characters, never inside one, and ends with an ellipsis", () => {
    expect(truncateVisible(FAMILY.repeat(5), 3)).toBe(`${FAMILY}${FAMILY}…`);
    expect(truncateVisible(`${ACCENTED}${ACCENTED}${ACCENTED}`, 2)).toBe(`${ACCENTED}…`);
    expect(truncateVisible(FAMILY.repeat(3), 3)).toBe(FAMILY.repeat(3));
  });
});

type SafeParse = { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } };
const messagesFor = (result: SafeParse, field: string) => (result.error?.issues ?? []).filter((issue) => issue.path[0] === field).map((issue) => issue.message);

function formData(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
}

const doc = (() => {
  const result = parseCaseFile(readFileSync(fileURLToPath(new URL("../../cases/background-check.md", import.meta.url)), "utf8"));
  if (!result.ok) throw new Error("cases/background-check.md does not parse");
  return result.doc;
})();

/** Every form field with a length limit: how to check a value, and the message past the limit with `n` characters. */
const FORM_FIELDS: { name: string; max: number; check: (value: string) => SafeParse; field: string; message: (n: number) => string }[] = [
  {
    name: "a display name at sign-up",
    max: 60,
    check: (displayName) => signupForm.safeParse({ email: "ana@example.com", displayName, password: "a long enough password" }),
    field: "displayName",
    message: (n) => `Keep your display name to 60 characters or fewer (it has ${n}).`,
  },
  {
    name: "a display name on the profile",
    max: 60,
    check: (displayName) => profileForm.safeParse({ displayName, standing: "" }),
    field: "displayName",
    message: (n) => `Keep your display name to 60 characters or fewer (it has ${n}).`,
  },
  {
    name: "a name when joining a workshop",
    max: 40,
    check: (displayName) => joinForm.safeParse({ code: "K7M2QP", displayName }),
    field: "displayName",
    message: (n) => `Keep your name to 40 characters or fewer (it has ${n}).`,
  },
  {
    name: "a workshop title",
    max: 120,
    check: (title) => readCreateWorkshopForm(formData({ caseSlug: "background-check", title, perspectives: ["employee"], resultsMode: "live" })),
    field: "title",
    message: (n) => `Keep the title to 120 characters or fewer (it has ${n}).`,
  },
  { name: "a phone's submission", max: 500, check: (body) => submissionForm.safeParse({ kind: "question", body }), field: "body", message: (n) => `Keep it to 500 characters or fewer (it has ${n}).` },
  {
    name: "an argument",
    max: 2000,
    check: (body) => argumentForm(doc).safeParse({ perspective: "employee", side: "for", body }),
    field: "body",
    message: (n) => `Keep it to 2,000 characters or fewer (it has ${n.toLocaleString("en")}).`,
  },
  {
    name: "a reply",
    max: 2000,
    check: (body) => replyForm.safeParse({ parentId: "3", body }),
    field: "body",
    message: (n) => `Keep it to 2,000 characters or fewer (it has ${n.toLocaleString("en")}).`,
  },
  {
    name: "an edit",
    max: 2000,
    check: (body) => editForm.safeParse({ argumentId: "3", body }),
    field: "body",
    message: (n) => `Keep it to 2,000 characters or fewer (it has ${n.toLocaleString("en")}).`,
  },
  {
    name: "a moderation reason",
    max: 300,
    check: (reason) => moderationForm.safeParse({ argumentId: "3", reason }),
    field: "reason",
    message: (n) => `Keep the reason to 300 characters or fewer (it has ${n}).`,
  },
];

describe("form fields count visible characters", () => {
  it.each(FORM_FIELDS.map((f) => [f.name, f] as const))("%s: its limit in emoji and accented letters is accepted", (_, f) => {
    const value = visible(f.max);
    expect(value.length).toBeGreaterThan(f.max * 2);
    expect(messagesFor(f.check(value), f.field)).toEqual([]);
  });

  it.each(FORM_FIELDS.map((f) => [f.name, f] as const))("%s: one more is refused, saying how many characters it has", (_, f) => {
    expect(messagesFor(f.check(visible(f.max + 1)), f.field)).toEqual([f.message(f.max + 1)]);
  });

  it.each(FORM_FIELDS.map((f) => [f.name, f] as const))("%s: a text of few characters but more code units than any real text is refused", (_, f) => {
    // A letter with a mountain of combining marks is one character.
    const zalgo = `abc${"\u0301".repeat(codeUnitCap(f.max))}`;
    expect(visibleLength(zalgo)).toBe(3);
    expect(messagesFor(f.check(zalgo), f.field)).toEqual([
      `This text is built from too many invisible parts (combining marks or joined symbols) to store; it may hold up to ${f.max} characters of ordinary text.`,
    ]);
  });

  it.each(FORM_FIELDS.map((f) => [f.name, f] as const))("%s: a plain text far past the limit is refused as too long, without counting all of it", (_, f) => {
    const message = f.message(0).replace(" (it has 0)", "");
    expect(messagesFor(f.check("x".repeat(codeUnitCap(f.max) + 1)), f.field)).toEqual([message]);
  });

  it("keeps a library search of 100 emoji, which people see as 100 characters", () => {
    expect(librarySearch.parse({ q: THUMBS.repeat(100) }).q).toBe(THUMBS.repeat(100));
    expect(librarySearch.parse({ q: THUMBS.repeat(101) }).q).toBeUndefined();
  });
});

describe("passwords count Unicode code points (NIST SP 800-63B 5.1.1.2)", () => {
  it("refuses 5 emoji as a password of 10 characters", () => {
    const short = "🔒".repeat(5);
    expect(short.length).toBe(10);
    expect(messagesFor(signupForm.safeParse({ email: "ana@example.com", displayName: "Ana", password: short }), "password")).toEqual(["Use at least 10 characters for your password."]);
    expect(messagesFor(passwordChangeForm.safeParse({ currentPassword: "x", newPassword: short }), "newPassword")).toEqual(["Use at least 10 characters for your new password."]);
  });

  it("accepts 10 emoji", () => {
    expect(signupForm.safeParse({ email: "ana@example.com", displayName: "Ana", password: "🔒".repeat(10) }).success).toBe(true);
  });
});

const FRONT = (fields: Record<string, string>) =>
  [
    "---",
    "slug: the-late-invoice",
    `title: ${JSON.stringify(fields.title ?? "The late invoice")}`,
    `summary: ${JSON.stringify(fields.summary ?? "A bookkeeper is asked to date an invoice a week early.")}`,
    "perspectives:",
    "  employee:",
    `    prompt: ${JSON.stringify(fields.prompt ?? "You are the bookkeeper. What do you do?")}`,
    `    options: [${JSON.stringify(fields.option ?? "Date it early")}, Refuse]`,
    "  employer:",
    "    prompt: You are the controller. What do you do?",
    "    options: [Back her, Overrule her]",
    `judgement: ${JSON.stringify(fields.judgement ?? "Was the bookkeeper right?")}`,
    `discussion: [${JSON.stringify(fields.discussion ?? "Who is harmed by a date?")}]`,
    "---",
    "",
    `## Stage: ${fields.stage ?? "The request"}`,
    "",
    "Ana is asked to date an invoice early.",
    "",
  ].join("\n");

function problemsOf(source: string): CaseFileProblem[] {
  const result = parseCaseFile(source);
  return result.ok ? [] : result.problems;
}

describe("case files count visible characters", () => {
  it("accepts an option of 21 visible characters with emoji (134 code units)", () => {
    expect(EMOJI_OPTION.length).toBe(134);
    expect(problemsOf(FRONT({ option: EMOJI_OPTION }))).toEqual([]);
  });

  it.each([
    ["title", "title", 120, 3],
    ["summary", "summary", 300, 4],
    ["prompt", "perspectives.employee.prompt", 300, 7],
    ["option", "perspectives.employee.options.0", 120, 8],
    ["judgement", "judgement", 200, 12],
    ["discussion", "discussion.0", 300, 13],
  ])("%s: its limit in emoji is accepted; one more is reported with the characters found", (key, field, max, line) => {
    expect(problemsOf(FRONT({ [key]: visible(max) }))).toEqual([]);
    expect(problemsOf(FRONT({ [key]: visible(max + 1) }))).toEqual([{ line, field, message: `must be at most ${max} characters, found ${max + 1}` }]);
  });

  it("counts a stage title's visible characters", () => {
    expect(problemsOf(FRONT({ stage: visible(120) }))).toEqual([]);
    expect(problemsOf(FRONT({ stage: visible(121) }))).toEqual([{ line: 16, field: "stage 1", message: "stage title must be at most 120 characters, found 121" }]);
  });

  it("refuses a field of few characters but more code units than any real text", () => {
    const zalgo = `a${"\u0301".repeat(codeUnitCap(120))}`;
    expect(problemsOf(FRONT({ title: zalgo }))).toEqual([
      { line: 3, field: "title", message: `is built from too many invisible parts (combining marks or joined symbols); it may hold up to 120 characters of ordinary text` },
    ]);
  });
});
