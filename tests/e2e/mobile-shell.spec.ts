import { expect, test, type Page } from "@playwright/test";
import { listsLoaded, ROLE_LOGINS, signIn } from "./fixtures";

// At a phone's width the shell's navigation collapses into a "Menu" drawer (a modal dialog):
// it opens, navigates, closes, and no dashboard page is wider than the screen.
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE });

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth);
}

async function firstLink(page: Page, path: string, pattern: RegExp): Promise<string | null> {
  await page.goto(path);
  await listsLoaded(page);
  const hrefs = await page
    .locator("main a[href]")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.find((h) => pattern.test(h)) ?? null;
}

test("the menu opens as a dialog, navigates and closes; the sidebar is hidden", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/overview");
  // No sidebar at this width: the navigation is behind the menu button.
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  const menuButton = page.getByRole("button", { name: "Menu", exact: true });
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");

  await menuButton.click();
  const menu = page.getByRole("dialog", { name: "Menu" });
  await expect(menu).toBeVisible();
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  // Escape closes it and focus returns to the button.
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(menuButton).toBeFocused();

  await menuButton.click();
  await menu
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Transactions" })
    .click();
  await expect(page).toHaveURL(/\/transactions$/);
  await expect(page.getByRole("dialog", { name: "Menu" })).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Transactions");

  // The drawer holds the rest of the shell too: the test-data switch and the user.
  await menuButton.click();
  await expect(menu.getByRole("switch", { name: "Test data" })).toBeVisible();
  await expect(menu.getByTestId("current-user")).toHaveText(ROLE_LOGINS.owner);
  await menu.getByRole("button", { name: "Close menu" }).click();
  await expect(menu).toHaveCount(0);
});

test("no dashboard page is wider than a 390 px screen", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/overview");
  await page.getByRole("button", { name: "Menu", exact: true }).click();
  const navHrefs = await page
    .getByRole("dialog", { name: "Menu" })
    .getByRole("navigation", { name: "Main" })
    .getByRole("link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  expect(navHrefs).toContain("/transactions");
  const details = [
    await firstLink(page, "/transactions", /^\/transactions\/pay_/),
    await firstLink(page, "/conversations", /^\/conversations\/cnv_/),
    await firstLink(page, "/connections", /^\/connections\/con_[^/]+$/),
    await firstLink(page, "/flows", /^\/flows\/flow_/),
  ].filter((href): href is string => !!href);
  expect(details.length).toBeGreaterThanOrEqual(3);
  for (const path of [...navHrefs, ...details, "/connections/new", "/account"]) {
    await test.step(path, async () => {
      const response = await page.goto(path);
      expect(response?.ok(), `${path} loads`).toBe(true);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await listsLoaded(page);
      expect.soft(await pageWidth(page), `${path} fits 390 px`).toBeLessThanOrEqual(PHONE.width);
    });
  }
});
