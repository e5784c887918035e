import { expect, test, type Browser, type Page } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// The live transactions feed: payments created and paid elsewhere appear on an open
// /transactions page without a reload; while the member is reading they are held behind
// "Paused — N new"; another merchant's stream never carries them.
test.describe.configure({ mode: "serial" });

const paymentLink = (page: Page, paymentPath: string) =>
  page.getByRole("link", { name: new RegExp(`Payment ${paymentPath.split("/").pop()},`) });

async function watchTransactions(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  await page.goto("/transactions");
  await setTestDataView(page, true);
  await expect(page.getByTestId("live-feed-state")).toHaveText("Live");
  return page;
}

/** The owner's second tab: a Sandbox connection to create test payments on. */
async function operatorTab(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, ROLE_LOGINS.owner);
  await addSandboxConnection(page, uniqueLabel("Sandbox live"));
  return page;
}

/** A test payment from a freshly loaded connection page (the form still shows the last one's links). */
async function newTestPayment(operator: Page, amount: string) {
  await operator.reload();
  return createTestPayment(operator, amount, "EUR");
}

test("a payment created and then paid elsewhere appears and changes on the open list without a reload", async ({
  browser,
}) => {
  const watcher = await watchTransactions(browser, ROLE_LOGINS.owner);
  await watcher.mouse.move(0, 0);
  const operator = await operatorTab(browser);
  // A mark on the window: a page load would wipe it.
  await watcher.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 1));
  const { checkoutUrl, paymentPath } = await createTestPayment(operator, "14.20", "EUR");
  const row = watcher.locator("tr", { has: paymentLink(watcher, paymentPath) });
  await expect(row).toBeVisible({ timeout: 2_500 });
  await expect(row).toContainText("€14.20");

  const customer = await (await browser.newContext()).newPage();
  await customer.goto(checkoutUrl);
  await customer.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(customer.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  const paidAt = Date.now();
  // The webhook was applied before the hosted page answered: the row follows within a second.
  await expect(row).toContainText("Succeeded", { timeout: 10_000 });
  const seenAfterMs = Date.now() - paidAt;
  console.log(`webhook applied → row shows it: ${seenAfterMs} ms`);
  // About a second (more on a loaded 2-core machine); a broken feed would never get there.
  expect(seenAfterMs).toBeLessThan(2_500);
  await expect(row).toHaveAttribute("data-live", "changed");

  // None of it was a page load.
  expect(await watcher.evaluate(() => (window as unknown as { liveMark?: number }).liveMark)).toBe(
    1,
  );

  // The payment's own page follows it too: a refund requested from another tab shows up.
  const detail = await watcher.context().newPage();
  await detail.goto(paymentPath);
  await expect(detail.getByTestId("live-payment-state")).toHaveText("Live");
  await detail.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 1));
  await operator.goto(paymentPath);
  const refund = operator.getByRole("form", { name: "Refund" });
  await refund.getByLabel("Amount (EUR)").fill("4.20");
  await refund.getByLabel("Note").fill("Live test");
  await refund.getByRole("button", { name: "Refund" }).click();
  await expect(detail.getByTestId("payment-status")).toContainText("Partially refunded", {
    timeout: 5_000,
  });
  expect(await detail.evaluate(() => (window as unknown as { liveMark?: number }).liveMark)).toBe(
    1,
  );
  await customer.context().close();
  await operator.context().close();
  await watcher.context().close();
});

test("while the member reads the table, changes wait behind “Paused — N new” until clicked", async ({
  browser,
}) => {
  const watcher = await watchTransactions(browser, ROLE_LOGINS.owner);
  const operator = await operatorTab(browser);
  // A first payment so the table has rows to rest the pointer on.
  const first = await newTestPayment(operator, "3");
  await expect(paymentLink(watcher, first.paymentPath)).toBeVisible({ timeout: 2_500 });

  await paymentLink(watcher, first.paymentPath).hover();
  const a = await newTestPayment(operator, "4");
  const b = await newTestPayment(operator, "5");
  const paused = watcher.getByRole("button", { name: "Paused — 2 new" });
  await expect(paused).toBeVisible({ timeout: 2_500 });
  await expect(paymentLink(watcher, a.paymentPath)).toHaveCount(0);
  await expect(paymentLink(watcher, b.paymentPath)).toHaveCount(0);

  await paused.click();
  await expect(paymentLink(watcher, a.paymentPath)).toBeVisible({ timeout: 2_500 });
  await expect(paymentLink(watcher, b.paymentPath)).toBeVisible();
  await expect(watcher.getByTestId("live-feed-paused")).toHaveCount(0);
  await expect(watcher.locator("tr", { has: paymentLink(watcher, b.paymentPath) })).toHaveAttribute(
    "data-live",
    "new",
  );
  await operator.context().close();
  await watcher.context().close();
});

test("a second merchant's stream never carries the first's payments; no session, no stream", async ({
  browser,
  request,
}) => {
  const unauthenticated = await request.get("/api/events");
  expect(unauthenticated.status()).toBe(401);

  const other = await watchTransactions(browser, "owner@nusantara.test");
  // A mode that is neither word is refused with a message, not guessed and not a 500.
  const badMode = await other.request.get("/api/events?mode=both");
  expect(badMode.status()).toBe(422);
  expect(await badMode.json()).toEqual({ error: "mode must be test or live." });
  await other.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenPayments: string[] }).seenPayments = seen;
    const source = new EventSource("/api/events");
    source.addEventListener("payment", (e) =>
      seen.push((JSON.parse(e.data as string) as { id: string }).id),
    );
  });
  const watcher = await watchTransactions(browser, ROLE_LOGINS.owner);
  const operator = await operatorTab(browser);
  const { paymentPath } = await createTestPayment(operator, "7.70", "EUR");
  await expect(paymentLink(watcher, paymentPath)).toBeVisible({ timeout: 2_500 });
  await other.waitForTimeout(500);
  const seen = await other.evaluate(
    () => (window as unknown as { seenPayments: string[] }).seenPayments,
  );
  expect(seen).not.toContain(paymentPath.split("/").pop());
  await expect(paymentLink(other, paymentPath)).toHaveCount(0);
  await expect(other.getByTestId("live-feed-paused")).toHaveCount(0);
  await operator.context().close();
  await watcher.context().close();
  await other.context().close();
});

test("an older page says it does not update by itself", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/transactions");
  await expect(page.getByTestId("live-feed-state")).toBeVisible();
  // The page's own cursor link (opaque keyset cursors: lib/payments/list-cursor.ts).
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/[?&]before=/);
  await expect(page.getByTestId("live-feed-static")).toContainText("does not update by itself");
  await expect(page.getByTestId("live-feed-state")).toHaveCount(0);
});
