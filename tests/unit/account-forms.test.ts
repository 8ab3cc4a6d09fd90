import { describe, expect, it } from "vitest";
import { profileForm, signupForm } from "../../app/domain/account-forms";
import { parseForm } from "../../app/http/forms";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe("account forms", () => {
  it("name each wrong field with its own message and never echo the password", () => {
    const result = parseForm(signupForm, form({ email: "x", displayName: " ", password: "short" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      email: "Enter an email address like name@example.com.",
      displayName: "Enter a display name.",
      password: "Use at least 10 characters for your password.",
    });
    expect(result.values.password).toBeUndefined();
    expect(result.values.email).toBe("x");
  });

  it("refuse over-long input", () => {
    const result = parseForm(signupForm, form({ email: `${"a".repeat(250)}@x.io`, displayName: "n".repeat(61), password: "p".repeat(201) }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["displayName", "email", "password"]);
  });

  it("turn an empty standing into none and refuse an unknown one", () => {
    const empty = parseForm(profileForm, form({ displayName: "Pat", standing: "" }));
    expect(empty).toEqual({ ok: true, data: { displayName: "Pat", standing: null }, values: expect.any(Object) });
    const unknown = parseForm(profileForm, form({ displayName: "Pat", standing: "ceo" }));
    expect(unknown.ok).toBe(false);
  });
});
