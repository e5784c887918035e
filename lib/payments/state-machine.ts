// A payment's state is a function of the *set* of facts its webhooks reported, not of the order
// they arrived in: providers deliver late, twice and out of order. Every fact is merged with a
// commutative, idempotent join (max under a fixed ranking), so folding any permutation of any
// multiset of facts gives the same view. Pure TypeScript: no Next, no database.
import type { DisputeStage } from "@/db/schema/disputes";
import type {
  CryptoReceived,
  PaymentStatus,
  SettlementIssue,
} from "@/lib/connections/providers/types";
import { stageRank } from "@/lib/disputes/transitions";
import { assertMinorUnits, minorToMajorString } from "@/lib/money";

export type AttemptStatus =
  "pending" | "requires_action" | "succeeded" | "failed" | "canceled" | "expired";
export type RefundFactStatus = "pending" | "succeeded" | "failed";
export type DisputeFactStatus = "opened" | "updated" | "won" | "lost";

/**
 * Crypto: a charge paid but not settled (underpaid, overpaid, paid after expiry…) until a person
 * resolves it on the provider's side. It never makes a payment paid or failed by itself.
 */
export interface SettlementFact {
  issue: SettlementIssue;
  status: "unresolved" | "resolved";
}

export type PaymentFact =
  | {
      kind: "payment";
      status: AttemptStatus;
      occurredAt: Date;
      amountMinor?: number;
      currency?: string;
      failure?: { code: string; message: string };
      settlement?: SettlementFact;
      /** What arrived on chain so far (crypto). */
      received?: CryptoReceived;
    }
  | {
      kind: "refund";
      providerRefundId: string;
      status: RefundFactStatus;
      amountMinor: number;
      currency?: string;
      occurredAt: Date;
    }
  | {
      /**
       * The provider's cumulative refunded amount for the payment (Stripe's charge.refunded
       * `amount_refunded` when the event lists no refunds), naming no single refund.
       */
      kind: "refund_total";
      status: "reported";
      /** The cumulative refunded amount, in minor units. */
      amountMinor: number;
      currency?: string;
      occurredAt: Date;
    }
  | {
      kind: "dispute";
      providerDisputeId: string;
      status: DisputeFactStatus;
      /** The provider's stage, when it says: a later stage reopens a dispute that had ended. */
      stage?: DisputeStage;
      occurredAt: Date;
      amountMinor?: number;
      currency?: string;
    };

export interface RefundEntry {
  providerRefundId: string;
  status: RefundFactStatus;
  amountMinor: number;
}

export interface DisputeEntry {
  providerDisputeId: string;
  status: DisputeFactStatus;
  stage: DisputeStage;
}

/** A fact whose amount or currency disagreed with the payment; kept for review, never counted. */
export interface ReportedMismatch {
  kind: PaymentFact["kind"];
  status: string;
  reference?: string;
  amountMinor?: number;
  currency?: string;
}

export type PaymentAnomaly =
  | "amount_mismatch"
  | "refund_exceeds_amount"
  | "underpaid"
  | "overpaid"
  | "paid_after_expiry"
  | "multiple_payments"
  | "unresolved_payment";

/** The flag an unresolved settlement puts on the payment, until it is resolved. */
export const SETTLEMENT_ANOMALY: Record<SettlementIssue, PaymentAnomaly> = {
  underpaid: "underpaid",
  overpaid: "overpaid",
  delayed: "paid_after_expiry",
  multiple: "multiple_payments",
  other: "unresolved_payment",
};

export interface SettlementEntry extends SettlementFact {
  occurredAt: string;
  /** The amounts received as of this report. */
  received?: CryptoReceived;
}
export type ApplyFlag = PaymentAnomaly | "late_event_ignored" | "duplicate";

export interface PaymentView {
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  /** The payment fact that currently decides the attempt's status. */
  attempt?: { status: AttemptStatus; occurredAt: string };
  succeededAt?: string;
  lastFailure?: { occurredAt: string; code?: string; message?: string };
  /** Sorted by provider id; one entry per refund however often it was reported. */
  refunds: RefundEntry[];
  /** Refunded: the larger of the refunds known one by one and the provider's reported total. */
  refundedMinor: number;
  /** Pending refunds not already covered by the provider's reported total. */
  pendingRefundMinor: number;
  /** The largest cumulative refunded amount the provider reported (refund_total facts). */
  reportedRefundedMinor?: number;
  disputes: DisputeEntry[];
  /** Crypto: the latest settlement report (a resolution outranks any unresolved one). */
  settlement?: SettlementEntry;
  /** Crypto: the latest report of what arrived on chain. */
  received?: CryptoReceived & { occurredAt: string };
  disputeOpen: boolean;
  /** Set once every dispute is closed: "lost" if any was lost. */
  disputeOutcome?: "won" | "lost";
  anomalies: PaymentAnomaly[];
  mismatches: ReportedMismatch[];
  lastEventAt?: string;
}

export interface NewPayment {
  amountMinor: number;
  currency: string;
  status?: "created";
}

// Succeeded outranks everything (a later success on the same intent after a decline is normal:
// Stripe sends payment_intent.payment_failed, then .succeeded on the retry). Canceled/expired
// close an unpaid payment: the first closing fact wins. In-flight facts: the latest one wins.
// [tier, tie-break within the tier at the same instant]
const ATTEMPT_RANK: Record<AttemptStatus, readonly [tier: number, tie: number]> = {
  pending: [1, 0],
  requires_action: [1, 1],
  failed: [1, 2],
  expired: [2, 0],
  canceled: [2, 1],
  succeeded: [3, 0],
};
// A refund can flip from succeeded to failed (Stripe docs, Refunds › "Failed refunds"), never back.
const REFUND_RANK: Record<RefundFactStatus, number> = { pending: 0, succeeded: 1, failed: 2 };
const DISPUTE_RANK: Record<DisputeFactStatus, number> = { opened: 0, updated: 1, won: 2, lost: 3 };

const SETTLEMENT_RANK: Record<SettlementFact["status"], number> = { unresolved: 0, resolved: 1 };

/** Positive when settlement report `a` should be kept over `b`: resolved, then latest. */
function compareSettlements(a: SettlementEntry, b: SettlementEntry): number {
  return (
    SETTLEMENT_RANK[a.status] - SETTLEMENT_RANK[b.status] ||
    Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
    compareStrings(canonicalJson(a), canonicalJson(b))
  );
}

/** Positive when received report `a` is newer than `b` (then larger, then by content). */
function compareReceived(
  a: NonNullable<PaymentView["received"]>,
  b: NonNullable<PaymentView["received"]>,
): number {
  return (
    Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
    a.amountMinor - b.amountMinor ||
    compareStrings(canonicalJson(a), canonicalJson(b))
  );
}

/** Positive when attempt `a` should decide the status over `b`. */
function compareAttempts(
  a: NonNullable<PaymentView["attempt"]>,
  b: NonNullable<PaymentView["attempt"]>,
): number {
  const [tierA, tieA] = ATTEMPT_RANK[a.status];
  const [tierB, tieB] = ATTEMPT_RANK[b.status];
  if (tierA !== tierB) return tierA - tierB;
  const time = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (time !== 0) return tierA === 1 ? time : -time;
  return tieA - tieB;
}

function compareStrings(a = "", b = ""): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with sorted keys and no undefined members, so equal values always print alike. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).filter(
      ([, inner]) => inner !== undefined,
    );
    return Object.fromEntries(entries.sort(([a], [b]) => compareStrings(a, b)));
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function compareFailures(
  a: NonNullable<PaymentView["lastFailure"]>,
  b: NonNullable<PaymentView["lastFailure"]>,
): number {
  return (
    Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
    compareStrings(canonicalJson(a), canonicalJson(b))
  );
}

function mismatchKey(m: ReportedMismatch): string {
  return canonicalJson(m);
}

function maxIso(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) > Date.parse(a) ? b : a;
}

function isoOf(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new RangeError("Fact has an invalid occurredAt");
  return date.toISOString();
}

function assertAmount(amountMinor: number | undefined): void {
  if (amountMinor === undefined) return;
  assertMinorUnits(amountMinor);
  if (amountMinor < 0) throw new RangeError(`Amount must not be negative, got ${amountMinor}`);
}

function currencyDiffers(view: PaymentView, currency: string | undefined): boolean {
  return currency !== undefined && currency.toUpperCase() !== view.currency;
}

/** Why a fact must not move money state, or null when it agrees with the payment. */
function findMismatch(view: PaymentView, fact: PaymentFact): ReportedMismatch | null {
  const base: ReportedMismatch = { kind: fact.kind, status: fact.status };
  if (fact.amountMinor !== undefined) base.amountMinor = fact.amountMinor;
  if (fact.currency !== undefined) base.currency = fact.currency.toUpperCase();
  if (fact.kind === "payment") {
    const amountDiffers = fact.amountMinor !== undefined && fact.amountMinor !== view.amountMinor;
    return amountDiffers || currencyDiffers(view, fact.currency) ? base : null;
  }
  if (fact.kind === "refund") {
    return currencyDiffers(view, fact.currency)
      ? { ...base, reference: fact.providerRefundId }
      : null;
  }
  if (fact.kind === "refund_total") {
    return currencyDiffers(view, fact.currency) ? base : null;
  }
  const tooLarge = fact.amountMinor !== undefined && fact.amountMinor > view.amountMinor;
  return tooLarge || currencyDiffers(view, fact.currency)
    ? { ...base, reference: fact.providerDisputeId }
    : null;
}

function upsertSorted<T>(
  list: readonly T[],
  idOf: (item: T) => string,
  incoming: T,
  wins: (a: T, b: T) => boolean,
): T[] {
  const id = idOf(incoming);
  const existing = list.find((item) => idOf(item) === id);
  if (existing && !wins(incoming, existing)) return [...list];
  const rest = list.filter((item) => idOf(item) !== id);
  return [...rest, incoming].sort((a, b) => compareStrings(idOf(a), idOf(b)));
}

type Core = Pick<
  PaymentView,
  | "amountMinor"
  | "currency"
  | "attempt"
  | "lastFailure"
  | "refunds"
  | "reportedRefundedMinor"
  | "disputes"
  | "mismatches"
  | "lastEventAt"
  | "settlement"
  | "received"
>;

function derive(core: Core): PaymentView {
  const refunds = [...core.refunds].sort((a, b) =>
    compareStrings(a.providerRefundId, b.providerRefundId),
  );
  const disputes = [...core.disputes].sort((a, b) =>
    compareStrings(a.providerDisputeId, b.providerDisputeId),
  );
  const mismatches = [...core.mismatches].sort((a, b) =>
    compareStrings(mismatchKey(a), mismatchKey(b)),
  );
  const sumRefunds = (status: RefundFactStatus) =>
    refunds.filter((r) => r.status === status).reduce((total, r) => total + r.amountMinor, 0);
  // A total and the refunds it sums can both arrive (Stripe's charge.refunded and refund.*
  // events): the larger figure is the truth, never their sum. A cumulative total only grows
  // (max is the join), so a refund failing after it was counted shows on its own entry only.
  const succeededMinor = sumRefunds("succeeded");
  const reported = core.reportedRefundedMinor;
  const refundedMinor = Math.max(succeededMinor, reported ?? 0);
  const pendingRefundMinor = Math.max(
    0,
    Math.min(sumRefunds("pending"), succeededMinor + sumRefunds("pending") - refundedMinor),
  );

  const disputeOpen = disputes.some((d) => d.status === "opened" || d.status === "updated");
  const disputeLost = disputes.some((d) => d.status === "lost");
  const disputeOutcome =
    disputes.length === 0 || disputeOpen ? undefined : disputeLost ? "lost" : "won";

  // A refund or dispute can only exist for captured money, so either one proves the capture
  // even while payment.succeeded is still in flight — unless a cancel/expiry closed it unpaid.
  const attemptStatus = core.attempt?.status;
  const closedUnpaid = attemptStatus === "canceled" || attemptStatus === "expired";
  const captured =
    attemptStatus === "succeeded" ||
    (!closedUnpaid && (refunds.length > 0 || disputes.length > 0 || (reported ?? 0) > 0));
  let status: PaymentStatus = captured ? "succeeded" : (attemptStatus ?? "created");
  if (captured && refundedMinor > 0)
    status = refundedMinor >= core.amountMinor ? "refunded" : "partially_refunded";
  if (disputeOpen || disputeLost) status = "disputed";

  const anomalies: PaymentAnomaly[] = [];
  if (mismatches.length > 0) anomalies.push("amount_mismatch");
  if (refundedMinor > core.amountMinor) anomalies.push("refund_exceeds_amount");
  if (core.settlement?.status === "unresolved")
    anomalies.push(SETTLEMENT_ANOMALY[core.settlement.issue]);

  return {
    amountMinor: core.amountMinor,
    currency: core.currency,
    status,
    ...(core.attempt && { attempt: core.attempt }),
    ...(attemptStatus === "succeeded" && { succeededAt: core.attempt!.occurredAt }),
    ...(core.lastFailure && { lastFailure: core.lastFailure }),
    refunds,
    refundedMinor,
    pendingRefundMinor,
    ...(reported !== undefined && { reportedRefundedMinor: reported }),
    disputes,
    ...(core.settlement && { settlement: core.settlement }),
    ...(core.received && { received: core.received }),
    disputeOpen,
    ...(disputeOutcome && { disputeOutcome }),
    anomalies,
    mismatches,
    ...(core.lastEventAt && { lastEventAt: core.lastEventAt }),
  };
}

export function initialPaymentView(payment: NewPayment): PaymentView {
  assertAmount(payment.amountMinor);
  return derive({
    amountMinor: payment.amountMinor,
    currency: payment.currency.toUpperCase(),
    refunds: [],
    disputes: [],
    mismatches: [],
  });
}

/** Merges one fact into a view. Agrees with `reducePayment` whatever order facts arrive in. */
export function applyEvent(
  stored: PaymentView,
  fact: PaymentFact,
): { next: PaymentView; changed: boolean; flags: ApplyFlag[] } {
  // Re-derived so a view read back from storage (keys or lists reordered) compares as itself.
  const current = derive(stored);
  const occurredAt = isoOf(fact.occurredAt);
  assertAmount(fact.amountMinor);
  const core: Core = { ...current, lastEventAt: maxIso(current.lastEventAt, occurredAt) };
  const flags: ApplyFlag[] = [];
  // Whether the fact lost to something already known (late) or was already known (duplicate).
  let outcome: "applied" | "dominated" | "same" = "applied";

  const mismatch = findMismatch(current, fact);
  if (mismatch) {
    flags.push("amount_mismatch");
    const exists = current.mismatches.some((m) => mismatchKey(m) === mismatchKey(mismatch));
    if (!exists) core.mismatches = [...current.mismatches, mismatch];
    // Disputes are applied anyway: hiding one would cost the merchant its response deadline.
    if (fact.kind !== "dispute") return finish(current, core, flags);
  }

  if (fact.kind === "payment") {
    const attempt = { status: fact.status, occurredAt };
    const order = current.attempt ? compareAttempts(attempt, current.attempt) : 1;
    if (order > 0) core.attempt = attempt;
    else outcome = order === 0 ? "same" : "dominated";
    if (fact.settlement) {
      const entry: SettlementEntry = {
        ...fact.settlement,
        occurredAt,
        ...(fact.received && { received: fact.received }),
      };
      if (!current.settlement || compareSettlements(entry, current.settlement) > 0) {
        core.settlement = entry;
        outcome = "applied";
      }
    }
    if (fact.received) {
      const received = { ...fact.received, occurredAt };
      if (!current.received || compareReceived(received, current.received) > 0)
        core.received = received;
    }
    if (fact.status === "failed") {
      const failure = {
        occurredAt,
        ...(fact.failure && { code: fact.failure.code, message: fact.failure.message }),
      };
      if (!current.lastFailure || compareFailures(failure, current.lastFailure) > 0)
        core.lastFailure = failure;
    }
  } else if (fact.kind === "refund") {
    const entry: RefundEntry = {
      providerRefundId: fact.providerRefundId,
      status: fact.status,
      amountMinor: fact.amountMinor,
    };
    const wins = (a: RefundEntry, b: RefundEntry) =>
      REFUND_RANK[a.status] - REFUND_RANK[b.status] > 0 ||
      (a.status === b.status && a.amountMinor > b.amountMinor);
    core.refunds = upsertSorted(current.refunds, (r) => r.providerRefundId, entry, wins);
    outcome = settledOutcome(
      core.refunds.find((r) => r.providerRefundId === entry.providerRefundId)!,
      entry,
      current.refunds,
    );
  } else if (fact.kind === "refund_total") {
    const known = current.reportedRefundedMinor;
    if (known === undefined || fact.amountMinor > known) {
      core.reportedRefundedMinor = fact.amountMinor;
    } else {
      outcome = fact.amountMinor === known ? "same" : "dominated";
    }
  } else {
    // A fact that names no stage is a chargeback, as a new case without one is.
    const entry: DisputeEntry = {
      providerDisputeId: fact.providerDisputeId,
      status: fact.status,
      stage: fact.stage ?? "chargeback",
    };
    // The case's own rule (lib/disputes/transitions.ts): a later stage wins whatever the earlier
    // one ended in (a second chargeback after a reversal reopens it); within a stage, the rank.
    // A total order, so the arrival order never matters.
    const wins = (a: DisputeEntry, b: DisputeEntry) => {
      const byStage = stageRank(a.stage) - stageRank(b.stage);
      return byStage !== 0 ? byStage > 0 : DISPUTE_RANK[a.status] > DISPUTE_RANK[b.status];
    };
    core.disputes = upsertSorted(current.disputes, (d) => d.providerDisputeId, entry, wins);
    outcome = settledOutcome(
      core.disputes.find((d) => d.providerDisputeId === entry.providerDisputeId)!,
      entry,
      current.disputes,
    );
  }

  if (outcome === "dominated") flags.push("late_event_ignored");
  const result = finish(current, core, flags);
  if (outcome === "same" && !result.changed && !mismatch) result.flags.push("duplicate");
  if (
    (fact.kind === "refund" || fact.kind === "refund_total") &&
    result.next.refundedMinor > result.next.amountMinor
  ) {
    result.flags.push("refund_exceeds_amount");
  }
  return result;
}

function settledOutcome<T>(
  kept: T,
  incoming: T,
  before: readonly T[],
): "applied" | "dominated" | "same" {
  if (!sameJson(kept, incoming)) return "dominated";
  return before.some((item) => sameJson(item, incoming)) ? "same" : "applied";
}

function finish(current: PaymentView, core: Core, flags: ApplyFlag[]) {
  const next = derive(core);
  return { next, changed: !sameJson(current, next), flags };
}

function factSortKey(fact: PaymentFact): string {
  return canonicalJson({ ...fact, occurredAt: isoOf(fact.occurredAt) });
}

/** The view of a payment given every fact known about it (duplicates allowed, any order). */
export function reducePayment(initial: NewPayment, facts: readonly PaymentFact[]): PaymentView {
  // Folding in a canonical order is only a convenience: applyEvent is order-independent itself.
  const ordered = [...facts].sort((a, b) => compareStrings(factSortKey(a), factSortKey(b)));
  return ordered.reduce((view, fact) => applyEvent(view, fact).next, initialPaymentView(initial));
}

const PAID_STATUSES: readonly PaymentStatus[] = [
  "succeeded",
  "partially_refunded",
  "refunded",
  "disputed",
];

/** Money was captured (it may since have been refunded or charged back). */
export function isPaid(status: PaymentStatus): boolean {
  return PAID_STATUSES.includes(status);
}

/**
 * The customer can no longer pay. `failed` is not terminal: a retry on the same provider
 * payment can still succeed. A terminal status can still be corrected by a late report of
 * something that happened earlier (a success that raced a cancel), and paid statuses still
 * move through refunds and disputes.
 */
export function isTerminal(status: PaymentStatus): boolean {
  return isPaid(status) || status === "canceled" || status === "expired";
}

export type RefundRefusal =
  "invalid_amount" | "not_paid" | "fully_refunded" | "disputed" | "exceeds_refundable";

/** What is left to refund: captured minus refunded minus refunds still in flight. */
export function refundableMinor(view: PaymentView): number {
  if (view.status !== "succeeded" && view.status !== "partially_refunded") return 0;
  return Math.max(0, view.amountMinor - view.refundedMinor - view.pendingRefundMinor);
}

/**
 * Whether `amountMinor` can be refunded now. `reservedMinor`: refunds Parley sent that the view
 * does not know yet (no provider id: their outcome may still be unknown) — they stay reserved.
 */
export function canRefund(
  view: PaymentView,
  amountMinor: number,
  reservedMinor = 0,
):
  | { ok: true; refundableMinor: number }
  | { ok: false; reason: RefundRefusal; message: string; refundableMinor: number } {
  const left = Math.max(0, refundableMinor(view) - reservedMinor);
  const refuse = (reason: RefundRefusal, message: string) => ({
    ok: false as const,
    reason,
    message,
    refundableMinor: left,
  });
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    return refuse(
      "invalid_amount",
      "The refund amount must be a positive whole number of minor units.",
    );
  }
  // Providers refuse refunds on disputed charges (Stripe: error code charge_disputed).
  if (view.status === "disputed")
    return refuse("disputed", "This payment is disputed; respond to the dispute instead.");
  if (view.status === "refunded")
    return refuse("fully_refunded", "This payment is already fully refunded.");
  if (!isPaid(view.status)) return refuse("not_paid", "Only a successful payment can be refunded.");
  if (amountMinor > left) {
    const most = `${minorToMajorString(left, view.currency)} ${view.currency}`;
    return refuse("exceeds_refundable", `At most ${most} can still be refunded.`);
  }
  return { ok: true, refundableMinor: left };
}
