// A local fake of the PayPal REST API (OAuth2, Orders v2, Payments v2 refunds, webhook
// verification, Disputes v1) speaking PayPal's wire format, for connector tests.
//
// Webhook verification stand-in: real PayPal checks PAYPAL-TRANSMISSION-SIG against the
// certificate at PAYPAL-CERT-URL over `id|time|webhookId|crc32(body)`. We cannot reach PayPal,
// so this fake answers SUCCESS when the signature is an HMAC-SHA256 with a fake "cert" secret
// over `id|time|webhookId|sha256(event)`, computed by `signWebhook`. The connector's code path
// (POST /v1/notifications/verify-webhook-signature) is the real one.
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readBody, sendJson } from "./http-server";

type Json = Record<string, unknown>;

interface Money {
  currency_code: string;
  value: string;
}

export interface FakeCapture {
  id: string;
  status: string;
  amount: Money;
  custom_id?: string;
  refundedMinor: number;
}

export interface FakeOrder {
  id: string;
  status: string;
  intent: string;
  purchaseUnit: { reference_id?: string; custom_id?: string; description?: string; amount: Money };
  paymentSource?: Json;
  experienceContext?: Json;
  capture?: FakeCapture;
}

export interface FakePayPalOptions {
  clientId?: string;
  clientSecret?: string;
  webhookId?: string;
}

const SUPPORTED = new Set([
  "AUD",
  "BRL",
  "CAD",
  "CNY",
  "CZK",
  "DKK",
  "EUR",
  "HKD",
  "HUF",
  "ILS",
  "JPY",
  "MYR",
  "MXN",
  "TWD",
  "NZD",
  "NOK",
  "PHP",
  "PLN",
  "GBP",
  "SGD",
  "SEK",
  "CHF",
  "THB",
  "USD",
]);
const NO_DECIMALS = new Set(["JPY", "HUF", "TWD"]);

function paypalId(): string {
  return randomBytes(9).toString("hex").toUpperCase().slice(0, 17);
}

function toCents(money: Money): number {
  const [whole, fraction = ""] = money.value.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

function apiError(
  res: ServerResponse,
  status: number,
  name: string,
  message: string,
  issue?: string,
  description?: string,
): void {
  sendJson(res, status, {
    name,
    message,
    debug_id: randomBytes(6).toString("hex"),
    details: issue ? [{ issue, description: description ?? issue }] : [],
    links: [],
  });
}

const PAYPAL_ERRORS = {
  INVALID_REQUEST: {
    status: 400,
    message: "Request is not well-formed, syntactically incorrect, or violates schema.",
  },
  UNPROCESSABLE_ENTITY: {
    status: 422,
    message:
      "The requested action could not be performed, semantically incorrect, or failed business validation.",
  },
  RESOURCE_NOT_FOUND: { status: 404, message: "The specified resource does not exist." },
} as const;
type PayPalErrorName = keyof typeof PAYPAL_ERRORS;

function errorBody(name: PayPalErrorName, issue: string, description = issue) {
  return {
    name,
    message: PAYPAL_ERRORS[name].message,
    debug_id: randomBytes(6).toString("hex"),
    details: [{ issue, description }],
    links: [],
  };
}

function fail(
  res: ServerResponse,
  name: PayPalErrorName,
  issue: string,
  description?: string,
): void {
  sendJson(res, PAYPAL_ERRORS[name].status, errorBody(name, issue, description));
}

export function paypalWebhookSignature(
  certSecret: string,
  fields: { transmissionId: string; transmissionTime: string; webhookId: string; event: unknown },
): string {
  const digest = createHash("sha256").update(JSON.stringify(fields.event)).digest("hex");
  return createHmac("sha256", certSecret)
    .update(`${fields.transmissionId}|${fields.transmissionTime}|${fields.webhookId}|${digest}`)
    .digest("base64");
}

export async function startFakePayPal(options: FakePayPalOptions = {}) {
  const clientId = options.clientId ?? "fake-client-id";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const webhookId = options.webhookId ?? "WH-FAKE-1";
  const certSecret = randomBytes(16).toString("hex");

  const state = {
    tokens: new Set<string>(),
    tokensIssued: 0,
    orders: new Map<string, FakeOrder>(),
    ordersCreated: 0,
    captureAttempts: 0,
    refunds: new Map<
      string,
      { id: string; captureId: string; amount: Money; custom_id?: string; note?: string }
    >(),
    refundsCreated: 0,
    /** Every POST to a capture's refund endpoint, replays included. */
    refundRequests: [] as { captureId: string; requestId?: string }[],
    /** Delay before a refund create's answer (the refund is made first): a slow PayPal. */
    refundLatencyMs: 0,
    idempotent: new Map<string, { status: number; body: unknown }>(),
    verifyCalls: 0,
    lastVerifyBody: undefined as string | undefined,
    disputes: new Set<string>(),
    evidence: [] as {
      disputeId: string;
      input: unknown;
      files: { field: string; name: string; type: string; bytes: number }[];
    }[],
    acceptedClaims: [] as { disputeId: string; note?: string }[],
    /** The next capture's outcome: a capture status, or PayPal's 422 INSTRUMENT_DECLINED. */
    nextCapture: "COMPLETED" as "COMPLETED" | "PENDING" | "DECLINED" | "INSTRUMENT_DECLINED",
  };

  function orderJson(order: FakeOrder, baseUrl: string): Json {
    const links = [
      { href: `${baseUrl}/v2/checkout/orders/${order.id}`, rel: "self", method: "GET" },
    ];
    if (order.status === "PAYER_ACTION_REQUIRED") {
      links.push({
        href: `${baseUrl}/checkoutnow?token=${order.id}`,
        rel: "payer-action",
        method: "GET",
      });
    } else if (order.status === "CREATED") {
      links.push({
        href: `${baseUrl}/checkoutnow?token=${order.id}`,
        rel: "approve",
        method: "GET",
      });
    }
    const unit: Json = { ...order.purchaseUnit };
    if (order.capture) {
      const { refundedMinor: _refunded, ...capture } = order.capture;
      unit.payments = {
        captures: [{ ...capture, supplementary_data: { related_ids: { order_id: order.id } } }],
      };
    }
    return {
      id: order.id,
      status: order.status,
      intent: order.intent,
      purchase_units: [unit],
      ...(order.paymentSource ? { payment_source: order.paymentSource } : {}),
      links,
    };
  }

  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (token && state.tokens.has(token)) return true;
    sendJson(res, 401, {
      error: "invalid_token",
      error_description: "Token signature verification failed",
    });
    return false;
  }

  /** PayPal-Request-Id: the same id on the same endpoint replays the first response. */
  function replay(req: IncomingMessage, res: ServerResponse, path: string): string | undefined {
    const requestId = req.headers["paypal-request-id"];
    if (typeof requestId !== "string") return undefined;
    const key = `${path}|${requestId}`;
    const seen = state.idempotent.get(key);
    if (seen) {
      sendJson(res, seen.status, seen.body);
      return "replayed";
    }
    return key;
  }

  function respond(
    res: ServerResponse,
    key: string | undefined,
    status: number,
    body: unknown,
  ): void {
    if (key && key !== "replayed") state.idempotent.set(key, { status, body });
    sendJson(res, status, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    const path = url.pathname;
    const raw = await readBody(req);
    const json = (): Json => (raw.length ? (JSON.parse(raw.toString("utf8")) as Json) : {});

    if (req.method === "POST" && path === "/v1/oauth2/token") {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        return sendJson(res, 401, {
          error: "invalid_client",
          error_description: "Client Authentication failed",
        });
      }
      if (new URLSearchParams(raw.toString("utf8")).get("grant_type") !== "client_credentials") {
        return sendJson(res, 400, {
          error: "unsupported_grant_type",
          error_description: "Grant Type is NULL",
        });
      }
      const token = `A21AA${randomBytes(12).toString("hex")}`;
      state.tokens.add(token);
      state.tokensIssued += 1;
      return sendJson(res, 200, {
        scope: "https://uri.paypal.com/services/payments/payment",
        access_token: token,
        token_type: "Bearer",
        app_id: "APP-80W284485P519543T",
        expires_in: 32400,
        nonce: randomBytes(8).toString("hex"),
      });
    }

    if (!authorized(req, res)) return;

    if (req.method === "POST" && path === "/v2/checkout/orders") {
      const key = replay(req, res, path);
      if (key === "replayed") return;
      const body = json();
      const unit = (body.purchase_units as Json[] | undefined)?.[0];
      const amount = unit?.amount as Money | undefined;
      if (body.intent !== "CAPTURE" && body.intent !== "AUTHORIZE") {
        return fail(res, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE");
      }
      if (!unit || !amount || typeof amount.value !== "string") {
        return fail(res, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "amount is required");
      }
      if (!SUPPORTED.has(amount.currency_code)) {
        return fail(
          res,
          "UNPROCESSABLE_ENTITY",
          "CURRENCY_NOT_SUPPORTED",
          "Currency code is not currently supported.",
        );
      }
      const pattern = NO_DECIMALS.has(amount.currency_code)
        ? /^\d{1,10}$/
        : /^\d{1,10}(\.\d{1,2})?$/;
      if (!pattern.test(amount.value)) {
        return fail(
          res,
          "UNPROCESSABLE_ENTITY",
          "DECIMAL_PRECISION",
          "If the currency supports decimals, only two decimal place precision is supported.",
        );
      }
      const paypalSource = (body.payment_source as Json | undefined)?.paypal as Json | undefined;
      const order: FakeOrder = {
        id: paypalId(),
        status: paypalSource ? "PAYER_ACTION_REQUIRED" : "CREATED",
        intent: body.intent,
        purchaseUnit: {
          reference_id: unit.reference_id as string | undefined,
          custom_id: unit.custom_id as string | undefined,
          description: unit.description as string | undefined,
          amount,
        },
        experienceContext: paypalSource?.experience_context as Json | undefined,
      };
      state.orders.set(order.id, order);
      state.ordersCreated += 1;
      return respond(res, key, 201, orderJson(order, baseUrl));
    }

    const orderMatch = /^\/v2\/checkout\/orders\/([^/]+)(\/capture)?$/.exec(path);
    if (orderMatch) {
      const order = state.orders.get(decodeURIComponent(orderMatch[1]));
      if (!order) {
        return fail(
          res,
          "RESOURCE_NOT_FOUND",
          "INVALID_RESOURCE_ID",
          "Specified resource ID does not exist. Please check the resource ID and try again.",
        );
      }
      if (req.method === "GET" && !orderMatch[2])
        return sendJson(res, 200, orderJson(order, baseUrl));
      if (req.method === "POST" && orderMatch[2]) {
        const key = replay(req, res, path);
        if (key === "replayed") return;
        state.captureAttempts += 1;
        const refuse = (issue: string, description: string) =>
          respond(res, key, 422, errorBody("UNPROCESSABLE_ENTITY", issue, description));
        if (order.status === "COMPLETED") {
          return refuse("ORDER_ALREADY_CAPTURED", "Order already captured.");
        }
        if (order.status !== "APPROVED") {
          return refuse("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment.");
        }
        if (state.nextCapture === "INSTRUMENT_DECLINED") {
          state.nextCapture = "COMPLETED";
          return refuse(
            "INSTRUMENT_DECLINED",
            "The instrument presented was either declined by the processor or bank, or it can't be used for this payment.",
          );
        }
        order.capture = {
          id: paypalId(),
          status: state.nextCapture,
          amount: order.purchaseUnit.amount,
          custom_id: order.purchaseUnit.custom_id,
          refundedMinor: 0,
        };
        order.status = "COMPLETED";
        state.nextCapture = "COMPLETED";
        return respond(res, key, 201, orderJson(order, baseUrl));
      }
    }

    const refundMatch = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path);
    if (req.method === "POST" && refundMatch) {
      const captureId = decodeURIComponent(refundMatch[1]);
      const order = [...state.orders.values()].find((o) => o.capture?.id === captureId);
      if (!order?.capture) {
        return fail(
          res,
          "RESOURCE_NOT_FOUND",
          "INVALID_RESOURCE_ID",
          "Specified resource ID does not exist.",
        );
      }
      const requestId = req.headers["paypal-request-id"];
      state.refundRequests.push({
        captureId,
        ...(typeof requestId === "string" && { requestId }),
      });
      // PayPal-Request-Id: a repeat answers with the refund the first request made, never a new one.
      const key = replay(req, res, path);
      if (key === "replayed") return;
      const body = json();
      const capture = order.capture;
      const amount = (body.amount as Money | undefined) ?? capture.amount;
      if (amount.currency_code !== capture.amount.currency_code) {
        return fail(
          res,
          "UNPROCESSABLE_ENTITY",
          "REFUND_CURRENCY_MISMATCH",
          "Refund must be in the same currency as the capture.",
        );
      }
      const requested = toCents(amount);
      if (capture.refundedMinor + requested > toCents(capture.amount)) {
        return fail(
          res,
          "UNPROCESSABLE_ENTITY",
          "REFUND_AMOUNT_EXCEEDED",
          "The refund amount must be less than or equal to the capture amount that has not yet been refunded.",
        );
      }
      capture.refundedMinor += requested;
      capture.status =
        capture.refundedMinor === toCents(capture.amount) ? "REFUNDED" : "PARTIALLY_REFUNDED";
      const refund = {
        id: paypalId(),
        captureId,
        amount,
        custom_id: body.custom_id as string | undefined,
        note: body.note_to_payer as string | undefined,
      };
      state.refunds.set(refund.id, refund);
      state.refundsCreated += 1;
      const answer = {
        id: refund.id,
        status: "COMPLETED",
        amount,
        links: [
          { href: `${baseUrl}/v2/payments/refunds/${refund.id}`, rel: "self", method: "GET" },
          { href: `${baseUrl}/v2/payments/captures/${captureId}`, rel: "up", method: "GET" },
        ],
      };
      if (state.refundLatencyMs > 0) {
        // The refund is made and its request id remembered before the (late) answer leaves.
        if (key) state.idempotent.set(key, { status: 201, body: answer });
        await new Promise((resolve) => setTimeout(resolve, state.refundLatencyMs));
        if (!res.destroyed) sendJson(res, 201, answer);
        return;
      }
      return respond(res, key, 201, answer);
    }

    const refundGet = /^\/v2\/payments\/refunds\/([^/]+)$/.exec(path);
    if (req.method === "GET" && refundGet) {
      const refund = state.refunds.get(decodeURIComponent(refundGet[1]));
      if (!refund) {
        return fail(
          res,
          "RESOURCE_NOT_FOUND",
          "INVALID_RESOURCE_ID",
          "Specified resource ID does not exist.",
        );
      }
      return sendJson(res, 200, {
        id: refund.id,
        status: "COMPLETED",
        amount: refund.amount,
        ...(refund.custom_id && { custom_id: refund.custom_id }),
        links: [
          { href: `${baseUrl}/v2/payments/refunds/${refund.id}`, rel: "self", method: "GET" },
          { href: `${baseUrl}/v2/payments/captures/${refund.captureId}`, rel: "up", method: "GET" },
        ],
      });
    }

    if (req.method === "POST" && path === "/v1/notifications/verify-webhook-signature") {
      state.verifyCalls += 1;
      state.lastVerifyBody = raw.toString("utf8");
      const body = json();
      const required = [
        "auth_algo",
        "cert_url",
        "transmission_id",
        "transmission_sig",
        "transmission_time",
        "webhook_id",
        "webhook_event",
      ];
      const missing = required.find((field) => body[field] === undefined);
      if (missing) {
        return apiError(
          res,
          400,
          "VALIDATION_ERROR",
          "Invalid request - see details",
          "MISSING_REQUIRED_PARAMETER",
          `${missing} is required`,
        );
      }
      const expected = paypalWebhookSignature(certSecret, {
        transmissionId: body.transmission_id as string,
        transmissionTime: body.transmission_time as string,
        webhookId,
        event: body.webhook_event,
      });
      const ok = body.webhook_id === webhookId && body.transmission_sig === expected;
      return sendJson(res, 200, { verification_status: ok ? "SUCCESS" : "FAILURE" });
    }

    const disputeMatch =
      /^\/v1\/customer\/disputes\/([^/]+)\/(provide-evidence|accept-claim)$/.exec(path);
    if (req.method === "POST" && disputeMatch) {
      const disputeId = decodeURIComponent(disputeMatch[1]);
      if (!state.disputes.has(disputeId)) {
        return fail(
          res,
          "RESOURCE_NOT_FOUND",
          "INVALID_RESOURCE_ID",
          "Requested resource ID was not found.",
        );
      }
      const links = [
        { href: `${baseUrl}/v1/customer/disputes/${disputeId}`, rel: "self", method: "GET" },
      ];
      if (disputeMatch[2] === "accept-claim") {
        state.acceptedClaims.push({ disputeId, note: json().note as string | undefined });
        return sendJson(res, 200, { links });
      }
      const contentType = req.headers["content-type"] ?? "";
      if (!contentType.startsWith("multipart/form-data")) {
        return apiError(
          res,
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "The server does not support the request payload's media type.",
        );
      }
      const form = await new Request("http://fake.local/", {
        method: "POST",
        headers: { "content-type": contentType },
        body: new Uint8Array(raw),
      }).formData();
      const input = form.get("input");
      if (!(input instanceof Blob)) {
        return fail(res, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "input is required");
      }
      const files: { field: string; name: string; type: string; bytes: number }[] = [];
      for (const [field, value] of form.entries()) {
        if (field !== "input" && value instanceof File)
          files.push({ field, name: value.name, type: value.type, bytes: value.size });
      }
      state.evidence.push({ disputeId, input: JSON.parse(await input.text()), files });
      return sendJson(res, 200, { links });
    }

    fail(res, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
  }

  const server = await listenLocal(
    (req, res) => handle(req, res, server.url),
    (res, error) =>
      apiError(
        res,
        500,
        "INTERNAL_SERVER_ERROR",
        `An internal server error occurred: ${String(error)}`,
      ),
  );

  return {
    url: server.url,
    clientId,
    clientSecret,
    webhookId,
    state,
    close: server.close,
    /** The buyer approves the order on PayPal's page. */
    approve(orderId: string, source: "paypal" | "card" = "paypal"): void {
      const order = state.orders.get(orderId);
      if (!order) throw new Error(`No fake order ${orderId}`);
      order.status = "APPROVED";
      order.paymentSource =
        source === "paypal"
          ? { paypal: { email_address: "buyer@example.com" } }
          : { card: { last_digits: "1111", brand: "VISA" } };
    },
    /** Refunds PayPal made on a capture (replays of one request are not new refunds). */
    refundsOn(captureId: string) {
      return [...state.refunds.values()].filter((r) => r.captureId === captureId);
    },
    setRefundLatency(ms: number): void {
      state.refundLatencyMs = ms;
    },
    addDispute(disputeId: string): void {
      state.disputes.add(disputeId);
    },
    revokeTokens(): void {
      state.tokens.clear();
    },
    /** PayPal's signature headers for a delivery of `event`, signed by this fake's "cert". */
    webhookHeaders(
      event: unknown,
      transmissionTime: Date = new Date(),
      overrides: Record<string, string> = {},
    ): Headers {
      const transmissionId = randomBytes(8).toString("hex");
      const time = transmissionTime.toISOString();
      return new Headers({
        "content-type": "application/json",
        "paypal-transmission-id": transmissionId,
        "paypal-transmission-time": time,
        "paypal-cert-url":
          "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
        "paypal-auth-algo": "SHA256withRSA",
        "paypal-transmission-sig": paypalWebhookSignature(certSecret, {
          transmissionId,
          transmissionTime: time,
          webhookId,
          event,
        }),
        ...overrides,
      });
    },
  };
}

export type FakePayPal = Awaited<ReturnType<typeof startFakePayPal>>;
