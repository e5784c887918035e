// The one rate limiter for Parley's public endpoints (chat start/message/read/stream, the widget
// script, the Sandbox checkout page and its action), kept in memory: enough to blunt a script
// hammering one server, not a distributed quota. Keys start with the client's address from the
// trusted-proxy setting (lib/http/client-ip.ts); with no proxy configured every client shares
// DIRECT_CLIENT, which is why the limits below are generous and scoped by public key or
// checkout id where a legitimate page makes many calls.
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientKey } from "@/lib/http/client-ip";

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type PublicEndpoint =
  | "chatStart"
  | "chatMessage"
  | "chatRead"
  | "chatStream"
  | "widget"
  | "checkoutPage"
  | "checkoutAction";

const MINUTE = 60_000;

/** Per client (and per public key or checkout id, where the key says so) per minute. */
const BASE_LIMITS: Record<PublicEndpoint, number> = {
  chatStart: 20, // per address
  chatMessage: 60, // per address
  chatRead: 600, // per address and flow: the widget re-reads after every reconnect
  chatStream: 120, // per address and flow: a stream lives a minute, EventSource reconnects
  widget: 300, // per address: the script is cached by browsers for five minutes
  checkoutPage: 120, // per address and checkout
  checkoutAction: 20, // per address and checkout: a person clicks a few times at most
};

/** The limit for an endpoint, scaled by PARLEY_RATE_LIMIT_SCALE (lib/env.ts). */
export function publicLimit(endpoint: PublicEndpoint): RateLimit {
  const scale = env().PARLEY_RATE_LIMIT_SCALE;
  return { limit: Math.max(1, Math.round(BASE_LIMITS[endpoint] * scale)), windowMs: MINUTE };
}

/** Kept for callers that name the chat rules directly. */
export const CHAT_START_LIMIT: RateLimit = { limit: BASE_LIMITS.chatStart, windowMs: MINUTE };
export const CHAT_MESSAGE_LIMIT: RateLimit = { limit: BASE_LIMITS.chatMessage, windowMs: MINUTE };

type LimitWindows = Map<string, { count: number; resetAt: number }>;
const globalForLimits = globalThis as unknown as { __parleyChatLimits?: LimitWindows };

function windows(): LimitWindows {
  return (globalForLimits.__parleyChatLimits ??= new Map() as LimitWindows);
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until the window resets (at least 1), for Retry-After. */
  retryAfterSeconds: number;
}

/** Counts the call and says whether it is allowed. Synchronous: no check-then-act window. */
export function checkRateLimit(key: string, rule: RateLimit, now = Date.now()): RateLimitDecision {
  const all = windows();
  if (all.size > 50_000) {
    for (const [k, w] of all) if (w.resetAt <= now) all.delete(k);
  }
  let current = all.get(key);
  if (!current || current.resetAt <= now) {
    current = { count: 0, resetAt: now + rule.windowMs };
    all.set(key, current);
  }
  current.count += 1;
  return {
    allowed: current.count <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((current.resetAt - now) / 1000)),
  };
}

/** True when the call is allowed; counts it. */
export function takeRateLimit(key: string, rule: RateLimit, now = Date.now()): boolean {
  return checkRateLimit(key, rule, now).allowed;
}

/** Tests start each case with empty windows. */
export function resetRateLimits(): void {
  windows().clear();
}

/** The client's address from the trusted-proxy setting (lib/http/client-ip.ts). */
export function clientAddress(headers: Pick<Headers, "get">): string {
  return clientKey(headers);
}

export const RATE_LIMITED_MESSAGE = "Too many requests. Please wait a moment and try again.";

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = RATE_LIMITED_MESSAGE,
  ) {
    super(message, 429);
    this.name = "RateLimitedError";
  }
}

/**
 * Counts one call to a public endpoint for this client (and `scope`, e.g. the public key or
 * checkout id) and throws RateLimitedError past the limit.
 */
export function limitPublicEndpoint(
  headers: Pick<Headers, "get">,
  endpoint: PublicEndpoint,
  scope?: string,
  message?: string,
): void {
  const key = [endpoint, clientAddress(headers), scope].filter(Boolean).join(":");
  const decision = checkRateLimit(key, publicLimit(endpoint));
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, message);
}

/** The 429 answer for route handlers and the proxy: JSON with Retry-After. */
export function rateLimitedResponse(error: RateLimitedError): Response {
  return Response.json(
    { error: error.message },
    {
      status: 429,
      headers: { "retry-after": String(error.retryAfterSeconds), "cache-control": "no-store" },
    },
  );
}
