/**
 * A table's box is a keyboard stop only while its table scrolls sideways: a box that does not
 * scroll is one more Tab press for nothing, and a region landmark that says nothing. With
 * JavaScript the page measures each box (again when the screen or the table changes size);
 * without it every box stays reachable, since the page cannot know which ones scroll.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { logInAsNew } from "./utils";

const HISTORY = "/cases/background-check/history";

/** Whether the box's table is wider than the box (as the narrow-screen check measures it). */
const scrollsSideways = (box: Locator) => box.evaluate((element) => element.scrollWidth > element.clientWidth + 1);

async function versionsBox(page: Page): Promise<Locator> {
  await page.goto(HISTORY);
  const box = page.locator(".table-scroll").filter({ has: page.getByRole("columnheader", { name: "Version" }) });
  await expect(box).toHaveCount(1);
  return box;
}

test("with JavaScript, the box is a named tab stop only while its table scrolls sideways, following the screen's width", async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await logInAsNew(page, "author");
  const box = await versionsBox(page);
  expect(await scrollsSideways(box)).toBe(false);
  await expect(box).not.toHaveAttribute("tabindex");
  await expect(page.getByRole("region", { name: "Versions" })).toHaveCount(0);

  // A screen too narrow for the table: the box scrolls, so the keyboard can reach and scroll it.
  await page.setViewportSize({ width: 240, height: 800 });
  await expect.poll(() => scrollsSideways(box)).toBe(true);
  await expect(box).toHaveAttribute("tabindex", "0");
  const region = page.getByRole("region", { name: "Versions" });
  await expect(region).toHaveCount(1);
  await region.focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => box.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);

  // Wide again: no longer a stop.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(box).not.toHaveAttribute("tabindex");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("every box stays a named tab stop, since the page cannot tell which ones scroll", async ({ page }) => {
    await logInAsNew(page, "author");
    const box = await versionsBox(page);
    await expect(box).toHaveAttribute("tabindex", "0");
    await expect(page.getByRole("region", { name: "Versions" })).toHaveCount(1);
  });
});
