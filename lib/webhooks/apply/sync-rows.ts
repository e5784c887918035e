// After an apply re-derived a payment's view, the refunds and disputes rows the dashboard reads
// follow it: one per provider refund id and per provider dispute id. The payment row itself is
// written by lib/payments/status-write.ts (or in apply/write.ts's batch).
import type { Tx } from "@/db/client";
import {
  disputeEvents,
  disputes,
  refunds,
  type Dispute,
  type DisputeOutcome,
  type Payment,
} from "@/db/schema";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import {
  applyDisputeChange,
  isTerminal,
  openingState,
  type DisputeChange,
} from "@/lib/disputes/transitions";
import { newId } from "@/lib/ids";
import type { PaymentView } from "@/lib/payments/state-machine";
import { and, eq, isNull } from "drizzle-orm";

/**
 * One refunds row per provider refund, in the status the view settled on. A refund Parley
 * created is still waiting for its provider id when the provider's webhook can already be here;
 * that row is adopted rather than duplicated.
 */
export async function syncRefundRow(
  tx: Tx,
  payment: Payment,
  view: PaymentView,
  providerRefundId: string,
  now: Date,
): Promise<void> {
  const entry = view.refunds.find((r) => r.providerRefundId === providerRefundId);
  if (!entry || entry.amountMinor <= 0) return;
  const scope = and(eq(refunds.merchantId, payment.merchantId), eq(refunds.paymentId, payment.id));
  const [existing] = await tx
    .select({ id: refunds.id, status: refunds.status })
    .from(refunds)
    .where(and(scope, eq(refunds.providerRefundId, providerRefundId)));
  if (existing) {
    if (existing.status !== entry.status) {
      await tx
        .update(refunds)
        .set({ status: entry.status, updatedAt: now })
        .where(and(eq(refunds.merchantId, payment.merchantId), eq(refunds.id, existing.id)));
    }
    return;
  }
  const [waiting] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(
      and(
        scope,
        isNull(refunds.providerRefundId),
        eq(refunds.status, "pending"),
        eq(refunds.amountMinor, entry.amountMinor),
      ),
    )
    .limit(1);
  if (waiting) {
    await tx
      .update(refunds)
      .set({ providerRefundId, status: entry.status, updatedAt: now })
      .where(and(eq(refunds.merchantId, payment.merchantId), eq(refunds.id, waiting.id)));
    return;
  }
  await tx.insert(refunds).values({
    merchantId: payment.merchantId,
    id: newId("refund"),
    paymentId: payment.id,
    mode: payment.mode,
    amountMinor: entry.amountMinor,
    currency: payment.currency,
    status: entry.status,
    reason: "",
    providerRefundId,
    idempotencyKey: `provider:${payment.connectionId}:${providerRefundId}`,
  });
}

/** A provider event the dispute's transition rules refused (kept on the case timeline). */
export interface DisputeRefusal {
  disputeId: string;
  providerEventId: string;
  message: string;
}

/** What the event says the case became; Sandbox events carry no stage or status of their own. */
function changeFrom(
  event: NormalizedEvent & { dispute: NonNullable<NormalizedEvent["dispute"]> },
  existing: Dispute | undefined,
): DisputeChange {
  const { dispute } = event;
  const stage = dispute.stage ?? existing?.stage ?? "chargeback";
  let status = dispute.status;
  if (!status && event.type === "dispute.won") status = "won";
  if (!status && event.type === "dispute.lost") status = "lost";
  if (!status && event.type === "dispute.opened" && !existing) status = "needs_response";
  // The provider confirming an acceptance closes it as lost: still the merchant's acceptance.
  if (status === "lost" && existing?.status === "accepted" && stage === existing.stage) {
    status = "accepted";
  }
  return { stage, ...(status && { status }) };
}

function providerColumns(dispute: NonNullable<NormalizedEvent["dispute"]>) {
  return {
    ...(dispute.providerStatus && { providerStatus: dispute.providerStatus }),
    ...(dispute.providerReason && { providerReason: dispute.providerReason }),
    ...(dispute.providerReasonCode && { providerReasonCode: dispute.providerReasonCode }),
  };
}

/**
 * dispute.opened (or the first event Parley hears of) creates the row with its response
 * deadline; later events move it within lib/disputes/transitions.ts's rules. Each event lands
 * on the case timeline, a refused one as "refused" (and is returned).
 */
export async function syncDisputeRow(
  tx: Tx,
  payment: Payment,
  view: PaymentView,
  event: NormalizedEvent & { dispute: NonNullable<NormalizedEvent["dispute"]> },
  now: Date,
): Promise<DisputeRefusal | null> {
  const { dispute } = event;
  const merged = view.disputes.find((d) => d.providerDisputeId === dispute.providerDisputeId);
  if (!merged) return null;
  const key = and(
    eq(disputes.merchantId, payment.merchantId),
    eq(disputes.connectionId, payment.connectionId),
    eq(disputes.providerDisputeId, dispute.providerDisputeId),
  );
  const [existing] = await tx.select().from(disputes).where(key);
  const change = changeFrom(event, existing);
  const timeline = {
    merchantId: payment.merchantId,
    id: newId("disputeEvent"),
    providerEventId: event.providerEventId,
    rawType: event.rawType,
    occurredAt: event.occurredAt,
    detail: {
      ...providerColumns(dispute),
      ...(dispute.dueBy && { dueBy: dispute.dueBy.toISOString() }),
    },
  };

  if (!existing) {
    const state = openingState(change);
    const closed = isTerminal(state.status);
    const id = newId("dispute");
    await tx.insert(disputes).values({
      merchantId: payment.merchantId,
      id,
      paymentId: payment.id,
      connectionId: payment.connectionId,
      mode: payment.mode,
      providerDisputeId: dispute.providerDisputeId,
      reason: dispute.reason,
      ...providerColumns(dispute),
      amountMinor: dispute.amountMinor,
      currency: dispute.currency || payment.currency,
      stage: state.stage,
      status: state.status,
      dueBy: dispute.dueBy ?? null,
      outcome: closed ? (state.status as DisputeOutcome) : null,
      openedAt: event.occurredAt,
      closedAt: closed ? event.occurredAt : null,
    });
    await tx
      .insert(disputeEvents)
      .values({
        ...timeline,
        disputeId: id,
        kind: "provider",
        toStage: state.stage,
        toStatus: state.status,
      })
      .onConflictDoNothing();
    return null;
  }

  const current = { stage: existing.stage, status: existing.status };
  const result = applyDisputeChange(current, change);
  const from = { fromStage: current.stage, fromStatus: current.status };
  if (!result.ok) {
    await tx
      .insert(disputeEvents)
      .values({
        ...timeline,
        disputeId: existing.id,
        kind: "refused",
        ...from,
        toStage: change.stage,
        toStatus: change.status ?? null,
        body: result.message,
        detail: { ...timeline.detail, refusal: result.refusal },
      })
      .onConflictDoNothing();
    return {
      disputeId: existing.id,
      providerEventId: event.providerEventId,
      message: result.message,
    };
  }
  const { state } = result;
  const closed = isTerminal(state.status);
  await tx
    .update(disputes)
    .set({
      stage: state.stage,
      status: state.status,
      ...providerColumns(dispute),
      outcome: closed ? (state.status as DisputeOutcome) : null,
      closedAt: closed ? (existing.closedAt ?? event.occurredAt) : null,
      dueBy: dispute.dueBy ?? existing.dueBy,
      updatedAt: now,
    })
    .where(key);
  await tx
    .insert(disputeEvents)
    .values({
      ...timeline,
      disputeId: existing.id,
      kind: "provider",
      ...from,
      toStage: state.stage,
      toStatus: state.status,
    })
    .onConflictDoNothing();
  return null;
}
