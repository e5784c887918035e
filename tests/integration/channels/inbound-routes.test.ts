import { GET, POST } from "@/app/api/channels/[channelId]/route";
import { setDbHandle, type Db, type DbHandle } from "@/db/client";
import {
  auditLog,
  channels,
  conversationMessages,
  conversations,
  flows,
  memberships,
  payments,
  users,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { createChannel } from "@/lib/channels/records";
import { resetEnvCache } from "@/lib/env";
import { API_BASE_URL_NOT_PUBLIC } from "@/lib/http/outbound-url";
import { newId } from "@/lib/ids";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signMetaBody, startFakeMeta, type FakeMeta } from "../../fakes/meta-server";
import { signSlackRequest, startFakeSlack, type FakeSlack } from "../../fakes/slack-server";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram-server";
import {
  inboundCount,
  insertShop,
  useTestMasterKey,
  type ShopFixture,
} from "../conversations.fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

const TELEGRAM = {
  botToken: "123456:AAE_fakeTelegramTokenForParley",
  secretToken: "parley-secret_42",
};
const MESSENGER = {
  pageAccessToken: "EAAGm0PX4ZCpsBAFakePageToken",
  appSecret: "messenger-app-secret",
  verifyToken: "parley-verify-42",
};
const WHATSAPP = {
  accessToken: "EAAJwhatsappSystemUserToken",
  appSecret: "wa-app-secret-77",
  verifyToken: "parley-wa-verify",
  phoneNumberId: "106540352242922",
};
const SLACK = {
  botToken: "xoxb-1234-5678-fakeSlackBot",
  signingSecret: "slack-signing-secret-8f3",
};

function call(
  handler: typeof POST,
  channelId: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; query?: string },
) {
  const url = `http://localhost:3999/api/channels/${channelId}${init.query ?? ""}`;
  const request = new Request(url, {
    method: init.method ?? "POST",
    body: init.body,
    headers: init.headers,
  });
  return handler(request, { params: Promise.resolve({ channelId }) });
}

describe.each(ENGINES)("channel webhook routes on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let shop: ShopFixture;
  let ctx: ServiceContext;
  let telegram: FakeTelegram;
  let meta: FakeMeta;
  let slack: FakeSlack;
  const ids = { telegram: "", messenger: "", whatsapp: "", slack: "" };

  beforeAll(async () => {
    useTestMasterKey();
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    shop = await insertShop(db);
    const userId = newId("user");
    await db.insert(users).values({
      id: userId,
      email: `owner.${userId.slice(-6)}@example.test`,
      name: "Owner",
      passwordHash: "x",
    });
    await db.insert(memberships).values({ merchantId: shop.merchantId, userId, role: "owner" });
    ctx = {
      db,
      merchantId: shop.merchantId,
      role: "owner",
      user: { id: userId, email: "owner@example.test", name: "Owner" },
      ip: null,
      userAgent: null,
    };

    [telegram, meta, slack] = await Promise.all([
      startFakeTelegram({ botToken: TELEGRAM.botToken }),
      startFakeMeta({
        pageAccessToken: MESSENGER.pageAccessToken,
        whatsappAccessToken: WHATSAPP.accessToken,
        phoneNumberId: WHATSAPP.phoneNumberId,
      }),
      startFakeSlack({ botToken: SLACK.botToken }),
    ]);
    ids.telegram = (
      await createChannel(ctx, shop.flowId, "telegram", TELEGRAM, { apiBaseUrl: telegram.baseUrl })
    ).id;
    ids.messenger = (
      await createChannel(ctx, shop.flowId, "messenger", MESSENGER, { apiBaseUrl: meta.baseUrl })
    ).id;
    ids.whatsapp = (
      await createChannel(ctx, shop.flowId, "whatsapp", WHATSAPP, { apiBaseUrl: meta.baseUrl })
    ).id;
    ids.slack = (
      await createChannel(ctx, shop.flowId, "slack", SLACK, { apiBaseUrl: slack.baseUrl })
    ).id;
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await Promise.all([telegram?.close(), meta?.close(), slack?.close()]);
    await handle?.close();
  });

  it("stores channel settings sealed, shows only masked hints, and returns the webhook URL", async () => {
    const created = await createChannel(ctx, shop.flowId, "telegram", TELEGRAM, {
      label: "Second bot",
    });
    expect(created.webhookUrl).toBe(`http://localhost:3999/api/channels/${created.id}`);
    const [row] = await db.select().from(channels).where(eq(channels.id, created.id));
    expect(row.configEncrypted).not.toContain(TELEGRAM.botToken);
    expect(JSON.stringify(row.configHint)).not.toContain(TELEGRAM.botToken);
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, shop.merchantId), eq(auditLog.targetId, created.id)));
    expect(audits.map((a) => a.action)).toEqual(["channel.created"]);
    expect(JSON.stringify(audits[0].after)).not.toContain(TELEGRAM.secretToken);
    await expect(
      createChannel({ ...ctx, role: "support" }, shop.flowId, "telegram", TELEGRAM),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      createChannel(ctx, shop.flowId, "telegram", { botToken: "nope", secretToken: "x" }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("refuses, in production, a channel whose API base URL points at a private or metadata address, writing nothing", async () => {
    const saved = { node: process.env.NODE_ENV, allow: process.env.PARLEY_ALLOW_API_BASE_URL };
    const count = async () =>
      (await db.select().from(channels).where(eq(channels.merchantId, shop.merchantId))).length;
    const before = await count();
    try {
      (process.env as Record<string, string | undefined>).NODE_ENV = "production";
      process.env.PARLEY_ALLOW_API_BASE_URL = "1";
      resetEnvCache();
      for (const base of [
        "http://127.0.0.1:4010",
        "https://169.254.169.254/latest",
        "https://[::ffff:10.0.0.1]/",
      ]) {
        await expect(
          createChannel(ctx, shop.flowId, "telegram", TELEGRAM, { apiBaseUrl: base }),
        ).rejects.toMatchObject({
          status: 422,
          fieldErrors: { apiBaseUrl: [API_BASE_URL_NOT_PUBLIC] },
        });
        await expect(
          createChannel(ctx, shop.flowId, "telegram", { ...TELEGRAM, baseUrl: base }),
        ).rejects.toMatchObject({
          status: 422,
          fieldErrors: { baseUrl: [API_BASE_URL_NOT_PUBLIC] },
        });
      }
      expect(await count()).toBe(before);
    } finally {
      (process.env as Record<string, string | undefined>).NODE_ENV = saved.node;
      if (saved.allow === undefined) delete process.env.PARLEY_ALLOW_API_BASE_URL;
      else process.env.PARLEY_ALLOW_API_BASE_URL = saved.allow;
      resetEnvCache();
    }
  });

  describe("Telegram", () => {
    const update = (updateId: number, text: string) =>
      JSON.stringify({
        update_id: updateId,
        message: {
          message_id: updateId,
          from: { id: 777001, is_bot: false, language_code: "en" },
          chat: { id: 777001 },
          date: 1740830400,
          text,
        },
      });
    const tap = (updateId: number, data: string, label: string) =>
      JSON.stringify({
        update_id: updateId,
        callback_query: {
          id: `cb${updateId}`,
          from: { id: 777001, is_bot: false, language_code: "en" },
          message: {
            chat: { id: 777001 },
            date: 1740830400,
            reply_markup: { inline_keyboard: [[{ text: label, callback_data: data }]] },
          },
          data,
        },
      });
    const signed = {
      "x-telegram-bot-api-secret-token": TELEGRAM.secretToken,
      "content-type": "application/json",
    };

    it("refuses a forged secret token and stores nothing", async () => {
      const response = await call(POST, ids.telegram, {
        body: update(9001, "hi"),
        headers: { ...signed, "x-telegram-bot-api-secret-token": "wrong" },
      });
      expect(response.status).toBe(401);
      const missing = await call(POST, ids.telegram, {
        body: update(9002, "hi"),
        headers: { "content-type": "application/json" },
      });
      expect(missing.status).toBe(401);
      expect(await inboundCount(db, ids.telegram)).toBe(0);
      expect(telegram.sent).toHaveLength(0);
    });

    it("answers a customer, once per update, through the fake Bot API — up to the payment link", async () => {
      const first = await call(POST, ids.telegram, { body: update(1001, "hi"), headers: signed });
      expect(first.status).toBe(200);
      expect(telegram.sent).toHaveLength(1);
      expect(telegram.sent[0].chatId).toBe("777001");
      const keyboard = telegram.sent[0].replyMarkup?.inline_keyboard
        .flat()
        .map((b) => b.callback_data);
      expect(keyboard).toEqual(["COFFEE-250", "MUG", "GIFT-25"]);

      // Telegram redelivers the same update: handled once, nothing sent again.
      const again = await call(POST, ids.telegram, { body: update(1001, "hi"), headers: signed });
      expect(again.status).toBe(200);
      expect(telegram.sent).toHaveLength(1);
      expect(await inboundCount(db, ids.telegram)).toBe(1);

      await call(POST, ids.telegram, { body: tap(1002, "MUG", "Ceramic mug"), headers: signed });
      await call(POST, ids.telegram, { body: update(1003, "done"), headers: signed });
      // The order summary with Confirm / Change buttons; the Confirm button carries its digest.
      const confirmKeyboard = telegram.sent.at(-1)!.replyMarkup?.inline_keyboard.flat() ?? [];
      expect(confirmKeyboard.map((b) => b.text)).toEqual(["Confirm", "Change"]);
      const confirmValue = String(confirmKeyboard[0].callback_data);
      expect(confirmValue).toMatch(/^confirm:/);
      await call(POST, ids.telegram, {
        body: tap(1005, confirmValue, "Confirm"),
        headers: signed,
      });
      const methodKeyboard = telegram.sent
        .at(-1)!
        .replyMarkup?.inline_keyboard.flat()
        .map((b) => b.callback_data);
      // Telegram can't show wallet buttons: none are offered there.
      expect(methodKeyboard).toContain("card");
      expect(methodKeyboard).not.toContain("apple_pay");
      await call(POST, ids.telegram, { body: tap(1004, "card", "Card"), headers: signed });
      const link = telegram.sent.at(-1)!.replyMarkup?.inline_keyboard.flat()[0];
      expect(String(link?.url)).toMatch(/\/pay\/sandbox\/sbxcs_/);

      const [conversation] = await db
        .select()
        .from(conversations)
        .where(eq(conversations.channelId, ids.telegram));
      const [payment] = await db
        .select()
        .from(payments)
        .where(eq(payments.conversationId, conversation.id));
      expect(payment.checkoutUrl).toBe(link?.url);
      const outbound = await db
        .select()
        .from(conversationMessages)
        .where(
          and(
            eq(conversationMessages.conversationId, conversation.id),
            eq(conversationMessages.direction, "outbound"),
          ),
        );
      expect(
        outbound.every(
          (m) => (m.body as { delivery?: { status: string } }).delivery?.status === "sent",
        ),
      ).toBe(true);
      expect(outbound.every((m) => m.platformMessageId !== null)).toBe(true);
    });

    it("records a refused send on the message instead of failing the webhook", async () => {
      telegram.blockChat("777002");
      const body = JSON.stringify({
        update_id: 2001,
        message: {
          message_id: 1,
          from: { id: 777002, is_bot: false },
          chat: { id: 777002 },
          date: 1740830400,
          text: "hello",
        },
      });
      const response = await call(POST, ids.telegram, { body, headers: signed });
      expect(response.status).toBe(200);
      const [conversation] = await db
        .select()
        .from(conversations)
        .where(eq(conversations.externalChatId, "777002"));
      const outbound = await db
        .select()
        .from(conversationMessages)
        .where(
          and(
            eq(conversationMessages.conversationId, conversation.id),
            eq(conversationMessages.direction, "outbound"),
          ),
        );
      expect(outbound.length).toBeGreaterThan(0);
      expect(
        outbound.every(
          (m) => (m.body as { delivery?: { status: string } }).delivery?.status === "failed",
        ),
      ).toBe(true);
    });
  });

  describe("Messenger and WhatsApp (Meta)", () => {
    const messengerBody = (mid: string, text: string) =>
      JSON.stringify({
        object: "page",
        entry: [
          {
            id: "112233445566",
            time: 1740830400500,
            messaging: [
              {
                sender: { id: "6543219870123456" },
                recipient: { id: "112233445566" },
                timestamp: 1740830400123,
                message: { mid, text },
              },
            ],
          },
        ],
      });

    it("answers Meta's subscription handshake only with the verify token", async () => {
      const ok = await call(GET, ids.messenger, {
        method: "GET",
        query: `?hub.mode=subscribe&hub.verify_token=${MESSENGER.verifyToken}&hub.challenge=1158201444`,
      });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe("1158201444");
      const wrong = await call(GET, ids.messenger, {
        method: "GET",
        query: "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
      });
      expect(wrong.status).toBe(403);
    });

    it("verifies X-Hub-Signature-256 on the raw body", async () => {
      const body = messengerBody("m_forged", "hi");
      const forged = await call(POST, ids.messenger, {
        body,
        headers: { "x-hub-signature-256": signMetaBody(body, "not-the-secret") },
      });
      expect(forged.status).toBe(401);
      expect(await inboundCount(db, ids.messenger)).toBe(0);

      const valid = await call(POST, ids.messenger, {
        body: messengerBody("m_1", "bonjour"),
        headers: {
          "x-hub-signature-256": signMetaBody(messengerBody("m_1", "bonjour"), MESSENGER.appSecret),
        },
      });
      expect(valid.status).toBe(200);
      expect(meta.messenger.length).toBeGreaterThan(0);
      expect(meta.messenger[0].recipientId).toBe("6543219870123456");
      // "bonjour" switched the bot to French.
      expect(JSON.stringify(meta.messenger.at(-1)!.message)).toContain(
        "Que souhaitez-vous commander",
      );
    });

    it("handles a WhatsApp message and replies through the Cloud API", async () => {
      const body = JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "102290129340398",
            changes: [
              {
                field: "messages",
                value: {
                  messaging_product: "whatsapp",
                  metadata: {
                    display_phone_number: "15550783881",
                    phone_number_id: WHATSAPP.phoneNumberId,
                  },
                  contacts: [{ profile: { name: "Rui" }, wa_id: "351912345678" }],
                  messages: [
                    {
                      from: "351912345678",
                      id: "wamid.HBgLMzUxOTEy",
                      timestamp: "1740830400",
                      type: "text",
                      text: { body: "hello" },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const response = await call(POST, ids.whatsapp, {
        body,
        headers: { "x-hub-signature-256": signMetaBody(body, WHATSAPP.appSecret) },
      });
      expect(response.status).toBe(200);
      expect(meta.whatsapp.map((m) => m.to)).toContain("351912345678");
      const redelivered = await call(POST, ids.whatsapp, {
        body,
        headers: { "x-hub-signature-256": signMetaBody(body, WHATSAPP.appSecret) },
      });
      expect(redelivered.status).toBe(200);
      expect(await inboundCount(db, ids.whatsapp)).toBe(1);
    });
  });

  describe("Slack", () => {
    const event = (eventId: string, text: string) =>
      JSON.stringify({
        type: "event_callback",
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event: {
          type: "message",
          channel: "D024BE91L",
          user: "U2147483697",
          text,
          ts: "1740830400.000200",
          channel_type: "im",
        },
      });

    it("answers url_verification only when signed", async () => {
      const body = JSON.stringify({
        type: "url_verification",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        token: "x",
      });
      const ok = await call(POST, ids.slack, {
        body,
        headers: signSlackRequest(body, SLACK.signingSecret),
      });
      expect(await ok.text()).toBe("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
      const forged = await call(POST, ids.slack, {
        body,
        headers: signSlackRequest(body, "wrong"),
      });
      expect(forged.status).toBe(401);
    });

    it("checks the signature and the timestamp window, and handles retries once", async () => {
      const stale = event("Ev_stale", "hi");
      const old = await call(POST, ids.slack, {
        body: stale,
        headers: signSlackRequest(stale, SLACK.signingSecret, Math.floor(Date.now() / 1000) - 600),
      });
      expect(old.status).toBe(401);
      const forged = await call(POST, ids.slack, {
        body: stale,
        headers: signSlackRequest(stale, "wrong"),
      });
      expect(forged.status).toBe(401);
      expect(await inboundCount(db, ids.slack)).toBe(0);

      const body = event("Ev_1", "hi");
      const first = await call(POST, ids.slack, {
        body,
        headers: signSlackRequest(body, SLACK.signingSecret),
      });
      expect(first.status).toBe(200);
      const posted = slack.posted.length;
      expect(posted).toBeGreaterThan(0);
      expect(slack.posted[0].channel).toBe("D024BE91L");
      const retry = await call(POST, ids.slack, {
        body,
        headers: { ...signSlackRequest(body, SLACK.signingSecret), "x-slack-retry-num": "1" },
      });
      expect(retry.status).toBe(200);
      expect(slack.posted.length).toBe(posted);
      expect(await inboundCount(db, ids.slack)).toBe(1);
    });
  });

  it("acknowledges but ignores messages for a flow taken off the channel", async () => {
    await db
      .update(flows)
      .set({ channels: ["web"] })
      .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, shop.flowId)));
    try {
      const body = JSON.stringify({
        update_id: 3001,
        message: {
          message_id: 1,
          from: { id: 777003, is_bot: false },
          chat: { id: 777003 },
          date: 1740830400,
          text: "hello",
        },
      });
      const sentBefore = telegram.sent.length;
      const response = await call(POST, ids.telegram, {
        body,
        headers: { "x-telegram-bot-api-secret-token": TELEGRAM.secretToken },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: 1, handled: 0 });
      expect(telegram.sent.length).toBe(sentBefore);
      expect(
        await db.select().from(conversations).where(eq(conversations.externalChatId, "777003")),
      ).toHaveLength(0);
    } finally {
      await db
        .update(flows)
        .set({ channels: [...CHANNEL_KINDS] })
        .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, shop.flowId)));
    }
  });

  it("answers 404 for an unknown channel and 413 for an oversized body", async () => {
    expect((await call(POST, "chn_doesnotexist", { body: "{}" })).status).toBe(404);
    const huge = JSON.stringify({ update_id: 1, message: { text: "x".repeat(110 * 1024) } });
    const response = await call(POST, ids.telegram, {
      body: huge,
      headers: { "x-telegram-bot-api-secret-token": TELEGRAM.secretToken },
    });
    expect(response.status).toBe(413);
  });
});
