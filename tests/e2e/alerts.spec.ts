import { expect, test, type Page } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

test.describe.configure({ mode: "serial" });

/** The Alerts item's count, 0 when the badge is not shown. */
async function badgeCount(page: Page): Promise<number> {
  const badge = page.getByTestId("nav-badge-alerts");
  if ((await badge.count()) === 0) return 0;
  return Number.parseInt((await badge.innerText()).trim(), 10);
}

async function declineOnSandbox(page: Page, checkoutUrl: string): Promise<void> {
  await page.goto(checkoutUrl);
  await page.getByLabel("Decline code").selectOption("card_declined");
  await page.getByRole("button", { name: "Decline", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Payment declined" })).toBeVisible();
}

test("a failure spike through the Sandbox fires a test-mode alert, in the badge, and the owner acknowledges it", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await signIn(page, ROLE_LOGINS.owner);
  const label = uniqueLabel("Spike");

  // A rule for test data: this connection failing more than half of at least two payments.
  await page.goto("/alerts");
  await setTestDataView(page, true);
  await page.getByRole("button", { name: "Add a rule" }).click();
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("Name").fill(`Spike on ${label}`);
  await form.getByLabel("Where").selectOption("per_connection");
  await form.getByLabel("Failure rate above (%)").fill("150");
  await form.getByLabel("Over the last (minutes)").fill("15");
  await form.getByLabel("With at least (attempts)").fill("2");
  await form.getByRole("button", { name: "Add rule" }).click();
  // A threshold over 100 % is refused beside its field.
  await expect(form.getByText("Failure rate must be at most 100")).toBeVisible();
  await form.getByLabel("Failure rate above (%)").fill("50");
  await form.getByRole("button", { name: "Add rule" }).click();
  const rules = page.getByRole("list", { name: "Alert rules" });
  await expect(rules).toContainText(`Spike on ${label}`);
  await expect(rules).toContainText(
    "More than 50% of payments fail on any one connection within 15 min (at least 2 attempts)",
  );

  // Two declined Sandbox payments on a fresh connection.
  await addSandboxConnection(page, label);
  const connectionPath = new URL(page.url()).pathname;
  for (const amount of ["11", "12"]) {
    await page.goto(connectionPath);
    const { checkoutUrl } = await createTestPayment(page, amount, "EUR");
    await declineOnSandbox(page, checkoutUrl);
  }

  // The job runner evaluates every 15 s: the alert appears on the page and in the badge.
  const alert = page.getByTestId("active-alert").filter({ hasText: label });
  await expect(async () => {
    await page.goto("/alerts");
    await expect(alert).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(alert).toContainText(`${label}: 100% of payments failed in 15 min`);
  await expect(alert).toContainText("Critical");
  await expect(alert).toContainText("Open");
  const before = await badgeCount(page);
  expect(before).toBeGreaterThanOrEqual(1);

  // Acknowledged: it stays active (the condition holds) but no longer counts in the badge.
  await alert.getByRole("button", { name: /^Acknowledge:/ }).click();
  await expect(alert).toContainText("Acknowledged");
  await expect(alert).toContainText(`acknowledged by ${ROLE_LOGINS.owner}`);
  await expect.poll(() => badgeCount(page)).toBe(before - 1);

  // Test failures never show in the live view.
  await setTestDataView(page, false);
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
  await expect(page.getByTestId("active-alert").filter({ hasText: label })).toHaveCount(0);

  // The acknowledgement is in the audit log.
  await page.goto("/audit");
  await expect(page.getByText(`Acknowledged: ${label}: 100% of payments failed`)).toBeVisible();
});

test("an analyst sees alerts and rules but no buttons to change them", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.analyst);
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Alert rules" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add a rule" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Acknowledge:/ })).toHaveCount(0);
});
