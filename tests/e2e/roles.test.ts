import { expect, test } from "@playwright/test";
import { ADMIN, logIn, signUp, uniqueEmail } from "./utils";

test("a participant is refused the admin pages and never receives facilitator notes", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("participant"), name: "Pat Participant" });

  const admin = await page.goto("/admin");
  expect(admin?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  expect((await page.goto("/admin/case-problems"))?.status()).toBe(403);
  expect((await page.goto("/cases/background-check/source"))?.status()).toBe(403);

  const response = await page.goto("/cases/background-check");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Facilitator notes" })).toHaveCount(0);
  // Not hidden by CSS: the notes are absent from everything the server sent.
  const html = await page.content();
  expect(html).not.toContain("facilitator-notes");
  const data = await page.request.get("/cases/background-check.data");
  expect(await data.text()).not.toMatch(/facilitatorNotesHtml":"[^"]/);
});

test("the admin promotes a participant to facilitator, who then sees facilitator notes", async ({ browser }) => {
  const person = { email: uniqueEmail("future-facilitator"), name: "Fran Facilitator" };
  const personContext = await browser.newContext();
  const personPage = await personContext.newPage();
  await signUp(personPage, person);

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await logIn(adminPage, ADMIN);
  await adminPage.getByRole("link", { name: "Admin", exact: true }).click();
  const row = adminPage.getByRole("row").filter({ hasText: person.email });
  await row.getByLabel(`Role for ${person.name}`).selectOption("facilitator");
  await row.getByRole("button", { name: /Save role/ }).click();
  await expect(adminPage.getByRole("status")).toContainText(`${person.name} is now facilitator.`);
  await adminPage.getByRole("link", { name: "Audit log" }).click();
  // The name is stored between Unicode's isolates (U+2068 … U+2069), so it cannot reorder the words after it.
  await expect(adminPage.getByRole("cell", { name: `\u2068${person.name}\u2069: participant → facilitator` })).toBeVisible();

  await personPage.goto("/cases/background-check");
  await expect(personPage.getByRole("heading", { name: "Facilitator notes" })).toBeVisible();
  await expect(personPage.getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
  await personContext.close();
  await adminContext.close();
});

test("a broken case file is listed with its line for the admin while the library still serves", async ({ page }) => {
  await logIn(page, ADMIN);
  await page.goto("/admin/case-problems");
  const rows = page.getByRole("row").filter({ hasText: "zz-broken-example.md" });
  await expect(rows.filter({ hasText: "perspectives" }).first()).toBeVisible();
  await expect(rows.first().getByRole("cell").nth(1)).toHaveText(/^\d+$/);
  await page.goto("/");
  expect(await page.locator(".case-grid > li").count()).toBeGreaterThanOrEqual(7);
  await expect(page.getByText("A broken case")).toHaveCount(0);
});

test("a cross-site form post is refused", async ({ request }) => {
  const response = await request.post("/logout", { headers: { Origin: "https://evil.example" } });
  expect(response.status()).toBe(403);
});
