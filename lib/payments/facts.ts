// A payment's view is re-derived from its timeline rather than stored: every payment_events row
// that says something about money carries the fact it contributed (detail.fact), and rows
// written before that convention (seed data, older imports) are read from their columns.
// Re-deriving costs one indexed read per apply and can never drift from the timeline.
import type { DbOrTx } from "@/db/client";
import { paymentEvents, type Payment, type PaymentEvent } from "@/db/schema";
import { DISPUTE_STAGES } from "@/db/schema/disputes";
import type { NormalizedEvent, NormalizedEventType } from "@/lib/connections/providers/types";
import { NORMALIZED_EVENT_TYPES, SETTLEMENT_ISSUES } from "@/lib/connections/providers/types";
import { isDisputeStage } from "@/lib/disputes/transitions";
import { paymentFactFromEvent } from "@/lib/payments/event-mapping";
import { reducePayment, type PaymentFact, type PaymentView } from "@/lib/payments/state-machine";
import { and, eq } from "drizzle-orm";
import { z } from "zod";

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const money = {
  amountMinor: z.number().int().nonnegative().optional(),
  currency: z.string().optional(),
};

const storedFactSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("payment"),
    status: z.enum(["pending", "requires_action", "succeeded", "failed", "canceled", "expired"]),
    occurredAt: isoDate,
    ...money,
    failure: z.object({ code: z.string(), message: z.string() }).optional(),
    settlement: z
      .object({ issue: z.enum(SETTLEMENT_ISSUES), status: z.enum(["unresolved", "resolved"]) })
      .optional(),
    received: z
      .object({
        amountMinor: z.number().int().nonnegative(),
        currency: z.string(),
        crypto: z.array(
          z.object({
            amount: z.string(),
            currency: z.string(),
            network: z.string().optional(),
            transactionId: z.string().optional(),
          }),
        ),
      })
      .optional(),
  }),
  z.object({
    kind: z.literal("refund"),
    providerRefundId: z.string().min(1),
    status: z.enum(["pending", "succeeded", "failed"]),
    amountMinor: z.number().int().nonnegative(),
    currency: z.string().optional(),
    occurredAt: isoDate,
  }),
  z.object({
    kind: z.literal("refund_total"),
    status: z.literal("reported"),
    amountMinor: z.number().int().nonnegative(),
    currency: z.string().optional(),
    occurredAt: isoDate,
  }),
  z.object({
    kind: z.literal("dispute"),
    providerDisputeId: z.string().min(1),
    status: z.enum(["opened", "updated", "won", "lost"]),
    stage: z.enum(DISPUTE_STAGES).optional(),
    occurredAt: isoDate,
    ...money,
  }),
]);

/** The JSON stored in detail.fact. */
export function serializeFact(fact: PaymentFact): Record<string, unknown> {
  return JSON.parse(JSON.stringify(fact)) as Record<string, unknown>;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function asNormalizedType(type: string | null): NormalizedEventType | undefined {
  return (NORMALIZED_EVENT_TYPES as readonly string[]).includes(type ?? "")
    ? (type as NormalizedEventType)
    : undefined;
}

/** The fact a stored timeline row contributes, or null when it says nothing about money. */
export function factFromStoredEvent(row: PaymentEvent): PaymentFact | null {
  const detail = row.detail ?? {};
  const stored = storedFactSchema.safeParse(detail.fact);
  if (stored.success) return stored.data;
  const type = asNormalizedType(row.type);
  if (!type) return null;
  const failure = z.object({ code: z.string(), message: z.string() }).safeParse(detail.failure);
  const refundId = str(detail.providerRefundId);
  const disputeId = str(detail.providerDisputeId);
  const event: NormalizedEvent = {
    providerEventId: row.providerEventId ?? row.id,
    type,
    rawType: row.rawType ?? type,
    occurredAt: row.occurredAt,
    ...(row.amountMinor !== null && { amountMinor: row.amountMinor }),
    ...(row.currency !== null && { currency: row.currency }),
    ...(failure.success && { failure: failure.data }),
    ...(refundId && {
      refund: {
        providerRefundId: refundId,
        amountMinor: row.amountMinor ?? 0,
        currency: row.currency ?? "",
      },
    }),
    ...(disputeId && {
      dispute: {
        providerDisputeId: disputeId,
        reason: str(detail.reason) ?? "unknown",
        amountMinor: row.amountMinor ?? 0,
        currency: row.currency ?? "",
        ...(isDisputeStage(detail.disputeStage) && { stage: detail.disputeStage }),
      },
    }),
  };
  const fact = paymentFactFromEvent(event);
  // An empty currency would read as a mismatch; an unknown one simply says nothing.
  if (fact && fact.currency === "") delete fact.currency;
  return fact;
}

export async function loadPaymentFacts(
  db: DbOrTx,
  payment: Pick<Payment, "merchantId" | "id">,
): Promise<PaymentFact[]> {
  const rows = await db
    .select()
    .from(paymentEvents)
    .where(
      and(
        eq(paymentEvents.merchantId, payment.merchantId),
        eq(paymentEvents.paymentId, payment.id),
      ),
    );
  return rows.map(factFromStoredEvent).filter((fact): fact is PaymentFact => fact !== null);
}

/** The view a payment's timeline rows fold into (the rows already read). */
export function viewFromTimeline(
  payment: Pick<Payment, "amountMinor" | "currency">,
  timeline: readonly PaymentEvent[],
): PaymentView {
  const facts = timeline
    .map(factFromStoredEvent)
    .filter((fact): fact is PaymentFact => fact !== null);
  return reducePayment({ amountMinor: payment.amountMinor, currency: payment.currency }, facts);
}

/** The payment's current view, folded from every fact on its timeline. */
export async function derivePaymentView(
  db: DbOrTx,
  payment: Pick<Payment, "merchantId" | "id" | "amountMinor" | "currency">,
): Promise<PaymentView> {
  const facts = await loadPaymentFacts(db, payment);
  return reducePayment({ amountMinor: payment.amountMinor, currency: payment.currency }, facts);
}
