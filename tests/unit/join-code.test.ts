import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateJoinCode, isWellFormedJoinCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, joinCodeProblem, normalizeJoinCode } from "../../app/domain/join-code";

const LOOK_ALIKES = ["O", "0", "I", "1", "L"];
const WELL_FORMED = /^[A-HJKMNP-Z2-9]{6}$/;

/** A stand-in for crypto.getRandomValues that fills the array with the given numbers in turn. */
function fakeRandomValues(values: number[]): (array: Uint32Array) => Uint32Array {
  let next = 0;
  return (array) => {
    for (let i = 0; i < array.length; i++) array[i] = values[next++ % values.length];
    return array;
  };
}

const cryptoRandomValues = (array: Uint32Array): Uint32Array => webcrypto.getRandomValues(array);

describe("the join code alphabet", () => {
  it("has 31 distinct upper-case letters and digits and none of the look-alikes O, 0, I, 1, L", () => {
    expect(JOIN_CODE_LENGTH).toBe(6);
    expect(JOIN_CODE_ALPHABET).toMatch(/^[A-Z0-9]+$/);
    expect(new Set(JOIN_CODE_ALPHABET).size).toBe(JOIN_CODE_ALPHABET.length);
    expect(JOIN_CODE_ALPHABET.length).toBe(31);
    for (const c of LOOK_ALIKES) expect(JOIN_CODE_ALPHABET).not.toContain(c);
  });
});

describe("generateJoinCode", () => {
  it("asks for six random numbers and maps each one to a character", () => {
    const requested: number[] = [];
    const code = generateJoinCode((array) => {
      requested.push(array.length);
      return fakeRandomValues([0, 1, 2, 3, 4, 5])(array);
    });
    expect(requested).toEqual([6]);
    expect(code).toBe("ABCDEF");
  });

  it("wraps large random numbers into the alphabet", () => {
    // 31 → A, 32 → B, 2^32 - 1 ≡ 3 (mod 31) → D, 30 → the alphabet's last character, 9.
    expect(generateJoinCode(fakeRandomValues([31, 32, 0xffffffff, 30, 61, 62]))).toBe("ABD99A");
  });

  it("can produce every character of the alphabet and nothing else", () => {
    const random = fakeRandomValues(Array.from({ length: 200 }, (_, i) => i * 7919));
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const code = generateJoinCode(random);
      expect(code).toMatch(WELL_FORMED);
      for (const c of code) seen.add(c);
    }
    expect([...seen].sort().join("")).toBe([...JOIN_CODE_ALPHABET].sort().join(""));
  });

  it("with crypto.getRandomValues, gives 6 well-formed characters every time over 10,000 codes and uses the whole alphabet", () => {
    const seen = new Set<string>();
    const codes = new Set<string>();
    const malformed: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const code = generateJoinCode(cryptoRandomValues);
      if (!WELL_FORMED.test(code) || !isWellFormedJoinCode(code)) malformed.push(code);
      for (const c of code) seen.add(c);
      codes.add(code);
    }
    expect(malformed).toEqual([]);
    for (const c of LOOK_ALIKES) expect(seen.has(c)).toBe(false);
    expect(seen.size).toBe(31);
    // 31^6 ≈ 887 million codes: 10,000 draws should almost never repeat.
    expect(codes.size).toBeGreaterThan(9_990);
  });
});

describe("normalizeJoinCode", () => {
  it("upper-cases what people type", () => {
    expect(normalizeJoinCode("abcdef")).toBe("ABCDEF");
    expect(normalizeJoinCode("aBc2d9")).toBe("ABC2D9");
  });

  it("drops spaces, tabs and dashes anywhere in the code", () => {
    expect(normalizeJoinCode("abc def")).toBe("ABCDEF");
    expect(normalizeJoinCode("ABC-DEF")).toBe("ABCDEF");
    expect(normalizeJoinCode("  a-b c\td-e f \n")).toBe("ABCDEF");
  });

  it("keeps look-alike characters as typed, so the problem message can point at them", () => {
    expect(normalizeJoinCode("abc-d0o")).toBe("ABCD0O");
  });

  it("cuts very long input to 20 characters", () => {
    expect(normalizeJoinCode("x".repeat(1_000))).toBe("X".repeat(20));
  });
});

describe("isWellFormedJoinCode", () => {
  it("accepts six characters from the alphabet", () => {
    expect(isWellFormedJoinCode("ABCDEF")).toBe(true);
    expect(isWellFormedJoinCode("23456Z")).toBe(true);
  });

  it("rejects the wrong length", () => {
    expect(isWellFormedJoinCode("")).toBe(false);
    expect(isWellFormedJoinCode("ABCDE")).toBe(false);
    expect(isWellFormedJoinCode("ABCDEFG")).toBe(false);
  });

  it("rejects each look-alike character, lower case and punctuation", () => {
    for (const c of LOOK_ALIKES) expect(isWellFormedJoinCode(`ABCDE${c}`)).toBe(false);
    expect(isWellFormedJoinCode("abcdef")).toBe(false);
    expect(isWellFormedJoinCode("ABC-EF")).toBe(false);
    expect(isWellFormedJoinCode("ABC EF")).toBe(false);
  });
});

describe("joinCodeProblem", () => {
  it("asks for the code when nothing was entered", () => {
    expect(joinCodeProblem("")).toBe("Enter the 6-character code shown on the screen.");
  });

  it("says how many characters a code has and how many were entered", () => {
    expect(joinCodeProblem("ABC")).toBe("Codes have 6 characters; you entered 3.");
    expect(joinCodeProblem("ABCDEFG")).toBe("Codes have 6 characters; you entered 7.");
  });

  it("names the look-alike characters codes never use", () => {
    const message = "Codes use letters and digits but never O, 0, I, 1 or L. Check the code on the screen.";
    for (const c of LOOK_ALIKES) expect(joinCodeProblem(`AB${c}DEF`)).toBe(message);
    expect(joinCodeProblem("ABCDE!")).toBe(message);
  });

  it("finds no problem with a well-formed code, however it was typed", () => {
    expect(joinCodeProblem("ABCDEF")).toBeNull();
    expect(joinCodeProblem(normalizeJoinCode(" abc-def "))).toBeNull();
  });

  it("finds no problem with any generated code", () => {
    for (let i = 0; i < 1_000; i++) expect(joinCodeProblem(generateJoinCode(cryptoRandomValues))).toBeNull();
  });
});
