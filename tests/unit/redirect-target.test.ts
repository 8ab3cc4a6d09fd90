import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirectTarget } from "../../app/domain/redirect-target";
import { LOCAL_TARGETS, URL_TRICKS } from "../security/hostile-inputs";

const ORIGIN = "https://casebook.test";

describe("safeRedirectTarget", () => {
  it.each(URL_TRICKS.map((trick) => [JSON.stringify(trick), trick]))("refuses %s, going to the fallback instead", (_shown, trick) => {
    expect(safeRedirectTarget(trick, "/home")).toBe("/home");
  });

  it.each(LOCAL_TARGETS.map((target) => [target]))("keeps the path on this site %s as it is", (target) => {
    expect(safeRedirectTarget(target)).toBe(target);
  });

  it("refuses anything that is not a string", () => {
    for (const value of [null, undefined, 42, {}, ["/me"]]) expect(safeRedirectTarget(value, "/me?welcome=1")).toBe("/me?welcome=1");
  });

  it("answers, for any input at all, a path that a browser resolves to this site and a Location header can carry", () => {
    const alphabet = fc.constantFrom("/", "\\", ".", "@", ":", "%", "?", "#", "\t", "\n", "\r", " ", "\u0000", "\u0085", "e", "v", "l", "x", "2", "F", "h", "t", "p", "s");
    const hostile = fc.oneof(
      fc.string(),
      fc.array(alphabet, { maxLength: 12 }).map((chars) => chars.join("")),
    );
    fc.assert(
      fc.property(hostile, (target) => {
        const result = safeRedirectTarget(target);
        expect(result.startsWith("/")).toBe(true);
        expect(result.startsWith("//") || result.startsWith("/\\")).toBe(false);
        expect(/[\u0000-\u001F\u007F-\u009F]/.test(result)).toBe(false);
        expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
      }),
      { numRuns: 5000 },
    );
  });
});
