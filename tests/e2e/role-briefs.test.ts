import { expect, test } from "@playwright/test";
import { logInAsNew, signUp, uniqueEmail } from "./utils";

// Sentences from cases/the-long-call.md: one from each role brief, the rehearsal prompt and a model answer.
const WITHHELD = ["You grew up in a flat with a prepayment meter", "The energy regulator fined a rival supplier last year", "been passed around all day", "I'm not going to pass you on and leave you"];

async function expectNothingWithheld(page: import("@playwright/test").Page, who: string) {
  const response = await page.goto("/cases/the-long-call");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "The long call" })).toBeVisible();
  // Not hidden by CSS: absent from everything the server sent, the page and its data.
  const html = await page.content();
  const data = await (await page.request.get("/cases/the-long-call.data")).text();
  for (const sentence of WITHHELD) {
    expect(html, `${who}'s page`).not.toContain(sentence);
    expect(data, `${who}'s page data`).not.toContain(sentence);
  }
}

test("role briefs reach neither an anonymous reader nor a participant, and a facilitator's case file leaves them out", async ({ page, browser }) => {
  await expectNothingWithheld(page, "an anonymous reader");
  await signUp(page, { email: uniqueEmail("role-participant"), name: "Pat Participant" });
  await expectNothingWithheld(page, "a participant");

  const facilitator = await (await browser.newContext()).newPage();
  await logInAsNew(facilitator, "facilitator", "Fay Facilitator");
  await expectNothingWithheld(facilitator, "a facilitator");
  const source = await (await facilitator.request.get("/cases/the-long-call/source")).text();
  expect(source).toContain("## Stage: The call");
  expect(source).toContain("## Facilitator notes");
  for (const sentence of WITHHELD) expect(source).not.toContain(sentence);
});

test("an author reads and edits a role brief in the editor, and the new version's file holds it", async ({ page }) => {
  await logInAsNew(page, "author", "Ari Author");
  await page.goto("/cases/the-long-call/edit");
  const brief = page.locator("#perspective-0-brief");
  await expect(brief).toHaveValue(/You grew up in a flat with a prepayment meter/);
  await expect(page.locator("#perspective-1-rehearsal")).toHaveValue(/talk about the fault codes/);
  await brief.fill("You are Amara. You have **one** warning already, which Rob has never mentioned.");
  await page.getByRole("button", { name: "Publish changes (new version)" }).click();
  await expect(page).toHaveURL(/\/cases\/the-long-call(\?|$)/);
  await expect(page.getByText("one warning already")).toHaveCount(0);

  const source = await (await page.request.get("/cases/the-long-call/source")).text();
  expect(source).toContain("## Role: employee\n\nYou are Amara. You have **one** warning already, which Rob has never mentioned.\n\n## Role: employer");
  await page.goto("/cases/the-long-call/edit");
  await expect(page.locator("#perspective-0-brief")).toHaveValue("You are Amara. You have **one** warning already, which Rob has never mentioned.");
});
