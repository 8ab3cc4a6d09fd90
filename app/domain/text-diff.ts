/**
 * Line diffs between two versions of a case file, for the case history page. Pure.
 *
 * Myers' O(ND) algorithm in its linear-space form (bisect at the "middle snake", as
 * diff-match-patch does), so memory stays linear in the number of lines however different
 * the two versions are. Inputs longer than MAX_DIFF_LINES skip the search entirely.
 */

export type DiffLine = {
  kind: "same" | "added" | "removed";
  text: string;
  /** 1-based line in `before`; null for added lines. */
  oldLine: number | null;
  /** 1-based line in `after`; null for removed lines. */
  newLine: number | null;
};

export type DiffSkip = { kind: "skip"; count: number };

/** Beyond this many lines on either side, only the common start and end are matched. */
export const MAX_DIFF_LINES = 5_000;

/** Hiding a single line saves nothing: the skip marker takes its place on screen. */
const MIN_LINES_TO_SKIP = 2;

type Edit = "same" | "removed" | "added";

/**
 * Compares line by line, after turning CRLF (and lone CR) into LF. A final newline does not
 * count as an extra empty line, so "a\n" and "a" are equal.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const oldLines = splitLines(before);
  const newLines = splitLines(after);
  const { oldIds, newIds } = internLines(oldLines, newLines);
  const tooLarge = oldLines.length > MAX_DIFF_LINES || newLines.length > MAX_DIFF_LINES;
  const edits = tooLarge ? trimmedReplacement(oldIds, newIds) : shortestEdits(oldIds, newIds);
  return toDiffLines(edits, oldLines, newLines);
}

/**
 * Keeps `context` unchanged lines on each side of every change and replaces the rest of each
 * unchanged run by a skip marker. With no changes at all, the whole text becomes one skip.
 */
export function collapseUnchanged(lines: DiffLine[], context = 3): (DiffLine | DiffSkip)[] {
  const keep = Math.max(0, Math.floor(context));
  const collapsed: (DiffLine | DiffSkip)[] = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index].kind !== "same") {
      collapsed.push(lines[index]);
      index++;
      continue;
    }
    const runEnd = endOfUnchangedRun(lines, index);
    const run = lines.slice(index, runEnd);
    // A run at the very start has no change before it to give context to, and likewise at the end.
    const keepHead = index === 0 ? 0 : keep;
    const keepTail = runEnd === lines.length ? 0 : keep;
    collapsed.push(...collapseRun(run, keepHead, keepTail));
    index = runEnd;
  }
  return collapsed;
}

function endOfUnchangedRun(lines: DiffLine[], start: number): number {
  let end = start;
  while (end < lines.length && lines[end].kind === "same") end++;
  return end;
}

function collapseRun(run: DiffLine[], keepHead: number, keepTail: number): (DiffLine | DiffSkip)[] {
  const hidden = run.length - keepHead - keepTail;
  if (hidden < MIN_LINES_TO_SKIP) return run;
  return [...run.slice(0, keepHead), { kind: "skip", count: hidden }, ...run.slice(run.length - keepTail)];
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Numbers each distinct line so the search compares integers, not strings. */
function internLines(oldLines: string[], newLines: string[]): { oldIds: Int32Array; newIds: Int32Array } {
  const idByLine = new Map<string, number>();
  const idsOf = (lines: string[]): Int32Array =>
    Int32Array.from(lines, (line) => {
      let id = idByLine.get(line);
      if (id === undefined) {
        id = idByLine.size;
        idByLine.set(line, id);
      }
      return id;
    });
  return { oldIds: idsOf(oldLines), newIds: idsOf(newLines) };
}

/** Walks the edit script, listing each change block's removed lines before its added lines. */
function toDiffLines(edits: Edit[], oldLines: string[], newLines: string[]): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldIndex = 0;
  let newIndex = 0;
  let pendingRemoved = 0;
  let pendingAdded = 0;
  const flushChangeBlock = (): void => {
    for (; pendingRemoved > 0; pendingRemoved--, oldIndex++) {
      lines.push({ kind: "removed", text: oldLines[oldIndex], oldLine: oldIndex + 1, newLine: null });
    }
    for (; pendingAdded > 0; pendingAdded--, newIndex++) {
      lines.push({ kind: "added", text: newLines[newIndex], oldLine: null, newLine: newIndex + 1 });
    }
  };
  for (const edit of edits) {
    if (edit === "removed") pendingRemoved++;
    else if (edit === "added") pendingAdded++;
    else {
      flushChangeBlock();
      lines.push({ kind: "same", text: oldLines[oldIndex], oldLine: oldIndex + 1, newLine: newIndex + 1 });
      oldIndex++;
      newIndex++;
    }
  }
  flushChangeBlock();
  return lines;
}

function pushEdits(edits: Edit[], edit: Edit, count: number): void {
  for (let i = 0; i < count; i++) edits.push(edit);
}

function commonPrefixLength(a: Int32Array, b: Int32Array): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (length < limit && a[length] === b[length]) length++;
  return length;
}

function commonSuffixLength(a: Int32Array, b: Int32Array): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (length < limit && a[a.length - 1 - length] === b[b.length - 1 - length]) length++;
  return length;
}

/** The large-input fallback: linear time and memory, correct but not minimal. */
function trimmedReplacement(a: Int32Array, b: Int32Array): Edit[] {
  const edits: Edit[] = [];
  const prefix = commonPrefixLength(a, b);
  const suffix = commonSuffixLength(a.subarray(prefix), b.subarray(prefix));
  pushEdits(edits, "same", prefix);
  pushEdits(edits, "removed", a.length - prefix - suffix);
  pushEdits(edits, "added", b.length - prefix - suffix);
  pushEdits(edits, "same", suffix);
  return edits;
}

function shortestEdits(a: Int32Array, b: Int32Array): Edit[] {
  const edits: Edit[] = [];
  appendShortestEdits(a, b, edits);
  return edits;
}

/** Divide and conquer: match the common ends, split what is left at a point on a shortest path. */
function appendShortestEdits(a: Int32Array, b: Int32Array, edits: Edit[]): void {
  const prefix = commonPrefixLength(a, b);
  const suffix = commonSuffixLength(a.subarray(prefix), b.subarray(prefix));
  // subarray makes views, not copies.
  const middleA = a.subarray(prefix, a.length - suffix);
  const middleB = b.subarray(prefix, b.length - suffix);
  pushEdits(edits, "same", prefix);

  const split = middleA.length > 0 && middleB.length > 0 ? findSplitPoint(middleA, middleB) : null;
  if (split && isInterior(split, middleA, middleB)) {
    const [x, y] = split;
    appendShortestEdits(middleA.subarray(0, x), middleB.subarray(0, y), edits);
    appendShortestEdits(middleA.subarray(x), middleB.subarray(y), edits);
  } else {
    // One side is empty (or, defensively, no usable split): the rest is a plain replacement.
    pushEdits(edits, "removed", middleA.length);
    pushEdits(edits, "added", middleB.length);
  }
  pushEdits(edits, "same", suffix);
}

/** A split at either corner would recurse on the same problem forever. */
function isInterior([x, y]: [number, number], a: Int32Array, b: Int32Array): boolean {
  return (x > 0 || y > 0) && (x < a.length || y < b.length);
}

/**
 * Myers' search run from both corners at once until the two frontiers meet; the meeting point
 * lies on a shortest edit path. Each frontier keeps one vector of the furthest x reached per
 * diagonal k = x - y, which is what keeps memory linear. Expects both inputs non-empty with
 * different first lines and different last lines (the caller trims common ends).
 */
function findSplitPoint(a: Int32Array, b: Int32Array): [number, number] | null {
  const n = a.length;
  const m = b.length;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD + 1;
  const size = 2 * maxD + 3;
  const forward = new Int32Array(size).fill(-1);
  const reverse = new Int32Array(size).fill(-1);
  forward[offset + 1] = 0;
  reverse[offset + 1] = 0;
  const delta = n - m;
  // With an odd delta the frontiers can first meet on a forward step, with an even one on a reverse step.
  const meetOnForwardStep = delta % 2 !== 0;
  // Diagonals that have run off the edit graph are not explored again.
  let forwardKStart = 0;
  let forwardKEnd = 0;
  let reverseKStart = 0;
  let reverseKEnd = 0;

  for (let d = 0; d < maxD; d++) {
    for (let k = -d + forwardKStart; k <= d - forwardKEnd; k += 2) {
      const i = offset + k;
      let x = k === -d || (k !== d && forward[i - 1] < forward[i + 1]) ? forward[i + 1] : forward[i - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      forward[i] = x;
      if (x > n) forwardKEnd += 2;
      else if (y > m) forwardKStart += 2;
      else if (meetOnForwardStep) {
        const j = offset + delta - k;
        if (j >= 0 && j < size && reverse[j] !== -1 && x >= n - reverse[j]) return [x, y];
      }
    }

    for (let k = -d + reverseKStart; k <= d - reverseKEnd; k += 2) {
      const i = offset + k;
      // Here x and y count lines from the ends of a and b.
      let x = k === -d || (k !== d && reverse[i - 1] < reverse[i + 1]) ? reverse[i + 1] : reverse[i - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[n - x - 1] === b[m - y - 1]) {
        x++;
        y++;
      }
      reverse[i] = x;
      if (x > n) reverseKEnd += 2;
      else if (y > m) reverseKStart += 2;
      else if (!meetOnForwardStep) {
        const j = offset + delta - k;
        if (j >= 0 && j < size && forward[j] !== -1) {
          const forwardX = forward[j];
          const forwardY = forwardX - (j - offset);
          if (forwardX >= n - x) return [forwardX, forwardY];
        }
      }
    }
  }
  return null;
}
