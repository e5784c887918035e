import type { Mode } from "@/db/schema/_shared";
import type { DisputeStage, DisputeStatus } from "@/db/schema/disputes";
import type { RefundReasonCode } from "@/lib/refunds/reason-codes";
// The contract every payment provider implements. Pure server code: no Next, no database.
// The pipeline (lib/payments) persists what these return; connectors only speak the wire.

export const PROVIDER_KINDS = ["sandbox", "stripe", "paypal", "adyen", "coinbase"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const PAYMENT_METHODS = [
  "card",
  "apple_pay",
  "google_pay",
  "paypal",
  "bank_transfer",
  "alipay",
  "wechat_pay",
  "installments",
  "crypto",
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_STATUSES = [
  "created",
  "pending",
  "requires_action",
  "succeeded",
  "failed",
  "canceled",
  "expired",
  "partially_refunded",
  "refunded",
  "disputed",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A connection's mode is the one `Mode` (db/schema) every money row carries. */
export type ConnectionMode = Mode;

export interface ConnectorContext<Credentials> {
  credentials: Credentials;
  mode: ConnectionMode;
  /** Overrides the provider's API origin (tests point it at a local fake server). */
  baseUrl?: string;
  /** Parley's own public origin, for return URLs and the Sandbox hosted page. */
  appUrl: string;
  fetch?: typeof fetch;
  /** Request timeout in ms for calls to the provider. */
  timeoutMs?: number;
}

export type VerifyCredentialsResult =
  | {
      ok: true;
      accountLabel?: string;
      message: string;
      /**
       * The methods this very account can offer, when that depends on the account (Stripe's
       * crypto needs a US business): the connection's methods become these.
       */
      methods?: PaymentMethod[];
    }
  | {
      ok: false;
      reason: "invalid_credentials" | "unreachable" | "provider_error";
      message: string;
    };

export interface Capabilities {
  methods: PaymentMethod[];
  currencies: string[];
}

export interface CheckoutInput {
  /** Parley's payment id (pay_…), sent to the provider as metadata / reference. */
  paymentId: string;
  /** The merchant the payment belongs to (Coinbase Commerce carries it in the charge metadata). */
  merchantId?: string;
  amountMinor: number;
  currency: string;
  description: string;
  methods: PaymentMethod[];
  /** Same key on a retry → the provider returns the same checkout, not a second one. */
  idempotencyKey: string;
  conversationId?: string;
  customerEmail?: string;
  locale?: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt?: Date;
}

export interface CheckoutResult {
  providerCheckoutId: string;
  /** Provider's payment object id when known at creation (Stripe PaymentIntent, PayPal order). */
  providerPaymentId?: string;
  /** Hosted page / payment link the customer opens; Parley never sees card data. */
  url: string;
  expiresAt?: Date;
}

export interface ProviderPaymentState {
  providerPaymentId: string;
  status: PaymentStatus;
  amountMinor?: number;
  currency?: string;
  method?: PaymentMethod;
  failure?: { code: string; message: string };
}

export interface RefundInput {
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  /** The member's words. */
  reason?: string;
  /** Why, as Parley's code; each connector maps it (lib/refunds/reason-codes.ts). */
  reasonCode?: RefundReasonCode;
}

export interface RefundResult {
  providerRefundId: string;
  status: "pending" | "succeeded" | "failed";
}

export interface RefundLookupInput {
  providerPaymentId: string;
  /** Known once the provider answered the create call (or a webhook named it). */
  providerRefundId?: string;
  /** The key the refund was sent with (also Parley's reference/metadata on it). */
  idempotencyKey: string;
  /**
   * What the refund was sent with and when, for a provider whose only way to ask about an
   * unnamed refund is to replay the very same request under the same key (PayPal).
   */
  sent?: {
    amountMinor: number;
    currency: string;
    reason?: string;
    reasonCode?: RefundReasonCode;
    at: Date;
  };
  /** The asker's clock (defaults to the real one). */
  now?: Date;
}

/**
 * What the provider says about a refund Parley sent: `found`, `not_found` (the provider has no
 * refund under that key: the create never reached it), or `unanswerable` (the provider offers
 * no way to ask, e.g. Adyen: the REFUND webhook is the only answer).
 */
export type RefundLookup =
  | { kind: "found"; providerRefundId: string; status: RefundResult["status"] }
  | { kind: "not_found"; message: string }
  | { kind: "unanswerable"; message: string };

/** The evidence text fields every connector maps to its provider (Stripe's names, camelCased). */
export const DISPUTE_EVIDENCE_TEXT_FIELDS = [
  "productDescription",
  "customerName",
  "customerEmail",
  "customerPurchaseIp",
  "customerCommunication",
  "receiptText",
  "serviceDate",
  "serviceDocumentation",
  "shippingCarrier",
  "shippingTrackingNumber",
  "shippingDate",
  "refundPolicy",
  "refundPolicyDisclosure",
  "cancellationPolicy",
  "cancellationPolicyDisclosure",
  "duplicateChargeExplanation",
  "uncategorizedText",
] as const;
export type DisputeEvidenceTextField = (typeof DISPUTE_EVIDENCE_TEXT_FIELDS)[number];

/** The document categories evidence files answer (Stripe's file fields; others map them). */
export type DisputeEvidenceSlot =
  | "receipt"
  | "customer_communication"
  | "service_documentation"
  | "shipping_documentation"
  | "refund_policy"
  | "cancellation_policy"
  | "uncategorized";

export interface DisputeEvidenceFile {
  /** Parley's file id (dfile_…): the key of the provider file id a connector hands back. */
  id: string;
  slot: DisputeEvidenceSlot;
  name: string;
  contentType: "application/pdf" | "image/png" | "image/jpeg";
  bytes: Uint8Array;
  /** Already uploaded to the provider (a staged draft): reuse it, never upload twice. */
  providerFileId?: string;
}

export interface DisputeEvidenceInput {
  providerDisputeId: string;
  fields: Partial<Record<DisputeEvidenceTextField, string>>;
  files: DisputeEvidenceFile[];
  /** One key per submission: every resend of it is the same request to the provider. */
  idempotencyKey: string;
  /** False stages the evidence without submitting it (only where the provider can). */
  submit: boolean;
}

export interface DisputeEvidenceResult {
  /** Parley file id → the provider's file id, for files uploaded by this call. */
  providerFileIds: Record<string, string>;
}

/** Where a dispute stands at the provider, re-read after a call whose answer never came. */
export type ProviderDisputeStanding = "needs_response" | "under_review" | "closed";

export interface DisputeResponseSupport {
  /** The provider keeps a draft (Stripe submit=false); elsewhere a draft lives in Parley only. */
  stage: boolean;
  submit: boolean;
  accept: boolean;
  /** The dispute can be re-read after an unanswered call (else: its webhooks settle it). */
  fetch: boolean;
}

export const NORMALIZED_EVENT_TYPES = [
  "payment.pending",
  "payment.requires_action",
  "payment.succeeded",
  "payment.failed",
  "payment.canceled",
  "payment.expired",
  "refund.succeeded",
  "refund.failed",
  "dispute.opened",
  "dispute.updated",
  "dispute.won",
  "dispute.lost",
  "unknown",
] as const;
export type NormalizedEventType = (typeof NORMALIZED_EVENT_TYPES)[number];

/**
 * Why a paid-for crypto charge needs a person (Coinbase Commerce's UNRESOLVED contexts): paid
 * too little, too much, after the charge expired, in several payments, or otherwise.
 */
export const SETTLEMENT_ISSUES = ["underpaid", "overpaid", "delayed", "multiple", "other"] as const;
export type SettlementIssue = (typeof SETTLEMENT_ISSUES)[number];

/** What arrived on chain for a charge: in the charge's fiat currency and in each crypto asset. */
export interface CryptoReceived {
  /** Sum of the payments' local (fiat) values, in minor units of `currency`. */
  amountMinor: number;
  currency: string;
  crypto: { amount: string; currency: string; network?: string; transactionId?: string }[];
}

export interface NormalizedEvent {
  /** The provider's own event id: the dedupe key. */
  providerEventId: string;
  type: NormalizedEventType;
  /** The provider's event type string, kept for the timeline. */
  rawType: string;
  occurredAt: Date;
  providerPaymentId?: string;
  /** Parley's pay_… id when the provider echoes our reference/metadata. */
  paymentId?: string;
  amountMinor?: number;
  currency?: string;
  method?: PaymentMethod;
  failure?: { code: string; message: string };
  /**
   * Who tried, when the provider says (for the card-testing alert rules): the card's fingerprint
   * (Stripe: last_payment_error.payment_method.card.fingerprint) and the shopper's IP address
   * (Adyen: additionalData.shopperIP, when enabled in the Customer Area).
   */
  cardFingerprint?: string;
  clientIp?: string;
  refund?: { providerRefundId: string; amountMinor: number; currency: string };
  /** Crypto: the amounts received so far (Coinbase Commerce's payments[].value). */
  received?: CryptoReceived;
  /**
   * Crypto: the charge was paid but needs a person (unresolved), or a person settled it on the
   * provider's side (resolved). Never a success by itself: see lib/payments/state-machine.ts.
   */
  settlement?: { issue: SettlementIssue; status: "unresolved" | "resolved" };
  /**
   * The payment's cumulative refunded amount as the provider reports it (Stripe's
   * charge.refunded `amount_refunded`), when the event names no single refund.
   */
  refundedTotalMinor?: number;
  dispute?: {
    providerDisputeId: string;
    /** Parley's normalised reason (lib/disputes/reasons.ts). */
    reason: string;
    amountMinor: number;
    currency: string;
    dueBy?: Date;
    /** Where the case stands, as lib/disputes/provider-mapping.ts reads the provider. */
    stage?: DisputeStage;
    /** Only when the provider states it; never guessed from a missing field. */
    status?: DisputeStatus;
    providerStatus?: string;
    providerReason?: string;
    providerReasonCode?: string;
  };
}

export interface WebhookRequest {
  rawBody: string;
  headers: Headers;
  /** The full URL the provider posted to (PayPal/Adyen verification may need it). */
  url: string;
}

export type WebhookParseResult =
  | { ok: true; events: NormalizedEvent[] }
  | { ok: false; reason: "bad_signature" | "stale" | "malformed"; message: string };

export interface Connector<Credentials> {
  kind: ProviderKind;
  /**
   * "manual" when the provider has no refund API (Coinbase Commerce: crypto is sent back from
   * the merchant's wallet), so the console records refunds instead of sending them.
   */
  refunds?: "api" | "manual";
  verifyCredentials(ctx: ConnectorContext<Credentials>): Promise<VerifyCredentialsResult>;
  capabilities(ctx: ConnectorContext<Credentials>): Capabilities;
  createCheckout(ctx: ConnectorContext<Credentials>, input: CheckoutInput): Promise<CheckoutResult>;
  fetchPayment(
    ctx: ConnectorContext<Credentials>,
    providerPaymentId: string,
  ): Promise<ProviderPaymentState>;
  refund(ctx: ConnectorContext<Credentials>, input: RefundInput): Promise<RefundResult>;
  /** Asks the provider where a refund stands (after a create whose answer never came). */
  fetchRefund(ctx: ConnectorContext<Credentials>, input: RefundLookupInput): Promise<RefundLookup>;
  /** Verifies first (on the raw body), then normalizes. Never throws on bad input. */
  parseWebhook(
    ctx: ConnectorContext<Credentials>,
    request: WebhookRequest,
    now?: Date,
  ): Promise<WebhookParseResult>;
  /** What to answer a verified delivery with (Adyen wants "[accepted]"). */
  webhookAck(): { status: number; body: string; contentType: string };
  /** What this provider's API lets Parley do with a dispute (the rest: a dashboard checklist). */
  disputeSupport: DisputeResponseSupport;
  submitDisputeEvidence(
    ctx: ConnectorContext<Credentials>,
    input: DisputeEvidenceInput,
  ): Promise<DisputeEvidenceResult>;
  acceptDispute(
    ctx: ConnectorContext<Credentials>,
    providerDisputeId: string,
    idempotencyKey: string,
  ): Promise<void>;
  /** Re-reads the dispute (only where disputeSupport.fetch). */
  fetchDisputeStanding(
    ctx: ConnectorContext<Credentials>,
    providerDisputeId: string,
  ): Promise<ProviderDisputeStanding>;
}

/** Thrown by connectors for provider-side refusals, with the provider's own message. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: "invalid_credentials" | "unreachable" | "invalid_request" | "provider_error",
    readonly status?: number,
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/**
 * True when a failed call may still have been carried out by the provider: no answer (timeout,
 * network), a 5xx, or an answer we could not read. A 4xx with the provider's own error is a
 * definite refusal; 408/409/429 mean "not processed yet / try again", so they stay unknown too.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return true;
  if (error.kind === "unreachable") return true;
  const status = error.status;
  if (status === undefined) return error.kind === "provider_error";
  if (status === 408 || status === 409 || status === 429) return true;
  return status >= 500;
}
