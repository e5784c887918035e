// A chat platform calling Parley: find the channel, read the body within the limit, answer the
// subscription handshake, verify the request before anything is stored, then hand each
// customer message to the engine. Redeliveries are harmless: the engine handles a message once.
import type { Db } from "@/db/client";
import { getChannelAdapter } from "@/lib/channels/platforms";
import { MAX_INBOUND_BODY_BYTES } from "@/lib/channels/platforms/sanitize";
import {
  type ChannelAdapter,
  type ChannelRequest,
  InboundRejectedError,
} from "@/lib/channels/platforms/types";
import { handleInbound } from "@/lib/conversations/engine";
import { findFlowForRuntime, isLiveOn } from "@/lib/conversations/engine/graphs";
import { AppError } from "@/lib/errors";
import { readBodyWithLimit } from "@/lib/webhooks/receive";
import { findChannelById, openChannelConfig } from "./records";

export interface ChannelWebhookOptions {
  now?: Date;
  /** Where the replies' sending runs; see handleInbound's `defer`. */
  defer?: (work: () => Promise<void>) => void;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export async function handleChannelRequest(
  db: Db,
  channelId: string,
  request: Request,
  options: ChannelWebhookOptions = {},
): Promise<Response> {
  const now = options.now ?? new Date();
  const method = request.method.toUpperCase();
  let rawBody = "";
  if (method === "POST") {
    const body = await readBodyWithLimit(request, MAX_INBOUND_BODY_BYTES);
    if (!body.ok)
      return text(
        body.reason === "too_large" ? 413 : 400,
        body.reason === "too_large" ? "Body too large" : "Body could not be read",
      );
    rawBody = body.text;
  }

  const channel = await findChannelById(db, channelId);
  if (!channel || !channel.enabled) return text(404, "Unknown channel");
  const adapter: ChannelAdapter<unknown> = getChannelAdapter(channel.kind);
  let config: unknown;
  try {
    config = openChannelConfig(channel);
  } catch (error) {
    console.error(
      `[channels] ${channel.id}: settings can't be read`,
      error instanceof Error ? error.message : error,
    );
    return text(500, "Channel settings can't be read");
  }

  const req: ChannelRequest = { rawBody, headers: request.headers, url: request.url, method };
  const handshake = adapter.handshake?.(config, req, now);
  if (handshake)
    return new Response(handshake.body, {
      status: handshake.status,
      headers: { "content-type": handshake.contentType },
    });
  if (method !== "POST") return text(405, "Method not allowed");

  const verified = adapter.verifyRequest(config, req, now);
  if (!verified.ok) return text(verified.status, verified.reason);

  let messages;
  try {
    messages = adapter.parseInbound(config, rawBody, now);
  } catch (error) {
    if (error instanceof InboundRejectedError) return text(error.status, error.message);
    throw error;
  }

  const flow = await findFlowForRuntime(db, channel.merchantId, channel.flowId);
  // Acknowledged but ignored: a paused flow (or one taken off this channel) must not make the
  // platform retry for days.
  if (!flow || !isLiveOn(flow, channel.kind))
    return Response.json({ received: messages.length, handled: 0 });

  let handled = 0;
  for (const message of messages) {
    try {
      await handleInbound(db, {
        flow,
        channel: channel.kind,
        channelId: channel.id,
        externalUserId: message.externalUserId,
        externalChatId: message.externalChatId,
        message: {
          platformMessageId: message.platformMessageId,
          text: message.text,
          choiceValue: message.choiceValue,
          lang: message.lang,
        },
        now,
        defer: options.defer,
      });
      handled += 1;
    } catch (error) {
      // A message we refuse (too large, empty) is not worth a retry; anything else is.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
    }
  }
  return Response.json({ received: messages.length, handled });
}
