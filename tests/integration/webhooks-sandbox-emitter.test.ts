import type { Db, DbHandle } from "@/db/client";
import { disputes, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import {
  escalateSandboxDispute,
  openSandboxDispute,
  sendSandboxDisputeOutcome,
} from "@/lib/connections/sandbox-disputes";
import {
  completeSandboxCheckout,
  getSandboxCheckout,
  type SandboxTransport,
} from "@/lib/connections/sandbox-emitter";
import { resetEnvCache } from "@/lib/env";
import { ConflictError } from "@/lib/errors";
import { createCheckout } from "@/lib/payments/checkout";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { and, eq } from "drizzle-orm";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  eventsOf,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

describe.each(ENGINES)("Sandbox emitter on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let counter = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db, "Warung Sari"));
    ({ id: connectionId } = await sandboxConnection(owner));
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Delivers in-process to the route's handler, as the provider's POST would. */
  const toRoute: SandboxTransport = (url, init) => {
    const target = new URL(url).pathname.split("/").at(-1)!;
    return handleWebhookRequest(db, target, new Request(url, init));
  };

  async function newPayment(amountMinor = 45_000, currency = "IDR"): Promise<Payment> {
    counter += 1;
    return createCheckout(db, merchantId, {
      connectionId,
      amountMinor,
      currency,
      description: "Nasi goreng ×2",
      idempotencyKey: `emitter-${engine}-${counter}`,
    });
  }

  /** A payment the tester has paid on the hosted page (the webhook applied). */
  async function paidPayment(): Promise<Payment> {
    const payment = await newPayment();
    await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded" },
      toRoute,
    );
    return payment;
  }

  it("shows the hosted page what it needs, and nothing for unknown ids", async () => {
    const payment = await newPayment();
    const checkout = await getSandboxCheckout(db, payment.providerCheckoutId!);
    expect(checkout).toEqual({
      payment: {
        id: payment.id,
        amountMinor: 45_000,
        currency: "IDR",
        description: "Nasi goreng ×2",
        status: "created",
        merchantName: "Warung Sari",
        expiresAt: null,
      },
      connectionId,
      merchantId,
    });
    expect(await getSandboxCheckout(db, "sbxcs_000000000000000000000000")).toBeNull();
    expect(await getSandboxCheckout(db, "not-an-id")).toBeNull();
  });

  it("pays: signed events through the webhook route, applied", async () => {
    const payment = await newPayment();
    const result = await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded" },
      toRoute,
    );
    expect(result.deliveries).toEqual([200, 200]);
    expect(result.events.map((e) => e.type)).toEqual(["payment.pending", "payment.succeeded"]);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    await expect(
      completeSandboxCheckout(db, payment.providerCheckoutId!, { outcome: "succeeded" }, toRoute),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("declines with the chosen code", async () => {
    const payment = await newPayment();
    await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "declined", declineCode: "insufficient_funds" },
      toRoute,
    );
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "failed",
      failureCode: "insufficient_funds",
      failureMessage: "Your card has insufficient funds.",
    });
  });

  it("asks for 3-D Secure, then completes after the challenge", async () => {
    const payment = await newPayment();
    await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "requires_action" },
      toRoute,
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("requires_action");
    await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded" },
      toRoute,
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
  });

  it("times out into an expired checkout", async () => {
    const payment = await newPayment();
    await completeSandboxCheckout(db, payment.providerCheckoutId!, { outcome: "timeout" }, toRoute);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("expired");
  });

  it("sends duplicates out of order and still lands on the right state once", async () => {
    const payment = await newPayment();
    const result = await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded", delivery: { duplicate: true, outOfOrder: true } },
      toRoute,
    );
    expect(result.deliveries).toEqual([200, 200, 200, 200]);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    const provider = (await eventsOf(db, merchantId, payment.id)).filter(
      (e) => e.source === "provider",
    );
    expect(provider.map((e) => e.type).sort()).toEqual(["payment.pending", "payment.succeeded"]);
  });

  it("delivers later without making the caller wait", async () => {
    const payment = await newPayment();
    const result = await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded", delivery: { delayMs: 30 } },
      toRoute,
    );
    expect(result).toMatchObject({ scheduled: true, deliveries: [] });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
    const deadline = Date.now() + 5000;
    while (
      (await paymentRow(db, merchantId, payment.id)).status !== "succeeded" &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
  });

  it("opens a dispute on a paid payment only", async () => {
    const unpaid = await newPayment();
    await expect(
      openSandboxDispute(db, merchantId, unpaid.id, { reason: "fraudulent" }, toRoute),
    ).rejects.toBeInstanceOf(ConflictError);
    const payment = await paidPayment();
    await openSandboxDispute(
      db,
      merchantId,
      payment.id,
      { reason: "product_not_received" },
      toRoute,
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("disputed");
    const [row] = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, payment.id)));
    expect(row).toMatchObject({
      reason: "product_not_received",
      status: "needs_response",
      amountMinor: 45_000,
      currency: "IDR",
    });
    expect(row.dueBy!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    await expect(openSandboxDispute(db, "mer_someoneElse", payment.id)).rejects.toMatchObject({
      status: 404,
    });
  });

  it("sends the bank's outcome on an open dispute once: won closes the case", async () => {
    const payment = await paidPayment();
    await openSandboxDispute(db, merchantId, payment.id, { reason: "fraudulent" }, toRoute);
    const [opened] = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, payment.id)));
    await expect(
      sendSandboxDisputeOutcome(db, "mer_someoneElse", opened.id, "won", toRoute),
    ).rejects.toMatchObject({ status: 404 });
    await sendSandboxDisputeOutcome(db, merchantId, opened.id, "won", toRoute);
    const [closed] = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, opened.id)));
    expect(closed).toMatchObject({ status: "won", providerDisputeId: opened.providerDisputeId });
    expect(closed.closedAt).not.toBeNull();
    // The bank has decided: a second decision is refused before anything is sent.
    await expect(
      sendSandboxDisputeOutcome(db, merchantId, opened.id, "lost", toRoute),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  async function disputeOf(paymentId: string) {
    const rows = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, paymentId)));
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  const DAY = 86_400_000;

  it("opens at the inquiry stage, then the bank escalates the same case to a chargeback", async () => {
    const payment = await paidPayment();
    const openedAt = new Date(Date.now() - 60_000);
    await openSandboxDispute(
      db,
      merchantId,
      payment.id,
      { reason: "unrecognized", stage: "inquiry" },
      toRoute,
      openedAt,
    );
    const inquiry = await disputeOf(payment.id);
    expect(inquiry).toMatchObject({ stage: "inquiry", status: "needs_response" });
    expect(inquiry.dueBy!.getTime()).toBe(
      Math.floor((openedAt.getTime() + 10 * DAY) / 1000) * 1000,
    );

    await escalateSandboxDispute(db, "mer_someoneElse", inquiry.id, toRoute).then(
      () => expect.fail("another merchant escalated"),
      (error: unknown) => expect(error).toMatchObject({ status: 404 }),
    );
    const escalatedAt = new Date();
    const result = await escalateSandboxDispute(db, merchantId, inquiry.id, toRoute, escalatedAt);
    expect(result).toMatchObject({ stage: "chargeback", deliveries: [200] });
    const chargeback = await disputeOf(payment.id);
    expect(chargeback).toMatchObject({
      id: inquiry.id,
      providerDisputeId: inquiry.providerDisputeId,
      stage: "chargeback",
      status: "needs_response",
    });
    expect(chargeback.dueBy!.getTime()).toBe(
      Math.floor((escalatedAt.getTime() + 7 * DAY) / 1000) * 1000,
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("disputed");
  });

  it("a won chargeback escalates to pre-arbitration, and pre-arbitration goes no further", async () => {
    const payment = await paidPayment();
    await openSandboxDispute(db, merchantId, payment.id, { stage: "chargeback" }, toRoute);
    const opened = await disputeOf(payment.id);
    expect(opened).toMatchObject({ stage: "chargeback", status: "needs_response" });
    await sendSandboxDisputeOutcome(db, merchantId, opened.id, "won", toRoute);
    expect(await disputeOf(payment.id)).toMatchObject({ status: "won", outcome: "won" });

    await escalateSandboxDispute(db, merchantId, opened.id, toRoute);
    const appeal = await disputeOf(payment.id);
    expect(appeal).toMatchObject({
      id: opened.id,
      stage: "pre_arbitration",
      status: "needs_response",
      outcome: null,
      closedAt: null,
    });
    expect(appeal.dueBy!.getTime()).toBeGreaterThan(opened.dueBy!.getTime());
    // The payment folds disputes by stage too: the appeal holds the money again.
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("disputed");

    await expect(escalateSandboxDispute(db, merchantId, opened.id, toRoute)).rejects.toThrow(
      /already at pre-arbitration/,
    );
    await expect(escalateSandboxDispute(db, merchantId, opened.id, toRoute)).rejects.toBeInstanceOf(
      ConflictError,
    );

    // The bank decides the appeal: the case and the payment end it together.
    await sendSandboxDisputeOutcome(db, merchantId, opened.id, "won", toRoute);
    expect(await disputeOf(payment.id)).toMatchObject({
      stage: "pre_arbitration",
      status: "won",
      outcome: "won",
    });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
  });

  it("refuses to escalate a case the merchant lost: the cardholder already has the money", async () => {
    const payment = await paidPayment();
    await openSandboxDispute(db, merchantId, payment.id, {}, toRoute);
    const opened = await disputeOf(payment.id);
    await sendSandboxDisputeOutcome(db, merchantId, opened.id, "lost", toRoute);
    await expect(escalateSandboxDispute(db, merchantId, opened.id, toRoute)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await disputeOf(payment.id)).toMatchObject({ stage: "chargeback", status: "lost" });
  });

  it("posts over real HTTP to the app's own webhook URL by default", async () => {
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void (async () => {
          const url = `http://127.0.0.1${req.url}`;
          const headers = new Headers();
          for (const [name, value] of Object.entries(req.headers))
            if (typeof value === "string") headers.set(name, value);
          const response = await handleWebhookRequest(
            db,
            url.split("/").at(-1)!,
            new Request(url, { method: "POST", headers, body: Buffer.concat(chunks) }),
          );
          res.writeHead(response.status, {
            "content-type": response.headers.get("content-type") ?? "text/plain",
          });
          res.end(await response.text());
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.PARLEY_APP_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resetEnvCache();
    try {
      const payment = await newPayment();
      const result = await completeSandboxCheckout(db, payment.providerCheckoutId!, {
        outcome: "succeeded",
      });
      expect(result.deliveries).toEqual([200, 200]);
      expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    } finally {
      process.env.PARLEY_APP_URL = APP_URL;
      resetEnvCache();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
