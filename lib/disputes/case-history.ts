// What the case page shows beside the dispute: the same customer's other payments and disputes
// (one merchant, one mode: test and live never mix), and the latest webhook the provider sent
// about this dispute (owners and admins only: raw bodies carry customers' details).
import {
  disputes,
  paymentEvents,
  payments,
  webhookInbox,
  type Dispute,
  type DisputeStage,
  type DisputeStatus,
  type Payment,
} from "@/db/schema";
import type { ReadContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { and, desc, eq, inArray, isNotNull, ne, sql } from "drizzle-orm";

export const CUSTOMER_HISTORY_LIMIT = 10;

export interface CustomerPayment {
  id: string;
  createdAt: Date;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  /** A dispute row exists for it (open or closed). */
  disputed: boolean;
}

export interface CustomerDispute {
  id: string;
  paymentId: string;
  status: DisputeStatus;
  stage: DisputeStage;
  amountMinor: number;
  currency: string;
  openedAt: Date;
}

export interface CustomerHistory {
  /** Null when the payment names no customer: nothing to match on. */
  matchedOn: "email" | null;
  /** Only for roles that may see who the customer is (transactions.view_customer). */
  customerEmail: string | null;
  payments: CustomerPayment[];
  disputes: CustomerDispute[];
}

export interface ProviderPayload {
  webhookId: string;
  connectionId: string;
  receivedAt: Date;
  body: string;
}

/**
 * The customer's other payments (newest first) and disputes in this merchant and the dispute's
 * mode. Payments keep no customer id, so the customer is their email, compared lower-cased (the
 * form payments_search_email_idx indexes).
 */
export async function listCustomerHistory(
  ctx: ReadContext,
  dispute: Pick<Dispute, "id" | "mode">,
  payment: Pick<Payment, "id" | "customerEmail">,
): Promise<CustomerHistory> {
  const email = payment.customerEmail?.trim().toLowerCase();
  if (!email) return { matchedOn: null, customerEmail: null, payments: [], disputes: [] };
  const m = ctx.merchantId;
  const sameCustomer = and(
    eq(payments.merchantId, m),
    eq(payments.mode, dispute.mode),
    isNotNull(payments.customerEmail),
    sql`(lower(${payments.customerEmail}) collate "C") = ${email}`,
  );
  const [otherPayments, otherDisputes] = await Promise.all([
    ctx.db
      .select({
        id: payments.id,
        createdAt: payments.createdAt,
        amountMinor: payments.amountMinor,
        currency: payments.currency,
        status: payments.status,
      })
      .from(payments)
      .where(and(sameCustomer, ne(payments.id, payment.id)))
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(CUSTOMER_HISTORY_LIMIT),
    ctx.db
      .select({
        id: disputes.id,
        paymentId: disputes.paymentId,
        status: disputes.status,
        stage: disputes.stage,
        amountMinor: disputes.amountMinor,
        currency: disputes.currency,
        openedAt: disputes.openedAt,
      })
      .from(disputes)
      .innerJoin(payments, and(eq(payments.merchantId, m), eq(payments.id, disputes.paymentId)))
      .where(
        and(
          eq(disputes.merchantId, m),
          eq(disputes.mode, dispute.mode),
          ne(disputes.id, dispute.id),
          sameCustomer,
        ),
      )
      .orderBy(desc(disputes.openedAt), desc(disputes.id))
      .limit(CUSTOMER_HISTORY_LIMIT),
  ]);
  const disputedIds = otherPayments.length
    ? await ctx.db
        .selectDistinct({ paymentId: disputes.paymentId })
        .from(disputes)
        .where(
          and(
            eq(disputes.merchantId, m),
            inArray(
              disputes.paymentId,
              otherPayments.map((p) => p.id),
            ),
          ),
        )
    : [];
  const disputed = new Set(disputedIds.map((d) => d.paymentId));
  return {
    matchedOn: "email",
    customerEmail: can(ctx.role, "transactions.view_customer") ? payment.customerEmail : null,
    payments: otherPayments.map((p) => ({ ...p, disputed: disputed.has(p.id) })),
    disputes: otherDisputes,
  };
}

/**
 * The raw body of the latest verified delivery that carried an event for this dispute, for
 * roles that may read payloads; null for the rest (the body is not even read).
 */
export async function latestDisputePayload(
  ctx: ReadContext,
  dispute: Pick<Dispute, "paymentId" | "connectionId" | "providerDisputeId">,
): Promise<ProviderPayload | null> {
  if (!can(ctx.role, "webhooks.view_payloads")) return null;
  const m = ctx.merchantId;
  const [row] = await ctx.db
    .select({
      webhookId: webhookInbox.id,
      connectionId: webhookInbox.connectionId,
      receivedAt: webhookInbox.receivedAt,
      body: webhookInbox.rawBody,
    })
    .from(paymentEvents)
    .innerJoin(
      webhookInbox,
      and(eq(webhookInbox.merchantId, m), eq(webhookInbox.id, paymentEvents.webhookId)),
    )
    .where(
      and(
        eq(paymentEvents.merchantId, m),
        eq(paymentEvents.paymentId, dispute.paymentId),
        eq(paymentEvents.connectionId, dispute.connectionId),
        sql`${paymentEvents.detail}->>'providerDisputeId' = ${dispute.providerDisputeId}`,
        eq(webhookInbox.verified, true),
      ),
    )
    .orderBy(desc(webhookInbox.receivedAt), desc(paymentEvents.occurredAt))
    .limit(1);
  return row ?? null;
}
