// What a reminder may do on a conversation's channel right now, read for the runtime (which
// decides: lib/flows/runtime/reminder-rules.ts), and the customer's "stop", kept per customer
// and channel so it holds in every later conversation. Also: revenue recovered after reminders.
import type { DbOrTx } from "@/db/client";
import {
  channels,
  conversationEvents,
  conversationMessages,
  payments,
  reminderOptOuts,
  type Conversation,
  type Mode,
} from "@/db/schema";
import { PAID_STATUSES } from "@/lib/analytics/buckets";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { readChannelSettings } from "@/lib/channels/settings";
import type { ReminderFacts } from "@/lib/flows/runtime/types";
import { and, eq, inArray, max, sql } from "drizzle-orm";

type ChatOf = Pick<
  Conversation,
  "merchantId" | "id" | "channel" | "channelId" | "externalUserId" | "isSimulation"
>;

export async function reminderFactsFor(db: DbOrTx, conversation: ChatOf): Promise<ReminderFacts> {
  const [last] = await db
    .select({ at: max(conversationMessages.createdAt) })
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, conversation.merchantId),
        eq(conversationMessages.conversationId, conversation.id),
        eq(conversationMessages.direction, "inbound"),
      ),
    );
  const [optOut] = await db
    .select({ at: reminderOptOuts.createdAt })
    .from(reminderOptOuts)
    .where(
      and(
        eq(reminderOptOuts.merchantId, conversation.merchantId),
        eq(reminderOptOuts.channel, conversation.channel),
        eq(reminderOptOuts.channelId, conversation.channelId ?? ""),
        eq(reminderOptOuts.externalUserId, conversation.externalUserId),
      ),
    );
  let templateAvailable = false;
  if (conversation.channel === "whatsapp" && conversation.channelId) {
    const [row] = await db
      .select({ settings: channels.settings })
      .from(channels)
      .where(
        and(
          eq(channels.merchantId, conversation.merchantId),
          eq(channels.id, conversation.channelId),
        ),
      );
    templateAvailable = Boolean(readChannelSettings(row?.settings).reminderTemplate);
  }
  const lastAt = last?.at ? new Date(last.at) : null;
  return {
    channel: conversation.channel,
    lastCustomerMessageAt: lastAt ? lastAt.toISOString() : null,
    templateAvailable,
    optedOut: Boolean(optOut),
  };
}

/** The customer said "stop": no reminders on this channel from now on. Idempotent. */
export async function recordReminderOptOut(db: DbOrTx, conversation: ChatOf): Promise<void> {
  if (conversation.isSimulation) return;
  await db
    .insert(reminderOptOuts)
    .values({
      merchantId: conversation.merchantId,
      channel: conversation.channel,
      channelId: conversation.channelId ?? "",
      externalUserId: conversation.externalUserId,
      conversationId: conversation.id,
    })
    .onConflictDoNothing();
}

export interface RecoveredRevenue {
  currency: string;
  payments: number;
  amountMinor: number;
}

/**
 * Payments paid after a reminder went out in their conversation, per currency, in one mode:
 * what the reminders brought back. Optionally for one conversation.
 */
export async function revenueRecoveredByReminders(
  db: DbOrTx,
  merchantId: string,
  mode: Mode,
  options: { conversationId?: string; since?: Date } = {},
): Promise<RecoveredRevenue[]> {
  const rows = await db
    .select({
      currency: payments.currency,
      payments: sql<number>`count(*)::int`.mapWith(Number),
      amountMinor: sql<number>`coalesce(sum(${payments.amountMinor}), 0)::bigint`.mapWith(Number),
    })
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, merchantId),
        eq(payments.mode, mode),
        inArray(payments.status, [...PAID_STATUSES]),
        options.conversationId ? eq(payments.conversationId, options.conversationId) : undefined,
        options.since ? sql`${payments.createdAt} >= ${options.since.toISOString()}` : undefined,
        // From the reminded conversations (a partial index holds only reminder_sent events) to
        // their payments, never a walk over every paid payment of the merchant.
        sql`${payments.conversationId} in (select e.conversation_id from ${conversationEvents} e
          where e.merchant_id = ${merchantId} and e.kind = 'reminder_sent')`,
        sql`exists (select 1 from ${conversationEvents} e
          where e.merchant_id = ${payments.merchantId} and e.conversation_id = ${payments.conversationId}
            and e.kind = 'reminder_sent'
            and e.occurred_at <= coalesce(${payments.succeededAt}, ${payments.updatedAt}))`,
      ),
    )
    .groupBy(payments.currency)
    .orderBy(payments.currency);
  return rows;
}

/** Recovered revenue as the console shows it: authorized, one merchant, one mode. */
export async function getRecoveredRevenue(
  ctx: ReadContext,
  mode: Mode,
  options: { conversationId?: string; since?: Date } = {},
): Promise<RecoveredRevenue[]> {
  assertCan(ctx, "conversations.view");
  return revenueRecoveredByReminders(ctx.db, ctx.merchantId, mode, options);
}
