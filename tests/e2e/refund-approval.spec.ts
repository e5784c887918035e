import { expect, test, type Browser, type Page } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// Refund approval limits, end to end: the owner sets the support limit (in CHF, a currency the
// other specs do not refund in), support refunds within it directly, asks above it, and an admin
// approves the request on the Refund requests page.

test.describe.configure({ mode: "serial" });

async function as(browser: Browser, role: keyof typeof ROLE_LOGINS): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ROLE_LOGINS[role]);
  return page;
}

test("support refunds within its limit, asks above it, and an admin approves", async ({
  browser,
}) => {
  const owner = await as(browser, "owner");
  await owner.goto("/refunds");
  const limits = owner.getByRole("form", { name: "Set a refund limit" });
  await limits.getByLabel("Role").selectOption("support");
  await limits.getByLabel("Currency").selectOption("CHF");
  await limits.getByLabel("Limit").fill("10.00");
  await limits.getByRole("button", { name: "Save limit" }).click();
  await expect(limits.getByRole("status")).toHaveText("Limit saved.");
  await expect(owner.getByTestId("refund-limits")).toContainText("Support · CHF: up to CHF 10.00");

  await addSandboxConnection(owner, uniqueLabel("Sandbox refunds"));
  const { checkoutUrl, paymentPath } = await createTestPayment(owner, "50", "CHF");
  await owner.goto(checkoutUrl);
  await owner.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(owner.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();

  // Support: 5.00 is within the limit, so it is refunded at once.
  const support = await as(browser, "support");
  await support.goto(paymentPath);
  await expect(support.getByTestId("payment-status")).toContainText("Succeeded", {
    timeout: 15_000,
  });
  let refund = support.getByRole("form", { name: "Refund" });
  await expect(refund.getByText("above CHF 10.00 needs approval")).toBeVisible();
  await refund.getByLabel("Amount (CHF)").fill("5");
  await refund.getByLabel("Reason").selectOption("duplicate");
  await refund.getByRole("button", { name: "Refund" }).click();
  await expect(support.getByTestId("payment-status")).toContainText("Partially refunded", {
    timeout: 15_000,
  });
  await expect(support.getByRole("list", { name: "Refunds" })).toContainText("CHF 5.00");

  // Above the limit: the rest becomes a request, held from what remains.
  refund = support.getByRole("form", { name: "Refund" });
  await expect(refund.getByLabel("Amount (CHF)")).toHaveValue("45.00");
  await refund.getByLabel("Note").fill("Order cancelled");
  await refund.getByRole("button", { name: "Refund" }).click();
  // The form's "sent for approval" line can vanish at once: the live page re-renders, and with
  // the whole remainder held nothing is left to refund, so the form goes. The request shows.
  const requests = support.getByRole("list", { name: "Refund requests" });
  await expect(requests).toContainText("Pending approval");
  await expect(requests).toContainText(ROLE_LOGINS.support);
  await expect(support.getByTestId("amount-awaiting-approval")).toContainText("CHF 45.00");

  // The requester cannot approve their own.
  await support.goto("/refunds");
  await setTestDataView(support, true);
  const own = support.getByTestId("pending-refund-request").filter({ hasText: "Order cancelled" });
  await expect(own).toContainText("Your own request");

  // An admin approves: the refund goes through the Sandbox.
  const admin = await as(browser, "admin");
  await admin.goto("/refunds");
  await setTestDataView(admin, true);
  const pending = admin
    .getByTestId("pending-refund-request")
    .filter({ hasText: "Order cancelled" });
  await expect(pending).toContainText("CHF 45.00");
  await pending.getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByRole("list", { name: "Decided refund requests" })).toContainText(
    `approved by ${ROLE_LOGINS.admin}`,
  );

  await admin.goto(paymentPath);
  await expect(admin.getByTestId("payment-status")).toContainText("Refunded", { timeout: 15_000 });
  await expect(admin.getByRole("list", { name: "Refund requests" })).toContainText("Approved");
  await expect(admin.getByRole("list", { name: "Timeline" })).toContainText(
    "refund_request.approved",
  );

  // Tidy: the owner removes the limit so other specs' support refunds are not held.
  await owner.goto("/refunds");
  await limits.getByLabel("Role").selectOption("support");
  await limits.getByLabel("Currency").selectOption("CHF");
  await limits.getByLabel("Limit").fill("");
  await limits.getByRole("button", { name: "Save limit" }).click();
  await expect(limits.getByRole("status")).toHaveText("Limit removed.");
});
