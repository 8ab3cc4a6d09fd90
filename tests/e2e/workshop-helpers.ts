/** Driving a live workshop from the control panel and phones, for the end-to-end tests. */
import { expect, type Browser, type Page } from "@playwright/test";

/**
 * Creates a workshop from the facilitator's workshops page: on `options.caseSlug` (the background
 * check when left out), with `options.fill` setting any further field before it is sent; waits for
 * its control panel and returns the join code (the panel's URL is then `panel.url()`).
 */
export async function createWorkshopOnPanel(panel: Page, title: string, options: { caseSlug?: string; fill?: (panel: Page) => Promise<unknown> } = {}): Promise<string> {
  await panel.goto("/workshops");
  await panel.getByLabel("Case", { exact: true }).selectOption(options.caseSlug ?? "background-check");
  await panel.getByLabel("Title", { exact: true }).fill(title);
  await options.fill?.(panel);
  await panel.getByRole("button", { name: "Create workshop" }).click();
  await expect(panel.getByRole("heading", { level: 1, name: title })).toBeVisible();
  return (await panel.locator(".join-code").first().textContent())!.trim();
}

/** Joins the workshop `code` from a new phone (390×844), with a name and a standing; returns the phone's page. */
export async function joinOnPhone(browser: Browser, code: string, name: string, standing: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto("/join");
  // Looking at the join page sets no cookie; joining gives the phone its device cookie.
  expect(await context.cookies()).toEqual([]);
  await phone.getByLabel("Workshop code").fill(code.toLowerCase());
  await phone.getByLabel("Your name (optional)").fill(name);
  await phone.getByLabel("Your standing at work (optional)").selectOption(standing);
  await phone.getByRole("button", { name: "Join" }).click();
  await expect(phone).toHaveURL(new RegExp(`/w/${code}$`));
  expect((await context.cookies()).map((c) => c.name)).toEqual(["casebook_device"]);
  await expect(phone.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  // Only a phone without JavaScript is told to reload.
  await expect(phone.getByText("Without JavaScript this page does not update by itself")).toHaveCount(0);
  return phone;
}

/** The phone's screen for one perspective of the vote (only the current screen is visible). */
export function perspectiveScreen(phone: Page, perspective: string) {
  return phone.locator("fieldset.perspective").filter({ hasText: `As the ${perspective}:` });
}

/** Goes back to the vote's first screen (after a vote the page stays on the last one). */
export async function backToFirstScreen(phone: Page) {
  const back = phone.getByRole("button", { name: "Back", exact: true });
  while (await back.isVisible()) await back.click();
}

/**
 * Votes on the phone, one perspective per screen (employee, Next, employer): the nth option and a
 * judgement by its label; optionally names what moved them; then sends.
 */
export async function vote(phone: Page, employee: { option: number; judgement: string }, employer: { option: number; judgement: string }, movedBy?: string) {
  await backToFirstScreen(phone);
  for (const [perspective, choice] of [
    ["employee", employee],
    ["employer", employer],
  ] as const) {
    const screen = perspectiveScreen(phone, perspective);
    await expect(phone.getByTestId("vote-step")).toContainText(`${perspective === "employee" ? 1 : 2} of 2`);
    await screen.getByRole("radio").nth(choice.option).check();
    await screen.getByRole("radio", { name: choice.judgement, exact: true }).check();
    if (perspective === "employee") await phone.getByRole("button", { name: "Next", exact: true }).click();
  }
  if (movedBy) {
    const select = phone.getByLabel("Did an argument move you? (optional)");
    await select.selectOption((await select.locator("option", { hasText: movedBy }).getAttribute("value"))!);
  }
  await phone.getByRole("button", { name: /Send my vote|Change my vote/ }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Your vote is in." })).toBeVisible();
}

/** Moves the workshop one stage on the control panel and waits for the stage's heading. */
export async function next(panel: Page, expectedStage: string) {
  await panel.getByRole("button", { name: "Next stage →" }).click();
  await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${expectedStage}`) })).toBeVisible();
}
