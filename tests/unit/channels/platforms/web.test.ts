import { InboundRejectedError } from "@/lib/channels/platforms/types";
import { webAdapter, webConfigSchema } from "@/lib/channels/platforms/web";
import { describe, expect, it } from "vitest";
import { caught, channelRequest } from "./helpers";

const cfg = webConfigSchema.parse({});
const now = new Date("2025-03-01T12:00:00Z");
const messageId = "0f8fad5b-d9cb-469f-a165-70867728950e";
const sessionId = "vis_4kP9x2LmQ8";
const body = (fields: Record<string, unknown>) =>
  JSON.stringify({ messageId, sessionId, ...fields });

async function rejection(rawBody: string): Promise<InboundRejectedError> {
  const error = await caught(() => webAdapter.parseInbound(cfg, rawBody, now));
  expect(error).toBeInstanceOf(InboundRejectedError);
  return error as InboundRejectedError;
}

describe("web widget inbound", () => {
  it("normalizes typed text, trimmed and cleaned", () => {
    const [message] = webAdapter.parseInbound(
      cfg,
      body({ text: "  Hello\u0000 there \n", lang: "de-CH" }),
      now,
    );
    expect(message).toEqual({
      platformMessageId: messageId,
      externalUserId: sessionId,
      externalChatId: sessionId,
      text: "Hello there",
      lang: "de-CH",
      choiceValue: undefined,
      receivedAt: now,
    });
  });

  it("reads a tapped choice", () => {
    const [message] = webAdapter.parseInbound(cfg, body({ choice: "size_l" }), now);
    expect(message.choiceValue).toBe("size_l");
    expect(message.text).toBe("size_l");
  });

  it("accepts 2,000 characters after trimming and rejects 2,001 with a clear message", async () => {
    expect(
      webAdapter.parseInbound(cfg, body({ text: `   ${"a".repeat(2_000)}   ` }), now)[0].text,
    ).toHaveLength(2_000);
    const error = await rejection(body({ text: "a".repeat(2_001) }));
    expect(error.status).toBe(400);
    expect(error.message).toBe("Message is too long: 2001 characters, the limit is 2,000");
  });

  it("rejects a missing or malformed message id, a bad session, and an empty message", async () => {
    expect((await rejection(JSON.stringify({ sessionId, text: "hi" }))).message).toMatch(
      /messageId/,
    );
    expect((await rejection(body({ messageId: "1", text: "hi" }))).message).toMatch(/messageId/);
    expect((await rejection(body({ sessionId: "x", text: "hi" }))).message).toMatch(/sessionId/);
    await rejection(body({}));
    expect((await rejection(body({ text: " \u0007 " }))).message).toBe("Message is empty");
    await rejection("not json");
  });

  it("gives a resend of the same client message the same platformMessageId", () => {
    const raw = body({ text: "hi" });
    expect(webAdapter.parseInbound(cfg, raw, now)[0].platformMessageId).toBe(
      webAdapter.parseInbound(cfg, raw, now)[0].platformMessageId,
    );
  });

  it("needs no signature but still refuses bodies over 100 KB", async () => {
    expect(webAdapter.verifyRequest(cfg, channelRequest(body({ text: "hi" })), now)).toEqual({
      ok: true,
    });
    const huge = body({ text: "a".repeat(110_000) });
    const verdict = webAdapter.verifyRequest(cfg, channelRequest(huge), now);
    expect(!verdict.ok && verdict.status).toBe(413);
    expect((await rejection(huge)).status).toBe(413);
  });

  it("has every capability and hands the message back from send", async () => {
    expect(webAdapter.capabilities).toMatchObject({
      buttons: true,
      wallets: true,
      richCards: true,
    });
    const message = { kind: "text" as const, text: "Hi <b>there</b>" };
    expect(await webAdapter.send(cfg, sessionId, message)).toEqual({ message });
  });
});
