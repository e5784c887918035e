import { env, resetEnvCache, trustedProxyList } from "@/lib/env";
import { clientIp, clientKey, DIRECT_CLIENT, type TrustedProxyConfig } from "@/lib/http/client-ip";
import { afterEach, describe, expect, it } from "vitest";

const xff = (value?: string) =>
  new Headers(value === undefined ? {} : { "x-forwarded-for": value });
const none: TrustedProxyConfig = { kind: "none" };
const list = (...entries: string[]): TrustedProxyConfig => ({
  kind: "list",
  proxies: trustedProxyList(entries),
});

describe("clientIp", () => {
  it("trusts no header without a trusted proxy: a forged X-Forwarded-For changes nothing", () => {
    expect(clientIp(xff("203.0.113.9"), none)).toBeNull();
    expect(clientIp(xff("198.51.100.1, 10.0.0.1"), none)).toBeNull();
    expect(clientIp(xff(), none)).toBeNull();
  });

  it("with a hop count takes that entry from the right end", () => {
    const one: TrustedProxyConfig = { kind: "hops", hops: 1 };
    const two: TrustedProxyConfig = { kind: "hops", hops: 2 };
    // The client forged "1.1.1.1"; the proxy appended the address it saw.
    expect(clientIp(xff("1.1.1.1, 203.0.113.9"), one)).toBe("203.0.113.9");
    expect(clientIp(xff("1.1.1.1, 203.0.113.9, 10.0.0.5"), two)).toBe("203.0.113.9");
    expect(clientIp(xff("203.0.113.9"), two)).toBe("203.0.113.9");
    expect(clientIp(xff(), one)).toBeNull();
    expect(clientIp(xff("not-an-ip"), one)).toBeNull();
  });

  it("with a proxy list skips trusted entries from the right, CIDRs and IPv6 included", () => {
    const proxies = list("10.0.0.0/8", "2001:db8::/32", "192.0.2.10");
    expect(clientIp(xff("1.1.1.1, 203.0.113.9, 10.1.2.3"), proxies)).toBe("203.0.113.9");
    expect(clientIp(xff("203.0.113.9, 192.0.2.10, 10.0.0.1"), proxies)).toBe("203.0.113.9");
    expect(clientIp(xff("2001:db9::7, 2001:db8::1"), proxies)).toBe("2001:db9::7");
    expect(clientIp(xff("[2001:db9::7]:443, 10.0.0.1"), proxies)).toBe("2001:db9::7");
    expect(clientIp(xff("203.0.113.9:51000"), proxies)).toBe("203.0.113.9");
    expect(clientIp(xff("::ffff:203.0.113.9"), proxies)).toBe("203.0.113.9");
    // Only proxies in the header: the client's address is not known.
    expect(clientIp(xff("10.0.0.1, 10.0.0.2"), proxies)).toBeNull();
    // Garbage past our proxies stops the walk rather than trusting what lies beyond it.
    expect(clientIp(xff("1.1.1.1, garbage, 10.0.0.1"), proxies)).toBeNull();
  });
});

describe("trusted proxy settings (lib/env.ts)", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });

  function withEnv(vars: Record<string, string>) {
    process.env = { ...saved, ...vars };
    resetEnvCache();
  }

  it("reads PARLEY_TRUSTED_PROXIES and PARLEY_TRUSTED_PROXY_HOPS", () => {
    withEnv({ PARLEY_TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.1" });
    expect(clientKey(xff("1.1.1.1, 203.0.113.9, 10.0.0.1"))).toBe("203.0.113.9");
    withEnv({ PARLEY_TRUSTED_PROXY_HOPS: "1" });
    expect(clientKey(xff("1.1.1.1, 203.0.113.9"))).toBe("203.0.113.9");
    withEnv({});
    expect(clientKey(xff("203.0.113.9"))).toBe(DIRECT_CLIENT);
  });

  it("refuses malformed settings with a clear message", () => {
    withEnv({ PARLEY_TRUSTED_PROXIES: "10.0.0.0/33" });
    expect(() => env()).toThrow(/not an IP address or CIDR/);
    withEnv({ PARLEY_TRUSTED_PROXIES: "proxy.internal" });
    expect(() => env()).toThrow(/not an IP address or CIDR/);
    withEnv({ PARLEY_TRUSTED_PROXY_HOPS: "0" });
    expect(() => env()).toThrow(/at least 1/);
    withEnv({ PARLEY_TRUSTED_PROXIES: "10.0.0.1", PARLEY_TRUSTED_PROXY_HOPS: "1" });
    expect(() => env()).toThrow(/not both/);
    withEnv({ PARLEY_CHAT_FRAME_ANCESTORS: "javascript:alert(1)" });
    expect(() => env()).toThrow(/not an origin/);
  });
});
