import { describe, expect, it } from "vitest";
import { canonicalSubmission, formKey, readIdempotencyKey } from "../../app/domain/idempotency";

describe("readIdempotencyKey", () => {
  const key = "Xq3vN0m5aR8tY2bC4dE6fg.reply-12";

  it("reads the key from the form's field or the Idempotency-Key header, and allows none", () => {
    expect(readIdempotencyKey(key, null)).toEqual({ ok: true, key });
    expect(readIdempotencyKey(null, key)).toEqual({ ok: true, key });
    expect(readIdempotencyKey(null, `"${key}"`)).toEqual({ ok: true, key });
    expect(readIdempotencyKey(key, key)).toEqual({ ok: true, key });
    expect(readIdempotencyKey(null, null)).toEqual({ ok: true, key: null });
    expect(readIdempotencyKey("", undefined)).toEqual({ ok: true, key: null });
    expect(readIdempotencyKey(null, "550e8400-e29b-41d4-a716-446655440000")).toEqual({ ok: true, key: "550e8400-e29b-41d4-a716-446655440000" });
  });

  it("refuses a field and a header that differ, and a key too short, too long or with other characters, saying what a key is", () => {
    expect(readIdempotencyKey(key, `${key}x`)).toMatchObject({ ok: false, message: expect.stringMatching(/header and the form's idempotencyKey field differ/) });
    for (const bad of ["short", "a".repeat(129), `${"a".repeat(20)} b`, `${"a".repeat(20)}<script>`]) {
      expect(readIdempotencyKey(bad, null), bad).toMatchObject({ ok: false, message: expect.stringMatching(/idempotencyKey is malformed: it must be 16 to 128/) });
    }
  });
});

describe("canonicalSubmission", () => {
  it("is the same whatever the order of the fields, and leaves out the key and the intent", () => {
    const one = canonicalSubmission("case:1", "argument", [
      ["body", "B"],
      ["side", "for"],
      ["idempotencyKey", "k1"],
      ["intent", "argument"],
    ]);
    const two = canonicalSubmission("case:1", "argument", [
      ["intent", "argument"],
      ["side", "for"],
      ["idempotencyKey", "k2"],
      ["body", "B"],
    ]);
    expect(one).toBe(two);
  });

  it("differs with the target, the intent, a value, and the order of a repeated field's values", () => {
    const base = canonicalSubmission("case:1", "argument", [["body", "B"]]);
    expect(canonicalSubmission("case:2", "argument", [["body", "B"]])).not.toBe(base);
    expect(canonicalSubmission("case:1", "reply", [["body", "B"]])).not.toBe(base);
    expect(canonicalSubmission("case:1", "argument", [["body", "C"]])).not.toBe(base);
    expect(
      canonicalSubmission("w", "create", [
        ["p", "a"],
        ["p", "b"],
      ]),
    ).not.toBe(
      canonicalSubmission("w", "create", [
        ["p", "b"],
        ["p", "a"],
      ]),
    );
  });
});

describe("formKey", () => {
  it("names one form of a rendered page: the page's key and the form's name", () => {
    expect(formKey("Xq3vN0m5aR8tY2bC4dE6fg", "endorse-7")).toBe("Xq3vN0m5aR8tY2bC4dE6fg.endorse-7");
    expect(readIdempotencyKey(formKey("Xq3vN0m5aR8tY2bC4dE6fg", "position-employee"), null).ok).toBe(true);
  });
});
