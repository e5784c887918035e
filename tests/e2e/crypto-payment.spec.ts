import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { type FakeCoinbase, startFakeCoinbase } from "../fakes/coinbase-server";
import { ROLE_LOGINS, signIn } from "./fixtures";
import { uniqueLabel } from "./fixtures-connections";

// A merchant connects Coinbase Commerce (test mode, against the local fake), a customer in the
// web chat of the published "Menu du jour" flow picks crypto, pays on the fake hosted charge
// page, the bot sends the receipt, and the merchant sees the payment as paid in crypto.

const FLOW_NAME = "Order and pay — Menu du jour";

let fake: FakeCoinbase;
test.beforeAll(async () => {
  fake = await startFakeCoinbase({ apiKey: "cc_e2e_api_key", webhookSecret: "cc_e2e_shared" });
});
test.afterAll(async () => {
  await fake?.close();
});

/** Serious or critical axe violations, and whether the page fits a 390 px phone. */
async function checkAccessible(page: Page, name: string): Promise<void> {
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(viewport);
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect
      .soft(
        serious.map((v) => `${v.id}: ${v.help}`),
        `${name} at ${viewport.width}`,
      )
      .toEqual([]);
    const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
    expect.soft(width, `${name} fits ${viewport.width} px`).toBeLessThanOrEqual(viewport.width + 1);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function chatLinkOf(page: Page, flowName: string): Promise<string> {
  await page.goto("/flows");
  await page.getByRole("link", { name: flowName }).first().click();
  const href = await page.getByTestId("hosted-chat-link").getAttribute("href");
  expect(href).toMatch(/\/chat\/[A-Za-z0-9_-]+$/);
  return new URL(href!).pathname;
}

test("a customer pays in crypto through Coinbase Commerce and the merchant sees it paid", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(150_000);
  await signIn(page, ROLE_LOGINS.owner);

  // The merchant connects Coinbase Commerce with its API key and webhook shared secret.
  await page.goto("/connections/new");
  await page.getByRole("radio", { name: /^Coinbase Commerce/ }).check();
  const label = uniqueLabel("Coinbase e2e");
  await page.getByLabel("Label", { exact: true }).fill(label);
  await page.getByLabel("Mode", { exact: true }).selectOption("test");
  const apiKey = page.getByLabel("API key", { exact: true });
  await expect(apiKey).toHaveAttribute("type", "password");
  await apiKey.fill(fake.apiKey);
  await page.getByLabel("Webhook shared secret", { exact: true }).fill(fake.webhookSecret);
  await page.getByText("Advanced: API base URL").click();
  await page.getByLabel("API base URL", { exact: true }).fill(fake.url);
  await page.getByRole("button", { name: "Add connection" }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
  const connectionPath = new URL(page.url()).pathname;
  const connectionId = connectionPath.split("/").pop()!;
  // Secrets are never shown back: only masked hints.
  await expect(page.getByText(fake.webhookSecret)).toHaveCount(0);
  await expect(page.getByTestId("crypto-note")).toContainText("BTC, ETH, USDC");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status", { name: "Connection test result" })).toContainText("OK");
  const webhookUrl = await page.getByRole("textbox", { name: "Webhook URL" }).inputValue();
  expect(webhookUrl).toBe(`${baseURL}/api/webhooks/${connectionId}`);
  // What the merchant pastes into Coinbase's Settings → Notifications.
  fake.setWebhookUrl(webhookUrl);

  try {
    const chatPath = await chatLinkOf(page, FLOW_NAME);
    const customer = await browser.newContext({ locale: "en-GB" });
    const chat = await customer.newPage();
    await chat.goto(`${chatPath}?lang=fr`);
    await expect(chat.getByTestId("bot-message").first()).toContainText("Voici le menu du jour");
    await chat.getByRole("button", { name: /^Tarte Tatin/ }).click();
    await chat.getByRole("button", { name: "Terminé, passer au paiement" }).click();
    // The customer confirms the order before choosing how to pay (the confirm step).
    await expect(chat.getByText("Vérifiez votre commande avant de payer :")).toBeVisible();
    await chat.getByRole("button", { name: "Confirmer", exact: true }).click();
    await expect(chat.getByText("Comment souhaitez-vous payer ?")).toBeVisible();
    await chat.getByRole("button", { name: "Cryptomonnaie (BTC, ETH, USDC)" }).click();

    // The link in the chat is the hosted charge page of Coinbase Commerce (here, the fake).
    const payLink = chat.getByTestId("payment-link");
    await expect(payLink).toBeVisible({ timeout: 15_000 });
    expect(await payLink.getAttribute("href")).toMatch(new RegExp(`^${fake.url}/pay/[A-Z0-9]+$`));
    const [charge] = await Promise.all([customer.waitForEvent("page"), payLink.click()]);
    await charge.waitForLoadState();
    await expect(charge.getByRole("heading", { level: 1 })).toHaveText("7.50 EUR");
    await charge.getByLabel("Asset").selectOption("BTC");
    await charge.getByRole("button", { name: "Pay exactly" }).click();
    await expect(charge.getByTestId("charge-status")).toContainText("COMPLETED");
    await charge.close();

    // The signed webhooks reach the pipeline, and the bot sends the receipt.
    const receipt = chat.getByTestId("receipt");
    await expect(receipt).toBeVisible({ timeout: 30_000 });
    await expect(receipt).toContainText("Payé");
    const reference = (await receipt.locator("dd").last().textContent())?.trim() ?? "";
    expect(reference).toMatch(/^pay_/);
    await customer.close();

    // The merchant sees it paid, in crypto, with what arrived on chain.
    await page.goto(`/transactions/${reference}`);
    await expect(page.getByTestId("payment-status")).toContainText("Succeeded", {
      timeout: 15_000,
    });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("€7.50");
    await expect(page.getByTestId("crypto-state")).toHaveText("Confirmed");
    await expect(page.getByTestId("crypto-received")).toContainText("€7.50 of €7.50");
    await expect(page.getByTestId("crypto-panel")).toContainText("BTC");
    // No refund API: the console records refunds instead of sending them.
    await expect(page.getByTestId("manual-refund-form")).toContainText("has no refund API");
    await checkAccessible(page, "crypto payment page");
    await page.goto(connectionPath);
    await checkAccessible(page, "Coinbase connection page");
  } finally {
    // Other specs pay this flow by card on the Sandbox: take crypto out of their menu again.
    await page.goto(connectionPath);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
  }
});
