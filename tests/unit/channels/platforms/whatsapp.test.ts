import { ChannelError } from "@/lib/channels/platforms/types";
import {
  whatsappAdapter,
  whatsappConfigSchema,
  type WhatsAppConfig,
} from "@/lib/channels/platforms/whatsapp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signMetaBody, startFakeMeta, type FakeMeta } from "../../../fakes/meta-server";
import { caught, channelRequest } from "./helpers";

const ACCESS_TOKEN = "EAAJwhatsappSystemUserToken";
const PHONE_NUMBER_ID = "106540352242922";
const cfg: WhatsAppConfig = whatsappConfigSchema.parse({
  accessToken: ACCESS_TOKEN,
  appSecret: "wa-app-secret-77",
  verifyToken: "parley-wa-verify",
  phoneNumberId: PHONE_NUMBER_ID,
});
const now = new Date("2025-03-01T12:00:00Z");

interface SentInteractive {
  type: string;
  body: { text: string };
  action: {
    buttons?: { type: string; reply: { id: string; title: string } }[];
    sections?: { rows: { id: string; title: string }[] }[];
  };
}
const CUSTOMER = "351912345678";

function webhook(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
}
const contacts = [{ profile: { name: "Rui" }, wa_id: CUSTOMER }];
const textMessage = {
  from: CUSTOMER,
  id: "wamid.HBgLMzUxOTEyMzQ1Njc4FQIAEhgUM0FBRTNBRkM",
  timestamp: "1740830400",
  type: "text",
  text: { body: "Olá, quero pagar" },
};

describe("WhatsApp webhook verification and handshake", () => {
  it("accepts Meta's signature and refuses a forged one", () => {
    const body = webhook({ contacts, messages: [textMessage] });
    const good = whatsappAdapter.verifyRequest(
      cfg,
      channelRequest(body, { "x-hub-signature-256": signMetaBody(body, cfg.appSecret) }),
      now,
    );
    expect(good.ok).toBe(true);
    const forged = whatsappAdapter.verifyRequest(
      cfg,
      channelRequest(body, { "x-hub-signature-256": signMetaBody(body, "not-the-secret") }),
      now,
    );
    expect(!forged.ok && forged.status).toBe(401);
    const missing = whatsappAdapter.verifyRequest(cfg, channelRequest(body), now);
    expect(!missing.ok && missing.status).toBe(401);
  });

  it("answers the GET subscription handshake", () => {
    const url =
      "https://parley.test/api/webhooks/conn_w?hub.mode=subscribe&hub.challenge=8837&hub.verify_token=parley-wa-verify";
    expect(whatsappAdapter.handshake!(cfg, channelRequest("", {}, url, "GET"), now)).toMatchObject({
      status: 200,
      body: "8837",
    });
    const wrong = url.replace("parley-wa-verify", "other");
    expect(whatsappAdapter.handshake!(cfg, channelRequest("", {}, wrong, "GET"), now)?.status).toBe(
      403,
    );
  });
});

describe("WhatsApp inbound", () => {
  it("normalizes a text message", () => {
    const [message] = whatsappAdapter.parseInbound(
      cfg,
      webhook({ contacts, messages: [textMessage] }),
      now,
    );
    expect(message).toEqual({
      platformMessageId: textMessage.id,
      externalUserId: CUSTOMER,
      externalChatId: CUSTOMER,
      text: "Olá, quero pagar",
      receivedAt: new Date(1740830400 * 1000),
    });
  });

  it("reads reply-button and list replies as the option's id", () => {
    const button = {
      ...textMessage,
      id: "wamid.B",
      type: "interactive",
      text: undefined,
      interactive: { type: "button_reply", button_reply: { id: "size_l", title: "Large" } },
    };
    const list = {
      ...textMessage,
      id: "wamid.L",
      type: "interactive",
      text: undefined,
      interactive: {
        type: "list_reply",
        list_reply: { id: "size_xl", title: "Extra large", description: "" },
      },
    };
    const messages = whatsappAdapter.parseInbound(
      cfg,
      webhook({ contacts, messages: [button, list] }),
      now,
    );
    expect(messages.map((m) => [m.platformMessageId, m.text, m.choiceValue])).toEqual([
      ["wamid.B", "Large", "size_l"],
      ["wamid.L", "Extra large", "size_xl"],
    ]);
  });

  it("ignores delivery statuses, media, and messages for another number of the same account", () => {
    const statuses = webhook({
      statuses: [
        { id: "wamid.OUT", status: "delivered", timestamp: "1740830401", recipient_id: CUSTOMER },
      ],
    });
    expect(whatsappAdapter.parseInbound(cfg, statuses, now)).toEqual([]);
    const image = webhook({
      contacts,
      messages: [
        {
          ...textMessage,
          type: "image",
          text: undefined,
          image: { id: "img1", mime_type: "image/jpeg" },
        },
      ],
    });
    expect(whatsappAdapter.parseInbound(cfg, image, now)).toEqual([]);
    const otherNumber = webhook({ contacts, messages: [textMessage] }, "999999999999999");
    expect(whatsappAdapter.parseInbound(cfg, otherNumber, now)).toEqual([]);
  });

  it("gives a redelivery the same platformMessageId", () => {
    const body = webhook({ contacts, messages: [textMessage] });
    expect(whatsappAdapter.parseInbound(cfg, body, now)[0].platformMessageId).toBe(
      whatsappAdapter.parseInbound(cfg, body, now)[0].platformMessageId,
    );
  });
});

describe("WhatsApp send (against the fake Cloud API)", () => {
  let fake: FakeMeta;
  let live: WhatsAppConfig;
  beforeAll(async () => {
    fake = await startFakeMeta({
      pageAccessToken: "unused",
      whatsappAccessToken: ACCESS_TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
    });
    live = { ...cfg, baseUrl: fake.baseUrl };
  });
  afterAll(() => fake.close());

  const options = (n: number, label = (i: number) => `Option ${i + 1}`) =>
    Array.from({ length: n }, (_, i) => ({ value: `opt_${i}`, label: label(i) }));

  it("sends text and returns the wamid", async () => {
    const result = await whatsappAdapter.send(live, CUSTOMER, { kind: "text", text: "Obrigado!" });
    expect(fake.whatsapp.at(-1)!.payload).toMatchObject({
      messaging_product: "whatsapp",
      to: CUSTOMER,
      type: "text",
      text: { body: "Obrigado!" },
    });
    expect(result.platformMessageId).toMatch(/^wamid\./);
  });

  it("sends up to 3 choices as reply buttons, titles cut to 20 characters", async () => {
    await whatsappAdapter.send(live, CUSTOMER, {
      kind: "choices",
      text: "Which size?",
      options: options(3, (i) => `A rather long label number ${i}`),
    });
    const interactive = fake.whatsapp.at(-1)!.payload.interactive as SentInteractive;
    expect(interactive.type).toBe("button");
    expect(interactive.body).toEqual({ text: "Which size?" });
    const buttons = interactive.action.buttons!;
    expect(buttons.map((b) => b.reply.id)).toEqual(["opt_0", "opt_1", "opt_2"]);
    for (const b of buttons) expect(b.reply.title.length).toBeLessThanOrEqual(20);
  });

  it("the fake refuses a fourth reply button like the Cloud API does (131009)", async () => {
    const response = await fetch(`${fake.baseUrl}/v21.0/${PHONE_NUMBER_ID}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ACCESS_TOKEN}` },
      body: JSON.stringify({
        messaging_product: "whatsapp",
        to: CUSTOMER,
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: "Pick" },
          action: {
            buttons: options(4).map((o) => ({
              type: "reply",
              reply: { id: o.value, title: o.label },
            })),
          },
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(131009);
  });

  it("sends 4 to 10 choices as a list message", async () => {
    await whatsappAdapter.send(live, CUSTOMER, {
      kind: "choices",
      text: "Pick a flavour",
      options: options(7),
    });
    const interactive = fake.whatsapp.at(-1)!.payload.interactive as SentInteractive;
    expect(interactive.type).toBe("list");
    const rows = interactive.action.sections!.flatMap((section) => section.rows);
    expect(rows).toHaveLength(7);
    expect(rows[6]).toEqual({ id: "opt_6", title: "Option 7" });
  });

  it("sends more than 10 choices as a numbered text list", async () => {
    await whatsappAdapter.send(live, CUSTOMER, {
      kind: "choices",
      text: "Pick a day",
      options: options(12),
    });
    const sent = fake.whatsapp.at(-1)!;
    expect(sent.type).toBe("text");
    expect((sent.payload.text as { body: string }).body).toContain("12. Option 12");
  });

  it("sends a payment link as a cta_url button", async () => {
    await whatsappAdapter.send(live, CUSTOMER, {
      kind: "payment_link",
      text: "O seu total",
      url: "https://pay.parley.test/c/cs_wa",
      amountMinor: 4990,
      currency: "EUR",
      methods: ["card"],
    });
    expect(fake.whatsapp.at(-1)!.payload.interactive).toEqual({
      type: "cta_url",
      body: { text: "O seu total" },
      action: {
        name: "cta_url",
        parameters: { display_text: "Pay €49.90", url: "https://pay.parley.test/c/cs_wa" },
      },
    });
  });

  it("falls back to text with the URL when the body exceeds the interactive 1024 limit", async () => {
    await whatsappAdapter.send(live, CUSTOMER, {
      kind: "payment_link",
      text: "Terms apply. ".repeat(100),
      url: "https://pay.parley.test/c/cs_long",
      amountMinor: 100,
      currency: "EUR",
      methods: ["card"],
    });
    const sent = fake.whatsapp.at(-1)!;
    expect(sent.type).toBe("text");
    expect(
      (sent.payload.text as { body: string }).body.endsWith("https://pay.parley.test/c/cs_long"),
    ).toBe(true);
  });

  it("throws invalid_credentials for a wrong token (Graph code 190)", async () => {
    const error = (await caught(() =>
      whatsappAdapter.send({ ...live, accessToken: "EAAbad" }, CUSTOMER, {
        kind: "text",
        text: "hi",
      }),
    )) as ChannelError;
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.kind).toBe("invalid_credentials");
    expect(error.message).toContain("Invalid OAuth access token.");
  });

  it("maps the closed 24-hour window to recipient_unavailable and an unknown number id to invalid_request", async () => {
    fake.closeCustomerWindow("351900000000");
    const closed = (await caught(() =>
      whatsappAdapter.send(live, "351900000000", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(closed.kind).toBe("recipient_unavailable");
    expect(closed.message).toContain("24 hours");

    const wrongNumber = (await caught(() =>
      whatsappAdapter.send({ ...live, phoneNumberId: "123" }, CUSTOMER, {
        kind: "text",
        text: "hi",
      }),
    )) as ChannelError;
    expect(wrongNumber.kind).toBe("invalid_request");
    expect(wrongNumber.details.platformCode).toBe("100/33");
  });
});
