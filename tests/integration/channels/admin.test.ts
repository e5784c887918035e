import { GET, POST } from "@/app/api/channels/[channelId]/route";
import { setDbHandle, type Db, type DbHandle } from "@/db/client";
import { auditLog, channels, flows } from "@/db/schema";
import type { Role } from "@/db/schema/auth";
import type { ServiceContext } from "@/lib/auth/context";
import {
  checkChannelConfig,
  connectFlowChannel,
  listFlowChannels,
  rotateChannelConfig,
  setChannelEnabled,
} from "@/lib/channels/admin";
import {
  CHANNEL_CONFIG_FIELDS,
  CONNECTABLE_KINDS,
  type ConnectableKind,
} from "@/lib/channels/forms";
import { getChannelAdapter } from "@/lib/channels/platforms";
import { openChannelConfig } from "@/lib/channels/records";
import { AppError, NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { signMetaBody, startFakeMeta, type FakeMeta } from "../../fakes/meta-server";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram-server";
import {
  inboundCount,
  insertPublishedFlow,
  insertShop,
  orderAndPayGraph,
  useTestMasterKey,
  type ShopFixture,
} from "../conversations.fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

const CONFIGS: Record<ConnectableKind, Record<string, string>> = {
  telegram: { botToken: "123456:AAE_fakeTelegramTokenForParley", secretToken: "parley-secret_42" },
  messenger: {
    pageAccessToken: "EAAGm0PX4ZCpsBAFakePageToken",
    appSecret: "messenger-app-secret",
    verifyToken: "parley-verify-42",
  },
  whatsapp: {
    accessToken: "EAAJwhatsappSystemUserToken",
    appSecret: "wa-app-secret-77",
    verifyToken: "parley-wa-verify",
    phoneNumberId: "106540352242922",
  },
  slack: { botToken: "xoxb-1234-5678-fakeSlackBot", signingSecret: "slack-signing-secret-8f3" },
};

const secretValues = (kind: ConnectableKind, config = CONFIGS[kind]) =>
  CHANNEL_CONFIG_FIELDS[kind].filter((f) => f.secret).map((f) => config[f.name]);

function telegramUpdate(updateId: number, text: string, chatId = 555001): string {
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: chatId, is_bot: false, language_code: "en" },
      chat: { id: chatId },
      date: 1740830400,
      text,
    },
  });
}

function messengerBody(mid: string, text: string): string {
  return JSON.stringify({
    object: "page",
    entry: [
      {
        id: "112233445566",
        time: 1740830400500,
        messaging: [
          {
            sender: { id: "6543219870000001" },
            recipient: { id: "112233445566" },
            timestamp: 1740830400123,
            message: { mid, text },
          },
        ],
      },
    ],
  });
}

function callRoute(
  channelId: string,
  init: {
    method?: "GET" | "POST";
    body?: string;
    headers?: Record<string, string>;
    query?: string;
  },
) {
  const handler = init.method === "GET" ? GET : POST;
  const request = new Request(
    `http://localhost:3999/api/channels/${channelId}${init.query ?? ""}`,
    { method: init.method ?? "POST", body: init.body, headers: init.headers },
  );
  return handler(request, { params: Promise.resolve({ channelId }) });
}

const ResponseCounts = z.object({ received: z.number(), handled: z.number() });

describe.each(ENGINES)("channel admin on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let shop: ShopFixture;
  let otherShop: ShopFixture;
  let telegram: FakeTelegram;
  let meta: FakeMeta;
  const as = (role: Role, merchantId = shop.merchantId): ServiceContext => ({
    db,
    merchantId,
    role,
    user: { id: `usr_${role}`, email: `${role}@shop.test`, name: role },
    ip: "203.0.113.9",
    userAgent: "vitest",
  });

  beforeAll(async () => {
    useTestMasterKey();
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    shop = await insertShop(db);
    otherShop = await insertShop(db);
    [telegram, meta] = await Promise.all([
      startFakeTelegram({ botToken: CONFIGS.telegram.botToken }),
      startFakeMeta({
        pageAccessToken: CONFIGS.messenger.pageAccessToken,
        whatsappAccessToken: CONFIGS.whatsapp.accessToken,
        phoneNumberId: CONFIGS.whatsapp.phoneNumberId,
      }),
    ]);
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await Promise.all([telegram?.close(), meta?.close()]);
    await handle?.close();
  });

  async function auditsFor(targetId: string) {
    return db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, shop.merchantId), eq(auditLog.targetId, targetId)));
  }

  it("offers exactly the fields each platform's config schema needs", () => {
    for (const kind of CONNECTABLE_KINDS) {
      const schema = getChannelAdapter(kind).configSchema;
      // Every required key of the adapter's schema is a form field, and nothing more.
      const required = Object.keys(CONFIGS[kind]).filter((name) => {
        const withoutIt = Object.fromEntries(
          Object.entries(CONFIGS[kind]).filter(([key]) => key !== name),
        );
        return !schema.safeParse(withoutIt).success;
      });
      expect(CHANNEL_CONFIG_FIELDS[kind].map((f) => f.name).sort()).toEqual(required.sort());
      expect(checkChannelConfig(kind, CONFIGS[kind]).ok).toBe(true);
    }
  });

  it.each(CONNECTABLE_KINDS)(
    "connects %s: webhook URL back, only masked hints in the list, the row and the audit",
    async (kind) => {
      const connected = await connectFlowChannel(as("admin"), {
        flowId: shop.flowId,
        kind,
        label: `${kind} desk`,
        config: CONFIGS[kind],
      });
      const id = connected.channel.id;
      expect(connected.channel.webhookUrl).toBe(`http://localhost:3999/api/channels/${id}`);
      expect(connected.kindTicked).toBe(false);

      const listed = (await listFlowChannels(as("support"), shop.flowId)).find((c) => c.id === id);
      expect(listed).toMatchObject({ kind, label: `${kind} desk`, enabled: true });
      expect(Object.keys(listed!.configHint).sort()).toEqual(
        expect.arrayContaining(CHANNEL_CONFIG_FIELDS[kind].map((f) => f.name).sort()),
      );
      const [row] = await db.select().from(channels).where(eq(channels.id, id));
      const audits = await auditsFor(id);
      expect(audits.map((a) => a.action)).toEqual(["channel.created"]);
      const exposed = [
        JSON.stringify(connected),
        JSON.stringify(listed),
        JSON.stringify(audits),
        row.configEncrypted,
        JSON.stringify(row.configHint),
      ];
      for (const secret of secretValues(kind)) {
        for (const text of exposed) expect(text).not.toContain(secret);
      }
      if (kind === "whatsapp") {
        // An id, not a secret: shown whole so the merchant can tell numbers apart.
        expect(listed!.configHint.phoneNumberId).toBe(CONFIGS.whatsapp.phoneNumberId);
      }
      // The stored config is the one typed in: the adapter can open and use it.
      expect(openChannelConfig(row)).toMatchObject(CONFIGS[kind]);
    },
  );

  it("refuses invalid settings with an error beside each field, and stores nothing", async () => {
    const before = await db.select({ n: count() }).from(channels);
    const empty = connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "telegram",
      apiBaseUrl: "not a url",
      config: { botToken: "", secretToken: "has spaces!" },
    });
    const error: unknown = await empty.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    const { status, fieldErrors = {} } = error as AppError;
    expect(status).toBe(422);
    expect(fieldErrors["config.botToken"]).toEqual(["Enter the bot token."]);
    expect(fieldErrors["config.secretToken"]?.[0]).toMatch(/letters, digits/);
    expect(fieldErrors.apiBaseUrl).toBeDefined();

    await expect(
      connectFlowChannel(as("owner"), {
        flowId: shop.flowId,
        kind: "slack",
        config: { botToken: "xoxp-user-token", signingSecret: "s" },
      }),
    ).rejects.toMatchObject({ fieldErrors: { "config.botToken": ["A bot token (xoxb-…)"] } });
    await expect(
      connectFlowChannel(as("owner"), {
        flowId: shop.flowId,
        kind: "whatsapp",
        config: { ...CONFIGS.whatsapp, phoneNumberId: "+1 555 0100" },
      }),
    ).rejects.toMatchObject({
      fieldErrors: {
        "config.phoneNumberId": ["The numeric phone number ID from WhatsApp Manager"],
      },
    });
    await expect(
      connectFlowChannel(as("owner"), { flowId: shop.flowId, kind: "web", config: {} }),
    ).rejects.toMatchObject({ fieldErrors: { kind: ["Pick a chat platform"] } });
    expect(await db.select({ n: count() }).from(channels)).toEqual(before);
  });

  it("ticks the platform in the flow's settings when the flow did not offer it yet", async () => {
    const webOnly = await insertPublishedFlow(db, shop.merchantId, orderAndPayGraph(), "Web only");
    await db
      .update(flows)
      .set({ channels: ["web"] })
      .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, webOnly.flowId)));

    const first = await connectFlowChannel(as("owner"), {
      flowId: webOnly.flowId,
      kind: "telegram",
      config: CONFIGS.telegram,
    });
    expect(first.kindTicked).toBe(true);
    expect(first.flowChannels).toEqual(["web", "telegram"]);
    const [flow] = await db.select().from(flows).where(eq(flows.id, webOnly.flowId));
    expect(flow.channels).toEqual(["web", "telegram"]);
    const settingsAudits = await auditsFor(webOnly.flowId);
    expect(settingsAudits.map((a) => a.action)).toContain("flow.settings_updated");

    const second = await connectFlowChannel(as("owner"), {
      flowId: webOnly.flowId,
      kind: "telegram",
      config: CONFIGS.telegram,
    });
    expect(second.kindTicked).toBe(false);
    expect(second.flowChannels).toEqual(["web", "telegram"]);
  });

  it("lets every role see the list but only owners and admins change it", async () => {
    const { channel } = await connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "slack",
      config: CONFIGS.slack,
    });
    for (const role of ["support", "analyst"] as const) {
      expect((await listFlowChannels(as(role), shop.flowId)).map((c) => c.id)).toContain(
        channel.id,
      );
      await expect(
        connectFlowChannel(as(role), { flowId: shop.flowId, kind: "slack", config: CONFIGS.slack }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(setChannelEnabled(as(role), channel.id, false)).rejects.toMatchObject({
        status: 403,
      });
      await expect(
        rotateChannelConfig(as(role), channel.id, { signingSecret: "taken-over" }),
      ).rejects.toMatchObject({ status: 403 });
    }
    const [row] = await db.select().from(channels).where(eq(channels.id, channel.id));
    expect(row.enabled).toBe(1);
    expect(openChannelConfig(row)).toMatchObject(CONFIGS.slack);
  });

  it("treats another merchant's flows and channels as not found", async () => {
    const theirs = await connectFlowChannel(as("owner", otherShop.merchantId), {
      flowId: otherShop.flowId,
      kind: "telegram",
      config: CONFIGS.telegram,
    });
    const mine = as("owner");
    await expect(listFlowChannels(mine, otherShop.flowId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      connectFlowChannel(mine, {
        flowId: otherShop.flowId,
        kind: "telegram",
        config: CONFIGS.telegram,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(setChannelEnabled(mine, theirs.channel.id, false)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      rotateChannelConfig(mine, theirs.channel.id, { secretToken: "stolen_secret" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await listFlowChannels(mine, shop.flowId)).map((c) => c.id)).not.toContain(
      theirs.channel.id,
    );
    const [row] = await db.select().from(channels).where(eq(channels.id, theirs.channel.id));
    expect(row.enabled).toBe(1);
    expect(openChannelConfig(row)).toMatchObject(CONFIGS.telegram);
    expect(await db.select().from(flows).where(eq(flows.id, otherShop.flowId))).toHaveLength(1);
  });

  it("a turned-off channel's webhook answers 404 and stores nothing; on again, it answers", async () => {
    const { channel } = await connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "telegram",
      config: CONFIGS.telegram,
      apiBaseUrl: telegram.baseUrl,
    });
    const signed = {
      "x-telegram-bot-api-secret-token": CONFIGS.telegram.secretToken,
      "content-type": "application/json",
    };
    const off = await setChannelEnabled(as("admin"), channel.id, false);
    expect(off.enabled).toBe(false);
    // Already off: nothing changes, nothing more is audited.
    await setChannelEnabled(as("admin"), channel.id, false);
    expect((await auditsFor(channel.id)).map((a) => a.action).sort()).toEqual([
      "channel.created",
      "channel.disabled",
    ]);

    const refused = await callRoute(channel.id, {
      body: telegramUpdate(7001, "hi"),
      headers: signed,
    });
    expect(refused.status).toBe(404);
    expect(await inboundCount(db, channel.id)).toBe(0);
    const listedOff = (await listFlowChannels(as("analyst"), shop.flowId)).find(
      (c) => c.id === channel.id,
    );
    expect(listedOff).toMatchObject({ enabled: false, lastActivityAt: null });

    await setChannelEnabled(as("owner"), channel.id, true);
    const sentBefore = telegram.sent.length;
    const accepted = await callRoute(channel.id, {
      body: telegramUpdate(7002, "hi"),
      headers: signed,
    });
    expect(accepted.status).toBe(200);
    expect(ResponseCounts.parse(await accepted.json())).toEqual({ received: 1, handled: 1 });
    expect(await inboundCount(db, channel.id)).toBe(1);
    expect(telegram.sent.length).toBeGreaterThan(sentBefore);
    const listedOn = (await listFlowChannels(as("analyst"), shop.flowId)).find(
      (c) => c.id === channel.id,
    );
    expect(listedOn!.enabled).toBe(true);
    expect(listedOn!.lastActivityAt).toBeInstanceOf(Date);
  });

  it("a disabled Meta channel does not answer the subscription handshake either", async () => {
    const { channel } = await connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "messenger",
      config: CONFIGS.messenger,
      apiBaseUrl: meta.baseUrl,
    });
    const query = `?hub.mode=subscribe&hub.verify_token=${CONFIGS.messenger.verifyToken}&hub.challenge=424242`;
    expect((await callRoute(channel.id, { method: "GET", query })).status).toBe(200);
    await setChannelEnabled(as("owner"), channel.id, false);
    expect((await callRoute(channel.id, { method: "GET", query })).status).toBe(404);
  });

  it("rotating Telegram's secret token: the new one verifies, the old one is refused", async () => {
    const { channel } = await connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "telegram",
      config: CONFIGS.telegram,
      apiBaseUrl: telegram.baseUrl,
    });
    const [created] = await db.select().from(channels).where(eq(channels.id, channel.id));
    const hintBefore = created.configHint;
    const newSecret = "rotated-secret_2025";
    // Blank fields keep their value: only the secret token is replaced.
    const rotated = await rotateChannelConfig(as("admin"), channel.id, {
      botToken: "",
      secretToken: newSecret,
    });
    expect(rotated.changedFields).toEqual(["secretToken"]);
    expect(JSON.stringify(rotated)).not.toContain(newSecret);
    const [row] = await db.select().from(channels).where(eq(channels.id, channel.id));
    expect(openChannelConfig(row)).toMatchObject({
      botToken: CONFIGS.telegram.botToken,
      secretToken: newSecret,
    });
    expect(row.configHint.secretToken).not.toBe(hintBefore.secretToken);
    expect(row.configHint.botToken).toBe(hintBefore.botToken);
    expect(rotated.channel.configHint).toEqual(row.configHint);

    const withOld = await callRoute(channel.id, {
      body: telegramUpdate(8001, "hi", 555002),
      headers: { "x-telegram-bot-api-secret-token": CONFIGS.telegram.secretToken },
    });
    expect(withOld.status).toBe(401);
    const withNew = await callRoute(channel.id, {
      body: telegramUpdate(8002, "hi", 555002),
      headers: { "x-telegram-bot-api-secret-token": newSecret },
    });
    expect(withNew.status).toBe(200);
    expect(ResponseCounts.parse(await withNew.json()).handled).toBe(1);
    expect(telegram.sent.some((m) => m.chatId === "555002")).toBe(true);

    const audits = (await auditsFor(channel.id)).filter(
      (a) => a.action === "channel.credentials_rotated",
    );
    expect(audits).toHaveLength(1);
    expect(audits[0].after).toMatchObject({ changedFields: ["secretToken"] });
    const auditText = JSON.stringify(audits);
    expect(auditText).not.toContain(newSecret);
    expect(auditText).not.toContain(CONFIGS.telegram.secretToken);
    expect(auditText).not.toContain(CONFIGS.telegram.botToken);
  });

  it("rotating a Meta app secret: signatures with the new secret verify, the old are refused", async () => {
    const { channel } = await connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "messenger",
      config: CONFIGS.messenger,
      apiBaseUrl: meta.baseUrl,
    });
    await rotateChannelConfig(as("owner"), channel.id, { appSecret: "new-messenger-app-secret" });
    const body = messengerBody("m_rotated_1", "hello");
    const old = await callRoute(channel.id, {
      body,
      headers: { "x-hub-signature-256": signMetaBody(body, CONFIGS.messenger.appSecret) },
    });
    expect(old.status).toBe(401);
    const fresh = await callRoute(channel.id, {
      body,
      headers: { "x-hub-signature-256": signMetaBody(body, "new-messenger-app-secret") },
    });
    expect(fresh.status).toBe(200);
    expect(await inboundCount(db, channel.id)).toBe(1);
  });

  it("refuses a rotation with nothing new or an invalid value, leaving the config as it was", async () => {
    const { channel } = await connectFlowChannel(as("owner"), {
      flowId: shop.flowId,
      kind: "telegram",
      config: CONFIGS.telegram,
    });
    await expect(
      rotateChannelConfig(as("owner"), channel.id, { botToken: " ", secretToken: "" }),
    ).rejects.toMatchObject({
      status: 422,
      fieldErrors: { config: ["Enter at least one new value."] },
    });
    await expect(
      rotateChannelConfig(as("owner"), channel.id, { botToken: "not-a-token" }),
    ).rejects.toMatchObject({
      status: 422,
      fieldErrors: { "config.botToken": ["Not a Telegram bot token (123456:ABC…)"] },
    });
    const same = await rotateChannelConfig(as("owner"), channel.id, {
      secretToken: CONFIGS.telegram.secretToken,
    });
    expect(same.changedFields).toEqual([]);
    const [row] = await db.select().from(channels).where(eq(channels.id, channel.id));
    expect(openChannelConfig(row)).toMatchObject(CONFIGS.telegram);
    expect((await auditsFor(channel.id)).map((a) => a.action)).toEqual(["channel.created"]);
  });

  it("an unknown channel id is not found", async () => {
    await expect(setChannelEnabled(as("owner"), newId("channel"), true)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
