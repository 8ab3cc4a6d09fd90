/**
 * Plain-text isolation (issue 15, item 5): where user text cannot be put in `<bdi>` (a select's
 * options, a stored audit detail, the debrief), it is wrapped in Unicode's isolates, balanced so
 * that nothing inside can end the wrapper early or leave it open.
 */
import { describe, expect, it } from "vitest";
import { isolate } from "../../app/domain/bidi";
import { movedByChoices } from "../../app/domain/argument-threads";

const FSI = "\u2068";
const PDI = "\u2069";

describe("isolate", () => {
  it("wraps text in a first strong isolate and a pop directional isolate", () => {
    expect(isolate("Rahel\u202E")).toBe(`${FSI}Rahel\u202E${PDI}`);
    expect(isolate("مرحبا")).toBe(`${FSI}مرحبا${PDI}`);
  });

  it("drops a pop directional isolate that would close the wrapper early", () => {
    expect(isolate(`Ana${PDI}: x`)).toBe(`${FSI}Ana: x${PDI}`);
  });

  it("closes an isolate the text opens and never closes, so the wrapper's own close is its own", () => {
    expect(isolate("Ana\u2067x")).toBe(`${FSI}Ana\u2067x${PDI}${PDI}`);
    expect(isolate(`a\u2066b${PDI}c`)).toBe(`${FSI}a\u2066b${PDI}c${PDI}`);
  });
});

describe("movedByChoices", () => {
  it("isolates the author's name and the text in each label, as a select cannot hold <bdi>", () => {
    const node = { id: 7, authorId: 2, authorName: "Rahel\u202E", body: "Customers **deserve** to know.", status: "visible" as const, perspective: "employee" };
    const [label] = movedByChoices([node as never], 1, "employee");
    expect(label).toEqual({ id: 7, label: `${FSI}Rahel\u202E${PDI}: ${FSI}Customers deserve to know.${PDI}` });
  });
});
