// Adyen transport: endpoint selection (test, live prefix, local override), X-API-Key calls,
// and Adyen's error bodies turned into ProviderError. Private to the Adyen connector.
import { z } from "zod";
import { fetchWithTimeout, readJsonBody } from "../http";
import { type ConnectorContext, ProviderError } from "../types";

export interface AdyenCredentials {
  apiKey: string;
  merchantAccount: string;
  /** Hex HMAC key of the webhook endpoint (64 hex characters). */
  hmacKey: string;
  /** Live endpoint prefix from Customer Area → Developers → API URLs; required in live mode. */
  liveUrlPrefix?: string;
}

type Ctx = ConnectorContext<AdyenCredentials>;

const CHECKOUT_VERSION = "v71";
const DISPUTES_PATH = "/ca/services/DisputeService/v30";

function liveUrlPrefix(ctx: Ctx): string {
  const prefix = ctx.credentials.liveUrlPrefix?.trim();
  if (!prefix) {
    throw new ProviderError(
      "Live Adyen connections need the live URL prefix (Customer Area → Developers → API URLs)",
      "invalid_credentials",
    );
  }
  return prefix;
}

/** Checkout API base. With ctx.baseUrl (a local fake) it is `${baseUrl}/v71`. */
export function adyenCheckoutBase(ctx: Ctx): string {
  if (ctx.baseUrl) return `${ctx.baseUrl.replace(/\/+$/, "")}/${CHECKOUT_VERSION}`;
  if (ctx.mode === "live")
    return `https://${liveUrlPrefix(ctx)}-checkout-live.adyenpayments.com/checkout/${CHECKOUT_VERSION}`;
  return `https://checkout-test.adyen.com/${CHECKOUT_VERSION}`;
}

/** Disputes API base: Customer Area hosts, or `${baseUrl}/ca/services/DisputeService/v30`. */
export function adyenDisputesBase(ctx: Ctx): string {
  if (ctx.baseUrl) return `${ctx.baseUrl.replace(/\/+$/, "")}${DISPUTES_PATH}`;
  return `https://${ctx.mode === "live" ? "ca-live" : "ca-test"}.adyen.com${DISPUTES_PATH}`;
}

const adyenErrorSchema = z.object({
  status: z.number().optional(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
  errorType: z.string().optional(),
  pspReference: z.string().optional(),
});

function errorKind(status: number): ProviderError["kind"] {
  if (status === 401 || status === 403) return "invalid_credentials";
  if (status >= 400 && status < 500) return "invalid_request";
  return "provider_error";
}

export interface AdyenRequest {
  api: "checkout" | "disputes";
  method: "GET" | "POST";
  path: string;
  json?: unknown;
  idempotencyKey?: string;
}

/** Calls Adyen; returns the parsed body of a 2xx, throws ProviderError otherwise. */
export async function adyenRequest(ctx: Ctx, request: AdyenRequest): Promise<unknown> {
  const base = request.api === "checkout" ? adyenCheckoutBase(ctx) : adyenDisputesBase(ctx);
  const headers: Record<string, string> = {
    "x-api-key": ctx.credentials.apiKey,
    accept: "application/json",
  };
  if (request.json !== undefined) headers["content-type"] = "application/json";
  if (request.idempotencyKey) headers["idempotency-key"] = request.idempotencyKey;

  const response = await fetchWithTimeout(`${base}${request.path}`, {
    method: request.method,
    headers,
    body: request.json === undefined ? undefined : JSON.stringify(request.json),
    timeoutMs: ctx.timeoutMs,
    fetch: ctx.fetch,
    providerName: "Adyen",
  });
  const body = await readJsonBody(response);
  if (!response.ok) {
    const parsed = adyenErrorSchema.safeParse(body);
    const message =
      parsed.success && parsed.data.message
        ? parsed.data.message
        : `Adyen answered HTTP ${response.status}`;
    const code = parsed.success ? parsed.data.errorCode : undefined;
    throw new ProviderError(
      code ? `${message} (Adyen error ${code})` : message,
      errorKind(response.status),
      response.status,
      code,
    );
  }
  return body;
}
