import {
  messengerAdapter,
  messengerConfigSchema,
  type MessengerConfig,
} from "@/lib/channels/platforms/messenger";
import { ChannelError, InboundRejectedError } from "@/lib/channels/platforms/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signMetaBody, startFakeMeta, type FakeMeta } from "../../../fakes/meta-server";
import { caught, channelRequest } from "./helpers";

const PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken";
const cfg: MessengerConfig = messengerConfigSchema.parse({
  pageAccessToken: PAGE_TOKEN,
  appSecret: "a1b2c3d4e5f6messenger",
  verifyToken: "parley-verify-42",
});
const now = new Date("2025-03-01T12:00:00Z");
const PSID = "6543219870123456";

function messaging(event: Record<string, unknown>) {
  return {
    sender: { id: PSID },
    recipient: { id: "112233445566" },
    timestamp: 1740830400123,
    ...event,
  };
}
function pageBody(...events: Record<string, unknown>[]) {
  return JSON.stringify({
    object: "page",
    entry: [{ id: "112233445566", time: 1740830400500, messaging: events }],
  });
}

describe("Messenger webhook verification", () => {
  const body = pageBody(messaging({ message: { mid: "m_1", text: "hi" } }));

  it("accepts the X-Hub-Signature-256 of the raw body", () => {
    const result = messengerAdapter.verifyRequest(
      cfg,
      channelRequest(body, { "X-Hub-Signature-256": signMetaBody(body, cfg.appSecret) }),
      now,
    );
    expect(result).toEqual({ ok: true });
  });

  it("refuses a forged signature, another app's signature, a tampered body and a missing header", () => {
    const cases = [
      { rawBody: body, header: `sha256=${"0".repeat(64)}` },
      { rawBody: body, header: signMetaBody(body, "someone-elses-secret") },
      { rawBody: body.replace('"hi"', '"hj"'), header: signMetaBody(body, cfg.appSecret) },
      { rawBody: body, header: undefined },
    ];
    for (const { rawBody, header } of cases) {
      const result = messengerAdapter.verifyRequest(
        cfg,
        channelRequest(rawBody, header ? { "X-Hub-Signature-256": header } : {}),
        now,
      );
      expect(!result.ok && result.status).toBe(401);
    }
  });

  it("checks the signature on the exact bytes Meta sent (\\u-escaped), not on a re-serialization", () => {
    const raw = '{"object":"page","entry":[{"messaging":[{"message":{"text":"Caf\\u00e9"}}]}]}';
    const header = { "X-Hub-Signature-256": signMetaBody(raw, cfg.appSecret) };
    expect(messengerAdapter.verifyRequest(cfg, channelRequest(raw, header), now).ok).toBe(true);
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    expect(messengerAdapter.verifyRequest(cfg, channelRequest(reserialized, header), now).ok).toBe(
      false,
    );
  });
});

describe("Messenger subscription handshake", () => {
  const url = (params: string) => `https://parley.test/api/webhooks/conn_m?${params}`;

  it("echoes hub.challenge when the verify token matches", () => {
    const req = channelRequest(
      "",
      {},
      url("hub.mode=subscribe&hub.verify_token=parley-verify-42&hub.challenge=1158201444"),
      "GET",
    );
    expect(messengerAdapter.handshake!(cfg, req, now)).toEqual({
      status: 200,
      body: "1158201444",
      contentType: "text/plain",
    });
  });

  it("refuses a wrong verify token with 403", () => {
    const req = channelRequest(
      "",
      {},
      url("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"),
      "GET",
    );
    expect(messengerAdapter.handshake!(cfg, req, now)?.status).toBe(403);
  });

  it("is not a handshake without hub.mode, or on POST", () => {
    expect(
      messengerAdapter.handshake!(cfg, channelRequest("", {}, url("x=1"), "GET"), now),
    ).toBeNull();
    const post = channelRequest(
      "{}",
      {},
      url("hub.mode=subscribe&hub.verify_token=parley-verify-42&hub.challenge=1"),
      "POST",
    );
    expect(messengerAdapter.handshake!(cfg, post, now)).toBeNull();
  });
});

describe("Messenger inbound", () => {
  it("normalizes text, quick replies and postbacks in one batch", () => {
    const body = pageBody(
      messaging({ message: { mid: "m_text", text: "Do you ship to Lisbon?" } }),
      messaging({ message: { mid: "m_quick", text: "Large", quick_reply: { payload: "size_l" } } }),
      messaging({ postback: { mid: "m_post", title: "Start over", payload: "restart" } }),
    );
    const messages = messengerAdapter.parseInbound(cfg, body, now);
    expect(messages.map((m) => [m.platformMessageId, m.text, m.choiceValue])).toEqual([
      ["m_text", "Do you ship to Lisbon?", undefined],
      ["m_quick", "Large", "size_l"],
      ["m_post", "Start over", "restart"],
    ]);
    expect(messages[0]).toMatchObject({
      externalUserId: PSID,
      externalChatId: PSID,
      receivedAt: new Date(1740830400123),
    });
  });

  it("ignores echoes of the page's own messages, deliveries, reads and attachment-only messages", () => {
    const body = pageBody(
      messaging({
        message: { mid: "m_echo", text: "Which size?", is_echo: true, app_id: 1517776481860111 },
      }),
      messaging({ delivery: { mids: ["m_echo"], watermark: 1740830400000 } }),
      messaging({ read: { watermark: 1740830400000 } }),
      messaging({
        message: {
          mid: "m_img",
          attachments: [{ type: "image", payload: { url: "https://x.test/i.png" } }],
        },
      }),
    );
    expect(messengerAdapter.parseInbound(cfg, body, now)).toEqual([]);
  });

  it("ignores Instagram objects delivered to the same app", () => {
    const body = JSON.stringify({
      object: "instagram",
      entry: [{ messaging: [messaging({ message: { mid: "m_ig", text: "hi" } })] }],
    });
    expect(messengerAdapter.parseInbound(cfg, body, now)).toEqual([]);
  });

  it("gives a redelivery the same platformMessageId", () => {
    const body = pageBody(messaging({ message: { mid: "m_dup", text: "hello" } }));
    const ids = [
      messengerAdapter.parseInbound(cfg, body, now),
      messengerAdapter.parseInbound(cfg, body, now),
    ].map((m) => m[0].platformMessageId);
    expect(ids[0]).toBe(ids[1]);
  });

  it("rejects a body that is not a webhook envelope", async () => {
    const error = await caught(() =>
      messengerAdapter.parseInbound(cfg, JSON.stringify({ entry: "nope" }), now),
    );
    expect(error).toBeInstanceOf(InboundRejectedError);
  });
});

describe("Messenger send (against the fake Graph API)", () => {
  let fake: FakeMeta;
  let live: MessengerConfig;
  beforeAll(async () => {
    fake = await startFakeMeta({
      pageAccessToken: PAGE_TOKEN,
      whatsappAccessToken: "unused",
      phoneNumberId: "1",
    });
    live = { ...cfg, baseUrl: fake.baseUrl };
  });
  afterAll(() => fake.close());

  it("sends text as a RESPONSE and returns the message id", async () => {
    const result = await messengerAdapter.send(live, PSID, {
      kind: "text",
      text: "We ship to Lisbon <3 & Porto",
    });
    expect(fake.messenger.at(-1)).toEqual({
      recipientId: PSID,
      messagingType: "RESPONSE",
      message: { text: "We ship to Lisbon <3 & Porto" },
    });
    expect(result.platformMessageId).toMatch(/^m_/);
  });

  it("sends choices as quick replies, shortening titles to 20 characters", async () => {
    await messengerAdapter.send(live, PSID, {
      kind: "choices",
      text: "Which box?",
      options: [
        { value: "box_s", label: "Small" },
        { value: "box_xl", label: "Extra large family box" },
      ],
    });
    const { message } = fake.messenger.at(-1)!;
    expect(message.text).toBe("Which box?");
    expect(message.quick_replies).toEqual([
      { content_type: "text", title: "Small", payload: "box_s" },
      { content_type: "text", title: "Extra large family…", payload: "box_xl" },
    ]);
  });

  it("falls back to a numbered list beyond 13 quick replies", async () => {
    const options = Array.from({ length: 14 }, (_, i) => ({
      value: `o${i}`,
      label: `Option ${i + 1}`,
    }));
    await messengerAdapter.send(live, PSID, { kind: "choices", text: "Pick one", options });
    const { message } = fake.messenger.at(-1)!;
    expect(message.quick_replies).toBeUndefined();
    expect(message.text).toContain("14. Option 14");
  });

  it("sends a payment link as a button template with a web_url button", async () => {
    await messengerAdapter.send(live, PSID, {
      kind: "payment_link",
      text: "Your total is ready.",
      url: "https://pay.parley.test/c/cs_9",
      amountMinor: 1999,
      currency: "USD",
      methods: ["card"],
    });
    expect(fake.messenger.at(-1)!.message.attachment).toEqual({
      type: "template",
      payload: {
        template_type: "button",
        text: "Your total is ready.",
        buttons: [{ type: "web_url", url: "https://pay.parley.test/c/cs_9", title: "Pay $19.99" }],
      },
    });
  });

  it("sends a payment link as text with the URL when the text is too long for a template (640)", async () => {
    await messengerAdapter.send(live, PSID, {
      kind: "payment_link",
      text: "Details. ".repeat(80),
      url: "https://pay.parley.test/c/cs_10",
      amountMinor: 500,
      currency: "EUR",
      methods: ["card"],
    });
    const { message } = fake.messenger.at(-1)!;
    expect(message.attachment).toBeUndefined();
    expect(message.text).toMatch(/Pay €5\.00: https:\/\/pay\.parley\.test\/c\/cs_10$/);
  });

  it("throws invalid_credentials with Graph's message for a wrong token, keeping the token out of it", async () => {
    const error = (await caught(() =>
      messengerAdapter.send({ ...live, pageAccessToken: "EAAwrongtoken" }, PSID, {
        kind: "text",
        text: "hi",
      }),
    )) as ChannelError;
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.kind).toBe("invalid_credentials");
    expect(error.message).toContain("Invalid OAuth access token.");
    expect(error.message).not.toContain("EAAwrongtoken");
    expect(error.details.platformCode).toBe("190");
  });

  it("maps an unreachable PSID to recipient_unavailable", async () => {
    fake.unreachablePsid("000111");
    const error = (await caught(() =>
      messengerAdapter.send(live, "000111", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(error.kind).toBe("recipient_unavailable");
    expect(error.details.platformCode).toBe("100/2018001");
  });
});
