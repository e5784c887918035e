// Parley's built-in simulated provider: no account, no network. Checkouts open Parley's own
// /pay/sandbox page; outcomes arrive as signed webhooks in the format of sandbox/webhooks.ts.
import { SUPPORTED_CURRENCIES, assertMinorUnits } from "@/lib/money";
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import {
  PAYMENT_METHODS,
  ProviderError,
  type Connector,
  type ConnectorContext,
  type NormalizedEvent,
  type NormalizedEventType,
  type ProviderPaymentState,
} from "../types";
import {
  SANDBOX_EVENT_TYPES,
  SANDBOX_SIGNATURE_HEADER,
  sandboxEventSchema,
  verifySandboxSignature,
  type SandboxEvent,
} from "./webhooks";

export const sandboxCredentialsSchema = z.object({
  webhookSecret: z
    .string()
    .regex(
      /^whsec_sbx_[\w-]{16,}$/,
      "Sandbox secrets look like whsec_sbx_…; recreate the connection to get a new one",
    ),
});
export type SandboxCredentials = z.infer<typeof sandboxCredentialsSchema>;

/** A fresh secret for a new Sandbox connection. */
export function generateSandboxCredentials(): SandboxCredentials {
  return { webhookSecret: `whsec_sbx_${randomBytes(24).toString("base64url")}` };
}

/**
 * Sandbox payments live in Parley's own database, which this pure module can't read. Whoever
 * owns that table supplies the lookup, either per call (ctx.lookupSandboxPayment) or once at
 * start-up (setSandboxStatusLookup). It returns null for an id it doesn't know.
 */
export type SandboxStatusLookup = (
  providerPaymentId: string,
) => Promise<ProviderPaymentState | null>;

export interface SandboxContext extends ConnectorContext<SandboxCredentials> {
  lookupSandboxPayment?: SandboxStatusLookup;
}

let registeredLookup: SandboxStatusLookup | undefined;

/** Registers the process-wide lookup; pass undefined to clear it (tests). */
export function setSandboxStatusLookup(lookup: SandboxStatusLookup | undefined): void {
  registeredLookup = lookup;
}

/**
 * Ids derived from the idempotency key under the connection's secret: a retry gets the same
 * id, and ids can't be guessed from keys (the checkout id is in a public URL).
 */
export function sandboxId(
  prefix: "sbxcs" | "sbxpi" | "sbxre",
  secret: string,
  idempotencyKey: string,
): string {
  const digest = createHmac("sha256", secret)
    .update(`${prefix}:${idempotencyKey}`, "utf8")
    .digest("hex");
  return `${prefix}_${digest.slice(0, 24)}`;
}

function normalizedType(type: string): NormalizedEventType {
  return (SANDBOX_EVENT_TYPES as readonly string[]).includes(type)
    ? (type as NormalizedEventType)
    : "unknown";
}

/** A verified Sandbox event in Parley's vocabulary. */
export function normalizeSandboxEvent(event: SandboxEvent): NormalizedEvent {
  const { data } = event;
  const normalized: NormalizedEvent = {
    providerEventId: event.id,
    type: normalizedType(event.type),
    rawType: event.type,
    occurredAt: new Date(event.created * 1000),
    providerPaymentId: data.providerPaymentId,
    paymentId: data.paymentId,
    amountMinor: data.amountMinor,
    currency: data.currency,
    method: data.method,
    failure: data.failure,
    refund: data.refund,
    dispute: data.dispute && {
      providerDisputeId: data.dispute.providerDisputeId,
      reason: data.dispute.reason,
      amountMinor: data.dispute.amountMinor,
      currency: data.dispute.currency,
      ...(data.dispute.dueBy === undefined ? {} : { dueBy: new Date(data.dispute.dueBy * 1000) }),
      ...(data.dispute.stage && { stage: data.dispute.stage }),
      ...(data.dispute.status && { status: data.dispute.status }),
    },
  };
  return Object.fromEntries(
    Object.entries(normalized).filter(([, v]) => v !== undefined),
  ) as NormalizedEvent;
}

function requirePositiveAmount(amountMinor: number, currency: string): void {
  assertMinorUnits(amountMinor);
  if (amountMinor <= 0)
    throw new ProviderError("Amount must be positive", "invalid_request", undefined, "amount");
  if (!(SUPPORTED_CURRENCIES as readonly string[]).includes(currency.toUpperCase())) {
    throw new ProviderError(
      `Sandbox does not simulate ${currency}`,
      "invalid_request",
      undefined,
      "currency",
    );
  }
}

function secretOf(ctx: ConnectorContext<SandboxCredentials>): string {
  const parsed = sandboxCredentialsSchema.safeParse(ctx.credentials);
  if (!parsed.success)
    throw new ProviderError(parsed.error.issues[0].message, "invalid_credentials");
  return parsed.data.webhookSecret;
}

export const sandboxConnector: Connector<SandboxCredentials> = {
  kind: "sandbox",

  async verifyCredentials(ctx) {
    const parsed = sandboxCredentialsSchema.safeParse(ctx.credentials);
    if (!parsed.success)
      return { ok: false, reason: "invalid_credentials", message: parsed.error.issues[0].message };
    return { ok: true, accountLabel: "Parley Sandbox", message: "Sandbox is built in" };
  },

  // Every method but crypto: its on-chain lifecycle (pending confirmations, under- and
  // overpayment, payment after expiry) is not the card-shaped one the Sandbox page simulates.
  capabilities: () => ({
    methods: PAYMENT_METHODS.filter((m) => m !== "crypto"),
    currencies: [...SUPPORTED_CURRENCIES],
  }),

  async createCheckout(ctx, input) {
    requirePositiveAmount(input.amountMinor, input.currency);
    const secret = secretOf(ctx);
    const checkoutId = sandboxId("sbxcs", secret, input.idempotencyKey);
    return {
      providerCheckoutId: checkoutId,
      providerPaymentId: sandboxId("sbxpi", secret, input.idempotencyKey),
      url: `${ctx.appUrl.replace(/\/+$/, "")}/pay/sandbox/${checkoutId}`,
      expiresAt: input.expiresAt,
    };
  },

  async fetchPayment(ctx, providerPaymentId) {
    const lookup = (ctx as SandboxContext).lookupSandboxPayment ?? registeredLookup;
    if (!lookup) {
      throw new ProviderError(
        "No Sandbox status lookup is configured (see setSandboxStatusLookup)",
        "provider_error",
      );
    }
    const state = await lookup(providerPaymentId);
    if (!state)
      throw new ProviderError(
        `No Sandbox payment ${providerPaymentId}`,
        "invalid_request",
        404,
        "resource_missing",
      );
    return state;
  },

  async refund(ctx, input) {
    requirePositiveAmount(input.amountMinor, input.currency);
    return {
      providerRefundId: sandboxId("sbxre", secretOf(ctx), input.idempotencyKey),
      status: "succeeded",
    };
  },

  // The Sandbox keeps no refunds of its own: a refund's id follows from its key, and every
  // Sandbox refund succeeds the moment it is asked for.
  async fetchRefund(ctx, input) {
    return {
      kind: "found",
      providerRefundId:
        input.providerRefundId ?? sandboxId("sbxre", secretOf(ctx), input.idempotencyKey),
      status: "succeeded",
    };
  },

  async parseWebhook(ctx, request, now = new Date()) {
    const secret = ctx.credentials?.webhookSecret;
    if (typeof secret !== "string" || !secret) {
      return {
        ok: false,
        reason: "bad_signature",
        message: "This connection has no webhook secret",
      };
    }
    const signature = verifySandboxSignature(
      request.rawBody,
      request.headers.get(SANDBOX_SIGNATURE_HEADER),
      secret,
      now,
    );
    if (!signature.ok) return signature;
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody);
    } catch {
      return { ok: false, reason: "malformed", message: "Body is not JSON" };
    }
    const parsed = sandboxEventSchema.safeParse(json);
    if (!parsed.success)
      return { ok: false, reason: "malformed", message: z.prettifyError(parsed.error) };
    return { ok: true, events: [normalizeSandboxEvent(parsed.data)] };
  },

  webhookAck: () => ({
    status: 200,
    body: JSON.stringify({ received: true }),
    contentType: "application/json",
  }),

  // The Sandbox answers like a provider that takes every step by API, so the whole journey
  // (stage, submit, accept) works in the browser; it keeps nothing, the dispute row is its truth.
  disputeSupport: { stage: true, submit: true, accept: true, fetch: false },

  async submitDisputeEvidence(_ctx, input) {
    if (!input.providerDisputeId)
      throw new ProviderError("Dispute id is required", "invalid_request");
    const hasText = Object.values(input.fields).some((v) => v?.trim());
    if (input.submit && !hasText && input.files.length === 0)
      throw new ProviderError("Evidence is empty", "invalid_request");
    return {
      providerFileIds: Object.fromEntries(
        input.files.map((f) => [f.id, f.providerFileId ?? `sbx_file_${f.id}`]),
      ),
    };
  },

  async acceptDispute(_ctx, providerDisputeId) {
    if (!providerDisputeId) throw new ProviderError("Dispute id is required", "invalid_request");
  },

  async fetchDisputeStanding() {
    throw new ProviderError("The Sandbox keeps no dispute state of its own", "invalid_request");
  },
};
