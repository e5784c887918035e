// Stripe's wire format, as the fake server speaks it: form-encoded nested params,
// prefixed ids, error envelopes, and the webhook signature scheme (docs.stripe.com/webhooks#verify-manually).
import { createHmac, randomBytes } from "node:crypto";

/** Dispute evidence fields the fake accepts (a subset of Stripe's). */
export const EVIDENCE_FIELDS = new Set([
  "uncategorized_text",
  "uncategorized_file",
  "customer_communication",
  "receipt",
  "product_description",
  "customer_name",
  "customer_email_address",
  "refund_policy",
  "service_documentation",
  "shipping_documentation",
  // The rest of Stripe's dispute evidence hash (docs.stripe.com/api/disputes/object#dispute_object-evidence).
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_tracking_number",
]);

/** Evidence fields that name an uploaded file (file_…) rather than carry text. */
export const EVIDENCE_FILE_FIELDS = new Set([
  "uncategorized_file",
  "customer_communication",
  "receipt",
  "refund_policy",
  "cancellation_policy",
  "service_documentation",
  "shipping_documentation",
  "duplicate_charge_documentation",
  "customer_signature",
]);

export const now = () => Math.floor(Date.now() / 1000);

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

/** Decodes `a[b][0][c]=v&expand[]=x` into nested objects; objects keyed 0..n-1 become arrays. */
export function parseStripeForm(body: string): FormParams {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) continue;
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    let node: Record<string, unknown> = root;
    path.forEach((segment, index) => {
      const key = segment === "" ? String(Object.keys(node).length) : segment;
      if (index === path.length - 1) {
        node[key] = value;
        return;
      }
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    });
  }
  return arrayify(root) as FormParams;
}

function arrayify(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => [k, arrayify(v)] as const,
  );
  const keys = entries.map(([k]) => k);
  const isList = keys.length > 0 && keys.every((k, i) => k === String(i));
  return isList ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += BASE62[byte % 62];
  return `${prefix}_${out}`;
}

export interface StripeErrorBody {
  error: {
    type: string;
    message: string;
    code?: string;
    param?: string;
    decline_code?: string;
    doc_url?: string;
  };
}

export class FakeStripeError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.error.message);
  }
}

export function invalidRequest(
  message: string,
  extra: { code?: string; param?: string; status?: number; doc_url?: string } = {},
) {
  const { status = 400, ...rest } = extra;
  return new FakeStripeError(status, {
    error: { type: "invalid_request_error", message, ...rest },
  });
}

export function missingParam(param: string) {
  return invalidRequest(`Missing required param: ${param}.`, { code: "parameter_missing", param });
}

export function resourceMissing(objectName: string, id: string, param = "id") {
  return invalidRequest(`No such ${objectName}: '${id}'`, {
    status: 404,
    code: "resource_missing",
    param,
    doc_url: "https://stripe.com/docs/error-codes/resource-missing",
  });
}

/** Stripe shows the key's prefix and last four characters, starring the rest. */
export function redactKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? "";
  const tail = key.slice(-4);
  return `${prefix}${"*".repeat(Math.max(0, key.length - prefix.length - 4))}${tail}`;
}

export function str(params: FormParams, key: string): string | undefined {
  const value = params[key];
  return typeof value === "string" ? value : undefined;
}

export function obj(value: FormValue | undefined): FormParams {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

export function list(value: FormValue | undefined): FormValue[] {
  return Array.isArray(value) ? value : [];
}

export function integerParam(value: FormValue | undefined, param: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${String(value)}`, {
      code: "parameter_invalid_integer",
      param,
    });
  }
  return Number(value);
}

export function metadataParam(value: FormValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === "string") out[k] = v;
  return out;
}

/** A realistic event envelope around an API object. */
export function buildStripeEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; created?: number; previousAttributes?: Record<string, unknown> } = {},
) {
  return {
    id: options.id ?? stripeId("evt", 24),
    object: "event",
    api_version: "2026-10-28.endive",
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: {
      object,
      ...(options.previousAttributes ? { previous_attributes: options.previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/**
 * Signs a payload the way Stripe does: v1 = hex HMAC-SHA256 of `${t}.${payload}` under the
 * endpoint secret, sent as `Stripe-Signature: t=…,v1=…`. Written independently of the SDK so
 * the tests check the SDK's verification against the documented scheme.
 */
export function signStripeEvent(
  event: unknown,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const payload = typeof event === "string" ? event : JSON.stringify(event, null, 2);
  const signature = createHmac("sha256", secret)
    .update(`${timestamp}.${payload}`, "utf8")
    .digest("hex");
  return { payload, header: `t=${timestamp},v1=${signature}`, timestamp };
}
