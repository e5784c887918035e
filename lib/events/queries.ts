// What the console's event stream sends: the changed row re-read under the merchant's scope and
// mode (an event names ids only), cut to what the member's role may see.
import { conversations, payments, type Mode, type Payment } from "@/db/schema";
import type { ReadContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { and, asc, eq, gt } from "drizzle-orm";

export interface PaymentSummary {
  id: string;
  status: string;
  amountMinor: number;
  currency: string;
  provider: string;
  method: string | null;
  createdAt: string;
  updatedAt: string;
  /** Only for roles with transactions.view_customer. */
  customerEmail?: string | null;
}

export interface ConversationSummary {
  id: string;
  status: string;
  channel: string;
  updatedAt: string;
}

const paymentColumns = {
  id: payments.id,
  status: payments.status,
  amountMinor: payments.amountMinor,
  currency: payments.currency,
  provider: payments.provider,
  method: payments.method,
  createdAt: payments.createdAt,
  updatedAt: payments.updatedAt,
  customerEmail: payments.customerEmail,
};

type PaymentRow = Pick<Payment, keyof typeof paymentColumns>;

function summarize(ctx: ReadContext, row: PaymentRow): PaymentSummary {
  const { customerEmail, createdAt, updatedAt, ...rest } = row;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    ...(can(ctx.role, "transactions.view_customer") ? { customerEmail } : {}),
  };
}

/** One payment of this merchant in this mode, or null (another merchant's id, the other mode). */
export async function readPaymentSummary(
  ctx: ReadContext,
  mode: Mode,
  paymentId: string,
): Promise<PaymentSummary | null> {
  assertCan(ctx, "transactions.view");
  const [row] = await ctx.db
    .select(paymentColumns)
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, ctx.merchantId),
        eq(payments.mode, mode),
        eq(payments.id, paymentId),
      ),
    );
  return row ? summarize(ctx, row) : null;
}

/** Payments changed after `since`, oldest change first, at most `limit` (a resumed stream's replay). */
export async function listPaymentsChangedSince(
  ctx: ReadContext,
  mode: Mode,
  since: Date,
  limit: number,
): Promise<PaymentSummary[]> {
  assertCan(ctx, "transactions.view");
  const rows = await ctx.db
    .select(paymentColumns)
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, ctx.merchantId),
        eq(payments.mode, mode),
        gt(payments.updatedAt, since),
      ),
    )
    .orderBy(asc(payments.updatedAt), asc(payments.id))
    .limit(limit);
  return rows.map((row) => summarize(ctx, row));
}

/** One conversation of this merchant in this mode, for roles that may see conversations. */
export async function readConversationSummary(
  ctx: ReadContext,
  mode: Mode,
  conversationId: string,
): Promise<ConversationSummary | null> {
  if (!can(ctx.role, "conversations.view") && !can(ctx.role, "inbox.view")) return null;
  const [row] = await ctx.db
    .select({
      id: conversations.id,
      status: conversations.status,
      channel: conversations.channel,
      updatedAt: conversations.updatedAt,
    })
    .from(conversations)
    .where(
      and(
        eq(conversations.merchantId, ctx.merchantId),
        eq(conversations.mode, mode),
        eq(conversations.id, conversationId),
      ),
    );
  return row ? { ...row, updatedAt: row.updatedAt.toISOString() } : null;
}
