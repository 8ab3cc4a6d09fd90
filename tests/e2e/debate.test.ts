import { expect, test, type Browser, type Page } from "@playwright/test";
import { signUp, uniqueEmail } from "./utils";

// The e2e server runs with K_THRESHOLD=3 (see playwright.config.ts), so six people can show a merged breakdown.
const CASE = "/cases/the-fee-waiver";

interface Answer {
  option: number;
  judgement: string;
  legal: "Yes" | "No" | "Unsure";
}

async function answer(page: Page, perspective: string, choice: Answer): Promise<void> {
  const form = page.locator(`#answer-${perspective}`);
  await form.getByRole("radio").nth(choice.option).check();
  await form.getByRole("radio", { name: choice.judgement, exact: true }).check();
  await form.getByRole("radio", { name: new RegExp(`^${choice.legal}\\b`) }).check();
  await form.getByRole("button", { name: new RegExp(`my answer as the ${perspective}`) }).click();
  await expect(form.getByRole("status")).toContainText(`as the ${perspective}`);
}

async function newPerson(browser: Browser, name: string, standing: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, { email: uniqueEmail(name.toLowerCase()), name });
  await page.getByLabel("Your standing at work").selectOption(standing);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();
  return page;
}

test("six people answer as employee and employer, argue, change their minds and see protected results", async ({ browser }) => {
  test.setTimeout(240_000);
  const people = [
    { name: "Fiona", standing: "frontline" },
    { name: "Frank", standing: "frontline" },
    { name: "Femi", standing: "frontline" },
    { name: "Maya", standing: "manager" },
    { name: "Milo", standing: "manager" },
    { name: "Hana", standing: "hr" },
  ];
  const pages: Page[] = [];
  for (const person of people) pages.push(await newPerson(browser, person.name, person.standing));
  const [fiona, frank, , maya, milo, hana] = pages as [Page, Page, Page, Page, Page, Page];

  // Before answering: no results, and the page says why.
  await fiona.goto(CASE);
  await expect(fiona.getByText("Your answers are private.")).toBeVisible();
  // The privacy statement beside the ballot, before the first answer (ADR 009).
  const statement = fiona.getByRole("complementary", { name: "Your answers are private." });
  await expect(statement.getByText("count under the standing you had when you first answered it")).toBeVisible();
  await expect(statement.getByText(/Not protected: if everyone in a group of 3 or more chose the same/)).toBeVisible();
  await expect(statement.getByRole("link", { name: "How your answers are protected" })).toHaveAttribute("href", "/privacy");
  await expect(fiona.getByRole("link", { name: "See where people stand" })).toHaveCount(0);
  await fiona.goto(`${CASE}/results`);
  await expect(fiona.getByText("Results are shown once you have answered every perspective")).toBeVisible();
  await expect(fiona.getByRole("heading", { name: "As the employee" })).toHaveCount(0);

  for (const [index, page] of pages.entries()) {
    await page.goto(CASE);
    await answer(page, "employee", { option: index % 2, judgement: index < 3 ? "Mostly right" : "Somewhat wrong", legal: "Yes" });
    await answer(page, "employer", { option: 0, judgement: "Clearly wrong", legal: index < 3 ? "Unsure" : "No" });
  }

  // Fiona sees her own empathy gap, privately.
  await fiona.reload();
  await expect(fiona.getByText("as the employee you judged it mostly right; as the employer, clearly wrong")).toBeVisible();

  // An argument with a lens, a reply, an endorsement.
  await fiona.getByLabel("Arguing as the").selectOption("employee");
  await fiona.getByRole("radio", { name: "For", exact: true }).check();
  await fiona.getByLabel("Ethical lens (optional)").selectOption("care");
  await fiona.getByLabel("Your argument").fill("Waiving a fee for someone in **real hardship** is what the policy is *for*.");
  await fiona.getByRole("button", { name: "Preview" }).click();
  await expect(fiona.getByRole("region", { name: "Preview" }).locator("strong")).toHaveText("real hardship");
  await fiona.getByRole("button", { name: "Post argument" }).click();
  await expect(fiona.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();
  const fionasArgument = fiona.locator(".argument > article").filter({ hasText: "real hardship" });
  await expect(fionasArgument.getByText("Lens: Care / empathy")).toBeVisible();

  await frank.goto(CASE);
  const onFrank = frank.locator(".argument > article").filter({ hasText: "real hardship" }).first();
  await onFrank.getByText("Reply", { exact: true }).click();
  await onFrank.getByLabel(/Your reply/).fill("But every waiver is a fee someone else pays.");
  await onFrank.getByRole("button", { name: "Post reply" }).click();
  await expect(frank.locator(".replies .argument-body").getByText("someone else pays")).toBeVisible();

  await maya.goto(CASE);
  const onMaya = maya.locator(".argument > article").filter({ hasText: "real hardship" }).first();
  await onMaya.getByRole("button", { name: "This moved me" }).click();
  await expect(onMaya.getByRole("button", { name: "Moved me (undo)" })).toBeVisible();
  await expect(onMaya.getByText("1 person moved")).toBeVisible();
  // Fewer than k endorsers: the count is live, a bridging score is not shown.
  await expect(onMaya.getByText("no bridging score yet")).toBeVisible();

  // Maya changes her mind as the employee, naming the argument that moved her.
  const mayaForm = maya.locator("#answer-employee");
  await mayaForm.getByRole("radio", { name: "Clearly right", exact: true }).check();
  const movedBy = mayaForm.getByLabel(/which argument moved you/);
  await movedBy.selectOption((await movedBy.locator("option", { hasText: "real hardship" }).getAttribute("value"))!);
  await mayaForm.getByRole("button", { name: "Change my answer as the employee" }).click();
  await expect(mayaForm.getByRole("status")).toContainText("your earlier one stays in your history");

  // Results are released in steps of k = 3 people: Maya's change shows once two more have changed.
  await fiona.goto(`${CASE}/results`);
  await expect(fiona.getByText("counting 6 people")).toBeVisible();
  await expect(fiona.getByTestId("moved-since-first")).toHaveText("Judgements are as people first gave them.");
  for (const page of [milo, hana]) {
    await page.goto(CASE);
    const form = page.locator("#answer-employee");
    await form.getByRole("radio", { name: "Clearly right", exact: true }).check();
    await form.getByRole("button", { name: "Change my answer as the employee" }).click();
    await expect(form.getByRole("status")).toContainText("your earlier one stays in your history");
  }

  // Fiona now answered everything: results, with the breakdown protected by k.
  await fiona.goto(CASE);
  await fiona.getByRole("link", { name: "See where people stand" }).click();
  await expect(fiona.getByRole("heading", { name: "As the employee", level: 2 })).toBeVisible();
  const employee = fiona.locator("section.results-perspective").filter({ has: fiona.getByRole("heading", { name: "As the employee" }) });
  await expect(employee.getByText("6 people answered")).toBeVisible();
  // Three moved to "Clearly right": shown as totals at first answers and now, never who moved.
  const clearlyRight = employee.getByTestId("since-first-employee").getByRole("row", { name: /^Clearly right/ });
  const [atFirst, now] = (await clearlyRight.getByRole("cell").allTextContents()).map(Number);
  expect(now! - atFirst!).toBe(3);
  await expect(fiona.getByTestId("moved-since-first")).toContainText("Since people first answered, the average judgement as the employee went from");
  const standingTable = employee.locator("table").filter({ hasText: "Average judgement" });
  await expect(standingTable.getByRole("rowheader", { name: "Front line" })).toBeVisible();
  await expect(standingTable.getByRole("rowheader", { name: /Other standings/ })).toBeVisible();
  // Two managers and one HR person are fewer than k each: never shown on their own.
  await expect(standingTable.getByRole("rowheader", { name: "Manager" })).toHaveCount(0);
  await expect(standingTable.getByRole("rowheader", { name: /HR/ })).toHaveCount(0);
  await expect(fiona.getByRole("heading", { name: "Empathy gap" })).toBeVisible();
  await expect(fiona.getByText("Across 6 people the average gap is")).toBeVisible();
  // Maya named Fiona's argument when she changed her mind, released with the others' changes.
  const changedMinds = fiona.getByTestId("changed-minds-section");
  await expect(changedMinds.locator("li").filter({ hasText: "real hardship" })).toContainText("changed 1 person's mind");

  // Fiona's history on her activity page, and Frank's reply waiting for her; the header told her
  // someone's mind was changed by her argument.
  await expect(fiona.getByTestId("newly-persuaded")).toContainText("+1");
  await fiona.goto("/me");
  await expect(fiona.getByTestId("persuasion-total")).toContainText("Your arguments changed 1 person's mind (1 new since you last looked)");
  await expect(fiona.getByRole("heading", { name: "Replies to my arguments" })).toBeVisible();
  await expect(fiona.getByText("But every waiver is a fee someone else pays.")).toBeVisible();
});

test("a hostile argument renders inert", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("mallory"), name: "Mallory" });
  await page.goto("/cases/off-script");
  const hostile = [
    "Look <script>window.__pwned = 1</script> here",
    '<img src="x" onerror="window.__pwned = 2">',
    "[click me](javascript:window.__pwned=3)",
    '<a href="javascript:window.__pwned=4">raw link</a>',
  ].join("\n\n");
  await page.getByRole("radio", { name: "Against", exact: true }).check();
  await page.getByLabel("Your argument").fill(hostile);
  await page.getByRole("button", { name: "Post argument" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your argument is posted." })).toBeVisible();
  await page.reload();
  const body = page.locator(".argument-body").filter({ hasText: "Look" });
  await expect(body).toBeVisible();
  await expect(body.locator("script, img, [onerror]")).toHaveCount(0);
  for (const link of await body.locator("a").all()) expect((await link.getAttribute("href")) ?? "").not.toMatch(/^javascript:/i);
  await body
    .getByText("click me")
    .click()
    .catch(() => undefined);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("a reply to an argument that is not on the page gets its refusal at the top of the page", async ({ page, baseURL }) => {
  await signUp(page, { email: uniqueEmail("stale"), name: "Stale" });
  await page.goto("/cases/off-script");
  // As a stale tab or a forged form would send it: the argument does not exist.
  const response = await page.request.post("/cases/off-script", { form: { intent: "reply", parentId: "999999", body: "Still there?" }, headers: { Origin: baseURL! } });
  expect(response.status()).toBe(404);
  await page.setContent(await response.text());
  await expect(page.getByRole("alert")).toHaveText("That argument is no longer open for replies.");
});
