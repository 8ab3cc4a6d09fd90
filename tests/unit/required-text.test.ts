/**
 * Every field a person must fill with words refuses text with nothing visible in it: control
 * characters, zero-width spaces or direction marks alone trim to a non-empty string, and were
 * stored as a blank title, name or post (a steelman first, in the issue 17 try-out).
 */
import { describe, expect, it } from "vitest";
import { profileForm, signupForm } from "../../app/domain/account-forms";
import { argumentForm, steelmanForm } from "../../app/domain/debate-forms";
import { textForm } from "../../app/domain/role-play-texts";
import { requiredText } from "../../app/domain/visible-length";
import { createWorkshopForm, submissionForm } from "../../app/domain/workshop-forms";

const INVISIBLE = ["\u0007\u0000", "\u200B", "\u200E\u200F", " \u2060 ", "\uFEFF\t"];

type Schema = { safeParse: (input: unknown) => { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } } };

/** The message zod gives for `field` of `schema` on `input` (the whole value when no field), or undefined when it is accepted. */
function problemOf(schema: Schema, input: unknown, field?: string) {
  const result = schema.safeParse(input);
  return result.success ? undefined : result.error!.issues.find((issue) => field === undefined || issue.path[0] === field)?.message;
}
const DOC = { perspectives: [{ key: "employee" }, { key: "employer" }] };

describe("required text fields", () => {
  it("refuses a value with no visible characters, naming the field's own message", () => {
    const schema = requiredText("Write something first.");
    // U+FEFF is white space to String.prototype.trim, so that one is simply empty.
    for (const value of INVISIBLE) expect(problemOf(schema, value)).toMatch(/^Write something first(: this has no visible characters)?\.$/);
    expect(problemOf(schema, "\u200B")).toBe("Write something first: this has no visible characters.");
    expect(schema.safeParse(" a ")).toEqual({ success: true, data: "a" });
    expect(problemOf(schema, undefined)).toBe("Write something first.");
  });

  it.each(INVISIBLE.map((value) => [JSON.stringify(value), value]))("is what every such form uses: %s is refused in each", (_, value) => {
    const cases = [
      [createWorkshopForm, { caseSlug: "background-check", title: value, perspectives: ["employee"], twoRounds: false, resultsMode: "live", askStanding: false, rolePlay: false }, "title"],
      [submissionForm, { kind: "question", body: value }, "body"],
      [signupForm, { email: "a@example.com", displayName: value, password: "long enough password" }, "displayName"],
      [profileForm, { displayName: value, standing: "" }, "displayName"],
      [textForm, { body: value }, "body"],
    ] as const;
    const refused = (schema: Schema, input: unknown, field: string) => expect(problemOf(schema, input, field), field).toBeDefined();
    for (const [schema, input, field] of cases) refused(schema, input, field);
    refused(argumentForm(DOC), { perspective: "employee", side: "for", body: value }, "body");
    refused(steelmanForm(DOC), { perspective: "employee", side: "right", body: value }, "body");
  });
});
