// The transactions filters in the browser: applied from the filter bar they go into the URL,
// survive a reload, come back with back/forward, find a payment by its provider id, explain bad
// addresses, and stay usable on a 390 px phone.
import { expect, test, type Page } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";

/** The status words of every listed row (the badge's text). */
async function rowStatuses(page: Page): Promise<string[]> {
  const rows = page.getByRole("region", { name: "Payments" }).locator("tbody tr");
  return (await rows.locator("td:nth-child(3)").allInnerTexts()).map((t) => t.trim());
}

test.beforeEach(async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
});

test("filters apply into the URL, survive a reload and come back with back/forward", async ({
  page,
}) => {
  await page.goto("/transactions");
  await page.getByRole("button", { name: "Status" }).click();
  await page.getByRole("checkbox", { name: "Succeeded" }).check();
  await page.getByRole("checkbox", { name: "Failed" }).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/transactions\?status=succeeded%2Cfailed$/);
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText(
    "Status: Succeeded, Failed",
  );
  const statuses = await rowStatuses(page);
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(statuses.filter((s) => /Succeeded|Failed/.test(s))));

  await page.getByRole("button", { name: "More filters" }).click();
  await page
    .getByRole("combobox", { name: "Provider", exact: true })
    .selectOption({ label: "Stripe" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=succeeded%2Cfailed&provider=stripe$/);
  const connectionCells = page
    .getByRole("region", { name: "Payments" })
    .locator("tbody tr td:nth-child(4)");
  await expect(connectionCells.first()).toContainText("Stripe");
  for (const text of await connectionCells.allInnerTexts()) expect(text).toContain("Stripe");

  await page.reload();
  await expect(page).toHaveURL(/status=succeeded%2Cfailed&provider=stripe$/);
  const chips = page.getByRole("list", { name: "Active filters" });
  await expect(chips).toContainText("Provider: Stripe");
  await expect(page.getByRole("button", { name: "More filters (1)" })).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(/\/transactions\?status=succeeded%2Cfailed$/);
  await expect(chips).not.toContainText("Provider");
  await expect(page.getByRole("button", { name: "More filters", exact: true })).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(/provider=stripe$/);
  await expect(chips).toContainText("Provider: Stripe");

  // A chip removes its own filter; clear-all removes the rest.
  await chips.getByRole("link", { name: /Provider: Stripe/ }).click();
  await expect(page).toHaveURL(/\/transactions\?status=succeeded%2Cfailed$/);
  await page.getByRole("link", { name: "Clear all filters" }).click();
  await expect(page).toHaveURL(/\/transactions$/);
  await expect(chips).toHaveCount(0);
});

test("a custom date range goes into the URL as days", async ({ page }) => {
  await page.goto("/transactions");
  await page.getByRole("button", { name: "Any date" }).click();
  await page.getByRole("radio", { name: "Custom dates" }).check();
  await page.getByRole("textbox", { name: "From", exact: true }).fill("2020-01-01");
  await page.getByRole("textbox", { name: "To", exact: true }).fill("2020-01-31");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/range=custom&from=2020-01-01&to=2020-01-31$/);
  // The demo has no payments that old: the empty state says what to do.
  await expect(page.getByText("No payments match these filters")).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/transactions$/);
  await expect(page.getByRole("region", { name: "Payments" })).toBeVisible();
});

test("the search box finds a payment by its provider id", async ({ page }) => {
  await page.goto("/transactions?provider=stripe&status=succeeded");
  await page.getByRole("region", { name: "Payments" }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/transactions\/pay_/);
  const paymentId = new URL(page.url()).pathname.split("/").pop()!;
  const providerId = (await page.getByText(/^pi_/).first().innerText()).trim();
  expect(providerId).toMatch(/^pi_/);

  await page.goto("/transactions");
  await page.getByRole("searchbox").fill(providerId);
  await page.getByRole("searchbox").press("Enter");
  await expect(page).toHaveURL(new RegExp(`q=${providerId}$`));
  const links = page.getByRole("region", { name: "Payments" }).getByRole("link");
  await expect(links).toHaveCount(1);
  await expect(links.first()).toHaveAttribute("href", `/transactions/${paymentId}`);
});

test("bad addresses are explained, never an error page", async ({ page }) => {
  const response = await page.goto(
    "/transactions?status=bogus&min=-5&range=custom&from=2026-06-09&to=2026-06-01" +
      "&before=bm90LWEtY3Vyc29y&limit=1000000&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  );
  expect(response?.status()).toBe(200);
  const notice = page.getByText("Some of this page's address was ignored").locator("..");
  await expect(notice).toContainText('Status: Unknown status "bogus" ignored');
  await expect(notice).toContainText("Minimum amount: Choose a currency to filter by amount");
  await expect(notice).toContainText("To: The end date is before the start date");
  await expect(notice).toContainText("Page: This page link is not valid");
  await expect(notice).toContainText("Page size: At most 100 payments a page");
  // The search text is shown as text, not run.
  await expect(page.getByRole("searchbox")).toHaveValue("<script>alert(1)</script>");
});

test("works at 390 px: the bar wraps, the table scrolls inside itself", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/transactions?status=succeeded");
  await expect(page.getByRole("searchbox")).toBeVisible();
  await page.getByRole("button", { name: "More filters" }).click();
  const panel = page.getByRole("dialog");
  await expect(panel).toBeVisible();
  const box = (await panel.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await page.keyboard.press("Escape");
  await expect(panel).toHaveCount(0);
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(pageWidth).toBeLessThanOrEqual(390);
  const table = page.getByRole("region", { name: "Payments" });
  const scroll = await table.evaluate((el) => ({ inner: el.scrollWidth, outer: el.clientWidth }));
  expect(scroll.inner).toBeGreaterThan(scroll.outer);
});
