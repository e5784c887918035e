import { expect, type Page, test } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";

// The customer journey on the demo's published "Order and pay — Menu du jour" flow: order in
// French on the hosted chat page, pay on the Sandbox page, come back to the French receipt;
// then the owner finds the payment as Succeeded.

const FLOW_NAME = "Order and pay — Menu du jour";

/** The flow's hosted chat link, as the owner finds it on the flow's page. */
async function chatLinkOf(page: Page, flowName: string): Promise<string> {
  await page.goto("/flows");
  await page.getByRole("link", { name: flowName }).first().click();
  const link = page.getByTestId("hosted-chat-link");
  await expect(link, "the flow's page shows its hosted chat link").toBeVisible();
  const href = await link.getAttribute("href");
  expect(href).toMatch(/\/chat\/[A-Za-z0-9_-]+$/);
  return new URL(href!).pathname;
}

test("a customer orders in French, pays on the Sandbox page and gets the French receipt", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await signIn(page, ROLE_LOGINS.owner);
  const chatPath = await chatLinkOf(page, FLOW_NAME);

  // The customer has no Parley session: the chat page is public.
  const customer = await browser.newContext({ locale: "en-GB" });
  const chat = await customer.newPage();
  await chat.goto(`${chatPath}?lang=fr`);
  await expect(chat.getByTestId("chat-title")).toHaveText(FLOW_NAME);
  await expect(chat.getByTestId("bot-message").first()).toContainText("Voici le menu du jour");

  await chat.getByRole("button", { name: /^Tarte Tatin/ }).click();
  await expect(chat.getByTestId("customer-message").last()).toContainText("Tarte Tatin");
  await chat.getByRole("button", { name: "Terminé, passer au paiement" }).click();
  await expect(chat.getByText("Vérifiez votre commande avant de payer :")).toBeVisible();
  await chat.getByRole("button", { name: "Confirmer", exact: true }).click();
  await expect(chat.getByText("Comment souhaitez-vous payer ?")).toBeVisible();
  await chat.getByRole("button", { name: "Carte bancaire", exact: true }).click();

  const payLink = chat.getByTestId("payment-link");
  await expect(payLink).toBeVisible({ timeout: 15_000 });
  await expect(payLink).toContainText(/Payer 7,50/);
  expect(await payLink.getAttribute("href")).toMatch(/\/pay\/sandbox\/sbxcs_/);

  // The link opens the Sandbox page in a new tab, as a customer's would.
  const [checkout] = await Promise.all([customer.waitForEvent("page"), payLink.click()]);
  await checkout.waitForLoadState();
  await expect(checkout.getByRole("heading", { level: 1 })).toHaveText(/7[.,]50/);
  await checkout.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(checkout.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await checkout.close();

  // Back in the chat: the payment's outcome comes through the pipeline to the conversation.
  const receipt = chat.getByTestId("receipt");
  await expect(receipt).toBeVisible({ timeout: 30_000 });
  await expect(receipt).toContainText("Payé");
  await expect(
    chat.getByTestId("bot-message").filter({ hasText: "Merci pour votre commande" }),
  ).toBeVisible();
  await expect(chat.getByTestId("conversation-ended")).toContainText(
    "Cette conversation est terminée.",
  );
  const reference = (await receipt.locator("dd").last().textContent())?.trim() ?? "";
  expect(reference).toMatch(/^pay_/);

  // A reload continues the same conversation (kept in the browser's storage).
  await chat.reload();
  await expect(chat.getByTestId("receipt")).toBeVisible();
  await customer.close();

  // The owner sees the payment as Succeeded.
  await page.goto(`/transactions/${reference}`);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded", { timeout: 15_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("€7.50");
});

test("an unknown chat key shows a clear not-found page", async ({ page }) => {
  await page.goto("/chat/fpk_doesNotExist123");
  await expect(page.getByTestId("chat-not-found")).toContainText("This chat isn't available");
});

test("the widget script adds a bubble that opens the hosted chat page in a frame", async ({
  page,
  baseURL,
}) => {
  const script = await page.request.get("/widget.js");
  expect(script.headers()["content-type"]).toContain("application/javascript");

  // Any merchant site: the snippet is all it needs.
  await page.setContent(
    `<html><body><h1>Bistro site</h1><script src="${baseURL}/widget.js" data-flow="fpk_notARealKey42" data-lang="fr"></script></body></html>`,
  );
  const bubble = page.getByRole("button", { name: "Chat" });
  await expect(bubble).toHaveAttribute("aria-expanded", "false");
  await bubble.click();
  await expect(bubble).toHaveAttribute("aria-expanded", "true");
  const frame = page.locator("iframe[title='Chat']");
  await expect(frame).toHaveAttribute("src", `${baseURL}/chat/fpk_notARealKey42?embed=1&lang=fr`);
  await expect(
    page.frameLocator("iframe[title='Chat']").getByTestId("chat-not-found"),
  ).toBeVisible();
});
