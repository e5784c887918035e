// A channel's settings that are not secrets: today the approved WhatsApp message template that
// reminders use once the customer's 24-hour window has closed (Cloud API, type "template").
// Pure and client-safe: the settings form, the action and the sender share it.
import { z } from "zod";

/** What a template parameter may say; filled in when the reminder is sent. */
export const TEMPLATE_PLACEHOLDERS = ["{{amount}}", "{{link}}", "{{merchant}}"] as const;

export const ReminderTemplateSchema = z.object({
  // Meta: lowercase letters, digits and underscores, up to 512 characters.
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, "The template's name as approved: lowercase, digits and _"),
  // A language code the template was approved in ("en", "en_US", "fr", "zh_CN", "id").
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "A language code like en, en_US, fr, zh_CN or id"),
  /** The body's {{1}}, {{2}}… in order: fixed text, or one of the placeholders. */
  parameters: z.array(z.string().trim().min(1).max(500)).max(10),
});
export type ReminderTemplate = z.infer<typeof ReminderTemplateSchema>;

export const ChannelSettingsSchema = z.object({
  reminderTemplate: ReminderTemplateSchema.optional(),
});
export type ChannelSettings = z.infer<typeof ChannelSettingsSchema>;

/** Stored settings as they may be used; anything unreadable counts as not set. */
export function readChannelSettings(value: unknown): ChannelSettings {
  const parsed = ChannelSettingsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

export const SaveReminderTemplateSchema = z.object({
  channelId: z.string().trim().min(1).max(80),
  /** Empty name: remove the template (reminders outside the window are then skipped). */
  name: z.string().trim().max(512),
  language: z.string().trim().max(12),
  /** One parameter per line. */
  parameters: z.string().max(5_000),
});

export function fillTemplateParameter(
  parameter: string,
  values: { amount: string; link: string; merchant: string },
): string {
  return parameter
    .replaceAll("{{amount}}", values.amount)
    .replaceAll("{{link}}", values.link)
    .replaceAll("{{merchant}}", values.merchant);
}
