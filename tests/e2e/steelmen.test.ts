import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { logInAsNew } from "./utils";

// The e2e server runs with K_THRESHOLD=3: results, and with them steelmen, are released at every
// third complete answer (ADR 009, ADR 031). The case is one no other end-to-end test answers.
const SLUG = "the-lockout";

test.use({ javaScriptEnabled: false });

/**
 * axe's findings on the page as its person sees it (WCAG 2.0/2.1 A and AA and best practices, as
 * tests/e2e/accessibility.test.ts runs it), and ids used twice. axe runs in the page, so it runs in
 * a browser with JavaScript holding the same session.
 */
async function axeFindings(page: Page): Promise<string[]> {
  const context = await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: true });
  try {
    await context.addCookies(await page.context().cookies());
    const twin = await context.newPage();
    await twin.goto(page.url());
    const results = await new AxeBuilder({ page: twin }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
    const ids = await twin.evaluate(() => [...document.querySelectorAll("[id]")].map((e) => e.id));
    return [...results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`), ...ids.filter((id, i) => ids.indexOf(id) !== i)];
  } finally {
    await context.close();
  }
}

/** A new participant, signed in, on the case page, in a browser without JavaScript. */
async function participant(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await logInAsNew(page, "participant", name);
  await page.goto(`/cases/${SLUG}`);
  return page;
}

async function answer(page: Page, employeeJudgement: string) {
  for (const [perspective, judgement] of [
    ["employee", employeeJudgement],
    ["employer", "Torn / neither"],
  ] as const) {
    const form = page.locator(`#answer-${perspective}`);
    await form.getByRole("radio").first().check();
    await form.getByRole("radio", { name: judgement, exact: true }).check();
    await form.getByRole("radio", { name: /^Unsure/ }).check();
    await form.getByRole("button", { name: `Save my answer as the ${perspective}` }).click();
    await expect(page.locator(`#answer-${perspective}`).getByRole("status")).toContainText(`Your answer as the ${perspective} is saved.`);
  }
}

const STEELMEN = ["Twelve minutes of lockout is cheap next to **one** hand.", "Rate targets were the manager's; the lead still owed the new starter the safe way.", "He was tired."];

test("people answer, steelman the other side, rate the steelmen of their own side, and the best appear", async ({ browser }) => {
  // About 75 s alone; over 180 s on a CI machine running two workers beside the server.
  test.setTimeout(360_000);
  // Three people who think the shift lead was right make the case that he was wrong.
  for (const [i, text] of STEELMEN.entries()) {
    const page = await participant(browser, `Writer ${i + 1}`);
    await answer(page, "Mostly right");
    const prompt = page.getByRole("region", { name: /make the other side's best case/ });
    await expect(prompt.getByText("Make the case for “wrong” as the employee.")).toBeVisible();
    await expect(page.getByRole("link", { name: "See where people stand" })).toBeVisible();
    await prompt.getByLabel("Your steelman as the employee").fill(text);
    await prompt.getByRole("button", { name: "Save steelman as the employee" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your steelman is saved." })).toBeVisible();
    await page.context().close();
  }

  // Three people who think he was wrong answer; the third answer releases the results, and the steelmen open for rating.
  const raters: Page[] = [];
  for (const [i, judgement] of ["Mostly wrong", "Clearly wrong", "Somewhat wrong"].entries()) {
    const page = await participant(browser, `Rater ${i + 1}`);
    await answer(page, judgement);
    raters.push(page);
  }
  const ratings = [
    [5, 3, 1],
    [5, 3, 2],
    [4, 3, 1],
  ];
  for (const [r, page] of raters.entries()) {
    await page.goto(`/cases/${SLUG}`);
    const toRate = page.getByRole("region", { name: "Rate the case others made for your side: “wrong” as the employee" });
    for (const [s, text] of STEELMEN.entries()) {
      const item = toRate.getByRole("article").filter({ hasText: text.replace(/\*\*/g, "") });
      const scale = item.getByRole("group", { name: "How fair is this to people who answered “wrong” as the employee, like you?" });
      await scale.getByRole("radio", { name: new RegExp(`^${ratings[r]![s]}:`) }).check();
      await item.getByRole("button", { name: "Save rating" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Your rating is saved. Nobody sees who rated." })).toBeVisible();
    }
    if (r === 0) expect(await axeFindings(page)).toEqual([]);
    // The scores wait for the next release of the results.
    await expect(page.getByRole("region", { name: "The case for “wrong” as the employee" }).getByText("No steelman has a released score yet.")).toBeVisible();
  }

  // Three more people answer: the results are released again, and the scores with them.
  for (let i = 0; i < 3; i++) {
    const page = await participant(browser, `Latecomer ${i + 1}`);
    await answer(page, "Somewhat right");
    await page.context().close();
  }

  const reader = raters[0]!;
  await reader.goto(`/cases/${SLUG}`);
  const best = reader.getByRole("region", { name: "The case for “wrong” as the employee" }).getByRole("listitem");
  await expect(best).toHaveCount(3);
  await expect(best.nth(0)).toContainText(STEELMEN[0]!.replace(/\*\*/g, ""));
  await expect(best.nth(0)).toContainText("Fair to them: 4.5 of 5");
  await expect(best.nth(1)).toContainText("Fair to them: 3 of 5");
  await expect(best.nth(2)).toContainText("Fair to them: 1.5 of 5");
  expect(await axeFindings(reader)).toEqual([]);
  // No author is named beside a steelman.
  await expect(reader.getByRole("region", { name: /^Steelmen/ })).not.toContainText("Writer");
  for (const page of raters) await page.context().close();
});
