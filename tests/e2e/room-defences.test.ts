import { expect, test, type Browser, type Page } from "@playwright/test";
import { logInAsNew } from "./utils";
import { createWorkshopOnPanel } from "./workshop-helpers";

async function phoneAt(browser: Browser, code: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto("/join");
  await phone.getByLabel("Workshop code").fill(code);
  await phone.getByLabel("Your name (optional)").fill(name);
  await phone.getByRole("button", { name: "Join" }).click();
  return phone;
}

test("a facilitator sees a burst of joins, locks the room, voids the burst, and the removed phones are told at once", async ({ browser }) => {
  test.setTimeout(90_000);
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "admin", "An admin");
  const code = await createWorkshopOnPanel(panel, "Stuffing drill", { fill: (form) => form.getByLabel("Capacity (optional)").fill("5") });
  await expect(panel.getByTestId("room-door-status")).toContainText("Capacity: 5 people.");

  // Two phones join; the panel's joins per minute follows without a reload.
  const ana = await phoneAt(browser, code, "Ana");
  const ben = await phoneAt(browser, code, "Ben");
  for (const phone of [ana, ben]) await expect(phone).toHaveURL(new RegExp(`/w/${code}$`));
  await expect(ben.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await expect(panel.getByTestId("joins-last-minute")).toHaveText("2 phones joined in the last minute.");
  // Removing one participant is confirmed first, and the confirmation says how votes already cast keep counting (k = 3 here).
  const removeAna = panel.locator(".participant-list li").filter({ hasText: "Ana" }).locator("details");
  await removeAna.locator("summary").click();
  await expect(removeAna).toContainText("Ana will not be able to vote again. Votes they already cast keep counting until every count they are part of can lose at least 3 removed people at once");
  await expect(removeAna.getByRole("button", { name: "Yes, remove Ana" })).toBeVisible();
  await removeAna.locator("summary").click();

  // Locked: a third phone is turned away with the reason, on the join page itself.
  await panel.getByRole("button", { name: "Lock the room" }).click();
  await expect(panel.getByTestId("room-door-status")).toContainText("The room is locked");
  const late = await phoneAt(browser, code, "Late");
  await expect(late.getByText("This room is locked: the facilitator is not letting anyone else join.")).toBeVisible();
  await late.goto(`/join/${code}`);
  await expect(late.getByText("This room is locked")).toBeVisible();

  // Void the burst: count first, confirm the count, and the phones' pages say they were removed.
  await panel.getByLabel("Phones that joined in the last").selectOption("5");
  await panel.getByRole("button", { name: "Count them" }).click();
  await expect(panel.getByText("2 phones joined in the last 5 minutes. Confirm below to remove them.")).toBeVisible();
  await panel.getByLabel("Yes, remove the 2 phones that joined in the last 5 minutes").check();
  await panel.getByRole("button", { name: "Remove 2 phones" }).click();
  await expect(
    panel.getByText(/^Removed 2 phones: they cannot vote again\. Votes they already cast keep counting until every count they are part of can lose at least 3 removed people at once/),
  ).toBeVisible();
  for (const phone of [ana, ben]) await expect(phone.getByText("The facilitator removed you from this workshop.")).toBeVisible();
  await expect(panel.locator(".participant-list")).toContainText("Ana (removed)");

  // Unlocked, a new phone gets in again.
  await panel.getByRole("button", { name: "Unlock the room" }).click();
  await expect(panel.getByTestId("room-door-status")).toContainText("The room is open");
  const welcome = await phoneAt(browser, code, "Welcome");
  await expect(welcome).toHaveURL(new RegExp(`/w/${code}$`));
  await facilitator.close();
});

test("a facilitator finds a participant by name and removes them from the result", async ({ browser, playwright, baseURL }) => {
  test.setTimeout(60_000);
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "facilitator", "A facilitator");
  const code = await createWorkshopOnPanel(panel, "Search drill");
  // Phones join as a browser without JavaScript would: the join form, posted.
  for (const name of ["Ana", "Bea", "Beatriz", "Carl"]) {
    const phone = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
    expect((await phone.post("/join", { form: { code, displayName: name }, maxRedirects: 0 })).status()).toBe(302);
    await phone.dispose();
  }
  await expect(panel.locator(".participant-list li")).toHaveCount(4);

  // The search's live region is on the page before any search, empty, and the same element then
  // carries the outcome: a region created with its text may not be announced.
  const searchStatus = panel.locator("#participant-search-status");
  await expect(searchStatus).toHaveAttribute("role", "status");
  await expect(searchStatus).toBeEmpty();
  await searchStatus.evaluate((region) => region.setAttribute("data-before-search", ""));
  await panel.getByLabel("Find a participant").fill("bea");
  await panel.getByRole("button", { name: "Find" }).click();
  await expect(panel.getByRole("status").filter({ hasText: "whose name contains" })).toHaveText("2 participants whose name contains “bea”. Show the list again");
  await expect(searchStatus).toHaveAttribute("data-before-search", "");
  const found = panel.getByRole("list", { name: "Participants found" });
  await expect(found.locator("li")).toHaveCount(2);
  const removeBea = found
    .locator("li")
    .filter({ hasText: /^Bea\b/ })
    .locator("details");
  await removeBea.locator("summary").click();
  await removeBea.getByRole("button", { name: "Yes, remove Bea" }).click();
  await expect(found.locator("li").filter({ hasText: /^Bea\b/ })).toContainText("Bea (removed)");
  await expect(panel).toHaveURL(/\?person=bea$/);

  await panel.getByRole("link", { name: "Show the list again" }).click();
  await expect(panel.locator(".participant-list li")).toHaveCount(4);
  await expect(panel.locator(".participant-list")).toContainText("Bea (removed)");
  await facilitator.close();
});
