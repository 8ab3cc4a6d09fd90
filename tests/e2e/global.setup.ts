import { expect, test as setup } from "@playwright/test";
import { ADMIN, signUp } from "./utils";

setup("the first account on a fresh install becomes the admin", async ({ page }) => {
  await signUp(page, ADMIN);
  await expect(page.getByText("role: Admin")).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin", exact: true })).toBeVisible();
});
