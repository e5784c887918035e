// A local fake of Slack's Web API chat.postMessage: Bearer bot token, Block Kit limits checked
// the way Slack does, HTTP 200 with {ok:false,error} for refusals (429 + Retry-After when rate
// limited), and a record of what was posted. Plus the signing helper for inbound requests.
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readText, sendJson } from "./http-server";

export interface SlackPosted {
  channel: string;
  text?: string;
  blocks?: Json[];
}

export interface FakeSlack {
  baseUrl: string;
  posted: SlackPosted[];
  requestCount(): number;
  archiveChannel(channelId: string): void;
  rateLimitNext(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type SlackReply = { status: number; body: Json; headers?: Record<string, string> };

/** The headers Slack sends with a request ("Verifying requests from Slack"). */
export function signSlackRequest(
  rawBody: string,
  signingSecret: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): { "x-slack-request-timestamp": string; "x-slack-signature": string } {
  const base = `v0:${timestampSeconds}:${rawBody}`;
  return {
    "x-slack-request-timestamp": String(timestampSeconds),
    "x-slack-signature": `v0=${createHmac("sha256", signingSecret).update(base, "utf8").digest("hex")}`,
  };
}

function obj(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

const slackError = (error: string, messages?: string[]): SlackReply => ({
  status: 200,
  body: { ok: false, error, ...(messages ? { response_metadata: { messages } } : {}) },
});

const within = (text: unknown, min: number, max: number) =>
  typeof text === "string" && text.length >= min && text.length <= max;

/** Block Kit checks for the blocks Parley uses; anything else is refused like Slack would. */
function blocksProblem(blocks: unknown): string | null {
  if (!Array.isArray(blocks) || blocks.length < 1 || blocks.length > 50)
    return "must provide 1-50 blocks [json-pointer:/blocks]";
  const actionIds = new Set<string>();
  for (const [i, raw] of blocks.entries()) {
    const block = obj(raw);
    if (block.type === "section") {
      const text = obj(block.text);
      if (text.type !== "mrkdwn" && text.type !== "plain_text")
        return `invalid text type [json-pointer:/blocks/${i}/text/type]`;
      if (!within(text.text, 1, 3000))
        return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
    } else if (block.type === "actions") {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25) {
        return `must have 1-25 elements [json-pointer:/blocks/${i}/elements]`;
      }
      for (const [j, rawElement] of elements.entries()) {
        const element = obj(rawElement);
        const at = `/blocks/${i}/elements/${j}`;
        if (element.type !== "button") return `unsupported element type [json-pointer:${at}/type]`;
        const label = obj(element.text);
        if (label.type !== "plain_text") return `must be plain_text [json-pointer:${at}/text/type]`;
        if (!within(label.text, 1, 75))
          return `must be less than 76 characters [json-pointer:${at}/text/text]`;
        if (element.value !== undefined && !within(element.value, 1, 2000))
          return `must be less than 2001 characters [json-pointer:${at}/value]`;
        if (
          element.url !== undefined &&
          (!within(element.url, 1, 3000) || !/^https?:\/\//.test(element.url as string))
        ) {
          return `must be a valid URL [json-pointer:${at}/url]`;
        }
        if (
          element.style !== undefined &&
          element.style !== "primary" &&
          element.style !== "danger"
        ) {
          return `invalid style [json-pointer:${at}/style]`;
        }
        const actionId = element.action_id;
        if (actionId !== undefined) {
          if (!within(actionId, 1, 255))
            return `must be less than 256 characters [json-pointer:${at}/action_id]`;
          if (actionIds.has(actionId as string))
            return `action_id already exists [json-pointer:${at}/action_id]`;
          actionIds.add(actionId as string);
        }
      }
    } else {
      return `unsupported block type [json-pointer:/blocks/${i}/type]`;
    }
  }
  return null;
}

export async function startFakeSlack(opts: { botToken: string }): Promise<FakeSlack> {
  const posted: SlackPosted[] = [];
  const archived = new Set<string>();
  let requests = 0;
  let rateLimitSeconds: number | null = null;
  let counter = 0;

  function postMessage(body: Json): SlackReply {
    if (typeof body.channel !== "string" || !body.channel) return slackError("channel_not_found");
    if (archived.has(body.channel)) return slackError("is_archived");
    if (body.blocks === undefined && !within(body.text, 1, 40_000)) {
      return slackError(body.text ? "msg_too_long" : "no_text");
    }
    if (body.blocks !== undefined) {
      const problem = blocksProblem(body.blocks);
      if (problem) return slackError("invalid_blocks", [`[ERROR] ${problem}`]);
    }
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, "0")}`;
    posted.push({
      channel: body.channel,
      text: body.text as string | undefined,
      blocks: body.blocks as Json[] | undefined,
    });
    return {
      status: 200,
      body: {
        ok: true,
        channel: body.channel,
        ts,
        message: { type: "message", text: body.text, ts, bot_id: "BFAKE" },
      },
    };
  }

  async function handle(req: IncomingMessage): Promise<SlackReply> {
    requests += 1;
    const raw = await readText(req);
    const { pathname } = new URL(req.url ?? "/", "http://fake");
    if (pathname !== "/api/chat.postMessage")
      return { status: 404, body: { ok: false, error: "unknown_method" } };
    const auth = req.headers.authorization;
    if (!auth) return slackError("not_authed");
    if (auth !== `Bearer ${opts.botToken}`) return slackError("invalid_auth");
    if (rateLimitSeconds !== null) {
      const seconds = rateLimitSeconds;
      rateLimitSeconds = null;
      return {
        status: 429,
        body: { ok: false, error: "ratelimited" },
        headers: { "retry-after": String(seconds) },
      };
    }
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
      return slackError("invalid_arguments");
    try {
      return postMessage(obj(JSON.parse(raw)));
    } catch {
      return slackError("invalid_json");
    }
  }

  const server = await listenLocal(
    async (req, res) => reply(res, await handle(req)),
    (res) => reply(res, { status: 500, body: { ok: false, error: "internal_error" } }),
  );

  return {
    baseUrl: server.url,
    posted,
    requestCount: () => requests,
    archiveChannel: (channelId) => archived.add(channelId),
    rateLimitNext: (seconds) => {
      rateLimitSeconds = seconds;
    },
    close: server.close,
  };
}

function reply(res: ServerResponse, { status, body, headers }: SlackReply): void {
  sendJson(res, status, body, { "content-type": "application/json; charset=utf-8", ...headers });
}
