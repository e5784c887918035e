import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "parley-demo";

export const ROLE_LOGINS = {
  owner: "owner@parley.test",
  admin: "admin@parley.test",
  support: "support@parley.test",
  analyst: "analyst@parley.test",
} as const;

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
}

/**
 * Waits for every streamed list on the page (components/ui/list-loading.tsx) to have replaced
 * its fallback: React may reveal the rows a moment after the load event.
 */
export async function listsLoaded(page: Page): Promise<void> {
  await expect(page.locator("[data-list-loading]")).toHaveCount(0);
}

export async function navLabels(page: Page): Promise<string[]> {
  const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
  // Each link is an aria-hidden icon, its label and (Alerts) a count badge.
  return (await links.locator("[data-nav-label]").allInnerTexts()).map((t) => t.trim());
}

/** Flips the shell's test-data switch (with the keyboard) and waits for the view to follow. */
export async function setTestDataView(page: Page, on: boolean): Promise<void> {
  const toggle = page.getByRole("switch", { name: "Test data" });
  if ((await toggle.getAttribute("aria-checked")) === String(on)) return;
  await toggle.focus();
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-checked", String(on));
  const banner = page.getByTestId("test-data-banner");
  if (on) await expect(banner).toBeVisible();
  else await expect(banner).toHaveCount(0);
}
