// Sends a step's replies out through the conversation's channel, in order. The web widget and
// the simulator read them from the database instead. A refused send is recorded on the
// message, never thrown: the conversation has already moved on.
import type { Db } from "@/db/client";
import type { Conversation, ConversationMessage } from "@/db/schema";
import { getChannelAdapter } from "@/lib/channels/platforms";
import { type ChannelAdapter, ChannelError } from "@/lib/channels/platforms/types";
import { merchantProfile } from "@/lib/conversations/engine/environment";
import {
  channelLocale,
  OutboundBodySchema,
  type SendStatus,
  toChannelMessage,
} from "@/lib/conversations/engine/messages";
import { recordSendStatus } from "@/lib/conversations/engine/store";
import type { Lang } from "@/lib/flows/graph";
import { guardedFetch } from "@/lib/http/outbound-url";
import { getMerchantChannel, openChannelConfig } from "./records";
import { readChannelSettings } from "./settings";

function hasBaseOverride(apiBaseUrl: string | null, config: unknown): boolean {
  const configBase = (config as { baseUrl?: unknown } | null)?.baseUrl;
  return Boolean(apiBaseUrl) || (typeof configBase === "string" && configBase !== "");
}

export function needsChannelSend(
  conversation: Pick<Conversation, "channel" | "isSimulation">,
): boolean {
  return conversation.channel !== "web" && !conversation.isSimulation;
}

function describeFailure(error: unknown): string {
  if (error instanceof ChannelError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return "Unknown error";
}

export interface SendReport {
  sent: number;
  failed: number;
}

export async function sendOutbound(
  db: Db,
  conversation: Pick<
    Conversation,
    "merchantId" | "channel" | "channelId" | "externalChatId" | "isSimulation" | "lang"
  >,
  rows: readonly ConversationMessage[],
  now: () => Date = () => new Date(),
): Promise<SendReport> {
  const report: SendReport = { sent: 0, failed: 0 };
  if (!needsChannelSend(conversation) || rows.length === 0) return report;

  const fail = async (row: ConversationMessage, error: string) => {
    const body = OutboundBodySchema.safeParse(row.body);
    if (!body.success) return;
    const failed: SendStatus = {
      status: "failed",
      error: error.slice(0, 500),
      at: now().toISOString(),
    };
    await recordSendStatus(db, row.merchantId, row.id, { ...body.data, delivery: failed }, null);
    report.failed += 1;
  };

  const channel = conversation.channelId
    ? await getMerchantChannel(db, conversation.merchantId, conversation.channelId)
    : undefined;
  let config: unknown;
  let setupError: string | null = null;
  if (!channel) setupError = "The channel was removed";
  else if (!channel.enabled) setupError = "The channel is disabled";
  else {
    try {
      config = openChannelConfig(channel);
    } catch (error) {
      setupError = `The channel's settings can't be read (${describeFailure(error)})`;
    }
  }

  const settings = readChannelSettings(channel?.settings);
  const merchantName = settings.reminderTemplate
    ? (await merchantProfile(db, conversation.merchantId)).merchantName
    : undefined;
  for (const row of rows) {
    if (setupError || !channel) {
      await fail(row, setupError ?? "No channel");
      continue;
    }
    const body = OutboundBodySchema.safeParse(row.body);
    if (!body.success) continue;
    try {
      const adapter: ChannelAdapter<unknown> = getChannelAdapter(channel.kind);
      const sent = await adapter.send(
        config,
        conversation.externalChatId,
        toChannelMessage(body.data),
        {
          baseUrl: channel.apiBaseUrl ?? undefined,
          // An overridden base is checked again on every call (DNS answers change), no redirects.
          fetch: hasBaseOverride(channel.apiBaseUrl, config) ? guardedFetch() : undefined,
          locale: channelLocale(conversation.lang as Lang),
          ...(settings.reminderTemplate
            ? { reminderTemplate: settings.reminderTemplate, merchantName }
            : {}),
        },
      );
      const sentStatus: SendStatus = { status: "sent", at: now().toISOString() };
      await recordSendStatus(
        db,
        row.merchantId,
        row.id,
        { ...body.data, delivery: sentStatus },
        sent.platformMessageId ?? null,
      );
      report.sent += 1;
    } catch (error) {
      await fail(row, describeFailure(error));
    }
  }
  return report;
}
