// What the customer hears when a payment request an agent sent from the Inbox is paid, fails or
// expires: the bot's own receipt (or its failure / expiry words), in the customer's language,
// through the conversation's channel. The bot's runtime only follows the payments its own pay
// step asked for, so the payment-event job (lib/conversations/jobs.ts) hands agents' ones here.
// Exactly once: the message id is derived from the payment and the outcome, so a job that runs
// twice (duplicated or reordered webhooks, a retry) finds its message stored and sends nothing.
// Path: runPaymentEventJob → tellAgentPaymentOutcome → (lock, re-read the payment, insert once,
// announce) → after commit: sendOutbound (lib/channels/outbound).
import type { Db, Tx } from "@/db/client";
import { conversationMessages, conversations, payments, type Conversation } from "@/db/schema";
import { needsChannelSend, sendOutbound } from "@/lib/channels/outbound";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import {
  conversationPaymentStatus,
  type ConversationPaymentStatus,
} from "@/lib/conversations/checkout/payment-events";
import type { OutboundBody } from "@/lib/conversations/engine/messages";
import { nextMessageAt, readState } from "@/lib/conversations/engine/step-runner";
import { publishEvent } from "@/lib/events/bus";
import type { Lang } from "@/lib/flows/graph";
import { phrase, type PhraseKey } from "@/lib/flows/i18n";
import { formatAmount, interpolate } from "@/lib/flows/runtime/text";
import { and, desc, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";

export type AgentPaymentOutcome = Exclude<ConversationPaymentStatus, "opened">;

export interface AgentPaymentFacts {
  id: string;
  amountMinor: number;
  currency: string;
}

function say(key: PhraseKey, lang: Lang, values: Record<string, string>): string {
  return interpolate(phrase(key, lang), (name) => values[name] ?? "");
}

/** The message the customer gets for an outcome: the same words the bot's receipt uses. */
export function agentPaymentNotice(
  outcome: AgentPaymentOutcome,
  payment: AgentPaymentFacts,
  lang: Lang,
  testMode: boolean,
): OutboundBody {
  const amount = formatAmount(payment.amountMinor, payment.currency, lang);
  switch (outcome) {
    case "succeeded": {
      const said = say("receipt", lang, { total: amount, reference: payment.id });
      return {
        kind: "receipt",
        // As the bot's receipt step: a test-mode receipt says that no money moved.
        text: testMode ? `${said} ${phrase("receipt_test_mode", lang)}` : said,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        reference: payment.id,
      };
    }
    case "failed":
      return { kind: "text", text: say("agent_payment_failed", lang, { amount }) };
    case "expired":
      return { kind: "text", text: say("payment_expired", lang, {}) };
  }
}

/**
 * Whether the payment still stands where the event says: a "failed" that a retry has since
 * turned into a payment, or a stale "expired", says nothing (readers re-read).
 */
export function outcomeStillHolds(outcome: AgentPaymentOutcome, current: PaymentStatus): boolean {
  if (outcome === "succeeded")
    // Refunds and disputes come after the payment: it was paid, so the receipt stands.
    return !["created", "pending", "requires_action", "failed", "canceled", "expired"].includes(
      current,
    );
  return conversationPaymentStatus(current) === outcome;
}

function noticeMessageId(merchantId: string, paymentId: string, outcome: string): string {
  const digest = createHash("sha256")
    .update(`${merchantId}\u0000agent-payment\u0000${paymentId}\u0000${outcome}`)
    .digest("base64url")
    .slice(0, 22);
  return `msg_${digest}`;
}

/**
 * The payment-event job's first stop. Returns false for payments the bot asked for (the runtime
 * handles those); true for an agent's request, whether or not this call sent anything.
 */
export async function tellAgentPaymentOutcome(
  db: Db,
  merchantId: string,
  paymentId: string,
  status: ConversationPaymentStatus,
  now = new Date(),
): Promise<boolean> {
  const [payment] = await db
    .select({ origin: payments.origin, conversationId: payments.conversationId })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)));
  if (!payment || payment.origin !== "agent" || !payment.conversationId) return false;
  // The link being opened tells the customer nothing new.
  if (status === "opened") return true;
  const conversationId = payment.conversationId;
  const written = await db.transaction((tx) =>
    writeNotice(tx, merchantId, conversationId, paymentId, status, now),
  );
  if (written) await sendOutbound(db, written.conversation, [written.row]);
  return true;
}

async function writeNotice(
  tx: Tx,
  merchantId: string,
  conversationId: string,
  paymentId: string,
  outcome: AgentPaymentOutcome,
  now: Date,
) {
  // The conversation's row lock orders us with the bot's steps and the Inbox's writes.
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId)))
    .for("update");
  if (!conversation) return null;
  const [payment] = await tx
    .select({
      id: payments.id,
      status: payments.status,
      amountMinor: payments.amountMinor,
      currency: payments.currency,
    })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)));
  if (!payment || !outcomeStillHolds(outcome, payment.status)) return null;

  const lang = readState(conversation).lang ?? (conversation.lang as Lang);
  const notice = agentPaymentNotice(outcome, payment, lang, conversation.mode === "test");
  const body: OutboundBody = {
    ...notice,
    delivery: needsChannelSend(conversation) ? { status: "pending" } : { status: "not_needed" },
  };
  const [last] = await tx
    .select({ at: conversationMessages.createdAt })
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, merchantId),
        eq(conversationMessages.conversationId, conversationId),
      ),
    )
    .orderBy(desc(conversationMessages.createdAt))
    .limit(1);
  const [row] = await tx
    .insert(conversationMessages)
    .values({
      merchantId,
      id: noticeMessageId(merchantId, paymentId, outcome),
      conversationId,
      direction: "outbound",
      platformMessageId: null,
      body,
      redacted: false,
      createdAt: nextMessageAt(now, last?.at ?? null),
    })
    .onConflictDoNothing()
    .returning();
  // Told already: a duplicated or repeated event, or a retry after the message was stored.
  if (!row) return null;
  // The revision moves on, so a bot step read before this commit writes nothing and reads again.
  await tx
    .update(conversations)
    .set({ revision: sql`${conversations.revision} + 1`, updatedAt: now })
    .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId)));
  await publishEvent(tx, {
    kind: "conversation",
    merchantId,
    mode: conversation.mode,
    id: conversationId,
  });
  return { conversation: conversation satisfies Conversation, row };
}
