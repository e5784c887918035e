import {
  adyenCheckoutBase,
  adyenConnector,
  type AdyenCredentials,
  adyenCredentialsSchema,
  adyenCredentialsSchemaFor,
  adyenDisputesBase,
} from "@/lib/connections/providers/adyen";
import { adyenDefenseDocuments } from "@/lib/connections/providers/adyen/disputes";
import {
  adyenHmac,
  adyenSigningString,
  isValidAdyenHmac,
} from "@/lib/connections/providers/adyen/hmac";
import {
  type AdyenNotificationItem,
  normalizeAdyenItem,
} from "@/lib/connections/providers/adyen/webhooks";
import { type ConnectorContext } from "@/lib/connections/providers/types";
import {
  adyenNotificationItem,
  type FakeAdyen,
  signAdyenItem,
  startFakeAdyen,
} from "@/tests/fakes/adyen-server";
import { closedPortUrl } from "@/tests/fakes/http-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutInputMaker, providerRejection } from "./helpers";

const HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

let fake: FakeAdyen;
let ctx: ConnectorContext<AdyenCredentials>;
let deadUrl: string;

beforeAll(async () => {
  fake = await startFakeAdyen();
  deadUrl = await closedPortUrl();
  ctx = {
    credentials: { apiKey: fake.apiKey, merchantAccount: fake.merchantAccount, hmacKey: HMAC_KEY },
    mode: "test",
    baseUrl: fake.url,
    appUrl: "https://parley.test",
    timeoutMs: 2000,
  };
});
afterAll(() => fake.close());

const checkoutInput = checkoutInputMaker("a", { methods: ["card", "apple_pay"] });

describe("Adyen credentials", () => {
  it("validates the form, requiring the live prefix only in live mode", () => {
    const good = { apiKey: "k", merchantAccount: "M", hmacKey: HMAC_KEY };
    expect(adyenCredentialsSchema.safeParse(good).success).toBe(true);
    const badKey = adyenCredentialsSchema.safeParse({ ...good, hmacKey: "abc" });
    expect(badKey.error?.issues[0]).toMatchObject({
      path: ["hmacKey"],
      message: expect.stringContaining("64 hexadecimal"),
    });
    expect(adyenCredentialsSchemaFor("test").safeParse(good).success).toBe(true);
    const live = adyenCredentialsSchemaFor("live").safeParse(good);
    expect(live.error?.issues[0]).toMatchObject({ path: ["liveUrlPrefix"] });
    expect(
      adyenCredentialsSchemaFor("live").safeParse({
        ...good,
        liveUrlPrefix: "1797a841fbb37ca7-AdyenDemo",
      }).success,
    ).toBe(true);
  });

  it("builds test, live and overridden endpoints", () => {
    const base = {
      credentials: {
        apiKey: "k",
        merchantAccount: "M",
        hmacKey: HMAC_KEY,
        liveUrlPrefix: "abc-Co",
      },
      appUrl: "x",
    };
    expect(adyenCheckoutBase({ ...base, mode: "test" })).toBe(
      "https://checkout-test.adyen.com/v71",
    );
    expect(adyenCheckoutBase({ ...base, mode: "live" })).toBe(
      "https://abc-Co-checkout-live.adyenpayments.com/checkout/v71",
    );
    expect(adyenDisputesBase({ ...base, mode: "live" })).toBe(
      "https://ca-live.adyen.com/ca/services/DisputeService/v30",
    );
    expect(adyenDisputesBase({ ...base, mode: "test", baseUrl: "http://127.0.0.1:9/" })).toBe(
      "http://127.0.0.1:9/ca/services/DisputeService/v30",
    );
  });

  it("accepts a working key and merchant account", async () => {
    expect(await adyenConnector.verifyCredentials(ctx)).toMatchObject({
      ok: true,
      accountLabel: fake.merchantAccount,
    });
  });

  it("reports Adyen's message for a wrong key or merchant account", async () => {
    const wrongKey = await adyenConnector.verifyCredentials({
      ...ctx,
      credentials: { ...ctx.credentials, apiKey: "nope" },
    });
    expect(wrongKey).toEqual({
      ok: false,
      reason: "invalid_credentials",
      message: "HTTP Status Response - Unauthorized (Adyen error 000)",
    });
    const wrongAccount = await adyenConnector.verifyCredentials({
      ...ctx,
      credentials: { ...ctx.credentials, merchantAccount: "Other" },
    });
    expect(wrongAccount).toMatchObject({
      ok: false,
      reason: "invalid_credentials",
      message: expect.stringContaining("Invalid Merchant Account"),
    });
  });

  it("reports an unreachable Adyen, and a live connection without its prefix", async () => {
    expect(await adyenConnector.verifyCredentials({ ...ctx, baseUrl: deadUrl })).toMatchObject({
      ok: false,
      reason: "unreachable",
    });
    const live = await adyenConnector.verifyCredentials({
      ...ctx,
      mode: "live",
      baseUrl: undefined,
    });
    expect(live).toMatchObject({
      ok: false,
      reason: "invalid_credentials",
      message: expect.stringContaining("live URL prefix"),
    });
  });
});

describe("Adyen capabilities", () => {
  it("offers wallets, local methods and the currencies Asia needs", () => {
    const caps = adyenConnector.capabilities(ctx);
    expect(caps.methods).toEqual(
      expect.arrayContaining([
        "card",
        "apple_pay",
        "google_pay",
        "alipay",
        "wechat_pay",
        "bank_transfer",
        "installments",
      ]),
    );
    expect(caps.currencies).toEqual(expect.arrayContaining(["IDR", "CNY", "JPY", "KWD", "EUR"]));
  });
});

describe("Adyen checkout (payment links)", () => {
  it("creates a payment link in minor units with our reference", async () => {
    const expiresAt = new Date("2030-01-02T03:04:05.678Z");
    const input = checkoutInput({
      amountMinor: 1250,
      currency: "EUR",
      locale: "nl-NL",
      expiresAt,
      methods: ["card", "wechat_pay", "bank_transfer"],
    });
    const result = await adyenConnector.createCheckout(ctx, input);
    expect(result.providerCheckoutId).toMatch(/^PL/);
    expect(result.url).toBe(`${fake.url}/payment-link/${result.providerCheckoutId}`);
    expect(result.expiresAt).toEqual(new Date("2030-01-02T03:04:05Z"));
    expect(fake.state.linkRequests.at(-1)).toMatchObject({
      merchantAccount: fake.merchantAccount,
      reference: input.paymentId,
      amount: { value: 1250, currency: "EUR" },
      returnUrl: input.successUrl,
      shopperLocale: "nl-NL",
      expiresAt: "2030-01-02T03:04:05Z",
      allowedPaymentMethods: ["scheme", "wechatpayQR", "ideal", "sepadirectdebit"],
    });
  });

  it("sends JPY and KWD amounts as their own minor units", async () => {
    await adyenConnector.createCheckout(ctx, checkoutInput({ amountMinor: 1200, currency: "JPY" }));
    expect(fake.state.linkRequests.at(-1)?.amount).toEqual({ value: 1200, currency: "JPY" });
    await adyenConnector.createCheckout(
      ctx,
      checkoutInput({ amountMinor: 12_500, currency: "KWD" }),
    );
    expect(fake.state.linkRequests.at(-1)?.amount).toEqual({ value: 12_500, currency: "KWD" });
  });

  it("returns the same link on a retry with the same idempotency key", async () => {
    const input = checkoutInput();
    const before = fake.state.linksCreated;
    const first = await adyenConnector.createCheckout(ctx, input);
    const retry = await adyenConnector.createCheckout(ctx, input);
    expect(retry.providerCheckoutId).toBe(first.providerCheckoutId);
    expect(fake.state.linksCreated - before).toBe(1);
  });

  it("refuses methods and currencies it cannot offer before calling Adyen", async () => {
    const before = fake.state.linksCreated;
    expect(
      (
        await providerRejection(
          adyenConnector.createCheckout(ctx, checkoutInput({ methods: ["paypal"] })),
        )
      ).kind,
    ).toBe("invalid_request");
    expect(
      (
        await providerRejection(
          adyenConnector.createCheckout(ctx, checkoutInput({ currency: "XYZ" })),
        )
      ).kind,
    ).toBe("invalid_request");
    expect(
      (
        await providerRejection(
          adyenConnector.createCheckout(ctx, checkoutInput({ amountMinor: 12.5 })),
        )
      ).kind,
    ).toBe("invalid_request");
    expect(fake.state.linksCreated).toBe(before);
  });

  it("maps the payment link's status", async () => {
    const { providerCheckoutId } = await adyenConnector.createCheckout(
      ctx,
      checkoutInput({ amountMinor: 777, currency: "IDR" }),
    );
    const status = async () => (await adyenConnector.fetchPayment(ctx, providerCheckoutId)).status;
    expect(await adyenConnector.fetchPayment(ctx, providerCheckoutId)).toEqual({
      providerPaymentId: providerCheckoutId,
      status: "pending",
      amountMinor: 777,
      currency: "IDR",
    });
    fake.setLinkStatus(providerCheckoutId, "paymentPending");
    expect(await status()).toBe("pending");
    fake.setLinkStatus(providerCheckoutId, "completed");
    expect(await status()).toBe("succeeded");
    fake.setLinkStatus(providerCheckoutId, "expired");
    expect(await status()).toBe("expired");
  });

  it("turns Adyen's error body into a ProviderError", async () => {
    const error = await providerRejection(adyenConnector.fetchPayment(ctx, "PLNOPE"));
    expect(error).toMatchObject({
      kind: "invalid_request",
      status: 404,
      message: "Payment link not found (Adyen error 000)",
    });
  });
});

describe("Adyen refunds", () => {
  it("requests a refund on the pspReference, idempotently, and reports it pending", async () => {
    const psp = fake.addPayment({ value: 5000, currency: "KWD" });
    const input = {
      providerPaymentId: psp,
      amountMinor: 1500,
      currency: "KWD",
      idempotencyKey: `rfd_${psp}`,
    };
    const first = await adyenConnector.refund(ctx, input);
    const retry = await adyenConnector.refund(ctx, input);
    expect(first.status).toBe("pending");
    expect(retry.providerRefundId).toBe(first.providerRefundId);
    expect(fake.state.refunds.filter((r) => r.paymentPspReference === psp)).toEqual([
      expect.objectContaining({
        pspReference: first.providerRefundId,
        amount: { value: 1500, currency: "KWD" },
        reference: input.idempotencyKey,
      }),
    ]);
  });

  it("passes Adyen's refusal through", async () => {
    const error = await providerRejection(
      adyenConnector.refund(ctx, {
        providerPaymentId: "UNKNOWN",
        amountMinor: 100,
        currency: "EUR",
        idempotencyKey: "rfd_x",
      }),
    );
    expect(error).toMatchObject({ kind: "invalid_request", providerCode: "167" });
  });
});

describe("Adyen disputes", () => {
  const PDF = new Uint8Array(Buffer.from("%PDF-1.7 pack", "latin1"));
  const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);

  it("defends: reads the reasons, uploads each document under a type it lists, then defends", async () => {
    const dispute = fake.addDispute("DSP-1");
    const calls = fake.state.disputeCalls.length;
    await adyenConnector.submitDisputeEvidence(ctx, {
      providerDisputeId: "DSP-1",
      fields: { uncategorizedText: "Collected at the counter." },
      files: [
        {
          id: "pack",
          slot: "customer_communication",
          name: "pack.pdf",
          contentType: "application/pdf",
          bytes: PDF,
        },
        {
          id: "dev_1",
          slot: "service_documentation",
          name: "pickup.jpg",
          contentType: "image/jpeg",
          bytes: JPEG,
        },
      ],
      idempotencyKey: "submit:dsp_1",
      submit: true,
    });
    expect(fake.state.disputeCalls.slice(calls)).toEqual([
      "retrieveApplicableDefenseReasons",
      "supplyDefenseDocument",
      "defendDispute",
    ]);
    expect(dispute.defendedWith).toBe("GoodsOrServicesProvided");
    expect(dispute.documents.map((d) => [d.contentType, d.defenseDocumentTypeCode])).toEqual([
      ["application/pdf", "DefenseMaterial"],
      ["image/jpeg", "GoodsOrServicesProvided"],
    ]);
    expect(Buffer.from(dispute.documents[0].content, "base64").toString("latin1")).toBe(
      "%PDF-1.7 pack",
    );
  });

  it("maps slots to the reason's document types and refuses PNG, which Adyen does not take", () => {
    const types = ["DefenseMaterial", "TIDorInvoice", "ProofOfDelivery"];
    expect(
      adyenDefenseDocuments(
        [
          { slot: "receipt", contentType: "application/pdf", bytes: PDF },
          { slot: "shipping_documentation", contentType: "image/jpeg", bytes: JPEG },
          { slot: "refund_policy", contentType: "application/pdf", bytes: PDF },
        ],
        types,
      ).map((d) => d.defenseDocumentTypeCode),
    ).toEqual(["TIDorInvoice", "ProofOfDelivery", "DefenseMaterial"]);
    expect(() =>
      adyenDefenseDocuments([{ slot: "receipt", contentType: "image/png", bytes: PDF }], types),
    ).toThrow(/not PNG/);
  });

  it("keeps no drafts: staging is refused before anything is sent", async () => {
    fake.addDispute("DSP-2");
    const calls = fake.state.disputeCalls.length;
    const error = await providerRejection(
      adyenConnector.submitDisputeEvidence(ctx, {
        providerDisputeId: "DSP-2",
        fields: {},
        files: [],
        idempotencyKey: "stage:dsp_2",
        submit: false,
      }),
    );
    expect(error.kind).toBe("invalid_request");
    expect(fake.state.disputeCalls.length).toBe(calls);
  });

  it("accepts a dispute, and reports Adyen's in-body refusals", async () => {
    const dispute = fake.addDispute("DSP-3");
    await adyenConnector.acceptDispute(ctx, "DSP-3", "accept:1");
    expect(dispute.accepted).toBe(true);
    const again = await providerRejection(adyenConnector.acceptDispute(ctx, "DSP-3", "accept:1"));
    expect(again.message).toBe("Dispute is already accepted");
    const unknown = await providerRejection(
      adyenConnector.acceptDispute(ctx, "DSP-404", "accept:2"),
    );
    expect(unknown.message).toContain("Could not find dispute");
  });
});

describe("Adyen HMAC", () => {
  it("matches Adyen's published test vector", () => {
    // Key, item and signature from Adyen's own library tests (hmacValidator.spec).
    const item = {
      pspReference: "pspReference",
      originalReference: "originalReference",
      merchantAccountCode: "merchantAccount",
      merchantReference: "reference",
      amount: { value: 1000, currency: "EUR" },
      eventCode: "CAPTURE",
      success: "true",
    };
    const key = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
    expect(adyenSigningString(item)).toBe(
      "pspReference:originalReference:merchantAccount:reference:1000:EUR:CAPTURE:true",
    );
    expect(adyenHmac(item, key)).toBe("xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=");
  });

  it("uses empty strings for missing fields", () => {
    expect(
      adyenSigningString({
        pspReference: "P",
        merchantAccountCode: "M",
        amount: { value: 0, currency: "EUR" },
        eventCode: "AUTHORISATION",
        success: "true",
      }),
    ).toBe("P::M::0:EUR:AUTHORISATION:true");
  });

  it("signs colons and backslashes in references raw, as Adyen does", () => {
    const item = {
      pspReference: "P1",
      merchantAccountCode: "M",
      merchantReference: "order:12\\a",
      amount: { value: 5, currency: "EUR" },
      eventCode: "AUTHORISATION",
      success: "true" as const,
    };
    expect(adyenSigningString(item)).toBe("P1::M:order:12\\a:5:EUR:AUTHORISATION:true");
    expect(isValidAdyenHmac(item, signAdyenItem(item, HMAC_KEY), HMAC_KEY)).toBe(true);
    // A signature over the escaped form (the retired HPP scheme) is not Adyen's webhook signature.
    const escaped = { ...item, merchantReference: "order\\:12\\\\a" };
    expect(isValidAdyenHmac(item, signAdyenItem(escaped, HMAC_KEY), HMAC_KEY)).toBe(false);
  });

  it("rejects a wrong key and a truncated signature", () => {
    const item = {
      pspReference: "P2",
      merchantAccountCode: "M",
      amount: { value: 5, currency: "EUR" },
      eventCode: "REFUND",
      success: "true" as const,
    };
    const signature = signAdyenItem(item, HMAC_KEY);
    expect(isValidAdyenHmac(item, signature, "00".repeat(32))).toBe(false);
    expect(isValidAdyenHmac(item, signature.slice(0, 20), HMAC_KEY)).toBe(false);
    expect(isValidAdyenHmac(item, undefined, HMAC_KEY)).toBe(false);
  });
});

describe("Adyen webhooks", () => {
  const request = (body: unknown) => ({
    rawBody: typeof body === "string" ? body : JSON.stringify(body),
    headers: new Headers(),
    url: "https://parley.test/api/webhooks/con_a",
  });
  const authorisation = (overrides: Partial<Parameters<typeof adyenNotificationItem>[0]> = {}) =>
    adyenNotificationItem(
      {
        pspReference: "8815329842815468",
        merchantAccountCode: fake.merchantAccount,
        merchantReference: "pay_w1",
        amount: { value: 1250, currency: "EUR" },
        eventCode: "AUTHORISATION",
        success: "true",
        paymentMethod: "visa",
        ...overrides,
      },
      HMAC_KEY,
    );

  it("verifies every item and normalizes a batch", async () => {
    const body = {
      live: "false",
      notificationItems: [
        authorisation(),
        authorisation({
          pspReference: "8815329842815469",
          merchantReference: "pay_w2",
          success: "false",
          reason: "Refused",
          paymentMethod: "alipay",
        }),
      ],
    };
    const result = await adyenConnector.parseWebhook(ctx, request(body));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events[0]).toEqual({
      providerEventId: "8815329842815468:AUTHORISATION:true",
      type: "payment.succeeded",
      rawType: "AUTHORISATION",
      occurredAt: new Date("2026-03-01T09:00:00Z"),
      providerPaymentId: "8815329842815468",
      paymentId: "pay_w1",
      amountMinor: 1250,
      currency: "EUR",
      method: "card",
    });
    expect(result.events[1]).toMatchObject({
      providerEventId: "8815329842815469:AUTHORISATION:false",
      type: "payment.failed",
      method: "alipay",
      failure: { code: "AUTHORISATION", message: "Refused" },
    });
  });

  it("verifies merchant references containing colons and backslashes", async () => {
    const result = await adyenConnector.parseWebhook(
      ctx,
      request({
        live: "false",
        notificationItems: [authorisation({ merchantReference: "pay:odd\\ref:" })],
      }),
    );
    expect(result.ok && result.events[0].paymentId).toBe("pay:odd\\ref:");
  });

  it("rejects the whole batch when one item is forged or tampered", async () => {
    const forged = authorisation();
    forged.NotificationRequestItem.additionalData.hmacSignature = signAdyenItem(
      { ...forged.NotificationRequestItem, amount: { value: 1250, currency: "EUR" } },
      "11".repeat(32),
    );
    expect(
      await adyenConnector.parseWebhook(
        ctx,
        request({ live: "false", notificationItems: [authorisation(), forged] }),
      ),
    ).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });

    const tampered = authorisation();
    tampered.NotificationRequestItem.amount = { value: 1, currency: "EUR" };
    expect(
      await adyenConnector.parseWebhook(
        ctx,
        request({ live: "false", notificationItems: [tampered] }),
      ),
    ).toMatchObject({ ok: false, reason: "bad_signature" });

    const unsigned = authorisation();
    delete (unsigned.NotificationRequestItem.additionalData as Record<string, string | undefined>)
      .hmacSignature;
    expect(
      await adyenConnector.parseWebhook(
        ctx,
        request({ live: "false", notificationItems: [unsigned] }),
      ),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("never refuses old deliveries: Adyen retries for days", async () => {
    const old = authorisation({ eventDate: "2020-01-01T00:00:00+01:00" });
    const result = await adyenConnector.parseWebhook(
      ctx,
      request({ live: "false", notificationItems: [old] }),
    );
    expect(result.ok && result.events[0].occurredAt).toEqual(new Date("2019-12-31T23:00:00Z"));
  });

  it("reports malformed bodies", async () => {
    expect(await adyenConnector.parseWebhook(ctx, request("[accepted"))).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(
      await adyenConnector.parseWebhook(ctx, request({ live: "false", notificationItems: [] })),
    ).toMatchObject({ ok: false, reason: "malformed" });
    expect(
      await adyenConnector.parseWebhook(
        ctx,
        request({
          live: "false",
          notificationItems: [{ NotificationRequestItem: { eventCode: "X" } }],
        }),
      ),
    ).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });

  it("keeps unknown event codes as unknown and drops other merchant accounts' items", async () => {
    const report = authorisation({
      eventCode: "REPORT_AVAILABLE",
      pspReference: "settlement_detail_report_batch_1.csv",
    });
    const other = adyenNotificationItem(
      {
        pspReference: "X1",
        merchantAccountCode: "AnotherECOM",
        amount: { value: 1, currency: "EUR" },
        eventCode: "AUTHORISATION",
        success: "true",
      },
      HMAC_KEY,
    );
    const result = await adyenConnector.parseWebhook(
      ctx,
      request({ live: "false", notificationItems: [report, other] }),
    );
    expect(result.ok && result.events.map((e) => [e.type, e.rawType])).toEqual([
      ["unknown", "REPORT_AVAILABLE"],
    ]);
  });

  it("acknowledges with exactly [accepted]", () => {
    expect(adyenConnector.webhookAck()).toEqual({
      status: 200,
      body: "[accepted]",
      contentType: "text/plain",
    });
  });
});

describe("Adyen event mapping", () => {
  const item = (overrides: Partial<AdyenNotificationItem>): AdyenNotificationItem => ({
    pspReference: "MOD1",
    originalReference: "PAY1",
    merchantAccountCode: "M",
    merchantReference: "pay_m",
    amount: { value: 300, currency: "KWD" },
    eventCode: "AUTHORISATION",
    success: "true",
    ...overrides,
  });

  it("keeps the shopper's IP of a refusal, when Adyen sends it (for card-testing alerts)", () => {
    const refused = item({
      success: "false",
      reason: "Refused",
      additionalData: { shopperIP: "198.51.100.23" },
    });
    expect(normalizeAdyenItem(refused)).toMatchObject({
      type: "payment.failed",
      clientIp: "198.51.100.23",
    });
    expect(normalizeAdyenItem(item({ success: "false" })).clientIp).toBeUndefined();
  });

  it("maps cancellations, expiry and pending", () => {
    expect(
      normalizeAdyenItem(
        item({ eventCode: "CANCELLATION", originalReference: undefined, pspReference: "PAY1" }),
      ).type,
    ).toBe("payment.canceled");
    expect(normalizeAdyenItem(item({ eventCode: "OFFER_CLOSED" })).type).toBe("payment.expired");
    expect(normalizeAdyenItem(item({ eventCode: "PENDING" })).type).toBe("payment.pending");
  });

  it("maps refunds onto the original payment", () => {
    expect(normalizeAdyenItem(item({ eventCode: "REFUND" }))).toMatchObject({
      type: "refund.succeeded",
      providerPaymentId: "PAY1",
      refund: { providerRefundId: "MOD1", amountMinor: 300, currency: "KWD" },
    });
    expect(
      normalizeAdyenItem(
        item({ eventCode: "REFUND", success: "false", reason: "Insufficient balance" }),
      ),
    ).toMatchObject({
      type: "refund.failed",
      failure: { message: "Insufficient balance" },
    });
    expect(normalizeAdyenItem(item({ eventCode: "REFUND_FAILED" })).type).toBe("refund.failed");
    expect(
      normalizeAdyenItem(
        item({
          eventCode: "CANCEL_OR_REFUND",
          additionalData: { "modification.action": "refund" },
        }),
      ).type,
    ).toBe("refund.succeeded");
  });

  it("maps the dispute lifecycle with the defense deadline", () => {
    const opened = normalizeAdyenItem(
      item({
        eventCode: "NOTIFICATION_OF_CHARGEBACK",
        reason: "Merchandise/Services Not Received",
        additionalData: {
          chargebackReasonCode: "13.1",
          defensePeriodEndsAt: "2026-03-21T10:00:00+01:00",
          disputeStatus: "Undefended",
        },
      }),
    );
    expect(opened).toMatchObject({
      type: "dispute.opened",
      providerPaymentId: "PAY1",
      dispute: {
        providerDisputeId: "MOD1",
        reason: "product_not_received",
        providerReason: "Merchandise/Services Not Received",
        amountMinor: 300,
        currency: "KWD",
        dueBy: new Date("2026-03-21T09:00:00Z"),
      },
    });
    expect(normalizeAdyenItem(item({ eventCode: "CHARGEBACK" })).type).toBe("dispute.opened");
    expect(normalizeAdyenItem(item({ eventCode: "REQUEST_FOR_INFORMATION" })).type).toBe(
      "dispute.opened",
    );
    expect(
      normalizeAdyenItem(
        item({ eventCode: "CHARGEBACK", additionalData: { disputeStatus: "Accepted" } }),
      ).type,
    ).toBe("dispute.lost");
    expect(normalizeAdyenItem(item({ eventCode: "CHARGEBACK_REVERSED" })).type).toBe("dispute.won");
    // A second chargeback opens pre-arbitration; without a stated disputeStatus (payments
    // processed in Brazil) it is not read as lost.
    expect(normalizeAdyenItem(item({ eventCode: "SECOND_CHARGEBACK" })).type).toBe(
      "dispute.updated",
    );
    expect(
      normalizeAdyenItem(
        item({ eventCode: "SECOND_CHARGEBACK", additionalData: { disputeStatus: "Lost" } }),
      ).type,
    ).toBe("dispute.lost");
    expect(normalizeAdyenItem(item({ eventCode: "INFORMATION_SUPPLIED" })).type).toBe(
      "dispute.updated",
    );
  });
});

describe("Adyen refund outcomes", () => {
  const item = (overrides: Partial<AdyenNotificationItem>): AdyenNotificationItem => ({
    pspReference: "RFD1",
    originalReference: "PAY1",
    merchantAccountCode: "M",
    merchantReference: "pay_m",
    amount: { value: 300, currency: "EUR" },
    eventCode: "REFUND",
    success: "true",
    ...overrides,
  });

  it("keys refunds by eventCode: REFUND success=false and REFUND_FAILED are failures", () => {
    expect(normalizeAdyenItem(item({})).type).toBe("refund.succeeded");
    expect(normalizeAdyenItem(item({ success: "false" })).type).toBe("refund.failed");
    // REFUND_FAILED arrives with success=true: it fails an earlier successful REFUND.
    const failed = normalizeAdyenItem(item({ eventCode: "REFUND_FAILED" }));
    expect(failed).toMatchObject({ type: "refund.failed", refund: { providerRefundId: "RFD1" } });
  });

  it("has no refund lookup, and says so instead of guessing", async () => {
    expect(
      await adyenConnector.fetchRefund(ctx, {
        providerPaymentId: "PAY1",
        providerRefundId: "RFD1",
        idempotencyKey: "ref_1",
      }),
    ).toMatchObject({
      kind: "unanswerable",
      message: expect.stringMatching(/REFUND notification/),
    });
  });
});
