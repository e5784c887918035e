// What happens after a demo payment succeeded: a few refunds (some partial) and chargebacks in
// every dispute state, each reflected on the payment's status and timeline.
import type { Dispute, DisputeEvidence, DisputeStatus } from "@/db/schema/disputes";
import type { Refund } from "@/db/schema/payments";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { currencyExponent } from "@/lib/money";
import { DISPUTE_REASONS } from "./catalog";
import type { SeededPayment } from "./payment";
import { parleyEventRow, type PaymentEventRow, providerEventRow } from "./payment-plan";
import { providerDisputeId, providerRefundId } from "./provider-refs";
import type { SeededRandom } from "./random";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface AftermathInput {
  rng: SeededRandom;
  now: Date;
  merchantId: string;
  payments: SeededPayment[];
  refundRate: number;
  disputeRate: number;
  /** Statuses the newest disputes must have, in order; the rest are drawn won/lost/accepted. */
  disputePlan: readonly DisputeStatus[];
  refunderUserIds: readonly string[];
  /** Support agent who owns some disputes and wrote their evidence. */
  assigneeUserId: string | null;
}

export interface Aftermath {
  refunds: Refund[];
  disputes: Dispute[];
  evidence: DisputeEvidence[];
}

const FULL_REFUND_REASONS = [
  "Customer cancelled the order",
  "Paid the same invoice twice",
  "Wrong amount entered by the customer",
  "Order never collected",
];
const PARTIAL_REFUND_REASONS = [
  "Dish unavailable — refunded the difference",
  "Goodwill gesture after a long wait",
  "Service charge removed",
  "Deposit already paid by bank transfer",
];

function roundingStep(currency: string): number {
  if (currency === "IDR") return 100_000;
  return currencyExponent(currency) === 0 ? 10 : 50;
}

function pushEvent(payment: SeededPayment, event: PaymentEventRow): void {
  payment.events.push(event);
  if (event.occurredAt.getTime() > payment.row.updatedAt.getTime())
    payment.row.updatedAt = event.occurredAt;
}

export function generateAftermath(input: AftermathInput): Aftermath {
  const { rng, now, merchantId } = input;
  const nowMs = now.getTime();
  const settled = input.payments.filter(
    (p) =>
      p.row.status === "succeeded" &&
      p.row.succeededAt &&
      nowMs - p.row.succeededAt.getTime() > 10 * DAY,
  );

  // Disputes: newest candidates get the open states, the oldest the closed ones.
  const chosen = new Set<SeededPayment>();
  for (const p of settled) if (rng.chance(input.disputeRate)) chosen.add(p);
  const minimum = Math.min(settled.length, input.disputePlan.length);
  while (chosen.size < minimum) chosen.add(settled[rng.int(0, settled.length - 1)]);
  const disputed = [...chosen].sort(
    (a, b) => b.row.succeededAt!.getTime() - a.row.succeededAt!.getTime(),
  );

  const disputes: Dispute[] = [];
  const evidence: DisputeEvidence[] = [];
  disputed.forEach((payment, i) => {
    const status: DisputeStatus =
      input.disputePlan[i] ?? rng.weighted({ won: 45, lost: 35, accepted: 20 });
    const paidAt = payment.row.succeededAt!.getTime();
    let openedAt: number;
    let dueBy: number;
    let submittedAt: number | null = null;
    let closedAt: number | null = null;
    if (status === "needs_response") {
      openedAt = Math.max(paidAt + DAY, nowMs - rng.int(1, 6) * DAY - rng.int(0, 20) * HOUR);
      // The first one is due tomorrow, so "due soon" has something to show.
      dueBy = i === 0 ? nowMs + rng.int(20, 40) * HOUR : nowMs + rng.int(2, 10) * DAY;
    } else if (status === "under_review") {
      openedAt = Math.max(paidAt + DAY, nowMs - rng.int(9, 20) * DAY);
      dueBy = openedAt + 7 * DAY;
      submittedAt = openedAt + rng.int(2, 5) * DAY;
    } else {
      openedAt = paidAt + rng.int(4, 12) * DAY;
      dueBy = openedAt + 7 * DAY;
      closedAt = Math.min(openedAt + rng.int(14, 40) * DAY, nowMs - DAY);
      if (closedAt <= openedAt) openedAt = closedAt - 2 * DAY;
      if (status !== "accepted") submittedAt = openedAt + rng.int(1, 5) * DAY;
    }
    const assigned =
      input.assigneeUserId &&
      (status === "needs_response" ? i % 2 === 1 : status === "under_review");
    const row: Dispute = {
      merchantId,
      id: rng.id("dispute"),
      paymentId: payment.row.id,
      connectionId: payment.row.connectionId,
      mode: payment.row.mode,
      providerDisputeId: providerDisputeId(payment.row.provider, rng),
      reason: rng.pick(DISPUTE_REASONS),
      stage: "chargeback",
      providerStatus: null,
      providerReason: null,
      providerReasonCode: null,
      amountMinor: payment.row.amountMinor,
      currency: payment.row.currency,
      status,
      dueBy: new Date(dueBy),
      assigneeUserId: assigned ? input.assigneeUserId : null,
      outcome: status === "won" || status === "lost" || status === "accepted" ? status : null,
      submittedAt: submittedAt === null ? null : new Date(submittedAt),
      openedAt: new Date(openedAt),
      closedAt: closedAt === null ? null : new Date(closedAt),
      createdAt: new Date(openedAt),
      updatedAt: new Date(closedAt ?? submittedAt ?? openedAt),
    };
    disputes.push(row);

    const ref = {
      rng,
      merchantId,
      paymentId: payment.row.id,
      connectionId: payment.row.connectionId,
      provider: payment.row.provider,
      providerPaymentId: payment.row.providerPaymentId,
      amountMinor: row.amountMinor,
      currency: row.currency,
    };
    const detail = { providerDisputeId: row.providerDisputeId, reason: row.reason };
    pushEvent(
      payment,
      providerEventRow(ref, {
        type: "dispute.opened",
        at: row.openedAt,
        statusAfter: "disputed",
        detail,
      }),
    );
    if (submittedAt !== null) {
      pushEvent(
        payment,
        providerEventRow(ref, {
          type: "dispute.updated",
          at: new Date(submittedAt),
          statusAfter: "disputed",
          detail: { ...detail, evidenceSubmitted: true },
        }),
      );
    }
    if (closedAt !== null) {
      const won = status === "won";
      pushEvent(
        payment,
        providerEventRow(ref, {
          type: won ? "dispute.won" : "dispute.lost",
          at: new Date(closedAt),
          statusAfter: won ? "succeeded" : "disputed",
          detail: { ...detail, ...(status === "accepted" && { acceptedByMerchant: true }) },
        }),
      );
    }
    payment.row.status = status === "won" ? "succeeded" : "disputed";

    if (input.assigneeUserId && assigned && evidence.length < 3) {
      const author = input.assigneeUserId;
      const at = (offsetHours: number) =>
        new Date(Math.min(openedAt + offsetHours * HOUR, nowMs - HOUR));
      evidence.push({
        merchantId,
        id: rng.id("evidence"),
        disputeId: row.id,
        kind: "transcript",
        title: "Chat transcript",
        body: "The customer chose the items, confirmed the total and opened the payment link from the conversation.",
        createdByUserId: author,
        createdAt: at(3),
      });
      evidence.push({
        merchantId,
        id: rng.id("evidence"),
        disputeId: row.id,
        kind: "receipt",
        title: "Receipt sent in the chat",
        body: `Receipt for ${payment.row.description}, reference ${payment.row.id}.`,
        createdByUserId: author,
        createdAt: at(5),
      });
    }
  });

  // Refunds on the rest: most full, some partial, one still pending, one the provider refused.
  const refunds: Refund[] = [];
  const refundable = settled.filter((p) => !chosen.has(p));
  const picked = refundable.filter(() => rng.chance(input.refundRate));
  picked.forEach((payment, i) => {
    const amount = payment.row.amountMinor;
    const step = roundingStep(payment.row.currency);
    const partial = rng.chance(0.4);
    const partialAmount = Math.floor((amount * rng.int(20, 70)) / 100 / step) * step;
    const refundMinor =
      partial && partialAmount >= step && partialAmount < amount ? partialAmount : amount;
    const paidAt = payment.row.succeededAt!.getTime();
    const createdAt = Math.min(paidAt + rng.int(1, 6 * 24) * HOUR, nowMs - HOUR);
    const last = i === picked.length - 1;
    const status: Refund["status"] =
      last && nowMs - createdAt < 3 * DAY ? "pending" : i === 2 ? "failed" : "succeeded";
    const row: Refund = {
      merchantId,
      id: rng.id("refund"),
      paymentId: payment.row.id,
      mode: payment.row.mode,
      amountMinor: refundMinor,
      currency: payment.row.currency,
      reasonCode: "requested_by_customer",
      status,
      reason: rng.pick(refundMinor === amount ? FULL_REFUND_REASONS : PARTIAL_REFUND_REASONS),
      providerRefundId: providerRefundId(payment.row.provider, rng),
      idempotencyKey: `refund:${payment.row.id}:1`,
      outcomeReason:
        status === "pending"
          ? "The provider accepted the refund and is still processing it"
          : status === "failed"
            ? "The provider reported the refund as failed"
            : null,
      providerCheckedAt: null,
      createdByUserId: rng.pick(input.refunderUserIds),
      createdAt: new Date(createdAt),
      updatedAt: new Date(createdAt + 20 * 60_000),
    };
    refunds.push(row);

    const ref = {
      rng,
      merchantId,
      paymentId: payment.row.id,
      connectionId: payment.row.connectionId,
      provider: payment.row.provider,
      providerPaymentId: payment.row.providerPaymentId,
      amountMinor: refundMinor,
      currency: row.currency,
    };
    pushEvent(
      payment,
      parleyEventRow(ref, {
        type: "refund_requested",
        at: row.createdAt,
        statusAfter: "succeeded",
        detail: { refundId: row.id, reason: row.reason },
      }),
    );
    if (status === "pending") return;
    const after: PaymentStatus =
      status === "failed"
        ? "succeeded"
        : refundMinor === amount
          ? "refunded"
          : "partially_refunded";
    pushEvent(
      payment,
      providerEventRow(ref, {
        type: status === "failed" ? "refund.failed" : "refund.succeeded",
        at: row.updatedAt,
        statusAfter: after,
        detail: { refundId: row.id, providerRefundId: row.providerRefundId },
      }),
    );
    if (status === "succeeded") {
      payment.row.refundedMinor = refundMinor;
      payment.row.status = after;
    }
  });

  return { refunds, disputes, evidence };
}
