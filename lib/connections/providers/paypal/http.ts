// PayPal REST transport: OAuth2 client-credentials tokens (cached), JSON calls, and PayPal's
// error bodies turned into ProviderError. Private to the PayPal connector.
import { createHash } from "node:crypto";
import { z } from "zod";
import { fetchWithTimeout, readJsonBody } from "../http";
import { type ConnectorContext, ProviderError } from "../types";

export interface PayPalCredentials {
  clientId: string;
  clientSecret: string;
  webhookId: string;
}

const SANDBOX_ORIGIN = "https://api-m.sandbox.paypal.com";
const LIVE_ORIGIN = "https://api-m.paypal.com";
// Renew a minute early so a token never expires between our check and PayPal's.
const EXPIRY_MARGIN_MS = 60_000;

export function paypalOrigin(ctx: ConnectorContext<PayPalCredentials>): string {
  const origin = ctx.baseUrl ?? (ctx.mode === "live" ? LIVE_ORIGIN : SANDBOX_ORIGIN);
  return origin.replace(/\/+$/, "");
}

function paypalFetch(
  ctx: ConnectorContext<PayPalCredentials>,
  url: string,
  init: RequestInit,
): Promise<Response> {
  return fetchWithTimeout(url, {
    ...init,
    timeoutMs: ctx.timeoutMs,
    fetch: ctx.fetch,
    providerName: "PayPal",
  });
}

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

const apiErrorSchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  debug_id: z.string().optional(),
  details: z
    .array(
      z.object({
        issue: z.string().optional(),
        description: z.string().optional(),
        field: z.string().optional(),
      }),
    )
    .optional(),
});

export type PayPalApiError = z.infer<typeof apiErrorSchema>;

const tokenCache = new Map<string, { token: string; expiresAt: number }>();

function cacheKey(ctx: ConnectorContext<PayPalCredentials>): string {
  // The secret is part of the key (hashed) so a corrected secret never reuses a stale token.
  const secretHash = createHash("sha256")
    .update(ctx.credentials.clientSecret)
    .digest("hex")
    .slice(0, 16);
  return `${paypalOrigin(ctx)}|${ctx.credentials.clientId}|${secretHash}`;
}

export function clearPayPalTokenCache(): void {
  tokenCache.clear();
}

/** Returns a bearer token, from cache unless `fresh` (credential checks must hit PayPal). */
export async function getPayPalAccessToken(
  ctx: ConnectorContext<PayPalCredentials>,
  options: { fresh?: boolean } = {},
): Promise<string> {
  const key = cacheKey(ctx);
  const cached = tokenCache.get(key);
  if (!options.fresh && cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now())
    return cached.token;

  const basic = Buffer.from(`${ctx.credentials.clientId}:${ctx.credentials.clientSecret}`).toString(
    "base64",
  );
  const response = await paypalFetch(ctx, `${paypalOrigin(ctx)}/v1/oauth2/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${basic}`,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: "grant_type=client_credentials",
  });
  const body = await readJsonBody(response);
  if (!response.ok) {
    tokenCache.delete(key);
    const oauthError = oauthErrorSchema.safeParse(body);
    const message = oauthError.success
      ? (oauthError.data.error_description ?? oauthError.data.error)
      : `PayPal token request failed with HTTP ${response.status}`;
    const kind =
      response.status === 401 || response.status === 400 ? "invalid_credentials" : "provider_error";
    throw new ProviderError(
      message,
      kind,
      response.status,
      oauthError.success ? oauthError.data.error : undefined,
    );
  }
  const token = tokenSchema.safeParse(body);
  if (!token.success)
    throw new ProviderError("PayPal returned an unreadable token response", "provider_error");
  tokenCache.set(key, {
    token: token.data.access_token,
    expiresAt: Date.now() + token.data.expires_in * 1000,
  });
  return token.data.access_token;
}

export function describePayPalError(
  body: unknown,
  status: number,
): { message: string; code?: string } {
  const parsed = apiErrorSchema.safeParse(body);
  if (!parsed.success) return { message: `PayPal answered HTTP ${status}` };
  const { name, message, details, debug_id: debugId } = parsed.data;
  const detail = details?.[0];
  const parts = [message ?? name ?? `HTTP ${status}`];
  if (detail?.issue)
    parts.push(`${detail.issue}${detail.description ? `: ${detail.description}` : ""}`);
  if (debugId) parts.push(`debug_id ${debugId}`);
  return { message: parts.join(" — "), code: detail?.issue ?? name };
}

function errorKind(status: number): ProviderError["kind"] {
  if (status === 401 || status === 403) return "invalid_credentials";
  if (status >= 400 && status < 500) return "invalid_request";
  return "provider_error";
}

export interface PayPalRequest {
  method: "GET" | "POST";
  path: string;
  json?: unknown;
  /** A pre-serialized JSON body (the webhook verification must embed the raw event verbatim). */
  rawJson?: string;
  form?: FormData;
  requestId?: string;
}

/** Calls the PayPal REST API; returns the parsed body of a 2xx, throws ProviderError otherwise. */
export async function paypalRequest(
  ctx: ConnectorContext<PayPalCredentials>,
  request: PayPalRequest,
): Promise<unknown> {
  const send = async (token: string) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      prefer: "return=representation",
    };
    if (request.requestId) headers["paypal-request-id"] = request.requestId;
    let body: BodyInit | undefined;
    if (request.form) body = request.form;
    else if (request.rawJson !== undefined || request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = request.rawJson ?? JSON.stringify(request.json);
    }
    return paypalFetch(ctx, `${paypalOrigin(ctx)}${request.path}`, {
      method: request.method,
      headers,
      body,
    });
  };

  let response = await send(await getPayPalAccessToken(ctx));
  if (response.status === 401) {
    // A cached token can be revoked or expire early; retry once with a fresh one.
    response = await send(await getPayPalAccessToken(ctx, { fresh: true }));
  }
  const body = await readJsonBody(response);
  if (!response.ok) {
    const { message, code } = describePayPalError(body, response.status);
    throw new ProviderError(message, errorKind(response.status), response.status, code);
  }
  return body;
}
