import type { ConversationStatus } from "@/lib/flows/runtime/types";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
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
import { merchants } from "./auth";
import type { ChannelKind } from "./flows";

export type { ConversationStatus };

export const conversations = pgTable(
  "conversations",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    flowId: text("flow_id").notNull(),
    flowVersionId: text("flow_version_id"),
    channel: text("channel").$type<ChannelKind>().notNull(),
    channelId: text("channel_id"),
    externalUserId: text("external_user_id").notNull(),
    externalChatId: text("external_chat_id").notNull(),
    lang: text("lang").notNull().default("en"),
    status: text("status").$type<ConversationStatus>().notNull().default("active"),
    isSimulation: boolean("is_simulation").notNull().default(false),
    // Its flow version's mode; simulations are always test.
    mode: modeColumn(),
    // The runtime's state (current node, variables, cart). Never holds card data.
    state: jsonb("state").$type<unknown>().notNull().default({}),
    revision: integer("revision").notNull().default(0),
    startedAt: tstz("started_at").notNull().defaultNow(),
    updatedAt: updatedAt(),
    completedAt: tstz("completed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("conversations_flow_started_idx").on(t.merchantId, t.flowId, t.startedAt),
    index("conversations_started_idx").on(t.merchantId, t.startedAt),
    index("conversations_chat_idx").on(t.merchantId, t.channel, t.externalChatId),
    index("conversations_updated_idx").on(t.merchantId, t.updatedAt),
    check("conversations_mode_check", sql`${t.mode} in ('test','live')`),
    check("conversations_simulation_test_check", sql`not ${t.isSimulation} or ${t.mode} = 'test'`),
  ],
);

// Stored after card-data redaction; customer text is only ever rendered as text.
export const conversationMessages = pgTable(
  "conversation_messages",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    conversationId: text("conversation_id").notNull(),
    direction: text("direction").$type<"inbound" | "outbound">().notNull(),
    // The platform's message id: a channel delivering twice is handled once.
    platformMessageId: text("platform_message_id"),
    body: jsonb("body").$type<unknown>().notNull(),
    redacted: boolean("redacted").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("conversation_messages_conv_idx").on(t.merchantId, t.conversationId, t.createdAt),
    uniqueIndex("conversation_messages_platform_key")
      .on(t.merchantId, t.conversationId, t.direction, t.platformMessageId)
      .where(sql`${t.platformMessageId} is not null`),
    check("conversation_messages_direction_check", sql`${t.direction} in ('inbound','outbound')`),
  ],
);

// One row per step a conversation takes: the source of per-flow and per-step funnels.
export const conversationEvents = pgTable(
  "conversation_events",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    conversationId: text("conversation_id").notNull(),
    flowId: text("flow_id").notNull(),
    flowVersionId: text("flow_version_id"),
    nodeId: text("node_id").notNull(),
    nodeType: text("node_type").notNull(),
    kind: text("kind").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    occurredAt: tstz("occurred_at").notNull().defaultNow(),
    // Insertion order: the events of one runtime step share occurred_at, and ids are random.
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("conversation_events_flow_idx").on(t.merchantId, t.flowId, t.occurredAt),
    index("conversation_events_conv_idx").on(t.merchantId, t.conversationId),
    // Revenue recovered after a reminder starts from the (few) reminded conversations.
    index("conversation_events_reminded_idx")
      .on(t.merchantId, t.conversationId, t.occurredAt)
      .where(sql`${t.kind} = 'reminder_sent'`),
  ],
);

// A customer who said "stop" gets no more reminders on that channel, in any conversation.
export const reminderOptOuts = pgTable(
  "reminder_opt_outs",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    channel: text("channel").$type<ChannelKind>().notNull(),
    // The connected channel's id; '' for the web widget (one per merchant).
    channelId: text("channel_id").notNull().default(""),
    externalUserId: text("external_user_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.channel, t.channelId, t.externalUserId] })],
);

export type Conversation = typeof conversations.$inferSelect;
export type ReminderOptOut = typeof reminderOptOuts.$inferSelect;
export type ConversationMessage = typeof conversationMessages.$inferSelect;
// The event as Parley writes it; `seq` is assigned by the database.
export type ConversationEvent = Omit<typeof conversationEvents.$inferSelect, "seq">;

export const HANDOFF_STATUSES = ["waiting", "assigned", "returned", "closed"] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

// A conversation in the Inbox: waiting for a person (the flow handed it off, or an agent took it
// over from the bot), held by one agent, then handed back to the bot or closed. One row per
// conversation, reopened when it is handed off again; every change is also in the audit log.
export const conversationHandoffs = pgTable(
  "conversation_handoffs",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id").notNull(),
    // The conversation's mode: the Inbox, like every list, shows one mode at a time.
    mode: modeColumn(),
    status: text("status").$type<HandoffStatus>().notNull(),
    // Why a person was asked for: the hand-off node's id, too_many_invalid, agent_takeover…
    reason: text("reason").notNull().default(""),
    requestedAt: tstz("requested_at").notNull().defaultNow(),
    assignedUserId: text("assigned_user_id"),
    assignedAt: tstz("assigned_at"),
    endedAt: tstz("ended_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.conversationId] }),
    // The Inbox: one mode's open hand-offs, oldest waiting first.
    index("conversation_handoffs_inbox_idx").on(t.merchantId, t.mode, t.status, t.requestedAt),
    check(
      "conversation_handoffs_status_check",
      sql`${t.status} in ('waiting','assigned','returned','closed')`,
    ),
    check(
      "conversation_handoffs_assigned_check",
      sql`${t.status} <> 'assigned' or ${t.assignedUserId} is not null`,
    ),
    check("conversation_handoffs_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);
export type ConversationHandoff = typeof conversationHandoffs.$inferSelect;
