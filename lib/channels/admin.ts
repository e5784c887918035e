// A flow's chat channels as the dashboard manages them: list (masked hints, never secrets),
// connect (and offer the flow on that platform), turn on and off, rotate credentials. Each
// function checks its permission, stays inside ctx.merchantId and audits what it changes.
import type { Tx } from "@/db/client";
import { channels, conversations, flows, type Channel } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { assertCan, type ReadContext, type ServiceContext } from "@/lib/auth/context";
import { getChannelAdapter } from "@/lib/channels/platforms";
import { CHANNEL_KINDS, type ChannelKind } from "@/lib/channels/platforms/types";
import { AppError, NotFoundError } from "@/lib/errors";
import { updateFlowSettings } from "@/lib/flows/service";
import { zodFieldErrors } from "@/lib/validation";
import { and, asc, eq, inArray, max } from "drizzle-orm";
import {
  CHANNEL_CONFIG_FIELDS,
  ConnectChannelSchema,
  isConnectableKind,
  RotateChannelSchema,
  type ConnectableKind,
  type ConnectChannelRequest,
} from "./forms";
import {
  CHANNEL_LABELS,
  channelWebhookUrl,
  configHint,
  createChannel,
  openChannelConfig,
  sealChannelConfig,
  type CreatedChannel,
} from "./records";
import {
  readChannelSettings,
  ReminderTemplateSchema,
  SaveReminderTemplateSchema,
  type ChannelSettings as StoredChannelSettings,
} from "./settings";

/** What the dashboard may show of a channel: hints only, never a token or a secret. */
export interface ChannelSettings {
  id: string;
  kind: ChannelKind;
  label: string;
  enabled: boolean;
  configHint: Record<string, string>;
  apiBaseUrl: string | null;
  webhookUrl: string;
  /** Not secrets: the WhatsApp reminder template. */
  settings: StoredChannelSettings;
  createdAt: Date;
  updatedAt: Date;
}

export interface ChannelSummary extends ChannelSettings {
  /** When a conversation on this channel last moved (a customer wrote, the bot answered). */
  lastActivityAt: Date | null;
}

export interface ConnectedChannel {
  channel: CreatedChannel;
  /** The kinds the flow answers on after connecting. */
  flowChannels: ChannelKind[];
  /** True when connecting also ticked this kind in the flow's settings. */
  kindTicked: boolean;
}

export interface RotatedChannel {
  channel: ChannelSettings;
  /** Names of the config fields whose value changed. */
  changedFields: string[];
}

const INVALID = "Please fix the highlighted fields.";

function toSettings(row: Channel): ChannelSettings {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    enabled: row.enabled === 1,
    configHint: row.configHint,
    apiBaseUrl: row.apiBaseUrl,
    webhookUrl: channelWebhookUrl(row.id),
    settings: readChannelSettings(row.settings),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function stringEntries(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Only the fields the form offers; anything else a caller sends is dropped, not stored. */
function pickFormFields(kind: ConnectableKind, config: Record<string, string>) {
  const picked: Record<string, string> = {};
  for (const field of CHANNEL_CONFIG_FIELDS[kind]) {
    const value = config[field.name]?.trim();
    if (value) picked[field.name] = value;
  }
  return picked;
}

/**
 * Checks a config with the adapter's own schema; errors are keyed `config.<field>` so the form
 * shows each beside its input.
 */
export function checkChannelConfig(
  kind: ConnectableKind,
  config: Record<string, string>,
):
  | { ok: true; config: Record<string, string> }
  | { ok: false; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  for (const field of CHANNEL_CONFIG_FIELDS[kind]) {
    if (!config[field.name]?.trim())
      fieldErrors[`config.${field.name}`] = [`Enter the ${lowerFirst(field.label)}.`];
  }
  const parsed = getChannelAdapter(kind).configSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = `config.${issue.path.join(".")}`;
      if (!fieldErrors[key]) fieldErrors[key] = [issue.message];
    }
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  return { ok: true, config: stringEntries(parsed.data) };
}

export async function listFlowChannels(
  ctx: ReadContext,
  flowId: string,
): Promise<ChannelSummary[]> {
  assertCan(ctx, "flows.view");
  const [flow] = await ctx.db
    .select({ id: flows.id })
    .from(flows)
    .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, flowId)));
  if (!flow) throw new NotFoundError("This flow");
  const rows = await ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.merchantId, ctx.merchantId), eq(channels.flowId, flowId)))
    .orderBy(asc(channels.createdAt), asc(channels.id));
  if (rows.length === 0) return [];
  // Narrowed by the (merchant, flow, started) index; channels have no index of their own here.
  const activity = await ctx.db
    .select({ channelId: conversations.channelId, at: max(conversations.updatedAt) })
    .from(conversations)
    .where(
      and(
        eq(conversations.merchantId, ctx.merchantId),
        eq(conversations.flowId, flowId),
        inArray(
          conversations.channelId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .groupBy(conversations.channelId);
  const lastActivity = new Map(activity.map((a) => [a.channelId, toDate(a.at)]));
  return rows.map((row) => ({
    ...toSettings(row),
    lastActivityAt: lastActivity.get(row.id) ?? null,
  }));
}

/**
 * Connects a flow to a platform and, when the flow's settings do not offer that platform yet,
 * ticks it there too: the engine ignores messages on kinds the flow is not offered on.
 */
export async function connectFlowChannel(
  ctx: ServiceContext,
  input: ConnectChannelRequest,
): Promise<ConnectedChannel> {
  assertCan(ctx, "flows.edit");
  const parsed = ConnectChannelSchema.safeParse(input);
  const fieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error);
  // Check the config even when another field is wrong, so the form shows every error at once.
  const kind = isConnectableKind(input.kind) ? input.kind : null;
  const rawConfig = stringEntries(input.config);
  const checked = kind ? checkChannelConfig(kind, pickFormFields(kind, rawConfig)) : null;
  if (checked && !checked.ok) Object.assign(fieldErrors, checked.fieldErrors);
  if (!parsed.success || !checked?.ok || !kind) throw new AppError(INVALID, 422, fieldErrors);

  const [flow] = await ctx.db
    .select({ channels: flows.channels })
    .from(flows)
    .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, parsed.data.flowId)));
  if (!flow) throw new NotFoundError("This flow");

  const channel = await createChannel(ctx, parsed.data.flowId, kind, checked.config, {
    label: parsed.data.label,
    apiBaseUrl: parsed.data.apiBaseUrl,
  });
  if (flow.channels.includes(kind)) {
    return { channel, flowChannels: flow.channels, kindTicked: false };
  }
  const settings = await updateFlowSettings(ctx, {
    flowId: parsed.data.flowId,
    channels: CHANNEL_KINDS.filter((k) => k === kind || flow.channels.includes(k)),
  });
  return { channel, flowChannels: settings.channels, kindTicked: true };
}

async function lockChannel(tx: Tx, merchantId: string, channelId: string): Promise<Channel> {
  const [row] = await tx
    .select()
    .from(channels)
    .where(and(eq(channels.merchantId, merchantId), eq(channels.id, channelId)))
    .for("update");
  if (!row) throw new NotFoundError("This channel");
  return row;
}

/**
 * The approved WhatsApp template that reminders use after the customer's 24-hour window has
 * closed: its name, language and body parameters. An empty name removes it (such reminders are
 * then skipped, with the reason shown on the conversation).
 */
export async function saveReminderTemplate(
  ctx: ServiceContext,
  input: unknown,
): Promise<ChannelSettings> {
  assertCan(ctx, "flows.edit");
  const parsed = SaveReminderTemplateSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError("The template is invalid.", 422, zodFieldErrors(parsed.error));
  const { channelId, name, language, parameters } = parsed.data;
  let template: StoredChannelSettings["reminderTemplate"];
  if (name) {
    const checked = ReminderTemplateSchema.safeParse({
      name,
      language,
      parameters: parameters
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
    });
    if (!checked.success)
      throw new AppError("The template is invalid.", 422, zodFieldErrors(checked.error));
    template = checked.data;
  }
  return ctx.db.transaction(async (tx) => {
    const row = await lockChannel(tx, ctx.merchantId, channelId);
    if (row.kind !== "whatsapp")
      throw new AppError("Only WhatsApp channels use message templates.", 422, {
        name: ["Only WhatsApp channels use message templates"],
      });
    const before = readChannelSettings(row.settings);
    const settings: StoredChannelSettings = { ...before };
    if (template) settings.reminderTemplate = template;
    else delete settings.reminderTemplate;
    const updatedAt = new Date();
    await tx
      .update(channels)
      .set({ settings, updatedAt })
      .where(and(eq(channels.merchantId, ctx.merchantId), eq(channels.id, row.id)));
    await recordAudit(tx, {
      merchantId: ctx.merchantId,
      actor: { userId: ctx.user.id, email: ctx.user.email },
      action: "channel.reminder_template_saved",
      targetType: "channel",
      targetId: row.id,
      summary: template
        ? `Set the reminder template of WhatsApp channel "${row.label}" to ${template.name} (${template.language})`
        : `Removed the reminder template of WhatsApp channel "${row.label}"`,
      before: { reminderTemplate: before.reminderTemplate ?? null },
      after: { reminderTemplate: template ?? null },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    return toSettings({ ...row, settings, updatedAt });
  });
}

/** A disabled channel's webhook answers 404, so the platform stops delivering to it. */
export async function setChannelEnabled(
  ctx: ServiceContext,
  channelId: string,
  enabled: boolean,
): Promise<ChannelSettings> {
  assertCan(ctx, "flows.edit");
  return ctx.db.transaction(async (tx) => {
    const row = await lockChannel(tx, ctx.merchantId, channelId);
    if ((row.enabled === 1) === enabled) return toSettings(row);
    const updatedAt = new Date();
    await tx
      .update(channels)
      .set({ enabled: enabled ? 1 : 0, updatedAt })
      .where(and(eq(channels.merchantId, ctx.merchantId), eq(channels.id, row.id)));
    await recordAudit(tx, {
      merchantId: ctx.merchantId,
      actor: { userId: ctx.user.id, email: ctx.user.email },
      action: enabled ? "channel.enabled" : "channel.disabled",
      targetType: "channel",
      targetId: row.id,
      summary: `${enabled ? "Turned on" : "Turned off"} ${CHANNEL_LABELS[row.kind]} channel "${row.label}"`,
      before: { enabled: row.enabled === 1 },
      after: { enabled },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    return toSettings({ ...row, enabled: enabled ? 1 : 0, updatedAt });
  });
}

/**
 * Replaces a channel's credentials. Fields left blank keep their current value, so rotating
 * one secret does not mean retyping the others; a config that can no longer be opened (lost
 * master key) needs every field again.
 */
export async function rotateChannelConfig(
  ctx: ServiceContext,
  channelId: string,
  config: Record<string, unknown>,
): Promise<RotatedChannel> {
  assertCan(ctx, "flows.edit");
  const input = RotateChannelSchema.safeParse({ channelId, config });
  if (!input.success) throw new AppError(INVALID, 422, zodFieldErrors(input.error));
  return ctx.db.transaction(async (tx) => {
    const row = await lockChannel(tx, ctx.merchantId, input.data.channelId);
    if (!isConnectableKind(row.kind))
      throw new AppError(`${CHANNEL_LABELS[row.kind]} has no credentials to rotate.`, 422);
    const changes = pickFormFields(row.kind, input.data.config);
    if (Object.keys(changes).length === 0) {
      const message = "Enter at least one new value.";
      throw new AppError(message, 422, { config: [message] });
    }
    let current: Record<string, string> = {};
    try {
      current = stringEntries(openChannelConfig(row));
    } catch {
      current = {};
    }
    const checked = checkChannelConfig(row.kind, { ...current, ...changes });
    if (!checked.ok) throw new AppError(INVALID, 422, checked.fieldErrors);
    const changedFields = Object.keys(changes).filter((name) => changes[name] !== current[name]);
    if (changedFields.length === 0) return { channel: toSettings(row), changedFields };

    const hint = configHint(checked.config);
    const updatedAt = new Date();
    await tx
      .update(channels)
      .set({
        configEncrypted: sealChannelConfig(row.id, checked.config),
        configHint: hint,
        updatedAt,
      })
      .where(and(eq(channels.merchantId, ctx.merchantId), eq(channels.id, row.id)));
    await recordAudit(tx, {
      merchantId: ctx.merchantId,
      actor: { userId: ctx.user.id, email: ctx.user.email },
      action: "channel.credentials_rotated",
      targetType: "channel",
      targetId: row.id,
      summary: `Replaced ${changedFields.join(", ")} of ${CHANNEL_LABELS[row.kind]} channel "${row.label}"`,
      before: { config: row.configHint },
      after: { config: hint, changedFields },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    return {
      channel: toSettings({ ...row, configHint: hint, updatedAt }),
      changedFields,
    };
  });
}
