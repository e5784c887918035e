import { expect, test } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

test.describe.configure({ mode: "serial" });

test("a Sandbox test payment paid on the hosted page shows Succeeded with its timeline", async ({
  page,
  browser,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await addSandboxConnection(page, uniqueLabel("Sandbox pay"));
  const { checkoutUrl, paymentPath } = await createTestPayment(page, "12.50", "EUR");

  // The customer's browser has no Parley session: the hosted page is public.
  const customer = await browser.newContext();
  const checkout = await customer.newPage();
  await checkout.goto(checkoutUrl);
  await expect(checkout.getByText("Sandbox — no real card is charged")).toBeVisible();
  await expect(checkout.getByRole("heading", { level: 1 })).toHaveText("€12.50");
  await expect(checkout.getByLabel(/card number/i)).toHaveCount(0);
  await checkout.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(checkout.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await expect(checkout.getByText("You can return to the chat.")).toBeVisible();

  // Opening the link again says it is done rather than offering to pay twice.
  await expect(async () => {
    await checkout.goto(checkoutUrl);
    await expect(
      checkout.getByRole("heading", { name: "This payment is already complete" }),
    ).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await customer.close();

  await page.goto(paymentPath);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded", { timeout: 15_000 });
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline).toContainText("payment.succeeded");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("€12.50");

  await page.goto("/transactions?provider=sandbox&status=succeeded");
  await setTestDataView(page, true);
  await expect(
    page.getByRole("link", { name: new RegExp(`Payment ${paymentPath.split("/").pop()}`) }),
  ).toBeVisible();
});

test("a Sandbox payment declined for insufficient funds shows Failed with the decline code", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await addSandboxConnection(page, uniqueLabel("Sandbox decline"));
  const { checkoutUrl, paymentPath } = await createTestPayment(page, "30", "USD");

  await page.goto(checkoutUrl);
  await page.getByLabel("Decline code").selectOption("insufficient_funds");
  await page.getByRole("button", { name: "Decline", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Payment declined" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("insufficient_funds");

  await page.goto(paymentPath);
  await expect(page.getByTestId("payment-status")).toContainText("Failed", { timeout: 15_000 });
  await expect(page.getByTestId("failure-code")).toHaveText("insufficient_funds");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("payment.failed");
});

test("3-D Secure then a partial refund and a simulated dispute, all from the console", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await addSandboxConnection(page, uniqueLabel("Sandbox 3ds"));
  const { checkoutUrl, paymentPath } = await createTestPayment(page, "20", "EUR");

  await page.goto(checkoutUrl);
  await page.getByRole("button", { name: "Requires 3-D Secure" }).click();
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await expect(page.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();

  await page.goto(paymentPath);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded", { timeout: 15_000 });
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText(
    "payment.requires_action",
  );

  const refund = page.getByRole("form", { name: "Refund" });
  await expect(refund.getByLabel("Amount (EUR)")).toHaveValue("20.00");
  await refund.getByLabel("Amount (EUR)").fill("5");
  await refund.getByLabel("Note").fill("One item was out of stock");
  await refund.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByTestId("payment-status")).toContainText("Partially refunded", {
    timeout: 15_000,
  });
  await expect(page.getByRole("list", { name: "Refunds" })).toContainText("€5.00");
  // The form now offers what is left.
  await expect(page.getByRole("form", { name: "Refund" }).getByLabel("Amount (EUR)")).toHaveValue(
    "15.00",
  );

  await page.getByLabel("Dispute reason").selectOption("product_not_received");
  await page.getByRole("button", { name: "Open a dispute" }).click();
  await expect(page.getByTestId("payment-status")).toContainText("Disputed", { timeout: 15_000 });
  const disputesList = page.getByRole("list", { name: "Disputes" });
  await expect(disputesList).toContainText("Product not received");
  // A chargeback holds the money while the case is open, in words beside the status.
  await expect(disputesList).toContainText("Chargeback");
  await expect(disputesList).toContainText("withdrawn while the case is open");
});
