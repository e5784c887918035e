import { slackAdapter, slackConfigSchema, type SlackConfig } from "@/lib/channels/platforms/slack";
import { ChannelError } from "@/lib/channels/platforms/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSlackRequest, startFakeSlack, type FakeSlack } from "../../../fakes/slack-server";
import { caught, channelRequest } from "./helpers";

const BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
const cfg: SlackConfig = slackConfigSchema.parse({
  botToken: BOT_TOKEN,
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
});
const nowSeconds = 1740830400;
const now = new Date(nowSeconds * 1000);

function signed(rawBody: string, timestamp = nowSeconds, secret = cfg.signingSecret) {
  return channelRequest(rawBody, signSlackRequest(rawBody, secret, timestamp));
}

function eventCallback(event: Record<string, unknown>, eventId = "Ev08MFMKH6") {
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: "T061EG9R6",
    api_app_id: "A0PNCHHK2",
    type: "event_callback",
    event_id: eventId,
    event_time: nowSeconds,
    event: {
      type: "message",
      channel: "D024BE91L",
      user: "U2147483697",
      text: "How much is shipping?",
      ts: "1740830400.000200",
      channel_type: "im",
      ...event,
    },
  });
}

describe("Slack request verification", () => {
  it("matches the worked example in Slack's 'Verifying requests from Slack'", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const req = channelRequest(body, {
      "X-Slack-Request-Timestamp": "1531420618",
      "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    });
    expect(slackAdapter.verifyRequest(cfg, req, new Date(1531420618 * 1000 + 30_000))).toEqual({
      ok: true,
    });
  });

  it("accepts a fresh signed request and refuses forged, tampered and unsigned ones", () => {
    const body = eventCallback({});
    expect(slackAdapter.verifyRequest(cfg, signed(body), now).ok).toBe(true);
    const forged = slackAdapter.verifyRequest(cfg, signed(body, nowSeconds, "wrong-secret"), now);
    expect(!forged.ok && forged.status).toBe(401);
    const tampered = signed(body);
    const result = slackAdapter.verifyRequest(
      cfg,
      { ...tampered, rawBody: body.replace("shipping", "shipp1ng") },
      now,
    );
    expect(result.ok).toBe(false);
    const unsigned = slackAdapter.verifyRequest(cfg, channelRequest(body), now);
    expect(!unsigned.ok && unsigned.status).toBe(401);
  });

  it("refuses a request timestamped more than five minutes away, even when correctly signed", () => {
    const body = eventCallback({});
    expect(slackAdapter.verifyRequest(cfg, signed(body, nowSeconds - 299), now).ok).toBe(true);
    const stale = slackAdapter.verifyRequest(cfg, signed(body, nowSeconds - 301), now);
    expect(!stale.ok && stale.reason).toMatch(/5 minutes/);
    expect(slackAdapter.verifyRequest(cfg, signed(body, nowSeconds + 301), now).ok).toBe(false);
  });

  it("cannot be fooled by moving the timestamp: it is part of what is signed", () => {
    const body = eventCallback({});
    const old = signSlackRequest(body, cfg.signingSecret, nowSeconds - 3600);
    const replay = channelRequest(body, {
      ...old,
      "x-slack-request-timestamp": String(nowSeconds),
    });
    expect(slackAdapter.verifyRequest(cfg, replay, now).ok).toBe(false);
  });
});

describe("Slack url_verification handshake", () => {
  const body = JSON.stringify({
    token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    type: "url_verification",
  });

  it("answers a signed url_verification with the challenge", () => {
    const answer = slackAdapter.handshake!(cfg, signed(body), now);
    expect(answer).toEqual({
      status: 200,
      body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      contentType: "text/plain",
    });
  });

  it("refuses an unsigned one and ignores ordinary events", () => {
    expect(slackAdapter.handshake!(cfg, channelRequest(body), now)?.status).toBe(401);
    expect(slackAdapter.handshake!(cfg, signed(eventCallback({})), now)).toBeNull();
    expect(slackAdapter.handshake!(cfg, signed("payload=%7B%7D"), now)).toBeNull();
  });
});

describe("Slack inbound", () => {
  it("normalizes a direct message, unescaping Slack's &amp; &lt; &gt;", () => {
    const [message] = slackAdapter.parseInbound(
      cfg,
      eventCallback({ text: "Is 2 &lt; 3 &amp; cheap?" }),
      now,
    );
    expect(message).toEqual({
      platformMessageId: "Ev08MFMKH6",
      externalUserId: "U2147483697",
      externalChatId: "D024BE91L",
      text: "Is 2 < 3 & cheap?",
      receivedAt: new Date(1740830400000),
    });
  });

  it("keeps the event_id across Slack's retries", () => {
    const body = eventCallback({});
    expect(slackAdapter.parseInbound(cfg, body, now)[0].platformMessageId).toBe(
      slackAdapter.parseInbound(cfg, body, now)[0].platformMessageId,
    );
  });

  it("ignores bot messages (Parley's own included), edits, joins and other event types", () => {
    const ignored = [
      eventCallback({ bot_id: "B0PARLEY", text: "Which size?" }),
      eventCallback({ subtype: "bot_message", bot_id: "B1" }),
      eventCallback({ subtype: "message_changed", message: { text: "edited" } }),
      eventCallback({ subtype: "channel_join", text: "<@U1> has joined" }),
      eventCallback({ type: "reaction_added", reaction: "thumbsup" }),
      JSON.stringify({ type: "app_rate_limited", minute_rate_limited: 1518467820 }),
    ];
    for (const body of ignored) expect(slackAdapter.parseInbound(cfg, body, now)).toEqual([]);
  });

  it("reads a block_actions button click (form-encoded payload) as the option's value", () => {
    const payload = {
      type: "block_actions",
      user: { id: "U2147483697", username: "ana" },
      channel: { id: "D024BE91L", name: "directmessage" },
      container: { type: "message", message_ts: "1740830405.000300", channel_id: "D024BE91L" },
      trigger_id: "12466734323.1395872398.2f5cf9b1bd1b1c8d3d3b2a76f2f7c9d1",
      actions: [
        {
          type: "button",
          action_id: "choice_1",
          block_id: "b1",
          value: "size_l",
          text: { type: "plain_text", text: "Large" },
          action_ts: "1740830410.123456",
        },
      ],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const [message] = slackAdapter.parseInbound(cfg, body, now);
    expect(message).toMatchObject({
      externalUserId: "U2147483697",
      externalChatId: "D024BE91L",
      text: "Large",
      choiceValue: "size_l",
    });
    expect(slackAdapter.parseInbound(cfg, body, now)[0].platformMessageId).toBe(
      message.platformMessageId,
    );

    const urlClick = {
      ...payload,
      actions: [
        {
          type: "button",
          action_id: "payment_link",
          url: "https://pay.test",
          action_ts: "1740830411.1",
        },
      ],
    };
    expect(
      slackAdapter.parseInbound(
        cfg,
        `payload=${encodeURIComponent(JSON.stringify(urlClick))}`,
        now,
      ),
    ).toEqual([]);
  });
});

describe("Slack send (against the fake Web API)", () => {
  let fake: FakeSlack;
  let live: SlackConfig;
  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN });
    live = { ...cfg, baseUrl: fake.baseUrl };
  });
  afterAll(() => fake.close());

  it("posts text with mrkdwn control characters escaped and returns the ts", async () => {
    const result = await slackAdapter.send(live, "D024BE91L", {
      kind: "text",
      text: "You wrote: <!channel> & <https://evil.test|pay here>",
    });
    expect(fake.posted.at(-1)).toEqual({
      channel: "D024BE91L",
      text: "You wrote: &lt;!channel&gt; &amp; &lt;https://evil.test|pay here&gt;",
      blocks: undefined,
    });
    expect(result.platformMessageId).toMatch(/^\d+\.\d{6}$/);
  });

  it("posts choices as a section plus buttons carrying the option values", async () => {
    await slackAdapter.send(live, "D024BE91L", {
      kind: "choices",
      text: "Which size?",
      options: [
        { value: "size_s", label: "Small" },
        { value: "size_l", label: "Large" },
      ],
    });
    const blocks = fake.posted.at(-1)!.blocks!;
    expect(blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "Which size?" } });
    const elements = (blocks[1] as { elements: { value: string; text: { text: string } }[] })
      .elements;
    expect(elements.map((e) => [e.text.text, e.value])).toEqual([
      ["Small", "size_s"],
      ["Large", "size_l"],
    ]);
  });

  it("posts a payment link as a URL button", async () => {
    await slackAdapter.send(live, "D024BE91L", {
      kind: "payment_link",
      text: "Invoice #12",
      url: "https://pay.parley.test/c/cs_slack",
      amountMinor: 150000,
      currency: "USD",
      methods: ["card"],
    });
    const actions = fake.posted.at(-1)!.blocks![1] as { elements: Record<string, unknown>[] };
    expect(actions.elements[0]).toMatchObject({
      type: "button",
      url: "https://pay.parley.test/c/cs_slack",
      text: { type: "plain_text", text: "Pay $1,500.00" },
    });
  });

  it("keeps escaped section text within Slack's 3000 characters", async () => {
    await slackAdapter.send(live, "D024BE91L", {
      kind: "choices",
      text: "&".repeat(2_000),
      options: [{ value: "a", label: "A" }],
    });
    const section = fake.posted.at(-1)!.blocks![0] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text.startsWith("&amp;&amp;")).toBe(true);
  });

  it("throws invalid_credentials on Slack's 200 {ok:false,error:'invalid_auth'}", async () => {
    const error = (await caught(() =>
      slackAdapter.send({ ...live, botToken: "xoxb-wrong" }, "D1", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.kind).toBe("invalid_credentials");
    expect(error.message).toContain("invalid_auth");
    expect(error.message).not.toContain("xoxb-wrong");
  });

  it("maps an archived channel and rate limiting", async () => {
    fake.archiveChannel("C_OLD");
    const archived = (await caught(() =>
      slackAdapter.send(live, "C_OLD", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(archived.kind).toBe("recipient_unavailable");
    fake.rateLimitNext(30);
    const limited = (await caught(() =>
      slackAdapter.send(live, "D1", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(limited.kind).toBe("rate_limited");
    expect(limited.details.retryAfterSeconds).toBe(30);
  });
});
