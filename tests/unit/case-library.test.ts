import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCaseFiles } from "../../app/domain/case-file";

const files = readdirSync("cases")
  .filter((name) => name.endsWith(".md"))
  .map((name) => ({ file: `cases/${name}`, source: readFileSync(`cases/${name}`, "utf8") }));
const { valid, problems, warnings } = checkCaseFiles(files);

/** The editorial bar for the shipped library, stricter than what the validator accepts. */
describe("the case library in cases/", () => {
  it("has at least seven cases, all valid, and read as the same text by YAML 1.1 tools", () => {
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(valid.length).toBeGreaterThanOrEqual(7);
  });

  it("includes the background-check case and the required themes", () => {
    const slugs = valid.map((c) => c.doc.slug);
    expect(slugs).toEqual(expect.arrayContaining(["background-check", "the-frightened-rep", "the-fee-waiver", "off-script", "no-authority", "empathy-from-the-top"]));
  });

  it.each(valid.map((c) => [c.doc.slug, c.doc] as const))("%s asks both perspectives with 3 to 5 options, 2 to 4 stages, 3+ questions and notes", (_slug, doc) => {
    const keys = doc.perspectives.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(["employee", "employer"]));
    for (const perspective of doc.perspectives) {
      expect(perspective.options.length).toBeGreaterThanOrEqual(3);
      expect(perspective.options.length).toBeLessThanOrEqual(5);
    }
    expect(doc.stages.length).toBeGreaterThanOrEqual(2);
    expect(doc.stages.length).toBeLessThanOrEqual(4);
    expect(doc.discussion.length).toBeGreaterThanOrEqual(3);
    expect(doc.lenses.length).toBeGreaterThan(0);
    expect(doc.judgement).not.toBe("");
    expect(doc.facilitatorNotes?.length ?? 0).toBeGreaterThan(100);
  });
});
