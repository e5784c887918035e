import type { ChannelKind } from "@/lib/channels/platforms/types";
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, modeColumn, tstz, updatedAt } from "./_shared";
import { merchants, users } from "./auth";

export type FlowStatus = "draft" | "published" | "archived";

/** A channel's non-secret settings (lib/channels/settings.ts validates them). */
export interface ChannelSettingsJson {
  /** WhatsApp: the approved template reminders use outside the 24-hour window. */
  reminderTemplate?: { name: string; language: string; parameters: string[] };
}
export type { ChannelKind };

export const flows = pgTable(
  "flows",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    template: text("template").notNull().default("blank"),
    // Public key for the web widget and hosted chat page (not a secret); found by it through
    // global_lookups (db/schema/lookups.ts).
    publicKey: text("public_key").notNull(),
    status: text("status").$type<FlowStatus>().notNull().default("draft"),
    draftGraph: jsonb("draft_graph").$type<unknown>().notNull(),
    draftRevision: integer("draft_revision").notNull().default(0),
    publishedVersionId: text("published_version_id"),
    channels: jsonb("channels").$type<ChannelKind[]>().notNull().default(["web"]),
    // Sites (origins) whose pages may frame this flow's chat: its widget's allowed origins.
    widgetOrigins: jsonb("widget_origins").$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    check("flows_status_check", sql`${t.status} in ('draft','published','archived')`),
  ],
);

// Immutable once written: conversations keep the version they started on.
export const flowVersions = pgTable(
  "flow_versions",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    flowId: text("flow_id").notNull(),
    version: integer("version").notNull(),
    graph: jsonb("graph").$type<unknown>().notNull(),
    // The mode it was published in: its conversations (and their payments) take this mode.
    mode: modeColumn(),
    note: text("note").notNull().default(""),
    publishedByUserId: text("published_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    publishedAt: tstz("published_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("flow_versions_flow_version_key").on(t.merchantId, t.flowId, t.version),
    check("flow_versions_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

// A chat channel a flow is reachable on (Telegram bot, Messenger page, WhatsApp number, Slack app).
export const channels = pgTable(
  "channels",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    flowId: text("flow_id").notNull(),
    kind: text("kind").$type<ChannelKind>().notNull(),
    label: text("label").notNull(),
    configEncrypted: text("config_encrypted").notNull(),
    configHint: jsonb("config_hint").$type<Record<string, string>>().notNull().default({}),
    apiBaseUrl: text("api_base_url"),
    // Settings that are not secrets (the WhatsApp reminder template), shown and edited as is.
    settings: jsonb("settings").$type<ChannelSettingsJson>().notNull().default({}),
    enabled: integer("enabled").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("channels_id_idx").on(t.id),
    index("channels_flow_idx").on(t.merchantId, t.flowId),
  ],
);

export type Flow = typeof flows.$inferSelect;
export type FlowVersion = typeof flowVersions.$inferSelect;
export type Channel = typeof channels.$inferSelect;
