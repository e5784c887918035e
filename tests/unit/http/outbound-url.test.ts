import {
  API_BASE_URL_NOT_PUBLIC,
  API_BASE_URL_REFUSED,
  apiBaseUrlProblem,
  classifyAddress,
  guardedFetch,
  OutboundUrlError,
  parseIPv4,
  type LookupAll,
} from "@/lib/http/outbound-url";
import { describe, expect, it, vi } from "vitest";

describe("parseIPv4", () => {
  it.each([
    ["127.0.0.1", 0x7f000001],
    ["2130706433", 0x7f000001],
    ["0x7f.1", 0x7f000001],
    ["0177.0.0.1", 0x7f000001],
    ["0x7f000001", 0x7f000001],
    ["127.1", 0x7f000001],
    ["169.254.43518", 0xa9fea9fe],
    ["0", 0],
  ])("%s", (text, value) => expect(parseIPv4(text)).toBe(value));

  it.each(["256.0.0.1", "1.2.3.4.5", "08.1.1.1", "abc", "", "1..1", "4294967296"])(
    "refuses %s",
    (text) => expect(parseIPv4(text)).toBeNull(),
  );
});

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.1.9", "loopback"],
    ["2130706433", "loopback"],
    ["0x7f.1", "loopback"],
    ["0177.0.0.01", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared"],
    ["169.254.169.254", "link-local"],
    ["2852039166", "link-local"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["192.0.2.10", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["[::1]", "loopback"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["::ffff:127.0.0.1", "ipv4-mapped"],
    ["::ffff:7f00:1", "ipv4-mapped"],
    ["::ffff:8.8.8.8", "ipv4-mapped"],
    ["::127.0.0.1", "reserved"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
  ])("%s is %s", (address, kind) => expect(classifyAddress(address)).toBe(kind));

  it.each([
    "8.8.8.8",
    "172.32.0.1",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "64:ff9b::808:808",
    "2002:808:808::",
  ])("%s is public", (address) => expect(classifyAddress(address)).toBe("public"));

  it.each(["api.stripe.com", "localhost", "1.2.3.4.5", "g::1"])("%s is not an address", (text) =>
    expect(classifyAddress(text)).toBeNull(),
  );
});

const resolvesTo =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address }));

describe("apiBaseUrlProblem", () => {
  it("lets dev and tests point at local fakes", async () => {
    expect(await apiBaseUrlProblem("http://127.0.0.1:4010", { policy: "open" })).toBeNull();
    expect(await apiBaseUrlProblem("http://localhost:4010/v1", { policy: "open" })).toBeNull();
    expect(await apiBaseUrlProblem("ftp://example.com", { policy: "open" })).toBe(
      "Only http(s) URLs",
    );
  });

  it("refuses every override in production without the setting", async () => {
    const lookup = vi.fn(resolvesTo("93.184.216.34"));
    expect(await apiBaseUrlProblem("https://api.example.com", { policy: "refused", lookup })).toBe(
      API_BASE_URL_REFUSED,
    );
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each([
    "https://127.0.0.1",
    "https://2130706433/",
    "https://0x7f.1/",
    "https://0177.0.0.1/",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/",
    "https://[::ffff:169.254.169.254]/",
    "https://[fe80::1]/",
    "https://[fd00::1]/",
    "https://0.0.0.0/",
    "https://localhost/",
    "https://metadata.google.internal/",
    "http://93.184.216.34/",
    "https://user:pass@93.184.216.34/",
  ])("with the setting, still refuses %s", async (url) => {
    expect(await apiBaseUrlProblem(url, { policy: "public-https" })).toBe(API_BASE_URL_NOT_PUBLIC);
  });

  it("resolves names and checks every address", async () => {
    const policy = "public-https" as const;
    expect(
      await apiBaseUrlProblem("https://api.example.com", {
        policy,
        lookup: resolvesTo("93.184.216.34", "2606:4700::1"),
      }),
    ).toBeNull();
    expect(
      await apiBaseUrlProblem("https://rebind.example.com", {
        policy,
        lookup: resolvesTo("93.184.216.34", "10.0.0.5"),
      }),
    ).toBe(API_BASE_URL_NOT_PUBLIC);
    expect(
      await apiBaseUrlProblem("https://mapped.example.com", {
        policy,
        lookup: resolvesTo("::ffff:127.0.0.1"),
      }),
    ).toBe(API_BASE_URL_NOT_PUBLIC);
    expect(
      await apiBaseUrlProblem("https://nowhere.example.com", {
        policy,
        lookup: async () => {
          throw new Error("ENOTFOUND");
        },
      }),
    ).toMatch(/could not be resolved/);
  });
});

describe("guardedFetch", () => {
  it("is the plain fetch in dev and tests", () => {
    const base = vi.fn() as unknown as typeof fetch;
    expect(guardedFetch(base, { policy: "open" })).toBe(base);
  });

  it("checks each request and refuses redirects", async () => {
    const base = vi.fn(async () => new Response("ok"));
    const guarded = guardedFetch(base, {
      policy: "public-https",
      lookup: async (host) => [
        { address: host === "good.example.com" ? "93.184.216.34" : "10.0.0.1" },
      ],
    });
    await guarded("https://good.example.com/v1/x", { method: "POST" });
    expect(base).toHaveBeenCalledWith("https://good.example.com/v1/x", {
      method: "POST",
      redirect: "error",
    });
    await expect(guarded("https://bad.example.com/v1/x")).rejects.toBeInstanceOf(OutboundUrlError);
    await expect(guarded(new URL("https://169.254.169.254/"))).rejects.toThrow(
      API_BASE_URL_NOT_PUBLIC,
    );
    expect(base).toHaveBeenCalledTimes(1);
  });

  it("refuses every call in production without the setting", async () => {
    const base = vi.fn(async () => new Response("ok"));
    const guarded = guardedFetch(base, { policy: "refused" });
    await expect(guarded("https://api.example.com")).rejects.toThrow(API_BASE_URL_REFUSED);
    expect(base).not.toHaveBeenCalled();
  });
});
