/**
 * One secret signs both the session cookie and the phone's device cookie; each signed value is
 * bound to its purpose, so a value the server signed as one is refused as the other.
 */
import { expect, request, test } from "@playwright/test";
import { baseURL, contextFor, fixtures, get, postForm } from "./helpers";

async function cookieValue(name: "participant" | "device", cookie: string): Promise<string> {
  const ctx = await contextFor(name);
  const value = (await ctx.storageState()).cookies.find((c) => c.name === cookie)?.value;
  await ctx.dispose();
  expect(value, `${name} has a ${cookie} cookie`).toBeTruthy();
  return value!;
}

test("a session cookie's value presented as the device cookie is not taken as a device: joining issues a new one", async () => {
  const sessionValue = await cookieValue("participant", "casebook_session");
  const ctx = await request.newContext({ baseURL });
  try {
    const response = await postForm(ctx, "/join", { code: fixtures().joinWorkshop.code, displayName: "", standing: "" }, { Cookie: `casebook_device=${sessionValue}` });
    expect(response.status(), (await response.text()).slice(0, 300)).toBe(302);
    const issued = /casebook_device=([^;]*)/.exec(response.headers()["set-cookie"] ?? "")?.[1];
    expect(issued, "a fresh device cookie replaces the refused one").toBeTruthy();
    expect(issued).not.toBe(sessionValue);
  } finally {
    await ctx.dispose();
  }
});

test("a device cookie's value presented as the session cookie signs nobody in", async () => {
  const deviceValue = await cookieValue("device", "casebook_device");
  const ctx = await request.newContext({ baseURL });
  try {
    const response = await get(ctx, "/me", { Cookie: `casebook_session=${deviceValue}` });
    expect(response.status()).toBe(302);
    expect(response.headers()["location"]).toBe("/login?redirectTo=%2Fme");
  } finally {
    await ctx.dispose();
  }
});
