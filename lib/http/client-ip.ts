import { env, trustedProxyList } from "@/lib/env";
import { isIP, type BlockList } from "node:net";

// The one answer to "which address is this request from", for every throttle, rate limit and
// audit entry.
//
// Why there is no socket address by default: route handlers and server actions under
// `next start` see only headers. Next fills `X-Forwarded-For` with the socket's address *only
// when the request carries none* (base-server.js, `??=`), so a client that sends its own header
// replaces the socket address entirely. Without a trusted proxy the header is therefore the
// client's word, and Parley ignores it: the address is unknown (null), which callers key as
// DIRECT_CLIENT. Behind a proxy, configure it:
//   PARLEY_TRUSTED_PROXIES=10.0.0.0/8,…  skip those addresses from the right end of the header;
//   PARLEY_TRUSTED_PROXY_HOPS=N          the Nth entry from the right (one per proxy).
// Either way Parley must be reachable only through those proxies: Next does not tell us the
// peer's address, so a request that bypasses them cannot be told apart.

/** The key callers use when the client's address is unknown (no trusted proxy configured). */
export const DIRECT_CLIENT = "direct";

export type TrustedProxyConfig =
  { kind: "none" } | { kind: "list"; proxies: BlockList } | { kind: "hops"; hops: number };

let cachedConfig: { source: unknown; config: TrustedProxyConfig } | undefined;

/** From lib/env.ts (PARLEY_TRUSTED_PROXIES / PARLEY_TRUSTED_PROXY_HOPS). */
export function trustedProxyConfig(): TrustedProxyConfig {
  const e = env();
  if (cachedConfig?.source === e) return cachedConfig.config;
  const config: TrustedProxyConfig = e.PARLEY_TRUSTED_PROXIES
    ? { kind: "list", proxies: trustedProxyList(e.PARLEY_TRUSTED_PROXIES) }
    : e.PARLEY_TRUSTED_PROXY_HOPS
      ? { kind: "hops", hops: e.PARLEY_TRUSTED_PROXY_HOPS }
      : { kind: "none" };
  cachedConfig = { source: e, config };
  return config;
}

/** The client's address, or null when it cannot be known (no trusted proxy, malformed header). */
export function clientIp(
  headers: Pick<Headers, "get">,
  config: TrustedProxyConfig = trustedProxyConfig(),
): string | null {
  if (config.kind === "none") return null;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => normalizeAddress(h.trim()))
    .filter((h) => h !== "");
  if (hops.length === 0) return null;

  if (config.kind === "hops") {
    // Each trusted proxy appended one entry; anything further left was sent by the client.
    const entry = hops[Math.max(hops.length - config.hops, 0)];
    return isIP(entry) ? entry : null;
  }
  for (let i = hops.length - 1; i >= 0; i--) {
    const entry = hops[i];
    const family = isIP(entry);
    if (family === 0) return null; // a malformed entry past our proxies: trust nothing beyond it
    if (!config.proxies.check(entry, family === 6 ? "ipv6" : "ipv4")) return entry;
  }
  return null; // every entry is one of our proxies: the client's address is not in the header
}

/** The same, as a key for counters: unknown addresses share DIRECT_CLIENT. */
export function clientKey(headers: Pick<Headers, "get">): string {
  return clientIp(headers) ?? DIRECT_CLIENT;
}

/** "[2001:db8::1]:443" → "2001:db8::1", "203.0.113.7:51000" → "203.0.113.7". */
function normalizeAddress(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  if (v4WithPort) return v4WithPort[1];
  return value.toLowerCase().startsWith("::ffff:") && isIP(value.slice(7)) === 4
    ? value.slice(7)
    : value;
}
