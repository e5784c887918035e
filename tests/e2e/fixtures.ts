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

export async function navLabels(page: Page): Promise<string[]> {
  const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
  // Each link is an aria-hidden icon then its label.
  return (await links.allInnerTexts()).map((t) => t.split("\n").pop()!.trim());
}
