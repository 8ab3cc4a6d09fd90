/**
 * Redirects to a target the request supplies (`redirectTo` on login and sign-up) stay on this
 * site, however the target is spelled: the URL tricks of the hostile-input corpus all go home.
 * Each test signs in from its own loopback address and accounts, so the shared login budgets of
 * 127.0.0.1 stay untouched.
 */
import { expect, test } from "@playwright/test";
import { baseURL, PASSWORD, unique } from "./helpers";
import { URL_TRICKS } from "./hostile-inputs";
import { rawForm } from "./raw-http";

/** Where a Location header sends a browser that is on this site. */
const destination = (location: string) => new URL(location, baseURL);

async function newAccount(from: string): Promise<string> {
  const email = `${unique("redirects")}@security.test`;
  const response = await rawForm("/signup", { email, displayName: "Redirect Tester", password: PASSWORD, redirectTo: "" }, from);
  expect(response.status, response.body.slice(0, 300)).toBe(302);
  return email;
}

test("with JavaScript on, logging in with redirectTo=/<TAB>/evil.example/path ends on this site", async ({ page }) => {
  const email = await newAccount("127.0.0.40");
  const offsite: string[] = [];
  await page.route(
    (url) => url.origin !== baseURL,
    async (route) => {
      offsite.push(route.request().url());
      await route.abort();
    },
  );
  await page.goto(`/login?redirectTo=${encodeURIComponent("/\t/evil.example/path")}`);
  // The form is the client-side (Remix) one once hydrated; without hydration the test would prove nothing.
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login", { timeout: 10_000 }).catch(() => undefined);
  await page.waitForLoadState("networkidle");
  expect(offsite, "requests that left this site").toEqual([]);
  expect(new URL(page.url()).origin).toBe(baseURL);
  await expect(page.getByRole("heading", { name: "Case library" })).toBeVisible();
});

test("a newline in redirectTo is answered with a redirect home, not a 500", async () => {
  const email = await newAccount("127.0.0.41");
  for (const redirectTo of ["/\n/evil.example", "/path\r\nSet-Cookie: injected=1"]) {
    const response = await rawForm("/login", { email, password: PASSWORD, redirectTo }, "127.0.0.41");
    expect(response.status, `${JSON.stringify(redirectTo)}: ${response.body.slice(0, 200)}`).toBe(302);
    expect(response.headers.location).toBe("/");
    expect(response.headers["set-cookie"]?.join("\n") ?? "").not.toContain("injected");
  }
});

test("every URL trick in the corpus sends a successful login home, on this site", async () => {
  test.setTimeout(90_000);
  // A handful of accounts and one address per trick: each login counts once against any limit.
  const accounts: string[] = [];
  for (let i = 0; i < Math.ceil(URL_TRICKS.length / 8); i += 1) accounts.push(await newAccount("127.0.0.42"));
  for (const [index, redirectTo] of URL_TRICKS.entries()) {
    const response = await rawForm("/login", { email: accounts[Math.floor(index / 8)]!, password: PASSWORD, redirectTo }, `127.0.0.${100 + index}`);
    expect(response.status, `${JSON.stringify(redirectTo)}: ${response.body.slice(0, 200)}`).toBe(302);
    expect(destination(response.headers.location ?? "").origin, JSON.stringify(redirectTo)).toBe(baseURL);
    expect(response.headers.location, JSON.stringify(redirectTo)).toBe("/");
  }
});

test("sign-up with a URL trick in redirectTo lands on the new profile, on this site", async () => {
  for (const [index, redirectTo] of ["/\t/evil.example/path", "/\\evil.example", "/.//evil.example"].entries()) {
    const response = await rawForm("/signup", { email: `${unique("redirects-signup")}@security.test`, displayName: "Redirect Tester", password: PASSWORD, redirectTo }, `127.0.0.${43 + index}`);
    expect(response.status, response.body.slice(0, 200)).toBe(302);
    expect(response.headers.location, JSON.stringify(redirectTo)).toBe("/me?welcome=1");
  }
});
