import { expect, type Page, test } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";

// The whole product in one story: the owner designs a flow from the "Order and pay" template,
// changes its French catalogue and order summary, publishes it; a customer orders in French on
// the hosted chat page and pays on the Sandbox page; the owner then finds the payment and,
// from it, the conversation with its transcript.

const inspector = (page: Page) => page.getByRole("region", { name: "Inspector" });

const PRODUCT_FR = "Café de Colombie (250 g)";
const PRICE_INPUT = "9.40";
const SUMMARY_FR = "Votre commande du jour : {{cart}}. À régler : {{total}}.";
// The cart below is two of the edited product: 2 × 9.40 €.
const TOTAL_FR = /18,80\s€/;
const TOTAL_EN = "€18.80";

test("owner designs and publishes a flow, a customer pays in French, the owner sees payment and conversation", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await signIn(page, ROLE_LOGINS.owner);

  // Design: a new flow from the template, created by clicking.
  const name = `Journey ${Date.now().toString(36)}`;
  await page.goto("/flows");
  await page.getByRole("button", { name: "New flow" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New flow" });
  await dialog.getByText("Order and pay", { exact: true }).click();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(/\/flows\/flow_/);
  await expect(page.getByTestId("flow-name")).toHaveText(name);

  // The catalogue's first product: a French name and a new price.
  await page.getByTestId("flow-node-catalogue").click();
  await expect(inspector(page).getByRole("heading", { name: "catalogue" })).toBeVisible();
  await inspector(page).getByRole("tab", { name: "FR" }).click();
  await inspector(page).getByLabel("Product 1 name (FR)").fill(PRODUCT_FR);
  await inspector(page).getByLabel("Product 1 price").fill(PRICE_INPUT);
  await expect(inspector(page).getByLabel("Product 1 price")).toHaveValue(PRICE_INPUT);

  // The order confirmation's French lead line.
  await page.getByTestId("flow-node-confirm").click();
  await expect(inspector(page).getByRole("heading", { name: "confirm" })).toBeVisible();
  await inspector(page).getByRole("tab", { name: "FR" }).click();
  await inspector(page).getByLabel("Lead line (FR)").fill(SUMMARY_FR);
  await expect(page.getByTestId("flow-node-confirm")).toContainText("À régler");
  await expect(page.getByTestId("save-status")).toHaveText("Saved");
  await expect(page.getByTestId("error-count")).toHaveText("No errors");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const publish = page.getByRole("dialog", { name: "Publish version 1" });
  // The demo's live connections have fake keys: the customer below pays on Sandbox, so the
  // flow goes out in test mode (issue 15: a live flow never reaches the Sandbox page).
  await publish.getByRole("radio", { name: /Test mode/ }).check();
  await publish.getByRole("button", { name: "Publish version 1" }).click();
  await expect(page.getByText("Live: version 1")).toBeVisible();
  const flowUrl = page.url();

  // The hosted chat link, as the flow's page shows it (with no step selected).
  await page.reload();
  const link = page.getByTestId("hosted-chat-link");
  await expect(link).toBeVisible();
  const chatPath = new URL((await link.getAttribute("href"))!).pathname;
  expect(chatPath).toMatch(/^\/chat\/[A-Za-z0-9_-]+$/);

  // The customer: no Parley session.
  const customer = await browser.newContext({ locale: "fr-FR" });
  const chat = await customer.newPage();
  await chat.goto(`${chatPath}?lang=fr`);
  await expect(chat.getByTestId("chat-title")).toHaveText(name);
  await expect(chat.getByTestId("bot-message").first()).toContainText(
    "Que souhaitez-vous commander",
  );
  await expect(chat.getByRole("button", { name: `${PRODUCT_FR} — 9,40` })).toBeVisible();

  await chat.getByLabel("Écrivez votre message…").fill("1 x2");
  await chat.getByRole("button", { name: "Envoyer" }).click();
  await expect(chat.getByTestId("customer-message").last()).toContainText("1 x2");
  await expect(
    chat.getByTestId("bot-message").filter({ hasText: "Votre panier" }).last(),
  ).toContainText(PRODUCT_FR);
  await chat.getByRole("button", { name: "Terminé, passer au paiement" }).last().click();

  const summary = chat.getByTestId("bot-message").filter({ hasText: "Votre commande du jour" });
  await expect(summary).toBeVisible();
  await expect(summary).toContainText(PRODUCT_FR);
  await expect(summary).toContainText(TOTAL_FR);
  await chat.getByRole("button", { name: "Confirmer", exact: true }).last().click();
  await expect(chat.getByText("Comment souhaitez-vous payer ?")).toBeVisible();
  await chat.getByRole("button", { name: "Carte bancaire", exact: true }).click();

  const payLink = chat.getByTestId("payment-link");
  await expect(payLink).toBeVisible({ timeout: 15_000 });
  await expect(payLink).toContainText(TOTAL_FR);
  expect(await payLink.getAttribute("href")).toMatch(/\/pay\/sandbox\/sbxcs_/);

  const [checkout] = await Promise.all([customer.waitForEvent("page"), payLink.click()]);
  await checkout.waitForLoadState();
  await expect(checkout.getByRole("heading", { level: 1 })).toHaveText(/18[.,]80/);
  await checkout.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(checkout.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await checkout.close();

  const receipt = chat.getByTestId("receipt");
  await expect(receipt).toBeVisible({ timeout: 30_000 });
  await expect(receipt).toContainText("Payé");
  await expect(receipt).toContainText(TOTAL_FR);
  await expect(chat.getByTestId("conversation-ended")).toBeVisible();
  const reference = (await receipt.locator("dd").last().textContent())?.trim() ?? "";
  expect(reference).toMatch(/^pay_/);
  await customer.close();

  // The owner: Transactions lists the payment as Succeeded for the cart total.
  await page.goto("/transactions");
  // It paid through Sandbox, so it is a test payment: listed with the test-data switch on.
  await setTestDataView(page, true);
  const row = page
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: `Payment ${reference}, ${TOTAL_EN}` }) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Succeeded");
  await expect(row).toContainText(TOTAL_EN);
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/transactions/${reference}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(TOTAL_EN);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded");

  // From the payment to its conversation.
  await page.getByTestId("payment-conversation-link").click();
  await expect(page).toHaveURL(/\/conversations\/cnv_/);
  await expect(page.getByRole("heading", { level: 1, name: "Conversation" })).toBeVisible();
  await expect(page.getByTestId("conversation-status")).toHaveText("Completed");
  await expect(page.getByTestId("conversation-flow")).toContainText(name);
  await expect(page.getByTestId("conversation-flow")).toContainText("version 1");
  await expect(page.getByTestId("transcript-customer").first()).toContainText("1 x2");
  await expect(
    page.getByTestId("transcript-bot").filter({ hasText: "Votre commande du jour" }),
  ).toContainText(TOTAL_FR);
  const transcriptReceipt = page.getByTestId("transcript-receipt");
  await expect(transcriptReceipt).toContainText(reference);
  await expect(transcriptReceipt).toContainText(TOTAL_EN);
  await expect(page.getByRole("list", { name: "Payments" })).toContainText("Succeeded");
  await expect(page.getByRole("list", { name: "Steps" })).toContainText("Payment succeeded");

  // The flow's page leads to the same conversation.
  await page.goto(flowUrl);
  await page.getByRole("link", { name: "Recent conversations →" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Conversations · ${name}`);
  const rows = page.getByTestId("conversation-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Completed");
  await expect(rows.first()).toContainText(TOTAL_EN);
  await expect(rows.first()).toContainText("French");
});

test("analysts cannot open conversations; an unknown conversation id is not found", async ({
  page,
  browser,
}) => {
  await signIn(page, ROLE_LOGINS.analyst);
  await page.goto("/conversations");
  await expect(page).toHaveURL(/\/forbidden$/);

  const support = await (await browser.newContext()).newPage();
  await signIn(support, ROLE_LOGINS.support);
  await support.goto("/conversations");
  await expect(support.getByRole("heading", { level: 1 })).toHaveText("Conversations");
  await support.goto("/conversations/cnv_doesNotExist0000000000");
  await expect(support.getByRole("heading", { name: "Conversation not found" })).toBeVisible();
  await support.context().close();
});
