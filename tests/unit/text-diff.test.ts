import { describe, expect, it } from "vitest";
import { collapseUnchanged, diffLines, MAX_DIFF_LINES, type DiffLine } from "../../app/domain/text-diff";

/** The text on one side of a diff, line by line. */
function sideOf(lines: DiffLine[], side: "before" | "after"): string[] {
  const hidden = side === "before" ? "added" : "removed";
  return lines.filter((line) => line.kind !== hidden).map((line) => line.text);
}

/** Compact form for readable expectations: "  same", "- removed", "+ added". */
function render(lines: (DiffLine | { kind: "skip"; count: number })[]): string[] {
  return lines.map((line) => {
    if (line.kind === "skip") return `… ${line.count}`;
    return `${{ same: " ", added: "+", removed: "-" }[line.kind]} ${line.text}`;
  });
}

function text(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}

/** Length of a longest common subsequence, by the textbook table; the reference for minimality. */
function lcsLength(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const lineA of a) {
    const current = [0];
    b.forEach((lineB, j) => current.push(lineA === lineB ? previous[j] + 1 : Math.max(previous[j + 1], current[j])));
    previous = current;
  }
  return previous[b.length];
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("diffLines", () => {
  it("marks every line of identical texts as the same, with both line numbers", () => {
    expect(diffLines(text("a", "b", "c"), text("a", "b", "c"))).toEqual([
      { kind: "same", text: "a", oldLine: 1, newLine: 1 },
      { kind: "same", text: "b", oldLine: 2, newLine: 2 },
      { kind: "same", text: "c", oldLine: 3, newLine: 3 },
    ]);
  });

  it("shows inserted lines as added, at the start, middle and end", () => {
    expect(render(diffLines(text("b", "d"), text("a", "b", "c", "d", "e")))).toEqual(["+ a", "  b", "+ c", "  d", "+ e"]);
  });

  it("shows deleted lines as removed", () => {
    expect(render(diffLines(text("a", "b", "c", "d", "e"), text("b", "d")))).toEqual(["- a", "  b", "- c", "  d", "- e"]);
  });

  it("shows a changed line in the middle as removed then added", () => {
    expect(render(diffLines(text("one", "two", "three"), text("one", "TWO", "three")))).toEqual(["  one", "- two", "+ TWO", "  three"]);
  });

  it("lists a block's removed lines before its added lines", () => {
    expect(render(diffLines(text("a", "x1", "x2", "b"), text("a", "y1", "y2", "b")))).toEqual(["  a", "- x1", "- x2", "+ y1", "+ y2", "  b"]);
  });

  it("numbers old lines on removed lines and new lines on added lines", () => {
    const lines = diffLines(text("title", "old intro", "body", "end"), text("title", "body", "new para", "end"));
    expect(lines).toEqual([
      { kind: "same", text: "title", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "old intro", oldLine: 2, newLine: null },
      { kind: "same", text: "body", oldLine: 3, newLine: 2 },
      { kind: "added", text: "new para", oldLine: null, newLine: 3 },
      { kind: "same", text: "end", oldLine: 4, newLine: 4 },
    ]);
  });

  it("treats CRLF and LF line endings as equal", () => {
    const lines = diffLines("a\r\nb\r\nc\r\n", "a\nb\nc\n");
    expect(lines.every((line) => line.kind === "same")).toBe(true);
    expect(lines.map((line) => line.text)).toEqual(["a", "b", "c"]);
  });

  it("does not count a final newline as a line", () => {
    expect(render(diffLines("a\nb", "a\nb\n"))).toEqual(["  a", "  b"]);
  });

  it("shows everything as added when there was nothing before, and as removed when nothing is left", () => {
    expect(diffLines("", text("a", "b"))).toEqual([
      { kind: "added", text: "a", oldLine: null, newLine: 1 },
      { kind: "added", text: "b", oldLine: null, newLine: 2 },
    ]);
    expect(diffLines(text("a", "b"), "")).toEqual([
      { kind: "removed", text: "a", oldLine: 1, newLine: null },
      { kind: "removed", text: "b", oldLine: 2, newLine: null },
    ]);
    expect(diffLines("", "")).toEqual([]);
  });

  it("keeps blank lines as lines of their own", () => {
    expect(render(diffLines(text("a", "", "b"), text("a", "", "", "b")))).toEqual(["  a", "  ", "+ ", "  b"]);
  });

  it("finds a minimal diff that reproduces both texts, on many random edits", () => {
    const random = randomSource(42);
    const vocabulary = ["alpha", "beta", "gamma", "delta", "", "## Stage: x"];
    const randomLines = (count: number): string[] => Array.from({ length: count }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
    for (let round = 0; round < 300; round++) {
      const before = randomLines(Math.floor(random() * 25));
      const after = randomLines(Math.floor(random() * 25));
      const lines = diffLines(text(...before), text(...after));
      expect(sideOf(lines, "before")).toEqual(before);
      expect(sideOf(lines, "after")).toEqual(after);
      const sameCount = lines.filter((line) => line.kind === "same").length;
      expect(sameCount).toBe(lcsLength(before, after));
    }
  });

  it("numbers every line on each side consecutively", () => {
    const lines = diffLines(text("a", "b", "c", "d", "e", "f"), text("x", "b", "c", "y", "e", "z", "f"));
    expect(lines.filter((l) => l.oldLine !== null).map((l) => l.oldLine)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines.filter((l) => l.newLine !== null).map((l) => l.newLine)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("falls back to one replaced block on huge input, still reproducing both texts", () => {
    const before = Array.from({ length: MAX_DIFF_LINES + 1000 }, (_, i) => `line ${i}`);
    const after = [...before];
    after.splice(10, 1, "changed near the start");
    after.splice(5000, 0, "inserted in the middle");
    after.splice(after.length - 10, 1);

    const started = performance.now();
    const lines = diffLines(before.join("\n"), after.join("\r\n"));
    expect(performance.now() - started).toBeLessThan(2000);

    expect(sideOf(lines, "after")).toEqual(after);
    expect(sideOf(lines, "before")).toEqual(before);
    // The common start and end are still matched; only the stretch between the first and last change is replaced.
    expect(lines.slice(0, 10).every((line) => line.kind === "same")).toBe(true);
    expect(lines.slice(-9).every((line) => line.kind === "same")).toBe(true);
    expect(lines[10]).toEqual({ kind: "removed", text: "line 10", oldLine: 11, newLine: null });
  });

  it("diffs completely different texts of the maximum size in linear memory and reasonable time", () => {
    const before = Array.from({ length: MAX_DIFF_LINES }, (_, i) => `old ${i % 7}`);
    const after = Array.from({ length: MAX_DIFF_LINES }, (_, i) => `new ${i % 5}`);
    const started = performance.now();
    const lines = diffLines(before.join("\n"), after.join("\n"));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(lines).toHaveLength(2 * MAX_DIFF_LINES);
    expect(sideOf(lines, "after")).toEqual(after);
  });
});

describe("collapseUnchanged", () => {
  const numbered = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}`);

  it("keeps context before a change near the end and hides the start", () => {
    const before = text(...numbered(1, 10));
    const after = text(...numbered(1, 9), "ten");
    expect(render(collapseUnchanged(diffLines(before, after), 3))).toEqual(["… 6", "  7", "  8", "  9", "- 10", "+ ten"]);
  });

  it("keeps context after a change near the start and hides the end", () => {
    const before = text(...numbered(1, 10));
    const after = text("one", ...numbered(2, 10));
    expect(render(collapseUnchanged(diffLines(before, after), 3))).toEqual(["- 1", "+ one", "  2", "  3", "  4", "… 6"]);
  });

  it("keeps context on both sides of a long unchanged run between two changes", () => {
    const before = text(...numbered(1, 20));
    const after = text("one", ...numbered(2, 19), "twenty");
    expect(render(collapseUnchanged(diffLines(before, after), 2))).toEqual(["- 1", "+ one", "  2", "  3", "… 14", "  18", "  19", "- 20", "+ twenty"]);
  });

  it("leaves a run alone when hiding it would hide a single line or none", () => {
    const before = text(...numbered(1, 9));
    const after = text("one", ...numbered(2, 8), "nine");
    // Seven unchanged lines between the changes: 3 + 3 context leaves one, not worth a marker.
    expect(collapseUnchanged(diffLines(before, after), 3).some((line) => line.kind === "skip")).toBe(false);
  });

  it("collapses identical texts to a single skip", () => {
    expect(collapseUnchanged(diffLines(text(...numbered(1, 40)), text(...numbered(1, 40))))).toEqual([{ kind: "skip", count: 40 }]);
  });

  it("shows only the changes with a context of 0", () => {
    const before = text(...numbered(1, 10));
    const after = text(...numbered(1, 4), "five", ...numbered(6, 10));
    expect(render(collapseUnchanged(diffLines(before, after), 0))).toEqual(["… 4", "- 5", "+ five", "… 5"]);
  });

  it("uses 3 lines of context by default and returns nothing for an empty diff", () => {
    const before = text(...numbered(1, 12));
    const after = text(...numbered(1, 5), "six", ...numbered(7, 12));
    expect(render(collapseUnchanged(diffLines(before, after)))).toEqual(["… 2", "  3", "  4", "  5", "- 6", "+ six", "  7", "  8", "  9", "… 3"]);
    expect(collapseUnchanged([])).toEqual([]);
  });
});
