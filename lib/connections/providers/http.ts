// Shared HTTP plumbing for connectors: one timeout, and every failure to get an answer turned into
// ProviderError("unreachable") so callers never see a bare TypeError("fetch failed").
import { ProviderError, type VerifyCredentialsResult } from "./types";

/** How long Parley waits for a provider's answer: every stored connection's context carries it. */
export const PROVIDER_TIMEOUT_MS = 10_000;

// undici wraps the socket error in TypeError("fetch failed", { cause }); these codes mean
// "we never got an answer", as opposed to an answer we did not like.
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

export interface FetchWithTimeoutInit extends RequestInit {
  /** Defaults to PROVIDER_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Injected fetch (ConnectorContext.fetch); defaults to the global one. */
  fetch?: typeof fetch;
  /** Who we were calling, for messages: "PayPal", "Adyen". */
  providerName?: string;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** True when the error means the provider never answered (refused, reset, DNS, timeout). */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = errorCode(current);
    if (code && NETWORK_ERROR_CODES.has(code)) return true;
    if (
      current instanceof Error &&
      (current.name === "TimeoutError" || current.name === "ConnectTimeoutError")
    ) {
      return true;
    }
    if (current instanceof TypeError && current.message === "fetch failed") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Describes a network failure for a person: "Stripe refused the connection (ECONNREFUSED)". */
export function describeNetworkError(error: unknown, providerName = "The provider"): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = errorCode(current);
    if (code === "ECONNREFUSED") return `${providerName} refused the connection (ECONNREFUSED)`;
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return `${providerName}'s address could not be resolved (${code})`;
    if (code && NETWORK_ERROR_CODES.has(code))
      return `${providerName} could not be reached (${code})`;
    current = (current as { cause?: unknown }).cause;
  }
  return `${providerName} could not be reached`;
}

/**
 * fetch with a deadline. Anything that kept an answer from arriving (refused, DNS, timeout, or any
 * other failure of fetch itself) becomes ProviderError("unreachable"); HTTP error statuses are
 * returned as-is for the connector to interpret. An abort requested by the caller's own signal is
 * rethrown untouched.
 */
export async function fetchWithTimeout(
  url: string | URL,
  init: FetchWithTimeoutInit = {},
): Promise<Response> {
  const {
    timeoutMs = PROVIDER_TIMEOUT_MS,
    fetch: fetchImpl = fetch,
    providerName,
    signal,
    ...rest
  } = init;
  const name = providerName ?? "The provider";
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    return await fetchImpl(url, { ...rest, signal: combined });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (deadline.aborted) {
      throw new ProviderError(`${name} did not answer within ${timeoutMs} ms`, "unreachable");
    }
    if (isNetworkError(error))
      throw new ProviderError(describeNetworkError(error, name), "unreachable");
    const detail = error instanceof Error ? error.message : String(error);
    throw new ProviderError(`${name} could not be reached: ${detail}`, "unreachable");
  }
}

/**
 * Reads a provider's answer as JSON. An empty body reads as `{}`; a body that is not JSON
 * (error pages are often HTML or plain text) as `{ message: <its first 200 characters> }`, so
 * the connector's error mapping can still show what came back.
 */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** Joins a base origin (possibly with a path prefix) and an API path without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** The usual verifyCredentials failure mapping, for connectors whose calls throw ProviderError. */
export function verifyResultFromError(
  error: unknown,
  providerName = "The provider",
): VerifyCredentialsResult {
  if (error instanceof ProviderError) {
    const reason =
      error.kind === "invalid_credentials" || error.kind === "unreachable"
        ? error.kind
        : "provider_error";
    return { ok: false, reason, message: error.message };
  }
  if (isNetworkError(error))
    return { ok: false, reason: "unreachable", message: describeNetworkError(error, providerName) };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, reason: "provider_error", message };
}
