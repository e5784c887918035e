// The Sandbox's webhook wire format, shared by whoever emits Sandbox events (the Sandbox
// page, tests) and the connector that verifies them.
//
//   POST /api/webhooks/<connectionId>
//   Content-Type: application/json
//   Parley-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//   { "id": "evt_sbx_…", "type": "payment.succeeded", "created": <unix seconds>, "data": { … } }
//
// Several v1= entries may appear (secret rotation); one matching is enough. Deliveries whose
// t is more than 5 minutes from the receiver's clock are refused as stale.
import {
  DISPUTE_STAGES,
  DISPUTE_STATUSES,
  type DisputeStage,
  type DisputeStatus,
} from "@/db/schema/disputes";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { PAYMENT_METHODS, type PaymentMethod } from "../types";

export const SANDBOX_SIGNATURE_HEADER = "Parley-Sandbox-Signature";
export const SANDBOX_TOLERANCE_SECONDS = 300;

export const SANDBOX_EVENT_TYPES = [
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
] as const;
export type SandboxEventType = (typeof SANDBOX_EVENT_TYPES)[number];

/** Decline codes the Sandbox can simulate, with card-network-style messages. */
export const SANDBOX_DECLINES = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_cvc: "Your card's security code is incorrect.",
  do_not_honor: "The card issuer declined the payment (do not honor).",
  fraudulent: "The payment was declined as suspected fraud.",
} as const;
export type SandboxDeclineCode = keyof typeof SANDBOX_DECLINES;
export const SANDBOX_DECLINE_CODES = Object.keys(SANDBOX_DECLINES) as SandboxDeclineCode[];

const currency = z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code in upper case");
const minor = z.number().int().nonnegative();

export const sandboxEventDataSchema = z.object({
  providerPaymentId: z.string().min(1),
  paymentId: z.string().min(1).optional(),
  amountMinor: minor.optional(),
  currency: currency.optional(),
  method: z.enum(PAYMENT_METHODS).optional(),
  failure: z.object({ code: z.string().min(1), message: z.string() }).optional(),
  /** payment.requires_action: what the customer must do (a 3-D Secure challenge). */
  nextAction: z.literal("three_d_secure").optional(),
  refund: z
    .object({ providerRefundId: z.string().min(1), amountMinor: minor, currency })
    .optional(),
  dispute: z
    .object({
      providerDisputeId: z.string().min(1),
      reason: z.string().min(1),
      amountMinor: minor,
      currency,
      /** Unix seconds. */
      dueBy: z.number().int().optional(),
      /** Where the case stands; absent in older deliveries (the receiver assumes a chargeback). */
      stage: z.enum(DISPUTE_STAGES).optional(),
      status: z.enum(DISPUTE_STATUSES).optional(),
    })
    .optional(),
});

export const sandboxEventSchema = z
  .object({
    id: z.string().regex(/^evt_sbx_\w+$/),
    type: z.string().min(1),
    created: z.number().int().positive(),
    data: sandboxEventDataSchema,
  })
  .superRefine((event, check) => {
    const need = (field: "failure" | "refund" | "dispute") => {
      if (!event.data[field])
        check.addIssue({
          code: "custom",
          path: ["data", field],
          message: `${event.type} needs data.${field}`,
        });
    };
    if (event.type === "payment.failed") need("failure");
    if (event.type.startsWith("refund.")) need("refund");
    if (event.type.startsWith("dispute.")) need("dispute");
  });
export type SandboxEvent = z.infer<typeof sandboxEventSchema>;

function randomSuffix(bytes = 12): string {
  return randomBytes(bytes).toString("hex");
}

export interface BuildSandboxEventInput {
  type: SandboxEventType;
  providerPaymentId: string;
  paymentId?: string;
  amountMinor?: number;
  currency?: string;
  method?: PaymentMethod;
  /** payment.failed: which decline to simulate (default card_declined). */
  decline?: SandboxDeclineCode;
  refund?: { providerRefundId?: string; amountMinor: number; currency?: string };
  dispute?: {
    providerDisputeId?: string;
    reason?: string;
    amountMinor?: number;
    currency?: string;
    dueBy?: Date;
    stage?: DisputeStage;
    status?: DisputeStatus;
  };
  id?: string;
  created?: Date;
}

/** Builds a valid Sandbox event, filling ids, messages and dispute defaults. Throws on inconsistent input. */
export function buildSandboxEvent(input: BuildSandboxEventInput): SandboxEvent {
  const created = Math.floor((input.created ?? new Date()).getTime() / 1000);
  const money = input.currency?.toUpperCase();
  const decline = input.decline ?? "card_declined";
  const event = {
    id: input.id ?? `evt_sbx_${randomSuffix()}`,
    type: input.type,
    created,
    data: {
      providerPaymentId: input.providerPaymentId,
      paymentId: input.paymentId,
      amountMinor: input.amountMinor,
      currency: money,
      method: input.method,
      failure:
        input.type === "payment.failed"
          ? { code: decline, message: SANDBOX_DECLINES[decline] }
          : undefined,
      nextAction:
        input.type === "payment.requires_action" ? ("three_d_secure" as const) : undefined,
      refund:
        input.type.startsWith("refund.") || input.refund
          ? {
              providerRefundId: input.refund?.providerRefundId ?? `sbxre_${randomSuffix()}`,
              amountMinor: input.refund?.amountMinor ?? input.amountMinor ?? 0,
              currency: (input.refund?.currency ?? money ?? "").toUpperCase(),
            }
          : undefined,
      dispute:
        input.type.startsWith("dispute.") || input.dispute
          ? {
              providerDisputeId: input.dispute?.providerDisputeId ?? `sbxdp_${randomSuffix()}`,
              reason: input.dispute?.reason ?? "fraudulent",
              amountMinor: input.dispute?.amountMinor ?? input.amountMinor ?? 0,
              currency: (input.dispute?.currency ?? money ?? "").toUpperCase(),
              dueBy: input.dispute?.dueBy
                ? Math.floor(input.dispute.dueBy.getTime() / 1000)
                : input.type === "dispute.opened"
                  ? created + 7 * 86400
                  : undefined,
              stage: input.dispute?.stage,
              status: input.dispute?.status,
            }
          : undefined,
    },
  };
  return sandboxEventSchema.parse(JSON.parse(JSON.stringify(event)));
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The Parley-Sandbox-Signature header value for a raw body. */
export function signSandboxWebhook(
  body: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/** Body and headers of a ready-to-POST delivery. */
export function signedSandboxDelivery(event: SandboxEvent, secret: string, timestamp?: number) {
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      "content-type": "application/json",
      [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(body, secret, timestamp),
    },
  };
}

export type SandboxSignatureCheck =
  { ok: true } | { ok: false; reason: "bad_signature" | "stale"; message: string };

/** Checks the signature (timing-safe) first, then the age, so a forgery is never called merely stale. */
export function verifySandboxSignature(
  body: string,
  header: string | null,
  secret: string,
  now: Date,
): SandboxSignatureCheck {
  if (!header)
    return {
      ok: false,
      reason: "bad_signature",
      message: `Missing ${SANDBOX_SIGNATURE_HEADER} header`,
    };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && /^\d+$/.test(value ?? "")) timestamp = Number(value);
    if (key === "v1" && /^[0-9a-f]{64}$/.test(value ?? "")) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    return {
      ok: false,
      reason: "bad_signature",
      message: `${SANDBOX_SIGNATURE_HEADER} is not t=…,v1=…`,
    };
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, body), "hex");
  const matches = signatures.some((signature) =>
    timingSafeEqual(Buffer.from(signature, "hex"), expected),
  );
  if (!matches)
    return {
      ok: false,
      reason: "bad_signature",
      message: "Signature does not match this connection's secret",
    };
  const age = Math.abs(Math.floor(now.getTime() / 1000) - timestamp);
  if (age > SANDBOX_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: "stale",
      message: `Signed ${age} s away from now; the tolerance is ${SANDBOX_TOLERANCE_SECONDS} s`,
    };
  }
  return { ok: true };
}
