// The guard on every API base URL a merchant may type (a connection's, a channel's). Overrides
// exist so tests can point connectors at local fakes; in production they are refused unless
// PARLEY_ALLOW_API_BASE_URL is set, and even then only a public https host is accepted — checked
// on the URL, on every address its name resolves to, and again before each request, which is
// sent with redirects refused. Provider and platform hosts themselves are fixed in their code.
import { env } from "@/lib/env";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIPv4, isIPv6 } from "node:net";

export type AddressClass =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "shared"
  | "link-local"
  | "unique-local"
  | "ipv4-mapped"
  | "multicast"
  | "reserved";

/**
 * An IPv4 address in any form inet_aton accepts (what many resolvers and URL parsers accept):
 * 1–4 parts, each decimal, octal (leading 0) or hex (0x), the last filling the remaining bytes —
 * "2130706433", "0x7f.1", "0177.0.0.1" are all 127.0.0.1. Null when it is not one.
 */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length === 0 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9]\d*)$/.test(part)) value = Number(part);
    else return null;
    if (!Number.isFinite(value)) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255)) return null;
  if (last >= 2 ** (8 * (4 - values.length))) return null;
  let address = 0;
  values.forEach((v, i) => (address += v * 2 ** (8 * (3 - i))));
  return address + last;
}

function inV4(address: number, base: string, bits: number): boolean {
  const start = parseIPv4(base)!;
  const size = 2 ** (32 - bits);
  return address >= start && address < start + size;
}

function classifyV4(address: number): AddressClass {
  if (inV4(address, "0.0.0.0", 8)) return "unspecified";
  if (inV4(address, "127.0.0.0", 8)) return "loopback";
  if (inV4(address, "10.0.0.0", 8)) return "private";
  if (inV4(address, "172.16.0.0", 12)) return "private";
  if (inV4(address, "192.168.0.0", 16)) return "private";
  if (inV4(address, "100.64.0.0", 10)) return "shared";
  if (inV4(address, "169.254.0.0", 16)) return "link-local";
  if (inV4(address, "224.0.0.0", 4)) return "multicast";
  if (
    inV4(address, "192.0.0.0", 24) ||
    inV4(address, "192.0.2.0", 24) ||
    inV4(address, "198.18.0.0", 15) ||
    inV4(address, "198.51.100.0", 24) ||
    inV4(address, "203.0.113.0", 24) ||
    inV4(address, "240.0.0.0", 4)
  ) {
    return "reserved";
  }
  return "public";
}

/** The eight 16-bit groups of an IPv6 address (an embedded dotted IPv4 tail included). */
function ipv6Groups(text: string): number[] | null {
  let address = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!isIPv6(address)) return null;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (tail) {
    const v4 = parseIPv4(tail[1]);
    if (v4 === null) return null;
    address = `${address.slice(0, tail.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = address.split("::") as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

function classifyV6(groups: number[]): AddressClass {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroTo(8)) return "unspecified";
  if (zeroTo(7) && g7 === 1) return "loopback";
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the old "compatible" form) reach IPv4 hosts.
  if (zeroTo(5) && g5 === 0xffff) return "ipv4-mapped";
  if (zeroTo(6)) return "reserved";
  if ((g0 & 0xffc0) === 0xfe80) return "link-local";
  if ((g0 & 0xffc0) === 0xfec0) return "private"; // deprecated site-local
  if ((g0 & 0xfe00) === 0xfc00) return "unique-local";
  if ((g0 & 0xff00) === 0xff00) return "multicast";
  if (g0 === 0x2001 && g1 === 0x0db8) return "reserved"; // documentation
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    const inner = classifyV4(((g6 << 16) | g7) >>> 0);
    return inner === "public" ? "public" : inner;
  }
  if (g0 === 0x2002) {
    const inner = classifyV4(((g1 << 16) | g2) >>> 0);
    return inner === "public" ? "public" : inner;
  }
  return "public";
}

/** What kind of address `address` is (v4 in any inet_aton form, or v6); null if it is neither. */
export function classifyAddress(address: string): AddressClass | null {
  const trimmed = address.trim();
  if (isIPv4(trimmed) || /^[0-9a-fx.]+$/i.test(trimmed)) {
    const v4 = parseIPv4(trimmed);
    if (v4 !== null) return classifyV4(v4);
  }
  const groups = ipv6Groups(trimmed);
  return groups ? classifyV6(groups) : null;
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === "public";
}

export type ApiBaseUrlPolicy =
  /** Development and tests: any http(s) URL, local fakes included. */
  | "open"
  /** Production without PARLEY_ALLOW_API_BASE_URL: no override at all. */
  | "refused"
  /** Production with PARLEY_ALLOW_API_BASE_URL: public https hosts only, no redirects. */
  | "public-https";

export function apiBaseUrlPolicy(): ApiBaseUrlPolicy {
  const e = env();
  if (e.NODE_ENV !== "production") return "open";
  // The e2e server's production build against local fakes (tests/fakes), demo data only.
  if (e.PARLEY_E2E_OPEN_API_BASE_URL && e.PARLEY_DEMO) return "open";
  return e.PARLEY_ALLOW_API_BASE_URL ? "public-https" : "refused";
}

export const API_BASE_URL_REFUSED =
  "API base URL can only point at a public https host, and overrides are off in this installation: leave it empty to use the provider's own API.";
export const API_BASE_URL_NOT_PUBLIC =
  "API base URL can only point at a public https host (not a private, loopback or link-local address).";

export class OutboundUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundUrlError";
  }
}

export type LookupAll = (hostname: string) => Promise<{ address: string }[]>;

const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface OutboundCheckOptions {
  policy?: ApiBaseUrlPolicy;
  /** Resolves a host name to all its addresses (tests inject one). */
  lookup?: LookupAll;
}

/**
 * Why `raw` may not be used as an API base URL under the policy, or null when it may. Under
 * "public-https" the host must be a name or literal whose every resolved address is public.
 */
export async function apiBaseUrlProblem(
  raw: string,
  options: OutboundCheckOptions = {},
): Promise<string | null> {
  const policy = options.policy ?? apiBaseUrlPolicy();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter a full URL such as https://api.example.com";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Only http(s) URLs";
  if (policy === "open") return null;
  if (policy === "refused") return API_BASE_URL_REFUSED;
  if (url.protocol !== "https:" || url.username || url.password) return API_BASE_URL_NOT_PUBLIC;
  // WHATWG URL parsing already turns 2130706433 or 0x7f.1 into 127.0.0.1; the classifier
  // also knows those forms, for hosts that reach it some other way.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "" || /^localhost$|\.localhost$|\.local$|\.internal$/i.test(host))
    return API_BASE_URL_NOT_PUBLIC;
  const literal = classifyAddress(host);
  if (literal !== null) return literal === "public" ? null : API_BASE_URL_NOT_PUBLIC;
  let addresses: { address: string }[];
  try {
    addresses = await (options.lookup ?? systemLookup)(host);
  } catch {
    return `API base URL's host ${host} could not be resolved.`;
  }
  if (addresses.length === 0) return `API base URL's host ${host} could not be resolved.`;
  return addresses.every((a) => isPublicAddress(a.address)) ? null : API_BASE_URL_NOT_PUBLIC;
}

/**
 * A fetch for calls to an overridden base URL: under "open" the given fetch as it is; otherwise
 * each request's URL is checked again (DNS answers change) and sent with redirects refused.
 */
export function guardedFetch(
  baseFetch: typeof fetch = fetch,
  options: OutboundCheckOptions = {},
): typeof fetch {
  const policy = options.policy ?? apiBaseUrlPolicy();
  if (policy === "open") return baseFetch;
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const problem = await apiBaseUrlProblem(url, { ...options, policy });
    if (problem) throw new OutboundUrlError(problem);
    return baseFetch(input, { ...init, redirect: "error" });
  };
}
