// What each provider's dispute webhook says, in Parley's terms: the stage, the status (only when
// the provider states it — a missing status is never read as an outcome), the normalised reason,
// the response deadline, and the provider's own words kept for the case page. Pure and
// table-driven, one table per provider, from each provider's documentation:
//   Stripe  charge.dispute.* — dispute.status; warning_* statuses are inquiries (no funds moved);
//           evidence_details.due_by (unix seconds)
//   Adyen   eventCode + additionalData.disputeStatus (absent for payments processed in Brazil),
//           additionalData.defensePeriodEndsAt, chargebackReasonCode
//   PayPal  CUSTOMER.DISPUTE.* — dispute_life_cycle_stage, status, reason,
//           dispute_outcome.outcome_code, seller_response_due_date
import type { DisputeStage, DisputeStatus } from "@/db/schema/disputes";
import type { NormalizedEventType } from "@/lib/connections/providers/types";
import type { DisputeReason } from "@/lib/disputes/reasons";

export interface MappedDispute {
  stage: DisputeStage;
  status?: DisputeStatus;
  reason: DisputeReason;
  providerStatus?: string;
  providerReason?: string;
  providerReasonCode?: string;
  dueBy?: Date;
}

/**
 * The payment timeline's event type for a dispute event: an end the merchant keeps the money
 * from (won, canceled) or loses it to (lost, accepted, expired); otherwise open.
 */
export function disputeEventType(opening: boolean, status?: DisputeStatus): NormalizedEventType {
  if (status === "won" || status === "canceled") return "dispute.won";
  if (status === "lost" || status === "accepted" || status === "expired") return "dispute.lost";
  return opening ? "dispute.opened" : "dispute.updated";
}

/** The NormalizedEvent.dispute fields a mapping fills. */
export function disputeFields(mapped: MappedDispute) {
  return {
    reason: mapped.reason,
    stage: mapped.stage,
    ...(mapped.status && { status: mapped.status }),
    ...(mapped.providerStatus && { providerStatus: mapped.providerStatus }),
    ...(mapped.providerReason && { providerReason: mapped.providerReason }),
    ...(mapped.providerReasonCode && { providerReasonCode: mapped.providerReasonCode }),
    ...(mapped.dueBy && { dueBy: mapped.dueBy }),
  };
}

function validDate(value: Date): Date | undefined {
  return Number.isNaN(value.getTime()) ? undefined : value;
}

// ---------------------------------------------------------------------------------------------
// Stripe

export const STRIPE_DISPUTE_STATUSES: Record<
  string,
  { stage: DisputeStage; status: DisputeStatus }
> = {
  warning_needs_response: { stage: "inquiry", status: "needs_response" },
  warning_under_review: { stage: "inquiry", status: "under_review" },
  // The inquiry closed without becoming a chargeback: nothing was taken.
  warning_closed: { stage: "inquiry", status: "won" },
  needs_response: { stage: "chargeback", status: "needs_response" },
  under_review: { stage: "chargeback", status: "under_review" },
  won: { stage: "chargeback", status: "won" },
  lost: { stage: "chargeback", status: "lost" },
};

export const STRIPE_REASONS: Record<string, DisputeReason> = {
  fraudulent: "fraudulent",
  unrecognized: "unrecognized",
  duplicate: "duplicate",
  product_not_received: "product_not_received",
  product_unacceptable: "product_unacceptable",
  subscription_canceled: "subscription_canceled",
  credit_not_processed: "credit_not_processed",
};

export interface StripeDisputeInput {
  status: string;
  reason: string;
  /** evidence_details.due_by: unix seconds. */
  dueBy?: number | null;
  /** Set by Stripe for disputes that can be accepted through the API only (e.g. Visa CE 3.0). */
  networkReasonCode?: string | null;
}

export function mapStripeDispute(input: StripeDisputeInput): MappedDispute {
  const known = STRIPE_DISPUTE_STATUSES[input.status];
  return {
    // An unknown (newer) status says nothing we can act on: the stage stays a chargeback.
    stage: known?.stage ?? (input.status.startsWith("warning_") ? "inquiry" : "chargeback"),
    status: known?.status,
    reason: STRIPE_REASONS[input.reason] ?? "general",
    providerStatus: input.status,
    providerReason: input.reason,
    ...(input.networkReasonCode && { providerReasonCode: input.networkReasonCode }),
    ...(input.dueBy && { dueBy: validDate(new Date(input.dueBy * 1000)) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Adyen

/** Each dispute event code: its stage, and the outcome the code itself names (if any). */
export const ADYEN_EVENT_CODES: Record<string, { stage: DisputeStage; status?: DisputeStatus }> = {
  REQUEST_FOR_INFORMATION: { stage: "inquiry" },
  NOTIFICATION_OF_CHARGEBACK: { stage: "chargeback" },
  CHARGEBACK: { stage: "chargeback" },
  DISPUTE_OPENED_WITH_CHARGEBACK: { stage: "chargeback" },
  INFORMATION_SUPPLIED: { stage: "chargeback" },
  DISPUTE_DEFENSE_PERIOD_ENDED: { stage: "chargeback" },
  ISSUER_COMMENTS: { stage: "chargeback" },
  ISSUER_RESPONSE_TIMEFRAME_EXPIRED: { stage: "chargeback" },
  CHARGEBACK_REVERSED: { stage: "chargeback", status: "won" },
  SECOND_CHARGEBACK: { stage: "pre_arbitration" },
  PREARBITRATION_WON: { stage: "pre_arbitration", status: "won" },
  PREARBITRATION_LOST: { stage: "pre_arbitration", status: "lost" },
};

/** Informational codes: no dispute is opened (a fraud notice is not a chargeback). */
export const ADYEN_INFORMATIONAL = new Set(["NOTIFICATION_OF_FRAUD"]);

export const ADYEN_DISPUTE_STATUSES: Record<string, DisputeStatus> = {
  Undefended: "needs_response",
  Unresponded: "needs_response",
  Pending: "under_review",
  Responded: "under_review",
  Won: "won",
  Lost: "lost",
  Accepted: "accepted",
  Expired: "expired",
};

// Scheme reason codes grouped by what they claim (Visa, Mastercard, Amex): the rest is general.
const ADYEN_REASON_CODES: Record<string, DisputeReason> = {
  "10.4": "fraudulent",
  "10.5": "fraudulent",
  "4837": "fraudulent",
  "4863": "unrecognized",
  "4840": "fraudulent",
  "12.6.1": "duplicate",
  "4834": "duplicate",
  "13.1": "product_not_received",
  "4855": "product_not_received",
  "13.3": "product_unacceptable",
  "4853": "product_unacceptable",
  "13.2": "subscription_canceled",
  "4841": "subscription_canceled",
  "13.6": "credit_not_processed",
  "4860": "credit_not_processed",
};

export interface AdyenDisputeInput {
  eventCode: string;
  reason?: string;
  additionalData?: Record<string, unknown>;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** null for codes that are no dispute (unknown or informational). */
export function mapAdyenDispute(input: AdyenDisputeInput): MappedDispute | null {
  const code = ADYEN_EVENT_CODES[input.eventCode];
  if (!code || ADYEN_INFORMATIONAL.has(input.eventCode)) return null;
  const data = input.additionalData ?? {};
  const providerStatus = str(data.disputeStatus);
  const reasonCode = str(data.chargebackReasonCode);
  const dueBy = str(data.defensePeriodEndsAt);
  return {
    stage: code.stage,
    // The code's own outcome, else the stated status; absent (Brazil) stays absent.
    status: code.status ?? (providerStatus ? ADYEN_DISPUTE_STATUSES[providerStatus] : undefined),
    reason: (reasonCode && ADYEN_REASON_CODES[reasonCode]) || "general",
    ...(providerStatus && { providerStatus }),
    ...(input.reason && { providerReason: input.reason }),
    ...(reasonCode && { providerReasonCode: reasonCode }),
    ...(dueBy && { dueBy: validDate(new Date(dueBy)) }),
  };
}

// ---------------------------------------------------------------------------------------------
// PayPal

export const PAYPAL_STAGES: Record<string, DisputeStage> = {
  INQUIRY: "inquiry",
  CHARGEBACK: "chargeback",
  PRE_ARBITRATION: "pre_arbitration",
  // Parley has three stages; arbitration is the last appeal, after pre-arbitration.
  ARBITRATION: "pre_arbitration",
};

export const PAYPAL_STATUSES: Record<string, DisputeStatus> = {
  OPEN: "needs_response",
  WAITING_FOR_SELLER_RESPONSE: "needs_response",
  WAITING_FOR_BUYER_RESPONSE: "under_review",
  UNDER_REVIEW: "under_review",
};

export const PAYPAL_OUTCOMES: Record<string, DisputeStatus> = {
  RESOLVED_SELLER_FAVOUR: "won",
  // PayPal paid the buyer itself: the merchant keeps the money.
  RESOLVED_WITH_PAYOUT: "won",
  DENIED: "won",
  RESOLVED_BUYER_FAVOUR: "lost",
  ACCEPTED: "accepted",
  CANCELED_BY_BUYER: "canceled",
};

export const PAYPAL_REASONS: Record<string, DisputeReason> = {
  MERCHANDISE_OR_SERVICE_NOT_RECEIVED: "product_not_received",
  MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED: "product_unacceptable",
  UNAUTHORISED: "fraudulent",
  DUPLICATE_TRANSACTION: "duplicate",
  CREDIT_NOT_PROCESSED: "credit_not_processed",
  CANCELED_RECURRING_BILLING: "subscription_canceled",
  INCORRECT_AMOUNT: "general",
  PAYMENT_BY_OTHER_MEANS: "duplicate",
  PROBLEM_WITH_REMITTANCE: "general",
  OTHER: "general",
};

export interface PayPalDisputeInput {
  stage?: string;
  status?: string;
  reason?: string;
  outcomeCode?: string;
  sellerResponseDueDate?: string;
}

export function mapPayPalDispute(input: PayPalDisputeInput): MappedDispute {
  const outcome = input.outcomeCode ? PAYPAL_OUTCOMES[input.outcomeCode] : undefined;
  const open = input.status ? PAYPAL_STATUSES[input.status] : undefined;
  return {
    stage: (input.stage && PAYPAL_STAGES[input.stage]) || "inquiry",
    // RESOLVED without a known outcome code says it ended, not how: no status is claimed.
    status: outcome ?? open,
    reason: (input.reason && PAYPAL_REASONS[input.reason]) || "general",
    ...(input.status && {
      providerStatus: input.outcomeCode ? `${input.status} · ${input.outcomeCode}` : input.status,
    }),
    ...(input.reason && { providerReason: input.reason }),
    ...(input.sellerResponseDueDate && {
      dueBy: validDate(new Date(input.sellerResponseDueDate)),
    }),
  };
}
