import { expect, test, type Browser, type Page } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";

// A customer on the demo's (test-mode) menu flow asks for a person; a support agent finds the
// chat in the Inbox, takes it over, replies, sends a payment request that the customer pays on
// the Sandbox page, sees it paid without reloading, and hands the chat back to the bot.

const FLOW_NAME = "Order and pay — Menu du jour";

async function chatLinkOf(page: Page): Promise<string> {
  await page.goto("/flows");
  await page.getByRole("link", { name: FLOW_NAME }).first().click();
  const href = await page.getByTestId("hosted-chat-link").getAttribute("href");
  expect(href).toMatch(/\/chat\/[A-Za-z0-9_-]+$/);
  return new URL(href!).pathname;
}

/** A customer opens the hosted chat in English and asks for a person; the bot says one is coming. */
async function customerAsksForAPerson(browser: Browser, chatPath: string, words: string) {
  const customer = await browser.newContext({ locale: "en-GB" });
  const chat = await customer.newPage();
  await chat.goto(`${chatPath}?lang=en`);
  await expect(chat.getByTestId("bot-message").first()).toContainText("today's take-away menu");
  const composer = chat.getByRole("textbox").last();
  await composer.fill(words);
  await composer.press("Enter");
  await expect(
    chat.getByTestId("bot-message").filter({ hasText: "someone from the Lumière team" }),
  ).toBeVisible();
  return { customer, chat, composer };
}

test("a support agent takes over a chat, takes a payment in it and hands it back", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await signIn(page, ROLE_LOGINS.support);
  await setTestDataView(page, true);
  const chatPath = await chatLinkOf(page);

  const { customer, chat, composer } = await customerAsksForAPerson(
    browser,
    chatPath,
    "Can I talk to a person please?",
  );

  // The Inbox lists it as waiting, with the channel, language and how long it has waited.
  await page.goto("/inbox");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Inbox");
  const row = page.getByTestId("inbox-row").first();
  await expect(row).toContainText("Waiting for a person");
  await expect(row).toContainText("Web chat");
  await expect(row).toContainText("English");
  await expect(row.getByTestId("waited-for")).toHaveText(/\d+ s|\d+ min/);
  await row.getByRole("link", { name: FLOW_NAME }).click();
  await expect(page).toHaveURL(/\/conversations\/cnv_/);

  const panel = page.getByTestId("agent-panel");
  await expect(panel.getByTestId("agent-holder")).toContainText("Waiting for a person");
  await panel.getByRole("button", { name: "Take over" }).click();
  await expect(panel.getByTestId("agent-holder")).toContainText("You hold this chat");
  await expect(
    chat.getByTestId("bot-message").filter({ hasText: "has joined the conversation" }),
  ).toBeVisible({ timeout: 15_000 });

  // A reply from the console reaches the customer; the customer's answer arrives live.
  await panel.getByLabel("Reply on Web chat").fill("Hello, this is Sam from Lumière.");
  await panel.getByRole("button", { name: "Send reply" }).click();
  await expect(panel.getByRole("status").first()).toHaveText("Sent");
  await expect(
    chat.getByTestId("bot-message").filter({ hasText: "Hello, this is Sam from Lumière." }),
  ).toBeVisible({ timeout: 15_000 });
  await composer.fill("I'd like to pay a deposit for a cake");
  await composer.press("Enter");
  await expect(
    page.getByTestId("transcript-customer").filter({ hasText: "deposit for a cake" }),
  ).toBeVisible({ timeout: 15_000 });

  // A payment request: the customer gets the link in the chat.
  await panel.getByLabel("Amount (EUR)").fill("12.50");
  await panel.getByLabel("Description").fill("Cake deposit");
  await panel.getByRole("button", { name: "Send payment request" }).click();
  await expect(panel.getByText("Payment request sent")).toBeVisible({ timeout: 15_000 });
  const payLink = chat.getByTestId("payment-link");
  await expect(payLink).toBeVisible({ timeout: 15_000 });
  await expect(payLink).toContainText(/12\.50/);
  const payments = page.getByRole("list", { name: "Payments" });
  await expect(payments).toContainText("€12.50");

  const [checkout] = await Promise.all([customer.waitForEvent("page"), payLink.click()]);
  await checkout.waitForLoadState();
  await expect(checkout.getByRole("heading", { level: 1 })).toHaveText(/12[.,]50/);
  await checkout.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(checkout.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  // The same link a second time: already paid, it cannot be paid again.
  await checkout.reload();
  await expect(checkout.getByText("This payment is already complete")).toBeVisible();
  await checkout.close();

  // The agent sees it paid without reloading; the customer gets the receipt, once, in both.
  await expect(payments.getByText("Succeeded")).toBeVisible({ timeout: 30_000 });
  await expect(chat.getByTestId("receipt")).toHaveCount(1, { timeout: 30_000 });
  await expect(chat.getByTestId("receipt")).toContainText(/12[.,]50/);
  await expect(page.getByTestId("transcript-receipt")).toHaveCount(1, { timeout: 15_000 });

  // Hand back at the menu: the bot speaks again.
  await panel.getByLabel("Hand back to the bot at").selectOption("catalogue");
  await panel.getByRole("button", { name: "Hand back to the bot" }).click();
  await expect(panel.getByTestId("agent-holder")).toContainText("The bot is answering");
  await expect(
    chat.getByTestId("bot-message").filter({ hasText: "today's take-away menu" }),
  ).toHaveCount(2, { timeout: 15_000 });
  await customer.close();

  // The Inbox no longer lists it.
  await page.goto("/inbox");
  await expect(
    page.locator(`[data-conversation-id]`).filter({ hasText: "You hold it" }),
  ).toHaveCount(0);
});

test("an admin reassigns a chat support holds to themselves; support's page shows the new holder live", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  await signIn(page, ROLE_LOGINS.support);
  await setTestDataView(page, true);
  const chatPath = await chatLinkOf(page);
  const { customer } = await customerAsksForAPerson(browser, chatPath, "A person please");
  await page.goto("/inbox");
  await page.getByTestId("inbox-row").first().getByRole("link", { name: FLOW_NAME }).click();
  await expect(page).toHaveURL(/\/conversations\/cnv_/);
  const panel = page.getByTestId("agent-panel");
  await panel.getByRole("button", { name: "Take over" }).click();
  await expect(panel.getByTestId("agent-holder")).toContainText("You hold this chat");
  // Support holds it and may not move it.
  await expect(panel.getByLabel("Reassign to")).toHaveCount(0);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, ROLE_LOGINS.admin);
  await setTestDataView(admin, true);
  await admin.goto(page.url());
  const adminPanel = admin.getByTestId("agent-panel");
  await expect(adminPanel.getByTestId("agent-holder")).toContainText("Held by");
  // Held by someone else: no "Take over" (the server would refuse it), a reassignment instead.
  await expect(adminPanel.getByRole("button", { name: "Take over" })).toHaveCount(0);
  const select = adminPanel.getByLabel("Reassign to");
  const me = await select.locator("option", { hasText: /^Me \(/ }).getAttribute("value");
  expect(me).toBeTruthy();
  await select.selectOption(me ?? "");
  await select.focus();
  // From the select, the keyboard reaches the button and presses it.
  await admin.keyboard.press("Tab");
  const reassign = adminPanel.getByRole("button", { name: "Reassign" });
  await expect(reassign).toBeFocused();
  await admin.keyboard.press("Enter");
  await expect(adminPanel.getByTestId("agent-holder")).toContainText("You hold this chat");
  await expect(adminPanel.getByLabel("Reply on Web chat")).toBeVisible();

  // The previous holder is told without reloading: someone else holds it, no reply box.
  await expect(panel.getByTestId("agent-holder")).toContainText("Held by", { timeout: 15_000 });
  await expect(panel.getByLabel("Reply on Web chat")).toHaveCount(0);
  await expect(panel.getByRole("button", { name: "Take over" })).toHaveCount(0);
  await expect(panel).toContainText("Only an owner or admin can move this chat");
  await adminContext.close();
  await customer.close();
});

test("an analyst sees the Inbox but cannot take a chat", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.analyst);
  const response = await page.goto("/inbox");
  expect(response?.ok()).toBe(true);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Inbox");
  await expect(page.getByRole("button", { name: "Take over" })).toHaveCount(0);
});
