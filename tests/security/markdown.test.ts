/**
 * Markdown that the renderer cannot render (issue #14, item 1): nested past the limits of
 * app/domain/markdown-limits.ts. Writing it is refused with a field error or a line-numbered
 * problem; a row stored before the limit existed shows as a notice for that one argument while
 * the rest of the page, and its data, are served to everyone as usual.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseURL, contextFor, fixtures, get, postForm, securityDir, type VisitorName } from "./helpers";
import { hostileCaseFiles } from "./hostile-inputs";

test.describe.configure({ mode: "serial" });

/** No other security test writes to this case. */
const SLUG = "the-frightened-rep";
const TWO_THOUSAND_QUOTES = `${">".repeat(1990)} Disagree`;
const NOTICE = "This text cannot be shown: its formatting is nested too deeply or is too complex to display.";

/** Page text with the entities React writes turned back into characters. */
const decoded = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function bodyErrorOf(page: string): string | null {
  return /<p class="field-error" id="[^"]*body-error">([^<]*)<\/p>/.exec(page)?.[1] ?? null;
}

async function withContext<T>(who: VisitorName, use: (ctx: APIRequestContext) => Promise<T>): Promise<T> {
  const ctx = await contextFor(who);
  try {
    return await use(ctx);
  } finally {
    await ctx.dispose();
  }
}

test("an argument of 2,000 nested block quotes is refused with an error on its body naming the limit", async () => {
  await withContext("participant", async (participant) => {
    const response = await postForm(participant, `/cases/${SLUG}`, { intent: "argument", perspective: "employee", side: "against", lens: "", body: TWO_THOUSAND_QUOTES });
    expect(response.status()).toBe(400);
    expect(decoded(bodyErrorOf(await response.text()) ?? "")).toBe("Your text nests block quotes (>), lists or indentation 1990 levels deep at line 1; at most 16 levels are allowed.");
    const page = await (await get(participant, `/cases/${SLUG}`)).text();
    expect(page).not.toContain(">>>>>>>>>>>>>>>>");
  });
});

test("replies and edits nested past the limit are refused the same way", async () => {
  await withContext("participant", async (participant) => {
    const posted = await postForm(participant, `/cases/${SLUG}`, { intent: "argument", perspective: "employer", side: "for", lens: "", body: "A plain argument to reply to and edit." });
    expect(posted.status()).toBe(200);
    const page = await (await get(participant, `/cases/${SLUG}?sort=newest`)).text();
    const argumentId = Math.max(...[...page.matchAll(/id="argument-(\d+)"/g)].map((m) => Number(m[1])));

    const reply = await postForm(participant, `/cases/${SLUG}`, { intent: "reply", parentId: String(argumentId), body: `${"- ".repeat(500)}deep` });
    expect(reply.status()).toBe(400);
    expect(decoded(await reply.text())).toContain("Your text nests block quotes (>), lists or indentation 500 levels deep at line 1; at most 16 levels are allowed.");

    const edit = await postForm(participant, `/cases/${SLUG}`, { intent: "edit", argumentId: String(argumentId), body: `${"*".repeat(500)}deep${"*".repeat(500)}` });
    expect(edit.status()).toBe(400);
    expect(decoded(await edit.text())).toContain("Your text nests emphasis markers (* _ ~) more than 16 levels deep at line 1; at most 16 levels are allowed.");
  });
});

test("an over-deep argument stored before the limit shows as a notice; the page and its data answer 200 for everyone", async () => {
  // Stored as an old row would be: straight into the database, past today's validation.
  const db = new Database(join(securityDir(), "casebook.sqlite"));
  const marker = `Neighbouring argument ${Date.now()}`;
  try {
    db.pragma("busy_timeout = 10000");
    const caseId = (db.prepare("select id from cases where slug = ?").get(SLUG) as { id: number }).id;
    const now = new Date().toISOString();
    const insert = db.prepare(
      "insert into arguments (case_id, user_id, parent_id, perspective, side, lens, body, status, created_at, updated_at) values (?, ?, null, 'employee', ?, null, ?, 'visible', ?, ?)",
    );
    insert.run(caseId, fixtures().accounts.author.id, "against", TWO_THOUSAND_QUOTES, now, now);
    insert.run(caseId, fixtures().accounts.author.id, "for", marker, now, now);
  } finally {
    db.close();
  }

  for (const who of ["anonymous", "participant", "facilitator", "author", "admin"] as const) {
    await withContext(who, async (ctx) => {
      const page = await get(ctx, `/cases/${SLUG}?sort=newest`);
      expect(page.status(), `${who}: /cases/${SLUG}`).toBe(200);
      const html = await page.text();
      expect(html, who).toContain(NOTICE);
      expect(html, who).toContain(marker);
      expect(html, who).toContain("The frightened rep"); // the case itself is there
      const data = await get(ctx, `/cases/${SLUG}.data`);
      expect(data.status(), `${who}: /cases/${SLUG}.data`).toBe(200);
      const text = await data.text();
      expect(text, who).toContain(NOTICE);
      expect(text, who).toContain(marker);
    });
  }
});

const refusedFiles = hostileCaseFiles().filter((file) => file.refusedAt);

test("case files nested past the limit, or with reserved headings written another way, are refused by upload at their line", async () => {
  expect(refusedFiles.length).toBeGreaterThanOrEqual(10);
  await withContext("author", async (author) => {
    for (const file of refusedFiles) {
      const response = await author.post("/cases/upload", {
        multipart: { file: { name: file.name, mimeType: "text/markdown", buffer: file.content }, publish: "on" },
        headers: { Origin: baseURL },
        maxRedirects: 0,
        timeout: 30_000,
      });
      expect(response.status(), file.name).toBe(400);
      const page = decoded(await response.text());
      expect(page, file.name).toContain(`${file.name}:${file.refusedAt!.line}: `);
      expect(page, file.name).toContain(file.refusedAt!.message);
    }
  });
});

test("the same case files are refused by cases:check at their line", () => {
  const dir = mkdtempSync(join(tmpdir(), "casebook-markdown-check-"));
  try {
    for (const file of refusedFiles) writeFileSync(join(dir, file.name), file.content);
    let output = "";
    let exitCode = 0;
    try {
      output = execFileSync("npx", ["tsx", "scripts/cases-check.ts", dir], { cwd: process.cwd(), encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      exitCode = failed.status;
      output = failed.stdout + failed.stderr;
    }
    expect(exitCode).toBe(1);
    for (const file of refusedFiles) {
      expect(output, file.name).toContain(`${join(dir, file.name)}:${file.refusedAt!.line}: `);
      expect(output, file.name).toContain(file.refusedAt!.message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
