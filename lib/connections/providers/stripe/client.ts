// One Stripe SDK client per call, built from the connection's key, and the mapping of the
// SDK's error classes onto ProviderError.
import Stripe from "stripe";
import { PROVIDER_TIMEOUT_MS, describeNetworkError, isNetworkError } from "../http";
import { ProviderError, type ConnectorContext } from "../types";

export interface StripeConnectorOptions {
  /** The SDK retries network failures and 409/5xx with the same idempotency key. Tests use 0. */
  maxNetworkRetries?: number;
}

export function stripeClient(
  ctx: ConnectorContext<{ secretKey: string }>,
  options: StripeConnectorOptions,
): Stripe {
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: ctx.timeoutMs ?? PROVIDER_TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: "Parley" },
  };
  if (ctx.baseUrl) {
    // The SDK takes an origin in parts; a path prefix on baseUrl is not supported.
    const url = new URL(ctx.baseUrl);
    config.protocol = url.protocol === "http:" ? "http" : "https";
    config.host = url.hostname;
    config.port = url.port || (url.protocol === "http:" ? 80 : 443);
  }
  if (ctx.fetch) config.httpClient = Stripe.createFetchHttpClient(ctx.fetch);
  return new Stripe(ctx.credentials.secretKey, config);
}

/** Maps the SDK's error classes onto ProviderError kinds, keeping Stripe's own message. */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const errors = Stripe.errors;
  if (error instanceof errors.StripeError) {
    // error.type is the SDK class name; Stripe's wire type ("idempotency_error") is in raw.
    const wireType = (error.raw as { type?: string } | undefined)?.type;
    const code = error.decline_code ?? error.code ?? wireType ?? undefined;
    if (
      error instanceof errors.StripeAuthenticationError ||
      error instanceof errors.StripePermissionError
    ) {
      return new ProviderError(error.message, "invalid_credentials", error.statusCode, code);
    }
    if (error instanceof errors.StripeConnectionError) {
      const cause = isNetworkError(error.detail)
        ? describeNetworkError(error.detail, "Stripe")
        : error.message;
      return new ProviderError(cause, "unreachable", undefined, code);
    }
    if (
      error instanceof errors.StripeInvalidRequestError ||
      error instanceof errors.StripeCardError ||
      error instanceof errors.StripeIdempotencyError
    ) {
      return new ProviderError(error.message, "invalid_request", error.statusCode, code);
    }
    return new ProviderError(error.message, "provider_error", error.statusCode, code);
  }
  if (isNetworkError(error))
    return new ProviderError(describeNetworkError(error, "Stripe"), "unreachable");
  return new ProviderError(
    error instanceof Error ? error.message : String(error),
    "provider_error",
  );
}

export async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProviderError(error);
  }
}
