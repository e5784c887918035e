import { telegramCapabilities } from "@/lib/channels/platforms/telegram";
import { webCapabilities } from "@/lib/channels/platforms/web";
import {
  availableMethodsFor,
  type ConnectionOffer,
  pickConnection,
} from "@/lib/conversations/checkout/methods";
import { describe, expect, it } from "vitest";

const sandbox: ConnectionOffer = {
  id: "con_sbx",
  provider: "sandbox",
  mode: "test",
  status: "active",
  methods: ["card", "apple_pay", "paypal"],
  currencies: ["EUR", "USD"],
};
const stripe: ConnectionOffer = {
  id: "con_str",
  provider: "stripe",
  mode: "test",
  status: "active",
  methods: ["card", "google_pay", "alipay"],
  currencies: ["EUR"],
};
const adyenIdr: ConnectionOffer = {
  id: "con_ady",
  provider: "adyen",
  mode: "test",
  status: "active",
  methods: ["bank_transfer", "installments"],
  currencies: ["IDR"],
};
const disabled: ConnectionOffer = {
  id: "con_off",
  provider: "paypal",
  mode: "test",
  status: "disabled",
  methods: ["wechat_pay"],
  currencies: ["EUR"],
};

describe("availableMethodsFor", () => {
  it("unites the methods of active connections that take the flow's currency, in a fixed order", () => {
    expect(
      availableMethodsFor([stripe, sandbox, adyenIdr, disabled], "test", "EUR", webCapabilities),
    ).toEqual(["card", "apple_pay", "google_pay", "paypal", "alipay"]);
    expect(
      availableMethodsFor([stripe, sandbox, adyenIdr, disabled], "test", "IDR", webCapabilities),
    ).toEqual(["bank_transfer", "installments"]);
    expect(availableMethodsFor([stripe, sandbox], "test", "GBP", webCapabilities)).toEqual([]);
  });

  it("matches currencies whatever their case", () => {
    expect(
      availableMethodsFor([{ ...stripe, currencies: ["eur"] }], "test", "EUR", webCapabilities),
    ).toEqual(["card", "google_pay", "alipay"]);
  });

  it("drops wallets on channels that can't present them", () => {
    expect(availableMethodsFor([stripe, sandbox], "test", "EUR", telegramCapabilities)).toEqual([
      "card",
      "paypal",
      "alipay",
    ]);
    expect(availableMethodsFor([stripe, sandbox], "test", "EUR", { wallets: true })).toContain(
      "apple_pay",
    );
  });

  it("offers nothing from disabled or failing connections", () => {
    expect(
      availableMethodsFor(
        [disabled, { ...sandbox, status: "error" }],
        "test",
        "EUR",
        webCapabilities,
      ),
    ).toEqual([]);
  });
});

describe("pickConnection", () => {
  const all = [stripe, sandbox, adyenIdr, disabled];

  it("uses the pay node's own connection, and only if it takes the currency", () => {
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        methods: ["card"],
        connectionId: "con_sbx",
        preferSandbox: false,
      })?.id,
    ).toBe("con_sbx");
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        methods: ["card"],
        connectionId: "con_ady",
        preferSandbox: false,
      }),
    ).toBeUndefined();
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        methods: ["wechat_pay"],
        connectionId: "con_off",
        preferSandbox: false,
      }),
    ).toBeUndefined();
  });

  it("takes the first connection offering the chosen method", () => {
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        method: "card",
        methods: ["card"],
        preferSandbox: false,
      })?.id,
    ).toBe("con_str");
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        method: "paypal",
        methods: ["paypal"],
        preferSandbox: false,
      })?.id,
    ).toBe("con_sbx");
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        method: "wechat_pay",
        methods: ["wechat_pay"],
        preferSandbox: false,
      }),
    ).toBeUndefined();
  });

  it("puts Sandbox first when asked (simulations, demo data)", () => {
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        method: "card",
        methods: ["card"],
        preferSandbox: true,
      })?.id,
    ).toBe("con_sbx");
    // …but never for a method Sandbox lacks.
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        method: "alipay",
        methods: ["alipay"],
        preferSandbox: true,
      })?.id,
    ).toBe("con_str");
  });

  it("without a chosen method, covers the most of the link's methods", () => {
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        methods: ["card", "google_pay", "alipay"],
        preferSandbox: false,
      })?.id,
    ).toBe("con_str");
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        methods: ["paypal", "apple_pay"],
        preferSandbox: false,
      })?.id,
    ).toBe("con_sbx");
    expect(
      pickConnection(all, {
        mode: "test",
        currency: "EUR",
        methods: ["bank_transfer"],
        preferSandbox: false,
      }),
    ).toBeUndefined();
  });
});
