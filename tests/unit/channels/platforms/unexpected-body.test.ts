import { messengerAdapter, messengerConfigSchema } from "@/lib/channels/platforms/messenger";
import { slackAdapter, slackConfigSchema } from "@/lib/channels/platforms/slack";
import { telegramAdapter, telegramConfigSchema } from "@/lib/channels/platforms/telegram";
import { ChannelError, type SendOptions } from "@/lib/channels/platforms/types";
import { whatsappAdapter, whatsappConfigSchema } from "@/lib/channels/platforms/whatsapp";
import { describe, expect, it } from "vitest";
import { caught } from "./helpers";

// A gateway in front of the platform can answer with JSON that is none of the platform's own
// shapes; every adapter reports that the same way instead of guessing a meaning.
const answer: SendOptions["fetch"] = async () =>
  new Response(JSON.stringify({ gateway: "busy" }), {
    status: 502,
    headers: { "content-type": "application/json" },
  });

const sends = [
  {
    name: "Telegram",
    send: () =>
      telegramAdapter.send(
        telegramConfigSchema.parse({
          botToken: "123456789:AAH3ykq0tT-example_token_abcdefghij",
          secretToken: "whk_s3cret-Token",
        }),
        "1",
        { kind: "text", text: "hi" },
        { fetch: answer },
      ),
  },
  {
    name: "Slack",
    send: () =>
      slackAdapter.send(
        slackConfigSchema.parse({ botToken: "xoxb-1-2-abc", signingSecret: "s3cret" }),
        "C123",
        { kind: "text", text: "hi" },
        { fetch: answer },
      ),
  },
  {
    name: "Messenger",
    send: () =>
      messengerAdapter.send(
        messengerConfigSchema.parse({ pageAccessToken: "EAA1", appSecret: "a", verifyToken: "v" }),
        "123",
        { kind: "text", text: "hi" },
        { fetch: answer },
      ),
  },
  {
    name: "WhatsApp",
    send: () =>
      whatsappAdapter.send(
        whatsappConfigSchema.parse({
          accessToken: "EAA2",
          appSecret: "a",
          verifyToken: "v",
          phoneNumberId: "1065",
        }),
        "351900000000",
        { kind: "text", text: "hi" },
        { fetch: answer },
      ),
  },
];

describe("a platform answer in no documented shape", () => {
  it.each(sends)("$name: platform_error naming the HTTP status", async ({ name, send }) => {
    const error = (await caught(send)) as ChannelError;
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.kind).toBe("platform_error");
    expect(error.details).toEqual({ status: 502 });
    expect(error.message).toBe(`${name} answered HTTP 502 with an unexpected body`);
  });
});
