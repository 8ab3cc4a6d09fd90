/**
 * Generated documents over HTTP. An author publishes a case whose title, summary, options,
 * judgement question and discussion questions hold Markdown and HTML; a facilitator runs a
 * workshop on it with such a title; phones vote and post such submissions; then the debrief and
 * the CSV are downloaded. A twin workshop on a benign twin case, run the same way, gives the
 * structure the debrief must have. Single-line fields refuse line breaks with a field error.
 */
import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { marked } from "marked";
import { advanceTo, baseURL, contextFor, control, createWorkshop, get, joinWorkshop, phoneOptionId, postForm, unique, type FormFields } from "./helpers";
import { EXPORT_MARKDOWN, MARKDOWN_XSS } from "./hostile-inputs";
import { plainText, shape, words } from "./markdown-structure";
import { parseCsv } from "../support/csv-reader";

test.describe.configure({ mode: "serial" });

/** What one run writes into every field that reaches an export. */
interface Texts {
  caseTitle: string;
  summary: string;
  employeeOptions: string[];
  employerOptions: string[];
  judgement: string;
  discussion: string[];
  workshopTitle: string;
  submissions: string[];
}

const HOSTILE: Texts = {
  caseTitle: "</blockquote><h1>Injected</h1> ~~struck~~ [x](javascript:alert(1))",
  summary: '<script>alert(document.domain)</script> <img src=x onerror="alert(1)"> https://evil.example www.evil.example',
  // Five phones vote for the first five.
  employeeOptions: [":--|--:", "@SUM(1+1)*cmd|' /C calc'!A0", '=HYPERLINK("https://evil.example")', "| a | b |", "- item", "# Injected heading"],
  employerOptions: ["+1 <b>bold</b> *em*", "Title ###", "-2+3 `code`"],
  judgement: "**bold** _em_ `code` <!-- comment --> <javascript:alert(1)>",
  discussion: ["1. first", "> quoted", "***", "![image](https://evil.example/x.png)", "[^note] \\# escaped already \\| pipe", "<details open ontoggle=alert(1)>"],
  workshopTitle: "</blockquote><h1>Workshop</h1> [x](javascript:alert(1)) ===",
  // Five phones post two each: all ten are among the debrief's top ten.
  submissions: [
    ...EXPORT_MARKDOWN.filter((p) => p.includes("\n") && !p.includes("\r")).slice(0, 8),
    MARKDOWN_XSS.slice(0, 500),
    "Plain text\n===\n\n:--|--:\n| a | b |\n\n</blockquote><h1>Injected heading</h1>",
  ],
};

const BENIGN: Texts = {
  caseTitle: "The benign twin",
  summary: "A case like the hostile one, with plain words in every field.",
  employeeOptions: HOSTILE.employeeOptions.map((_, i) => `Employee option ${i + 1}`),
  employerOptions: HOSTILE.employerOptions.map((_, i) => `Employer option ${i + 1}`),
  judgement: "Was it right?",
  discussion: HOSTILE.discussion.map((_, i) => `Benign question ${i + 1}?`),
  workshopTitle: "Benign twin room",
  submissions: HOSTILE.submissions.map((_, i) => `Benign submission ${i + 1}.`),
};

interface Downloads {
  debrief: string;
  csv: string;
  dispositions: string[];
}

async function ok(response: Promise<import("@playwright/test").APIResponse>, status: number, what: string): Promise<void> {
  const r = await response;
  expect(r.status(), `${what}: ${(await r.text()).slice(0, 400)}`).toBe(status);
}

/** Publishes the case, runs a one-round workshop with five phones, and downloads both exports. */
async function runWorkshop(texts: Texts, author: APIRequestContext, facilitator: APIRequestContext): Promise<Downloads> {
  const slug = unique("exports");
  const fields: FormFields = {
    intent: "publish",
    title: texts.caseTitle,
    slug,
    summary: texts.summary,
    tags: "exports",
    "perspective-0-prompt": "You are the employee. What do you do?",
    "perspective-0-options": texts.employeeOptions.join("\n"),
    "perspective-1-prompt": "You are the employer. What do you do?",
    "perspective-1-options": texts.employerOptions.join("\n"),
    judgement: texts.judgement,
    discussion: texts.discussion.join("\n"),
    stageCount: "1",
    "stage-0-title": "The only stage",
    "stage-0-body": "Something happened.",
    facilitatorNotes: "",
    sources: "",
  };
  await ok(postForm(author, "/cases/new", fields), 302, `publish ${slug}`);

  const workshop = await createWorkshop(facilitator, slug, texts.workshopTitle, { twoRounds: undefined });
  const phones: APIRequestContext[] = [];
  for (let i = 0; i < 5; i += 1) {
    const phone = await request.newContext({ baseURL });
    await joinWorkshop(phone, workshop.code, `Phone ${i + 1}`, i < 3 ? "frontline" : "manager");
    phones.push(phone);
  }
  await advanceTo(facilitator, workshop.id, "Vote, round 1");
  for (const [i, phone] of phones.entries()) {
    const vote = {
      intent: "vote",
      "option-employee": await phoneOptionId(phone, workshop.code, "employee", i % texts.employeeOptions.length),
      "judgement-employee": String((i % 7) - 3),
      "option-employer": await phoneOptionId(phone, workshop.code, "employer", i % texts.employerOptions.length),
      "judgement-employer": "1",
    };
    await ok(postForm(phone, `/w/${workshop.code}`, vote), 200, `phone ${i + 1} votes`);
  }
  await advanceTo(facilitator, workshop.id, "Discussion");
  for (const [i, body] of texts.submissions.entries()) {
    await ok(postForm(phones[i % phones.length]!, `/w/${workshop.code}`, { intent: "submit", kind: i % 2 ? "question" : "argument", body }), 200, `submission ${i + 1}`);
  }
  const panel = await (await get(facilitator, `/workshops/${workshop.id}`)).text();
  const submissionId = /name="submissionId" value="(\d+)"/.exec(panel)?.[1];
  expect(submissionId, "a submission to spotlight on the control panel").toBeTruthy();
  await ok(control(facilitator, workshop.id, "spotlight", { submissionId: submissionId! }), 200, "spotlight");
  for (const phone of phones) await phone.dispose();

  const debrief = await get(facilitator, `/workshops/${workshop.id}/debrief.md`);
  const csv = await get(facilitator, `/workshops/${workshop.id}/positions.csv`);
  expect(debrief.status()).toBe(200);
  expect(csv.status()).toBe(200);
  return {
    debrief: await debrief.text(),
    csv: await csv.text(),
    dispositions: [debrief.headers()["content-disposition"] ?? "", csv.headers()["content-disposition"] ?? ""],
  };
}

let hostile: Downloads;
let benign: Downloads;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const author = await contextFor("author");
  const facilitator = await contextFor("facilitator");
  try {
    benign = await runWorkshop(BENIGN, author, facilitator);
    hostile = await runWorkshop(HOSTILE, author, facilitator);
  } finally {
    await author.dispose();
    await facilitator.dispose();
  }
});

test("the debrief of the hostile workshop has exactly the benign twin's structure: no added headings, tables, quotes, lists, links or HTML", () => {
  const benignShape = shape(marked.lexer(benign.debrief));
  expect(JSON.stringify(benignShape)).toContain('"blockquote"');
  expect(shape(marked.lexer(hostile.debrief))).toEqual(benignShape);
});

test("every hostile text reaches the debrief as text", () => {
  const seen = words(plainText(marked.lexer(hostile.debrief)));
  const texts = [HOSTILE.caseTitle, HOSTILE.summary, ...HOSTILE.employeeOptions, ...HOSTILE.employerOptions, HOSTILE.judgement, ...HOSTILE.discussion, HOSTILE.workshopTitle, ...HOSTILE.submissions];
  for (const text of texts) expect(seen, text).toContain(words(text));
});

test("the CSV keeps every row's seven cells, and no text cell starts like a formula", () => {
  const rows = parseCsv(hostile.csv);
  expect(rows).toHaveLength(1 + 5 * 2);
  for (const row of rows) expect(row).toHaveLength(7);
  const options = rows.slice(1).map((r) => r[3]!);
  for (const cell of rows.slice(1).flatMap((r) => [r[2]!, r[3]!, r[5]!, r[6]!])) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
  expect(options).toContain(`'=HYPERLINK("https://evil.example")`);
  expect(options).toContain("'- item");
  expect(options).toContain("'+1 <b>bold</b> *em*");
  expect(options).toContain("'@SUM(1+1)*cmd|' /C calc'!A0");
  expect(options).toContain(":--|--:");
});

test("downloads are attachments with a plain file name, whatever the workshop title", () => {
  for (const disposition of [...benign.dispositions, ...hostile.dispositions]) {
    expect(disposition).toMatch(/^attachment; filename="[a-z0-9-]+-[A-Z0-9]{6}\.(md|csv)"; filename\*=UTF-8''[a-z0-9-]+-[A-Z0-9]{6}\.(md|csv)$/);
  }
  expect(hostile.dispositions[0]).toMatch(/^attachment; filename="blockquote-h1-workshop-h1-x-javascript-a-([A-Z0-9]{6})\.md"; filename\*=UTF-8''blockquote-h1-workshop-h1-x-javascript-a-\1\.md$/);
});

test.describe("single-line fields refuse line breaks", () => {
  test("a workshop title with a line break is refused at creation, beside the title field", async () => {
    const facilitator = await contextFor("facilitator");
    try {
      const response = await postForm(facilitator, "/workshops", { caseSlug: "the-overpayment", title: "Tuesday lab\n# Injected", perspectives: ["employee", "employer"], resultsMode: "live" });
      expect(response.status()).toBe(400);
      expect(await response.text()).toContain("Keep the workshop title on one line, without tabs or control characters (it has a line break at character 12).");
    } finally {
      await facilitator.dispose();
    }
  });

  test("a display name with a line break is refused when joining", async () => {
    const facilitator = await contextFor("facilitator");
    const phone = await request.newContext({ baseURL });
    try {
      const workshop = await createWorkshop(facilitator, "the-overpayment", "Single-line names room");
      const response = await postForm(phone, "/join", { code: workshop.code, displayName: "Ana\r\nSouza", standing: "" });
      expect(response.status()).toBe(400);
      expect(await response.text()).toContain("Keep your name on one line, without tabs or control characters (it has a line break at character 4).");
    } finally {
      await phone.dispose();
      await facilitator.dispose();
    }
  });

  test("the case editor refuses a title or an option with a control character, beside that field", async () => {
    const author = await contextFor("author");
    try {
      const base: FormFields = {
        intent: "save",
        title: "A single-line check",
        slug: unique("single-line"),
        summary: "Checks single-line fields.",
        "perspective-0-prompt": "What do you do?",
        "perspective-0-options": "Speak up\nStay quiet",
        "perspective-1-prompt": "What do you do?",
        "perspective-1-options": "Thank them\nIgnore it",
        judgement: "Was it right?",
        discussion: "Why?",
        stageCount: "1",
        "stage-0-title": "Only stage",
        "stage-0-body": "Something happened.",
      };
      const title = await postForm(author, "/cases/new", { ...base, title: "A title\r\n# Injected" });
      expect(title.status()).toBe(400);
      expect(await title.text()).toContain("Must be one line without tabs or control characters; it has a line break at character 8");
      const option = await postForm(author, "/cases/new", { ...base, "perspective-0-options": "Speak\u0007 up\nStay quiet" });
      expect(option.status()).toBe(400);
      expect(await option.text()).toContain("Must be one line without tabs or control characters; it has the control character U+0007 at character 6");
    } finally {
      await author.dispose();
    }
  });
});
