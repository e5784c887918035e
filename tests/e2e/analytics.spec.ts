import { expect, test } from "@playwright/test";
import fs from "node:fs";
import { ROLE_LOGINS, signIn } from "./fixtures";

test("an analyst changes the range, reads the funnel drop-off, switches a chart to its table and downloads a CSV", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.analyst);
  await page.goto("/analytics");
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  await expect(page.getByText("Showing")).toContainText("(30 days)");

  await page.getByRole("link", { name: "Last 90 days" }).click();
  await expect(page).toHaveURL(/range=90d/);
  await expect(page.getByText("Showing")).toContainText("(90 days)");

  // The demo invoice flow: its drop-off is drawn on its own steps.
  await page.locator('select[name="flow"]').selectOption({ label: "Pay an invoice" });
  await page.getByRole("button", { name: "Show funnel" }).click();
  await expect(page).toHaveURL(/flow=/);
  const dropOff = page.getByRole("region", { name: /^Drop-off per step: Pay an invoice$/ });
  await dropOff.getByRole("button", { name: "Table" }).click();
  const table = page.getByRole("region", { name: "Drop-off per step: Pay an invoice (table)" });
  await expect(table.getByRole("row", { name: /ask_invoice/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /ask_amount/ })).toBeVisible();

  // Clicking a step lists the conversations that stopped there.
  await page
    .getByRole("navigation", { name: "Steps where conversations stopped" })
    .getByRole("link", { name: /ask_invoice/ })
    .click();
  await expect(page).toHaveURL(/step=ask_invoice/);
  await expect(page.getByText(/unpaid conversations whose last step was/)).toBeVisible();

  const funnel = page.getByRole("region", { name: "Chat-to-pay funnel: Pay an invoice" });
  await funnel.getByRole("button", { name: "Table" }).click();
  await expect(
    page
      .getByRole("region", { name: "Chat-to-pay funnel: Pay an invoice (table)" })
      .getByRole("row", { name: /Paid/ }),
  ).toBeVisible();

  const download = page.waitForEvent("download");
  await funnel.getByRole("button", { name: /Download CSV/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^parley-funnel-live-.*\.csv$/);
  const text = fs.readFileSync(await file.path(), "utf8");
  expect(text.split("\r\n")[0]).toBe("step,conversations,step_conversion,overall_conversion");
  expect(text).toContain("Conversation started,");
  // One row per funnel step, the customer's confirmation among them.
  const rows = text.trim().split("\r\n").slice(1);
  expect(rows.map((row) => row.split(",")[0])).toEqual([
    "Conversation started",
    "Reached a pay step",
    "Confirmed the amount",
    "Method chosen",
    "Payment link sent",
    "Link opened (reached the provider)",
    "Paid",
  ]);
  await expect(funnel.getByRole("status")).toContainText(`Downloaded ${rows.length} rows`);

  // A reversed range gets a clear message, not an error page.
  await page.goto("/analytics?range=custom&from=2026-03-01&to=2026-02-01");
  await expect(page.getByRole("alert").filter({ hasText: "reversed" })).toBeVisible();
});

test("an export is audited, and a bad request gets a clear 422", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  const ok = await page.request.get("/api/analytics/export?chart=failures&range=7d");
  expect(ok.status()).toBe(200);
  expect(ok.headers()["x-total-rows"]).toMatch(/^\d+$/);
  expect((await ok.text()).startsWith("failure_code,payments\r\n")).toBe(true);
  const reversed = await page.request.get(
    "/api/analytics/export?chart=failures&range=custom&from=2026-03-01&to=2026-02-01",
  );
  expect(reversed.status()).toBe(422);
  expect(((await reversed.json()) as { error: string }).error).toMatch(/reversed/);
  const foreign = await page.request.get(
    "/api/analytics/export?chart=funnel&flow=flow_someone_else",
  );
  expect(foreign.status()).toBe(422);
  await page.goto("/audit?action=analytics.export");
  await expect(page.getByText(/Exported failures \(live\)/).first()).toBeVisible();
});

test("support is refused Analytics and its CSV export on the server", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.support);
  await page.goto("/analytics");
  await expect(page).toHaveURL(/\/forbidden$/);
  const response = await page.request.get("/api/analytics/export?chart=failures&range=30d");
  expect(response.status()).toBe(403);
  expect(((await response.json()) as { error: string }).error).toMatch(/role/);
});
