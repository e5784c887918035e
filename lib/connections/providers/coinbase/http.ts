// Coinbase Commerce transport: X-CC-Api-Key calls pinned to one API version, and Commerce's
// error bodies ({ error: { type, message } }) turned into ProviderError. Private to the connector.
import { z } from "zod";
import { fetchWithTimeout, joinUrl, readJsonBody } from "../http";
import { type ConnectorContext, ProviderError } from "../types";

export interface CoinbaseCredentials {
  apiKey: string;
  /** Settings → Notifications → "Show shared secret": the key of X-CC-Webhook-Signature. */
  webhookSecret: string;
}

type Ctx = ConnectorContext<CoinbaseCredentials>;

export const COINBASE_API_BASE = "https://api.commerce.coinbase.com";
/** The Commerce API version every request is pinned to (X-CC-Version). */
export const COINBASE_API_VERSION = "2018-03-22";

const errorSchema = z.object({
  error: z.object({ type: z.string().optional(), message: z.string().optional() }).optional(),
  message: z.string().optional(),
});

function errorKind(status: number): ProviderError["kind"] {
  if (status === 401 || status === 403) return "invalid_credentials";
  if (status >= 400 && status < 500) return "invalid_request";
  return "provider_error";
}

export interface CoinbaseRequest {
  method: "GET" | "POST";
  path: string;
  json?: unknown;
}

/** Calls Commerce; returns the parsed body of a 2xx, throws ProviderError otherwise. */
export async function coinbaseRequest(ctx: Ctx, request: CoinbaseRequest): Promise<unknown> {
  const headers: Record<string, string> = {
    "x-cc-api-key": ctx.credentials.apiKey,
    "x-cc-version": COINBASE_API_VERSION,
    accept: "application/json",
  };
  if (request.json !== undefined) headers["content-type"] = "application/json";
  const response = await fetchWithTimeout(joinUrl(ctx.baseUrl ?? COINBASE_API_BASE, request.path), {
    method: request.method,
    headers,
    body: request.json === undefined ? undefined : JSON.stringify(request.json),
    timeoutMs: ctx.timeoutMs,
    fetch: ctx.fetch,
    providerName: "Coinbase Commerce",
  });
  const body = await readJsonBody(response);
  if (response.ok) return body;
  const parsed = errorSchema.safeParse(body);
  const detail = parsed.success ? (parsed.data.error?.message ?? parsed.data.message) : undefined;
  const type = parsed.success ? parsed.data.error?.type : undefined;
  throw new ProviderError(
    `Coinbase Commerce answered ${response.status}${detail ? `: ${detail}` : ""}`,
    errorKind(response.status),
    response.status,
    type,
  );
}
