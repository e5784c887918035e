// The one rate limiter for Parley's public endpoints (chat start/message/read/stream, the widget
// script, the Sandbox checkout page and its action, console stream reconnects). On Postgres the
// windows live in the database (rate_limit_windows, one upsert per call), so every app process on
// that database counts against the same limit; on the embedded PGlite, which one process owns,
// they are kept in that process's memory. Keys start with the client's address from the
// trusted-proxy setting (lib/http/client-ip.ts); with no proxy configured every client shares
// DIRECT_CLIENT, which is why the limits below are generous and scoped by public key or
// checkout id where a legitimate page makes many calls.
import { getDbHandle, peekDbHandle, type DbHandle } from "@/db/client";
import { runPrepared } from "@/db/prepared";
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

/** The database whose windows are shared: the open Postgres handle, if Parley runs on one. */
function sharedStore(): DbHandle | undefined {
  const handle = peekDbHandle() ?? (env().DATABASE_URL ? getDbHandle() : undefined);
  return handle?.kind === "postgres" ? handle : undefined;
}

// One statement counts the call and decides: a window that ran out starts again at 1. Concurrent
// calls on one key serialize on its row, so no check-then-act window between processes either.
const COUNT_CALL = `insert into rate_limit_windows as w (key, window_ends_at, hits)
  values ($1, $2::timestamptz, 1)
  on conflict (key) do update set
    hits = case when w.window_ends_at <= $3::timestamptz then 1 else w.hits + 1 end,
    window_ends_at = case when w.window_ends_at <= $3::timestamptz then excluded.window_ends_at
      else w.window_ends_at end
  returning hits, window_ends_at`;
const SWEEP_EVERY_CALLS = 1_000;
let callsSinceSweep = 0;

/**
 * Counts the call and says whether it is allowed; shared by every process on Postgres
 * (rate_limit_windows), in this process's memory on PGlite.
 */
export async function checkRateLimit(
  key: string,
  rule: RateLimit,
  now = Date.now(),
): Promise<RateLimitDecision> {
  const store = sharedStore();
  if (!store) return checkRateLimitInMemory(key, rule, now);
  const [row] = await runPrepared(store.db, COUNT_CALL, [
    key,
    new Date(now + rule.windowMs).toISOString(),
    new Date(now).toISOString(),
  ]);
  if (++callsSinceSweep >= SWEEP_EVERY_CALLS) {
    callsSinceSweep = 0;
    // Windows that ran out are only ever restarted; clear them now and then so the table stays
    // the size of the last few minutes' clients.
    await runPrepared(
      store.db,
      `delete from rate_limit_windows where window_ends_at < $1::timestamptz`,
      [new Date(now - 5 * MINUTE).toISOString()],
    );
  }
  const hits = Number(row.hits);
  const endsAt = new Date(row.window_ends_at as string | Date).getTime();
  return {
    allowed: hits <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now) / 1000)),
  };
}

/** One process's windows (PGlite, unit tests): the same rule as the shared table. */
export function checkRateLimitInMemory(
  key: string,
  rule: RateLimit,
  now = Date.now(),
): RateLimitDecision {
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
export async function takeRateLimit(
  key: string,
  rule: RateLimit,
  now = Date.now(),
): Promise<boolean> {
  return (await checkRateLimit(key, rule, now)).allowed;
}

/** Tests start each case with empty windows (in memory, and the shared table on Postgres). */
export async function resetRateLimits(): Promise<void> {
  windows().clear();
  const store = sharedStore();
  if (store) await runPrepared(store.db, `delete from rate_limit_windows where true`, []);
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
export async function limitPublicEndpoint(
  headers: Pick<Headers, "get">,
  endpoint: PublicEndpoint,
  scope?: string,
  message?: string,
): Promise<void> {
  const key = [endpoint, clientAddress(headers), scope].filter(Boolean).join(":");
  const decision = await checkRateLimit(key, publicLimit(endpoint));
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
