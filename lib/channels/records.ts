// Chat channels a flow answers on (Telegram bot, Messenger page, WhatsApp number, Slack app).
// Their configs hold tokens and signing secrets, so they are sealed like connection credentials.
import type { DbOrTx } from "@/db/client";
import { channels, flows, type Channel } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { getChannelAdapter } from "@/lib/channels/platforms";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { openCredentials, sealCredentials } from "@/lib/connections/credentials";
import { maskSecret } from "@/lib/crypto/secrets";
import { appUrl } from "@/lib/env";
import { AppError, NotFoundError } from "@/lib/errors";
import { apiBaseUrlProblem } from "@/lib/http/outbound-url";
import { newId } from "@/lib/ids";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq } from "drizzle-orm";
import { CreateChannelSchema } from "./forms";

/** Fields shown in full on the dashboard; every other config value is a secret and masked. */
const PLAIN_CONFIG_FIELDS = new Set(["phoneNumberId", "apiVersion", "baseUrl"]);

export const CHANNEL_LABELS: Record<ChannelKind, string> = {
  web: "Web chat",
  telegram: "Telegram",
  messenger: "Messenger",
  whatsapp: "WhatsApp",
  slack: "Slack",
};

export function channelWebhookUrl(channelId: string, origin = appUrl()): string {
  return `${origin}/api/channels/${channelId}`;
}

export function configHint(config: Record<string, string>): Record<string, string> {
  const hint: Record<string, string> = {};
  for (const [field, value] of Object.entries(config)) {
    if (value) hint[field] = PLAIN_CONFIG_FIELDS.has(field) ? value : maskSecret(value);
  }
  return hint;
}

/** Channel configs are flat strings; sealing binds them to the channel's id like a connection's. */
export function sealChannelConfig(channelId: string, config: Record<string, string>): string {
  // The provider argument only shapes connection hints, which channels compute themselves.
  return sealCredentials("sandbox", config, channelId).credentialsEncrypted;
}

export function openChannelConfig(
  channel: Pick<Channel, "id" | "kind" | "configEncrypted">,
): unknown {
  const raw = openCredentials(channel.configEncrypted, channel.id);
  return getChannelAdapter(channel.kind).configSchema.parse(raw);
}

export interface CreatedChannel {
  id: string;
  kind: ChannelKind;
  label: string;
  webhookUrl: string;
}

/** Connects a flow to a chat platform; returns the webhook URL to paste into the platform. */
export async function createChannel(
  ctx: ServiceContext,
  flowId: string,
  kind: ChannelKind,
  config: Record<string, unknown>,
  options: { label?: string; apiBaseUrl?: string } = {},
): Promise<CreatedChannel> {
  assertCan(ctx, "flows.edit");
  const input = CreateChannelSchema.safeParse({
    flowId,
    kind,
    label: options.label,
    apiBaseUrl: options.apiBaseUrl,
  });
  if (!input.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(input.error));
  const parsed = getChannelAdapter(kind).configSchema.safeParse(config);
  if (!parsed.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(parsed.error));
  const stored = Object.fromEntries(
    Object.entries(parsed.data as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === "string",
    ),
  );
  // Both overrides point Parley's outbound calls somewhere: the same guard as connections.
  const overrideErrors: Record<string, string[]> = {};
  for (const [field, url] of [
    ["apiBaseUrl", input.data.apiBaseUrl],
    ["baseUrl", stored.baseUrl],
  ] as const) {
    const problem = url ? await apiBaseUrlProblem(url) : null;
    if (problem) overrideErrors[field] = [problem];
  }
  if (Object.keys(overrideErrors).length > 0)
    throw new AppError("Please fix the highlighted fields.", 422, overrideErrors);

  return ctx.db.transaction(async (tx) => {
    const [flow] = await tx
      .select({ id: flows.id, name: flows.name })
      .from(flows)
      .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, input.data.flowId)));
    if (!flow) throw new NotFoundError("This flow");
    const id = newId("channel");
    const label = input.data.label ?? `${CHANNEL_LABELS[kind]} — ${flow.name}`;
    await tx.insert(channels).values({
      merchantId: ctx.merchantId,
      id,
      flowId: flow.id,
      kind,
      label,
      configEncrypted: sealChannelConfig(id, stored),
      configHint: configHint(stored),
      apiBaseUrl: input.data.apiBaseUrl ?? null,
    });
    await auditAs(tx, ctx, {
      action: "channel.created",
      targetType: "channel",
      targetId: id,
      summary: `Connected ${CHANNEL_LABELS[kind]} to flow "${flow.name}"`,
      after: { kind, flowId: flow.id, label, config: configHint(stored) },
    });
    return { id, kind, label, webhookUrl: channelWebhookUrl(id) };
  });
}

/** The channel a webhook URL names (the URL carries only its id). */
export async function findChannelById(db: DbOrTx, channelId: string): Promise<Channel | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
  return row;
}

export async function getMerchantChannel(
  db: DbOrTx,
  merchantId: string,
  channelId: string,
): Promise<Channel | undefined> {
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.merchantId, merchantId), eq(channels.id, channelId)));
  return row;
}
