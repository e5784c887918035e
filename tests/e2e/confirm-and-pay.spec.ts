import { expect, type Page, test } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";

// Confirm before paying, in the web chat of the demo's "Order and pay — Menu du jour" flow: the
// customer sees every item with its quantity, the total and the merchant, and no payment link
// exists until they press Confirm; pressing Change first takes them back to the menu.

const FLOW_NAME = "Order and pay — Menu du jour";

async function openChat(page: Page, browser: import("@playwright/test").Browser) {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/flows");
  await page.getByRole("link", { name: FLOW_NAME }).first().click();
  const href = await page.getByTestId("hosted-chat-link").getAttribute("href");
  const customer = await browser.newContext({ locale: "en-GB" });
  const chat = await customer.newPage();
  await chat.goto(`${new URL(href!).pathname}?lang=en`);
  await expect(chat.getByTestId("bot-message").first()).toBeVisible();
  return { customer, chat };
}

async function payOnSandbox(
  chat: Page,
  customer: import("@playwright/test").BrowserContext,
  total: RegExp,
) {
  await chat.getByRole("button", { name: "Card", exact: true }).click();
  const payLink = chat.getByTestId("payment-link");
  await expect(payLink).toBeVisible({ timeout: 15_000 });
  await expect(payLink).toContainText(total);
  const [checkout] = await Promise.all([customer.waitForEvent("page"), payLink.click()]);
  await checkout.waitForLoadState();
  await expect(checkout.getByRole("heading", { level: 1 })).toHaveText(total);
  await checkout.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(checkout.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await checkout.close();
  await expect(chat.getByTestId("receipt")).toBeVisible({ timeout: 30_000 });
}

test("a customer sees the items and total, confirms, and pays on the Sandbox page", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const { customer, chat } = await openChat(page, browser);
  const input = chat.getByRole("textbox");
  await input.fill("4 x2");
  await input.press("Enter");
  await expect(chat.getByTestId("customer-message").last()).toContainText("4 x2");
  await chat.getByRole("button", { name: "Done, go to payment" }).last().click();

  const confirmation = chat
    .getByTestId("bot-message")
    .filter({ hasText: "Please check your order before paying" });
  await expect(confirmation).toBeVisible();
  await expect(confirmation).toContainText("2 × Tarte Tatin — €15.00");
  await expect(confirmation).toContainText("Total: €15.00");
  await expect(confirmation).toContainText("Paid to:");
  // Nothing to pay yet: no link before the customer confirms.
  await expect(chat.getByTestId("payment-link")).toHaveCount(0);
  await chat.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(chat.getByText("How would you like to pay?")).toBeVisible();
  await payOnSandbox(chat, customer, /15[.,]00/);
  await customer.close();
});

test("a customer presses Change, picks again, confirms the new total and pays", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const { customer, chat } = await openChat(page, browser);
  await chat.getByRole("button", { name: /^Tarte Tatin/ }).click();
  await chat.getByRole("button", { name: "Done, go to payment" }).last().click();
  const first = chat.getByTestId("bot-message").filter({ hasText: "Total: €7.50" }).last();
  await expect(first).toBeVisible();
  // Only the newest message's buttons are live (older ones stay on screen, disabled): each click
  // waits for the one enabled button, so a menu still re-rendering is never clicked.
  const live = (name: string | RegExp) =>
    chat.getByRole("button", { name, exact: typeof name === "string", disabled: false });
  await live("Change").click();

  // Back at the menu with an empty cart: this time a glass of wine, chosen from the new menu.
  await expect(chat.getByTestId("customer-message").last()).toContainText("Change");
  await live(/^Glass of Côtes-du-Rhône/).click();
  await expect(chat.getByTestId("customer-message").last()).toContainText(
    "Glass of Côtes-du-Rhône",
  );
  await expect(
    chat.getByTestId("bot-message").last().filter({ hasText: "Your cart:" }),
  ).toContainText("€6.50");
  await live("Done, go to payment").click();
  const second = chat.getByTestId("bot-message").filter({ hasText: "Total: €6.50" }).last();
  await expect(second).toBeVisible();
  await expect(second).toContainText("1 × Glass of Côtes-du-Rhône — €6.50");
  await expect(second).not.toContainText("Tarte Tatin");
  await live("Confirm").click();
  await payOnSandbox(chat, customer, /6[.,]50/);
  await customer.close();
});
