import { sealCredentials } from "@/lib/connections/credentials";
import { adyenConnector } from "@/lib/connections/providers/adyen";
import { coinbaseConnector } from "@/lib/connections/providers/coinbase";
import { PROVIDER_TIMEOUT_MS } from "@/lib/connections/providers/http";
import { paypalConnector } from "@/lib/connections/providers/paypal";
import {
  connectorContext,
  connectorFor,
  overrideConnector,
} from "@/lib/connections/providers/registry";
import { sandboxConnector } from "@/lib/connections/providers/sandbox";
import { stripeConnector } from "@/lib/connections/providers/stripe";
import { PROVIDER_KINDS, type Connector } from "@/lib/connections/providers/types";
import { credentialFieldErrors, normalizeCredentials } from "@/lib/connections/schemas";
import { generateMasterKey } from "@/lib/crypto/secrets";
import { resetEnvCache } from "@/lib/env";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

beforeAll(() => {
  process.env.PARLEY_MASTER_KEYS ??= `v1:${generateMasterKey()}`;
  process.env.PARLEY_APP_URL = "https://parley.example/";
  resetEnvCache();
});

describe("connector registry", () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it("has one connector per provider, of that provider", () => {
    const expected = {
      sandbox: sandboxConnector,
      stripe: stripeConnector,
      paypal: paypalConnector,
      adyen: adyenConnector,
      coinbase: coinbaseConnector,
    };
    for (const kind of PROVIDER_KINDS) {
      expect(connectorFor(kind)).toBe(expected[kind]);
      expect(connectorFor(kind).kind).toBe(kind);
    }
  });

  it("lets a test swap one provider's connector and puts it back", () => {
    const fake = { ...stripeConnector, kind: "stripe" } as Connector<unknown>;
    restore = overrideConnector("stripe", fake);
    expect(connectorFor("stripe")).toBe(fake);
    expect(connectorFor("paypal")).toBe(paypalConnector);
    restore();
    restore = undefined;
    expect(connectorFor("stripe")).toBe(stripeConnector);
  });

  it("builds the context from a stored connection: decrypted credentials, origin override, app URL", () => {
    const credentials = { secretKey: "sk_test_abc", webhookSecret: "whsec_abc" };
    const sealed = sealCredentials("stripe", credentials, "con_1");
    const ctx = connectorContext({
      id: "con_1",
      merchantId: "mer_1",
      provider: "stripe",
      mode: "test",
      apiBaseUrl: "http://127.0.0.1:9999",
      credentialsEncrypted: sealed.credentialsEncrypted,
    });
    expect(ctx).toMatchObject({
      credentials,
      mode: "test",
      baseUrl: "http://127.0.0.1:9999",
      appUrl: "https://parley.example",
      timeoutMs: PROVIDER_TIMEOUT_MS,
    });
  });

  it("refuses credentials sealed for another connection", () => {
    const sealed = sealCredentials("stripe", { secretKey: "sk_test_abc" }, "con_1");
    expect(() =>
      connectorContext({
        id: "con_2",
        merchantId: "mer_1",
        provider: "stripe",
        mode: "test",
        apiBaseUrl: null,
        credentialsEncrypted: sealed.credentialsEncrypted,
      }),
    ).toThrow();
  });
});

describe("credential checks per provider", () => {
  it("keys every error by credentials.<field>", () => {
    expect(
      credentialFieldErrors("stripe", "test", {
        secretKey: "sk_live_abc",
        webhookSecret: "whsec_1",
      }),
    ).toEqual({
      "credentials.secretKey": [expect.stringMatching(/live key/)],
    });
    expect(Object.keys(credentialFieldErrors("paypal", "test", {}) ?? {}).sort()).toEqual([
      "credentials.clientId",
      "credentials.clientSecret",
      "credentials.webhookId",
    ]);
    const hmacKey = "A".repeat(64);
    expect(
      credentialFieldErrors("adyen", "test", { apiKey: "k", merchantAccount: "M", hmacKey }),
    ).toBeNull();
    expect(
      credentialFieldErrors("adyen", "live", { apiKey: "k", merchantAccount: "M", hmacKey }),
    ).toEqual({
      "credentials.liveUrlPrefix": [expect.any(String)],
    });
    expect(credentialFieldErrors("sandbox", "test", {})).toBeNull();
  });

  it("stores only the fields a provider knows, trimmed", () => {
    expect(
      normalizeCredentials("stripe", "test", {
        secretKey: " sk_test_abc ",
        webhookSecret: "whsec_1",
        extra: "nope",
      }),
    ).toEqual({ secretKey: "sk_test_abc", webhookSecret: "whsec_1" });
    expect(
      normalizeCredentials("adyen", "test", {
        apiKey: "k",
        merchantAccount: "M",
        hmacKey: "A".repeat(64),
        liveUrlPrefix: "",
      }),
    ).toEqual({ apiKey: "k", merchantAccount: "M", hmacKey: "A".repeat(64) });
  });
});
