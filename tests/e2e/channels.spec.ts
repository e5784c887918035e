import { expect, type Page, test } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";

// Connecting the demo's "Pay an invoice" flow (offered on web, WhatsApp and Slack) to a Telegram
// bot from its page; then what support sees. The two tests share the server's database: serial.

const FLOW_NAME = "Pay an invoice";
const BOT_TOKEN = "123456:AAE_e2eTelegramTokenForParley";

const channelsPanel = (page: Page) => page.getByRole("region", { name: "Chat channels" });

async function openFlow(page: Page): Promise<void> {
  await page.goto("/flows");
  await page.getByRole("link", { name: FLOW_NAME, exact: true }).first().click();
  await expect(page.getByTestId("flow-name")).toHaveText(FLOW_NAME);
}

/** An update from another bot: verified, then ignored, so nothing is sent to Telegram. */
const botUpdate = (updateId: number) =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: 42, is_bot: true },
      chat: { id: 42 },
      date: 1740830400,
      text: "ping",
    },
  });

test.describe.serial("chat channels on the flow page", () => {
  test("owner connects a Telegram bot, fixing an empty bot token, and gets the webhook URL", async ({
    page,
    baseURL,
  }) => {
    await signIn(page, ROLE_LOGINS.owner);
    await openFlow(page);
    const panel = channelsPanel(page);
    await expect(
      panel.getByText(
        "Connect Telegram, Messenger, WhatsApp or Slack so customers can pay in those chats.",
      ),
    ).toBeVisible();
    const settings = page.getByRole("region", { name: "Flow settings" });
    await expect(settings.getByRole("checkbox", { name: "Telegram" })).not.toBeChecked();

    await panel.getByRole("button", { name: "Add channel" }).click();
    const form = panel.getByRole("form", { name: "Add channel" });
    await expect(form.getByLabel("Platform")).toBeFocused();
    await expect(form.getByLabel("Platform")).toHaveValue("telegram");
    await expect(form).toContainText("This flow does not offer Telegram yet");

    const secretInput = form.getByLabel("Secret token", { exact: true });
    await expect(secretInput).toHaveAttribute("type", "password");
    await form.getByRole("button", { name: "Generate a secret token" }).click();
    await expect(secretInput).toHaveValue(/^[A-Za-z0-9_-]{32}$/);
    const secret = await secretInput.inputValue();

    // The bot token is left empty: the error shows beside it and focus moves there.
    await form.getByRole("button", { name: "Connect Telegram" }).click();
    const botTokenInput = form.getByLabel("Bot token", { exact: true });
    await expect(form.getByText("Enter the bot token.")).toBeVisible();
    await expect(botTokenInput).toHaveAttribute("aria-invalid", "true");
    await expect(botTokenInput).toBeFocused();
    await expect(botTokenInput).toHaveAttribute("type", "password");

    await botTokenInput.fill(BOT_TOKEN);
    await form.getByLabel("Label (optional)").fill("Invoice bot");
    await form.getByRole("button", { name: "Connect Telegram" }).click();

    const connected = panel.getByTestId("channel-connected");
    await expect(connected).toContainText("Telegram connected: Invoice bot");
    const webhook = connected.getByTestId("connected-webhook-url");
    await expect(webhook).toHaveText(new RegExp(`^${baseURL}/api/channels/chn_[A-Za-z0-9]+$`));
    const webhookUrl = (await webhook.textContent())!;
    await expect(connected).toContainText(
      "Next: Call setWebhook with this URL and your secret token.",
    );
    await expect(connected).toContainText("Telegram is now ticked");
    await expect(settings.getByRole("checkbox", { name: "Telegram" })).toBeChecked();

    const item = panel.getByRole("listitem", { name: "Telegram: Invoice bot" });
    await expect(item.getByText("Enabled", { exact: true })).toBeVisible();
    await expect(item).toContainText("…rley");
    await expect(item).not.toContainText(BOT_TOKEN);
    await expect(item).not.toContainText(secret);
    await expect(item).toContainText(webhookUrl);

    // The URL works with the secret token Telegram will send, and refuses any other.
    const signed = { "x-telegram-bot-api-secret-token": secret };
    const accepted = await page.request.post(webhookUrl, { data: botUpdate(1), headers: signed });
    expect(accepted.status()).toBe(200);
    const forged = await page.request.post(webhookUrl, {
      data: botUpdate(2),
      headers: { "x-telegram-bot-api-secret-token": "guessed" },
    });
    expect(forged.status()).toBe(401);

    // Disabled, the platform's deliveries are answered 404; enabled again, they are accepted.
    await item.getByRole("button", { name: "Disable" }).click();
    await expect(item.getByText("Disabled", { exact: true })).toBeVisible();
    expect(
      (await page.request.post(webhookUrl, { data: botUpdate(3), headers: signed })).status(),
    ).toBe(404);
    await item.getByRole("button", { name: "Enable" }).click();
    await expect(item.getByText("Enabled", { exact: true })).toBeVisible();
    expect(
      (await page.request.post(webhookUrl, { data: botUpdate(4), headers: signed })).status(),
    ).toBe(200);

    // Replacing only the secret token: the bot token field is left blank and kept.
    await item.getByRole("button", { name: "Replace credentials" }).click();
    const rotate = item.getByRole("form", { name: "Replace credentials" });
    await expect(rotate.getByLabel("Bot token", { exact: true })).toBeFocused();
    await rotate.getByRole("button", { name: "Generate a secret token" }).click();
    const newSecret = await rotate.getByLabel("Secret token", { exact: true }).inputValue();
    expect(newSecret).not.toBe(secret);
    await rotate.getByRole("button", { name: "Save new credentials" }).click();
    await expect(item.getByRole("status")).toContainText("Replaced: Secret token.");
    await expect(item).toContainText(`…${newSecret.slice(-4)}`);
    const oldSecret = await page.request.post(webhookUrl, { data: botUpdate(5), headers: signed });
    expect(oldSecret.status()).toBe(401);
    const rotated = await page.request.post(webhookUrl, {
      data: botUpdate(6),
      headers: { "x-telegram-bot-api-secret-token": newSecret },
    });
    expect(rotated.status()).toBe(200);

    // After a reload the list still shows the channel, masked.
    await page.reload();
    await expect(
      channelsPanel(page).getByRole("listitem", { name: "Telegram: Invoice bot" }),
    ).toContainText("…rley");
  });

  test("support sees the connected channels but cannot add or change them", async ({ page }) => {
    await signIn(page, ROLE_LOGINS.support);
    await openFlow(page);
    const panel = channelsPanel(page);
    const item = panel.getByRole("listitem", { name: "Telegram: Invoice bot" });
    await expect(item).toBeVisible();
    await expect(item).toContainText("/api/channels/chn_");
    await expect(item).toContainText("…rley");
    await expect(panel).toContainText("Only owners and admins can connect or change channels.");
    await expect(panel.getByRole("button", { name: "Add channel" })).toHaveCount(0);
    await expect(item.getByRole("button", { name: "Disable" })).toHaveCount(0);
    await expect(item.getByRole("button", { name: "Replace credentials" })).toHaveCount(0);
  });
});
