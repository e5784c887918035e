"use server";
// The flow page's Channels panel, as server actions. Thin: lib/action.ts resolves the member
// and checks the named permission; lib/channels/admin.ts re-checks it, scopes
// everything to the merchant and audits.
import { defineAction } from "@/lib/action";
import {
  connectFlowChannel,
  listFlowChannels,
  rotateChannelConfig,
  saveReminderTemplate,
  setChannelEnabled,
  type ChannelSettings,
  type ChannelSummary,
} from "@/lib/channels/admin";
import {
  ConnectChannelRequestSchema,
  ListChannelsSchema,
  RotateChannelSchema,
  SetChannelEnabledSchema,
} from "@/lib/channels/forms";
import { SaveReminderTemplateSchema } from "@/lib/channels/settings";
import { revalidatePath } from "next/cache";

export interface ChannelView extends Omit<ChannelSettings, "createdAt" | "updatedAt"> {
  createdAt: string;
  updatedAt: string;
  lastActivityAt?: string | null;
}

function toView(channel: ChannelSettings | ChannelSummary): ChannelView {
  return {
    id: channel.id,
    kind: channel.kind,
    label: channel.label,
    enabled: channel.enabled,
    configHint: channel.configHint,
    apiBaseUrl: channel.apiBaseUrl,
    webhookUrl: channel.webhookUrl,
    settings: channel.settings,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
    ...("lastActivityAt" in channel
      ? { lastActivityAt: channel.lastActivityAt?.toISOString() ?? null }
      : {}),
  };
}

export const listChannelsAction = defineAction({
  permission: "flows.view",
  schema: ListChannelsSchema,
  handler: async (input, ctx) => (await listFlowChannels(ctx, input.flowId)).map(toView),
});

export const connectChannelAction = defineAction({
  permission: "flows.edit",
  stepUp: true,
  schema: ConnectChannelRequestSchema,
  handler: async (input, ctx) => {
    const connected = await connectFlowChannel(ctx, input);
    if (connected.kindTicked) revalidatePath("/flows");
    return connected;
  },
});

export const setChannelEnabledAction = defineAction({
  permission: "flows.edit",
  schema: SetChannelEnabledSchema,
  handler: async (input, ctx) =>
    toView(await setChannelEnabled(ctx, input.channelId, input.enabled)),
});

export const saveReminderTemplateAction = defineAction({
  permission: "flows.edit",
  schema: SaveReminderTemplateSchema,
  handler: async (input, ctx) => toView(await saveReminderTemplate(ctx, input)),
});

export const rotateChannelConfigAction = defineAction({
  permission: "flows.edit",
  stepUp: true,
  schema: RotateChannelSchema,
  handler: async (input, ctx) => {
    const rotated = await rotateChannelConfig(ctx, input.channelId, input.config);
    return { channel: toView(rotated.channel), changedFields: rotated.changedFields };
  },
});
