import { expect, type Page } from "@playwright/test";

/** A label no other run or test has used, so assertions find exactly this connection. */
export function uniqueLabel(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Adds a Sandbox connection through the form and lands on its page; returns its path. */
export async function addSandboxConnection(page: Page, label: string): Promise<string> {
  await page.goto("/connections/new");
  await page.getByRole("radio", { name: /^Sandbox/ }).check();
  await page.getByLabel("Label", { exact: true }).fill(label);
  await page.getByRole("button", { name: "Add connection" }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
  await expect(page).toHaveURL(/\/connections\/[^/]+$/);
  return new URL(page.url()).pathname;
}

/** Creates a test payment on the connection page that is open; returns the checkout and payment links. */
export async function createTestPayment(
  page: Page,
  amount: string,
  currency: string,
): Promise<{ checkoutUrl: string; paymentPath: string }> {
  const form = page.getByRole("form", { name: "Create a test payment" });
  await form.getByLabel("Amount", { exact: true }).fill(amount);
  await form.getByLabel("Currency", { exact: true }).selectOption(currency);
  await form.getByRole("button", { name: "Create test payment" }).click();
  const checkoutLink = form.getByRole("link", { name: "Open the checkout page" });
  await expect(checkoutLink).toBeVisible();
  const checkoutUrl = await checkoutLink.getAttribute("href");
  const paymentPath = await form
    .getByRole("link", { name: "View the payment" })
    .getAttribute("href");
  expect(checkoutUrl).toBeTruthy();
  expect(paymentPath).toMatch(/^\/transactions\/.+/);
  return { checkoutUrl: checkoutUrl!, paymentPath: paymentPath! };
}
