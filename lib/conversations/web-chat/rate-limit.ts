// A light per-client limit for the public chat API, kept in memory: enough to blunt a script
// hammering one server, not a distributed quota.
import { clientKey } from "@/lib/http/client-ip";

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export const CHAT_START_LIMIT: RateLimit = { limit: 20, windowMs: 60_000 };
export const CHAT_MESSAGE_LIMIT: RateLimit = { limit: 60, windowMs: 60_000 };

const globalForLimits = globalThis as unknown as {
  __parleyChatLimits?: Map<string, { count: number; resetAt: number }>;
};

function windows(): Map<string, { count: number; resetAt: number }> {
  return (globalForLimits.__parleyChatLimits ??= new Map<
    string,
    { count: number; resetAt: number }
  >());
}

/** True when the call is allowed; counts it. */
export function takeRateLimit(key: string, rule: RateLimit, now = Date.now()): boolean {
  const all = windows();
  if (all.size > 50_000) {
    for (const [k, w] of all) if (w.resetAt <= now) all.delete(k);
  }
  const current = all.get(key);
  if (!current || current.resetAt <= now) {
    all.set(key, { count: 1, resetAt: now + rule.windowMs });
    return true;
  }
  current.count += 1;
  return current.count <= rule.limit;
}

/** The client's address from the trusted-proxy setting (lib/http/client-ip.ts). */
export function clientAddress(headers: Headers): string {
  return clientKey(headers);
}
