import { renderForChannel } from "@/lib/channels/platforms/render";
import { webCapabilities } from "@/lib/channels/platforms/web";
import {
  outboundBody,
  OutboundBodySchema,
  toChannelMessage,
  toMessageView,
} from "@/lib/conversations/engine/messages";
import type { OutboundMessage } from "@/lib/flows/runtime/types";
import { describe, expect, it } from "vitest";

const at = new Date("2025-05-01T09:30:00.000Z");
const samples: OutboundMessage[] = [
  { kind: "text", text: "Hello <b>there</b>" },
  { kind: "choices", text: "Pick one", options: [{ value: "MUG", label: "Mug — €15.00" }] },
  {
    kind: "payment_link",
    text: "Pay here",
    url: "https://pay.example/c/1",
    amountMinor: 2580,
    currency: "EUR",
    methods: ["card", "paypal"],
  },
  { kind: "receipt", text: "Thanks", amountMinor: 2580, currency: "EUR", reference: "pay_123" },
];

describe("outbound mapping", () => {
  it("stores every runtime message with its delivery and reads it back unchanged", () => {
    for (const message of samples) {
      const body = outboundBody(message, { status: "pending" });
      expect(OutboundBodySchema.parse(JSON.parse(JSON.stringify(body)))).toEqual(body);
      expect(toChannelMessage(body)).toEqual(message);
      expect("delivery" in toChannelMessage(body)).toBe(false);
    }
  });

  it("hands channels what their renderer expects", () => {
    const body = outboundBody(samples[2], { status: "pending" });
    expect(renderForChannel(toChannelMessage(body), webCapabilities)).toEqual({
      kind: "link",
      text: "Pay here",
      url: "https://pay.example/c/1",
      label: "Pay €25.80",
    });
  });

  it("shows the widget the message without delivery details, text kept as text", () => {
    const view = toMessageView({
      id: "msg_1",
      direction: "outbound",
      body: outboundBody(samples[0], { status: "failed", error: "blocked" }),
      redacted: false,
      createdAt: at,
    });
    expect(view).toEqual({
      id: "msg_1",
      direction: "outbound",
      kind: "text",
      text: "Hello <b>there</b>",
      createdAt: at.toISOString(),
    });
    const link = toMessageView({
      id: "msg_2",
      direction: "outbound",
      body: outboundBody(samples[2], { status: "sent" }),
      redacted: false,
      createdAt: at,
    });
    expect(link).toMatchObject({
      kind: "payment_link",
      url: "https://pay.example/c/1",
      amountMinor: 2580,
      currency: "EUR",
    });
    expect(link).not.toHaveProperty("methods");
  });

  it("marks redacted customer messages and ignores bodies it can't read", () => {
    const inbound = toMessageView({
      id: "msg_3",
      direction: "inbound",
      body: { kind: "text", text: "[card number removed]" },
      redacted: true,
      createdAt: at,
    });
    expect(inbound).toMatchObject({
      direction: "inbound",
      text: "[card number removed]",
      redacted: true,
    });
    expect(
      toMessageView({
        id: "msg_4",
        direction: "inbound",
        body: { kind: "text", text: "hi", choiceValue: "MUG" },
        redacted: false,
        createdAt: at,
      }),
    ).not.toHaveProperty("redacted");
    expect(
      toMessageView({
        id: "msg_5",
        direction: "outbound",
        body: { kind: "carousel" },
        redacted: false,
        createdAt: at,
      }),
    ).toBeNull();
    expect(
      toMessageView({
        id: "msg_6",
        direction: "inbound",
        body: null,
        redacted: false,
        createdAt: at,
      }),
    ).toBeNull();
  });
});
