// A local fake of Coinbase Commerce's charges API (X-CC-Api-Key + X-CC-Version) and its hosted
// charge page, speaking Commerce's wire format: POST/GET /charges, GET /charges?limit=1, and
// /pay/<code> where a test "pays" exactly, too little, too much, late, or lets the charge
// expire. Every state change is sent as a webhook signed like Commerce's: X-CC-Webhook-Signature
// = hex HMAC-SHA256 of the raw body with the shared secret, computed here independently of the
// connector. Deliveries go to `webhookUrl` (HTTP) or `sink` (a function, for integration tests),
// and are kept so a test can redeliver, duplicate or reorder them.
import { createHmac, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readText, sendJson } from "./http-server";

type Json = Record<string, unknown>;

export type CoinbaseAsset = "BTC" | "ETH" | "USDC";
export type CoinbasePayScenario = "exact" | "underpay" | "overpay" | "late" | "expire";

export interface CoinbaseDelivery {
  eventId: string;
  type: string;
  rawBody: string;
  headers: Record<string, string>;
}

export interface FakeCoinbaseOptions {
  apiKey?: string;
  webhookSecret?: string;
  webhookUrl?: string;
  sink?: (delivery: CoinbaseDelivery) => Promise<void>;
}

interface FakeCharge {
  id: string;
  code: string;
  name: string;
  description: string;
  hosted_url: string;
  created_at: string;
  expires_at: string;
  pricing_type: string;
  pricing: { local: { amount: string; currency: string } };
  metadata: Json;
  redirect_url?: string;
  cancel_url?: string;
  timeline: { status: string; time: string; context?: string }[];
  payments: Json[];
}

// Fixed, made-up rates (fiat units per coin): the fake only needs stable crypto amounts.
const RATES: Record<CoinbaseAsset, number> = { BTC: 50_000, ETH: 2_500, USDC: 1 };
const NETWORKS: Record<CoinbaseAsset, string> = { BTC: "bitcoin", ETH: "ethereum", USDC: "base" };
const DECIMALS: Record<CoinbaseAsset, number> = { BTC: 8, ETH: 8, USDC: 2 };

/** The fraction of the price each scenario pays. */
const PAID_SHARE: Record<CoinbasePayScenario, number> = {
  exact: 1,
  underpay: 0.8,
  overpay: 1.25,
  late: 1,
  expire: 0,
};

export function signCoinbaseBody(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "10.00" × share, to two decimals, as a string (the fake prices in two-decimal currencies). */
function scaleAmount(amount: string, share: number): string {
  const cents = Math.round(Math.round(Number(amount) * 100) * share);
  return (cents / 100).toFixed(2);
}

function cryptoAmount(local: string, asset: CoinbaseAsset): string {
  return (Number(local) / RATES[asset]).toFixed(DECIMALS[asset]);
}

export async function startFakeCoinbase(options: FakeCoinbaseOptions = {}) {
  const apiKey = options.apiKey ?? "cc-fake-api-key";
  const state = {
    webhookSecret: options.webhookSecret ?? "cc-fake-webhook-secret",
    webhookUrl: options.webhookUrl,
    sink: options.sink,
    charges: new Map<string, FakeCharge>(),
    chargeRequests: [] as Json[],
    deliveries: [] as CoinbaseDelivery[],
    /** When false, deliveries are only recorded (the test sends them itself). */
    deliver: true,
    clock: () => new Date(),
  };
  let baseUrl = "";

  function byCode(code: string): FakeCharge | undefined {
    return [...state.charges.values()].find((c) => c.code === code || c.id === code);
  }

  function envelope(charge: FakeCharge, type: string, eventId = randomUUID()) {
    return {
      id: randomUUID(),
      scheduled_for: state.clock().toISOString(),
      attempt_number: 1,
      event: {
        id: eventId,
        resource: "event",
        type,
        api_version: "2018-03-22",
        created_at: state.clock().toISOString(),
        data: JSON.parse(JSON.stringify(charge)) as Json,
      },
    };
  }

  async function send(delivery: CoinbaseDelivery): Promise<number | undefined> {
    if (!state.deliver) return undefined;
    if (state.sink) {
      await state.sink(delivery);
      return 200;
    }
    if (!state.webhookUrl) return undefined;
    const response = await fetch(state.webhookUrl, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.rawBody,
    });
    await response.text();
    return response.status;
  }

  /** Signs and sends one event for the charge as it is now; returns the delivery. */
  async function emit(charge: FakeCharge, type: string): Promise<CoinbaseDelivery> {
    const body = envelope(charge, type);
    const rawBody = JSON.stringify(body);
    const delivery: CoinbaseDelivery = {
      eventId: body.event.id,
      type,
      rawBody,
      headers: {
        "content-type": "application/json",
        "x-cc-webhook-signature": signCoinbaseBody(rawBody, state.webhookSecret),
        "user-agent": "weipay-webhooks",
      },
    };
    state.deliveries.push(delivery);
    await send(delivery);
    return delivery;
  }

  function mark(charge: FakeCharge, status: string, context?: string) {
    charge.timeline.push({
      status,
      time: state.clock().toISOString(),
      ...(context && { context }),
    });
  }

  function addPayment(charge: FakeCharge, scenario: CoinbasePayScenario, asset: CoinbaseAsset) {
    const local = scaleAmount(charge.pricing.local.amount, PAID_SHARE[scenario]);
    charge.payments.push({
      network: NETWORKS[asset],
      transaction_id: `0x${randomUUID().replace(/-/g, "")}`,
      status: "CONFIRMED",
      detected_at: state.clock().toISOString(),
      value: {
        local: { amount: local, currency: charge.pricing.local.currency },
        crypto: { amount: cryptoAmount(local, asset), currency: asset },
      },
    });
  }

  /** What the hosted page's buttons do: the charge's timeline and the webhooks Commerce sends. */
  async function pay(
    chargeIdOrCode: string,
    scenario: CoinbasePayScenario,
    asset: CoinbaseAsset = "USDC",
  ): Promise<CoinbaseDelivery[]> {
    const charge = byCode(chargeIdOrCode);
    if (!charge) throw new Error(`No charge ${chargeIdOrCode}`);
    const sent: CoinbaseDelivery[] = [];
    if (scenario === "expire" || scenario === "late") {
      mark(charge, "EXPIRED");
      sent.push(await emit(charge, "charge:failed"));
      if (scenario === "late") {
        addPayment(charge, scenario, asset);
        mark(charge, "UNRESOLVED", "DELAYED");
        sent.push(await emit(charge, "charge:delayed"));
      }
      return sent;
    }
    addPayment(charge, scenario, asset);
    mark(charge, "PENDING");
    sent.push(await emit(charge, "charge:pending"));
    if (scenario === "exact") {
      mark(charge, "COMPLETED");
      sent.push(await emit(charge, "charge:confirmed"));
    } else {
      // Paid, but not the price: Commerce leaves the charge UNRESOLVED for the merchant.
      mark(charge, "UNRESOLVED", scenario === "underpay" ? "UNDERPAID" : "OVERPAID");
      sent.push(await emit(charge, "charge:failed"));
    }
    return sent;
  }

  /** The merchant resolves an unresolved charge on Coinbase's dashboard. */
  async function resolve(chargeIdOrCode: string): Promise<CoinbaseDelivery> {
    const charge = byCode(chargeIdOrCode);
    if (!charge) throw new Error(`No charge ${chargeIdOrCode}`);
    mark(charge, "RESOLVED");
    return emit(charge, "charge:resolved");
  }

  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.headers["x-cc-api-key"] !== apiKey) {
      sendJson(res, 401, { error: { type: "authorization_error", message: "No such API key." } });
      return false;
    }
    if (!req.headers["x-cc-version"]) {
      sendJson(res, 400, { error: { type: "invalid_request", message: "Missing X-CC-Version" } });
      return false;
    }
    return true;
  }

  async function createCharge(req: IncomingMessage, res: ServerResponse) {
    let body: Json;
    try {
      body = JSON.parse(await readText(req)) as Json;
    } catch {
      return sendJson(res, 400, { error: { type: "invalid_request", message: "Invalid JSON" } });
    }
    state.chargeRequests.push(body);
    const price = body.local_price as { amount?: unknown; currency?: unknown } | undefined;
    if (
      typeof body.name !== "string" ||
      body.pricing_type !== "fixed_price" ||
      typeof price?.amount !== "string" ||
      !/^\d+(\.\d+)?$/.test(price.amount) ||
      typeof price.currency !== "string"
    ) {
      return sendJson(res, 400, {
        error: {
          type: "invalid_request",
          message: "name, local_price and pricing_type are required",
        },
      });
    }
    const now = state.clock();
    const code = randomUUID().replace(/-/g, "").slice(0, 8).toUpperCase();
    const charge: FakeCharge = {
      id: randomUUID(),
      code,
      name: body.name,
      description: typeof body.description === "string" ? body.description : "",
      hosted_url: `${baseUrl}/pay/${code}`,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 60 * 60_000).toISOString(),
      pricing_type: "fixed_price",
      pricing: { local: { amount: price.amount, currency: price.currency } },
      metadata: (body.metadata as Json | undefined) ?? {},
      redirect_url: typeof body.redirect_url === "string" ? body.redirect_url : undefined,
      cancel_url: typeof body.cancel_url === "string" ? body.cancel_url : undefined,
      timeline: [{ status: "NEW", time: now.toISOString() }],
      payments: [],
    };
    state.charges.set(charge.id, charge);
    await emit(charge, "charge:created").catch(() => {});
    sendJson(res, 201, { data: charge });
  }

  function hostedPage(res: ServerResponse, charge: FakeCharge, note?: string) {
    const price = `${charge.pricing.local.amount} ${charge.pricing.local.currency}`;
    const buttons: [CoinbasePayScenario, string][] = [
      ["exact", "Pay exactly"],
      ["underpay", "Underpay"],
      ["overpay", "Overpay"],
      ["late", "Pay after expiry"],
      ["expire", "Let it expire"],
    ];
    const current = charge.timeline.at(-1)!;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Coinbase Commerce (fake)</title></head>
<body><main><h1>${escapeHtml(price)}</h1><p>${escapeHtml(charge.name)}</p>
<p data-testid="charge-status">Status: ${escapeHtml(current.status)}${current.context ? ` (${escapeHtml(current.context)})` : ""}</p>
${note ? `<p role="status">${escapeHtml(note)}</p>` : ""}
<form method="post" action="/pay/${charge.code}"><label>Asset <select name="asset">
<option>USDC</option><option>BTC</option><option>ETH</option></select></label>
${buttons.map(([value, label]) => `<button name="scenario" value="${value}">${label}</button>`).join("\n")}
</form>${charge.redirect_url ? `<a href="${escapeHtml(charge.redirect_url)}">Back to the merchant</a>` : ""}</main></body></html>`);
  }

  const server = await listenLocal(
    async (req, res) => {
      const url = new URL(req.url ?? "/", "http://fake");
      const parts = url.pathname.split("/").filter(Boolean);
      if (parts[0] === "charges") {
        if (!authorized(req, res)) return;
        if (req.method === "GET" && parts.length === 1) {
          const limit = Number(url.searchParams.get("limit") ?? 25);
          const data = [...state.charges.values()].slice(-limit).reverse();
          return sendJson(res, 200, { pagination: { limit, total: state.charges.size }, data });
        }
        if (req.method === "POST" && parts.length === 1) return createCharge(req, res);
        const charge = parts[1] ? byCode(decodeURIComponent(parts[1])) : undefined;
        if (req.method === "GET" && parts.length === 2) {
          if (!charge)
            return sendJson(res, 404, { error: { type: "not_found", message: "Not found" } });
          return sendJson(res, 200, { data: charge });
        }
      }
      if (parts[0] === "pay" && parts[1]) {
        const charge = byCode(parts[1]);
        if (!charge) {
          res.writeHead(404, { "content-type": "text/plain" });
          res.end("No such charge");
          return;
        }
        if (req.method === "POST") {
          const form = new URLSearchParams(await readText(req));
          const scenario = form.get("scenario") as CoinbasePayScenario;
          const asset = (form.get("asset") ?? "USDC") as CoinbaseAsset;
          if (!(scenario in PAID_SHARE) || !(asset in RATES)) {
            res.writeHead(400, { "content-type": "text/plain" });
            res.end("Unknown scenario or asset");
            return;
          }
          await pay(charge.id, scenario, asset);
          return hostedPage(res, charge, "Payment sent");
        }
        return hostedPage(res, charge);
      }
      sendJson(res, 404, { error: { type: "not_found", message: `No route ${url.pathname}` } });
    },
    (res, error) => sendJson(res, 500, { error: { type: "internal", message: String(error) } }),
  );
  baseUrl = server.url;

  return {
    ...server,
    apiKey,
    state,
    get webhookSecret() {
      return state.webhookSecret;
    },
    setWebhookUrl(url: string) {
      state.webhookUrl = url;
    },
    charge: (id: string) => byCode(id),
    pay,
    resolve,
    /** Sends a recorded delivery again (Commerce retries for up to three days). */
    redeliver: (delivery: CoinbaseDelivery) => send(delivery),
  };
}

export type FakeCoinbase = Awaited<ReturnType<typeof startFakeCoinbase>>;
