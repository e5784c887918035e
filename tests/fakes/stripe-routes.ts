// Endpoints and in-memory objects of the fake Stripe server.
import { createScenarioHelpers } from "./stripe-scenarios";
import {
  EVIDENCE_FIELDS,
  EVIDENCE_FILE_FIELDS,
  integerParam,
  invalidRequest,
  list,
  metadataParam,
  missingParam,
  now,
  obj,
  resourceMissing,
  str,
  stripeId,
  type FormParams,
} from "./stripe-wire";
export type { PayOutcome, StripeScenarioHelpers } from "./stripe-scenarios";

export type Json = Record<string, unknown>;
export type StripeObject = Json & { id: string; object: string };

export interface FakeStripeState {
  account: StripeObject;
  sessions: Map<string, StripeObject>;
  paymentIntents: Map<string, StripeObject>;
  charges: Map<string, StripeObject>;
  refunds: Map<string, StripeObject>;
  disputes: Map<string, StripeObject>;
  files: Map<string, StripeObject>;
  /** Metadata Checkout will copy onto the PaymentIntent it creates (payment_intent_data.metadata). */
  sessionIntentMetadata: Map<string, Record<string, string>>;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(params: FormParams, args: string[]): unknown;
}

const METHOD_TYPES = new Set([
  "crypto",
  "card",
  "alipay",
  "wechat_pay",
  "customer_balance",
  "paypal",
  "klarna",
  "ideal",
  "bancontact",
  "sepa_debit",
  "link",
]);
const LOCALES = new Set([
  "auto",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-GB",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hi-IN",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

export function createStripeRoutes() {
  const state: FakeStripeState = {
    account: {
      id: "acct_1FakeParleyMerchant",
      object: "account",
      business_profile: { name: "Kopi Kenangan Test" },
      settings: { dashboard: { display_name: "Kopi Kenangan" } },
      email: "owner@example.com",
      country: "ID",
      default_currency: "idr",
      charges_enabled: true,
    },
    sessions: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    files: new Map(),
    sessionIntentMetadata: new Map(),
  };

  const collections: [string, Map<string, StripeObject>, string][] = [
    ["cs_", state.sessions, "checkout.session"],
    ["pi_", state.paymentIntents, "payment_intent"],
    ["ch_", state.charges, "charge"],
    ["re_", state.refunds, "refund"],
    ["dp_", state.disputes, "dispute"],
    ["file_", state.files, "file"],
  ];

  function find(id: string, param = "id"): StripeObject {
    const entry = collections.find(([prefix]) => id.startsWith(prefix));
    const found = entry?.[1].get(id);
    if (!found) throw resourceMissing(entry?.[2] ?? "object", id, param);
    return found;
  }

  /** `expand[]=payment_intent.latest_charge` inlines referenced objects, as Stripe does. */
  function expand(object: StripeObject, params: FormParams): Json {
    const out: Json = structuredClone(object);
    for (const path of list(params.expand)) {
      if (typeof path !== "string") continue;
      let node: Json = out;
      for (const field of path.split(".")) {
        const value = node[field];
        if (typeof value === "string") node[field] = structuredClone(find(value, field));
        const next = node[field];
        if (typeof next !== "object" || next === null) break;
        node = next as Json;
      }
    }
    return out;
  }

  function createSession(params: FormParams): StripeObject {
    const mode = str(params, "mode");
    if (!mode) throw missingParam("mode");
    if (mode !== "payment")
      throw invalidRequest("This fake only supports mode=payment.", { param: "mode" });
    const successUrl = str(params, "success_url");
    if (!successUrl) throw missingParam("success_url");
    const items = list(params.line_items);
    if (items.length === 0) throw missingParam("line_items");
    let total = 0;
    let currency = "";
    items.forEach((raw, i) => {
      const item = obj(raw);
      const price = obj(item.price_data);
      const prefix = `line_items[${i}][price_data]`;
      const itemCurrency = typeof price.currency === "string" ? price.currency : undefined;
      if (!itemCurrency) throw missingParam(`${prefix}[currency]`);
      if (itemCurrency !== itemCurrency.toLowerCase()) {
        throw invalidRequest(
          `Invalid currency: ${itemCurrency}. Stripe currently supports lowercase ISO codes.`,
          {
            param: `${prefix}[currency]`,
          },
        );
      }
      const unit = integerParam(price.unit_amount, `${prefix}[unit_amount]`);
      if (unit === undefined) throw missingParam(`${prefix}[unit_amount]`);
      if (unit < 0)
        throw invalidRequest("This value must be greater than or equal to 0.", {
          param: `${prefix}[unit_amount]`,
        });
      if (THREE_DECIMAL.has(itemCurrency) && unit % 10 !== 0) {
        throw invalidRequest(
          `Amounts in ${itemCurrency} must be rounded to the nearest ten (last digit 0).`,
          {
            code: "amount_invalid",
            param: `${prefix}[unit_amount]`,
          },
        );
      }
      if (typeof obj(price.product_data).name !== "string")
        throw missingParam(`${prefix}[product_data][name]`);
      const quantity = integerParam(item.quantity, `line_items[${i}][quantity]`);
      if (quantity === undefined) throw missingParam(`line_items[${i}][quantity]`);
      total += unit * quantity;
      currency = itemCurrency;
    });
    // The pinned API version (2026-10-28.endive) dropped `payment_method_types` on create in
    // favour of `allowed_payment_method_types`, a filter over the dynamically eligible methods.
    if (params.payment_method_types !== undefined) {
      throw invalidRequest("Received unknown parameter: payment_method_types", {
        param: "payment_method_types",
      });
    }
    const types = list(params.allowed_payment_method_types).map(String);
    const options = obj(params.payment_method_options);
    types.forEach((type, i) => {
      if (!METHOD_TYPES.has(type)) {
        throw invalidRequest(
          `Invalid allowed_payment_method_types[${i}]: must be one of ${[...METHOD_TYPES].join(", ")}`,
          {
            param: `allowed_payment_method_types[${i}]`,
          },
        );
      }
    });
    // Stablecoin payments: US businesses, USD only (docs.stripe.com/payments/accept-stablecoin-payments).
    if (types.includes("crypto")) {
      if (state.account.country !== "US")
        throw invalidRequest(
          "The payment method type `crypto` is not available for your account's country.",
          {
            param: "allowed_payment_method_types",
          },
        );
      if (currency !== "usd")
        throw invalidRequest("The payment method type `crypto` only supports usd.", {
          param: "allowed_payment_method_types",
        });
    }
    if (types.includes("wechat_pay") && !str(obj(options.wechat_pay), "client")) {
      throw missingParam("payment_method_options[wechat_pay][client]");
    }
    if (types.includes("customer_balance")) {
      const balance = obj(options.customer_balance);
      if (str(balance, "funding_type") !== "bank_transfer")
        throw missingParam("payment_method_options[customer_balance][funding_type]");
      const transfer = obj(balance.bank_transfer);
      if (!str(transfer, "type"))
        throw missingParam("payment_method_options[customer_balance][bank_transfer][type]");
      if (
        str(transfer, "type") === "eu_bank_transfer" &&
        !str(obj(transfer.eu_bank_transfer), "country")
      ) {
        throw missingParam(
          "payment_method_options[customer_balance][bank_transfer][eu_bank_transfer][country]",
        );
      }
    }
    const locale = str(params, "locale");
    if (locale && !LOCALES.has(locale))
      throw invalidRequest(`Invalid locale: ${locale}`, { param: "locale" });
    const created = now();
    const expiresAt = integerParam(params.expires_at, "expires_at") ?? created + 24 * 3600;
    // docs.stripe.com/api/checkout/sessions/create#expires_at: 30 minutes to 24 hours after creation.
    if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
      throw invalidRequest(
        "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
        {
          param: "expires_at",
        },
      );
    }
    const id = stripeId("cs_test", 58);
    const intentData = obj(params.payment_intent_data);
    state.sessionIntentMetadata.set(id, metadataParam(intentData.metadata));
    const session: StripeObject = {
      id,
      object: "checkout.session",
      amount_subtotal: total,
      amount_total: total,
      cancel_url: str(params, "cancel_url") ?? null,
      client_reference_id: str(params, "client_reference_id") ?? null,
      created,
      currency,
      customer: null,
      customer_creation: str(params, "customer_creation") ?? "if_required",
      customer_email: str(params, "customer_email") ?? null,
      expires_at: expiresAt,
      livemode: false,
      locale: locale ?? null,
      metadata: metadataParam(params.metadata),
      mode,
      allowed_payment_method_types: types.length ? types : null,
      payment_intent: null,
      payment_method_types: types.length ? types : ["card"],
      payment_status: "unpaid",
      status: "open",
      success_url: successUrl,
      url: `https://checkout.stripe.com/c/pay/${id}#fidkdWxOYHwnPyd1blpxYHZxWjA0`,
    };
    state.sessions.set(id, session);
    return session;
  }

  function createRefund(params: FormParams): StripeObject {
    const intentId = str(params, "payment_intent");
    const chargeId = str(params, "charge");
    if (!intentId && !chargeId) throw missingParam("payment_intent");
    const intent = intentId ? find(intentId, "payment_intent") : undefined;
    const latest = intent ? intent.latest_charge : chargeId;
    if (intent && (intent.status !== "succeeded" || typeof latest !== "string")) {
      throw invalidRequest(
        `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
        {
          code: "charge_not_refundable",
          param: "payment_intent",
        },
      );
    }
    const charge = find(latest as string, "charge");
    const remaining = (charge.amount as number) - (charge.amount_refunded as number);
    if (remaining === 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
        code: "charge_already_refunded",
      });
    }
    const amount = integerParam(params.amount, "amount") ?? remaining;
    if (amount <= 0)
      throw invalidRequest("Refund amount must be positive.", {
        param: "amount",
        code: "parameter_invalid_integer",
      });
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        { param: "amount", code: "amount_too_large" },
      );
    }
    const reason = str(params, "reason");
    if (reason && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) {
      throw invalidRequest(
        `Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer`,
        { param: "reason" },
      );
    }
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund: StripeObject = {
      id: stripeId("re", 24),
      object: "refund",
      amount,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: metadataParam(params.metadata),
      payment_intent: charge.payment_intent,
      reason: reason ?? null,
      status: "succeeded",
    };
    state.refunds.set(refund.id, refund);
    return refund;
  }

  // GET /v1/refunds (docs.stripe.com/api/refunds/list): newest first, filtered by payment_intent / charge.
  function listRefunds(params: FormParams): Json {
    const intentId = str(params, "payment_intent");
    const chargeId = str(params, "charge");
    if (intentId) find(intentId, "payment_intent");
    const limit = integerParam(params.limit, "limit") ?? 10;
    const data = [...state.refunds.values()]
      .filter(
        (r) => (!intentId || r.payment_intent === intentId) && (!chargeId || r.charge === chargeId),
      )
      .sort((a, b) => (b.created as number) - (a.created as number));
    return {
      object: "list",
      data: data.slice(0, limit),
      has_more: data.length > limit,
      url: "/v1/refunds",
    };
  }

  function updateDispute(params: FormParams, [id]: string[]): StripeObject {
    const dispute = find(id, "dispute");
    if (!["needs_response", "warning_needs_response"].includes(dispute.status as string)) {
      throw invalidRequest(
        `This dispute is ${String(dispute.status)} and can no longer be updated.`,
        {
          code: "dispute_already_submitted",
        },
      );
    }
    const evidence = obj(params.evidence);
    for (const [field, value] of Object.entries(evidence)) {
      if (!EVIDENCE_FIELDS.has(field))
        throw invalidRequest(`Received unknown parameter: evidence[${field}]`, {
          param: `evidence[${field}]`,
        });
      if (EVIDENCE_FILE_FIELDS.has(field)) {
        const file = find(String(value), `evidence[${field}]`);
        if (file.purpose !== "dispute_evidence")
          throw invalidRequest(`File ${file.id} is not dispute evidence.`);
      }
      (dispute.evidence as Json)[field] = value;
    }
    const details = dispute.evidence_details as Json;
    details.has_evidence = Object.values(dispute.evidence as Json).some((v) => v !== null);
    if (str(params, "submit") === "true") {
      dispute.status =
        dispute.status === "warning_needs_response" ? "warning_under_review" : "under_review";
      details.submission_count = (details.submission_count as number) + 1;
    }
    Object.assign(dispute.metadata as Json, metadataParam(params.metadata));
    return dispute;
  }

  function closeDisputeByMerchant(_params: FormParams, [id]: string[]): StripeObject {
    const dispute = find(id, "dispute");
    if (["won", "lost", "warning_closed"].includes(dispute.status as string)) {
      throw invalidRequest(`This dispute is already closed.`, { code: "dispute_already_closed" });
    }
    dispute.status = "lost";
    return dispute;
  }

  function createFile(params: FormParams & { __file?: unknown }): StripeObject {
    const purpose = str(params, "purpose");
    if (!purpose) throw missingParam("purpose");
    const upload = params.__file as { name: string; type: string; size: number } | undefined;
    if (!upload) throw missingParam("file");
    // Stripe's Files API: dispute evidence files are at most 5 MB.
    if (purpose === "dispute_evidence" && upload.size > 5 * 1024 * 1024)
      throw invalidRequest("The file is larger than the 5 MB maximum for dispute evidence.");
    const file: StripeObject = {
      id: stripeId("file", 24),
      object: "file",
      created: now(),
      filename: upload.name,
      purpose,
      size: upload.size,
      type: upload.type.split("/")[1] ?? upload.type,
    };
    state.files.set(file.id, file);
    return file;
  }

  const routes: Route[] = [
    { method: "GET", pattern: /^\/v1\/account$/, handle: () => state.account },
    {
      method: "GET",
      pattern: /^\/v1\/balance$/,
      handle: () => ({
        object: "balance",
        livemode: false,
        available: [{ amount: 0, currency: "idr" }],
        pending: [],
      }),
    },
    { method: "POST", pattern: /^\/v1\/checkout\/sessions$/, handle: createSession },
    {
      method: "GET",
      pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/,
      handle: (p, [id]) => expand(find(id, "session"), p),
    },
    {
      method: "GET",
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: (p, [id]) => expand(find(id, "intent"), p),
    },
    { method: "POST", pattern: /^\/v1\/refunds$/, handle: createRefund },
    { method: "GET", pattern: /^\/v1\/refunds$/, handle: listRefunds },
    {
      method: "GET",
      pattern: /^\/v1\/refunds\/([^/]+)$/,
      handle: (p, [id]) => expand(find(id, "refund"), p),
    },
    {
      method: "GET",
      pattern: /^\/v1\/disputes\/([^/]+)$/,
      handle: (p, [id]) => expand(find(id, "dispute"), p),
    },
    { method: "POST", pattern: /^\/v1\/disputes\/([^/]+)$/, handle: updateDispute },
    { method: "POST", pattern: /^\/v1\/disputes\/([^/]+)\/close$/, handle: closeDisputeByMerchant },
    { method: "POST", pattern: /^\/v1\/files$/, handle: createFile },
  ];

  return { state, routes, helpers: createScenarioHelpers(state, find) };
}
