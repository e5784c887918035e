// The case page's customer history and provider's details on both engines: the customer's other
// payments and disputes come from this merchant and the dispute's mode only (never another
// merchant's, never live beside test), and the raw webhook reaches owners and admins only.
import type { Db, DbHandle } from "@/db/client";
import { disputes, payments, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { openSandboxDispute } from "@/lib/connections/sandbox-disputes";
import { completeSandboxCheckout, type SandboxTransport } from "@/lib/connections/sandbox-emitter";
import { getDisputeCase } from "@/lib/disputes/case";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  merchantWithRoles,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

describe.each(ENGINES)("the dispute case's customer history on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let counter = 0;

  const toRoute: SandboxTransport = (url, init) => {
    const target = new URL(url).pathname.split("/").at(-1)!;
    return handleWebhookRequest(db, target, new Request(url, init));
  };

  async function checkout(
    ctx: { merchantId: string; connectionId: string },
    customerEmail: string | undefined,
    amountMinor = 4_200,
  ): Promise<Payment> {
    counter += 1;
    return createCheckout(db, ctx.merchantId, {
      connectionId: ctx.connectionId,
      amountMinor,
      currency: "EUR",
      description: `Order ${counter}`,
      idempotencyKey: `history-${engine}-${counter}`,
      ...(customerEmail && { customerEmail }),
    });
  }

  async function paid(payment: Payment): Promise<Payment> {
    await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded" },
      toRoute,
    );
    return payment;
  }

  async function disputeOf(mId: string, paymentId: string) {
    const [row] = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, mId), eq(disputes.paymentId, paymentId)));
    return row;
  }

  /** A live payment (and, optionally, its dispute) written directly: the Sandbox is test-only. */
  async function livePayment(mId: string, customerEmail: string, withDispute: boolean) {
    const id = newId("payment");
    await db.insert(payments).values({
      merchantId: mId,
      id,
      connectionId: "con_live_elsewhere",
      provider: "stripe",
      amountMinor: 9_900,
      currency: "EUR",
      status: withDispute ? "disputed" : "succeeded",
      idempotencyKey: `live-${engine}-${id}`,
      customerEmail,
      mode: "live",
    });
    if (withDispute) {
      await db.insert(disputes).values({
        merchantId: mId,
        id: newId("dispute"),
        paymentId: id,
        connectionId: "con_live_elsewhere",
        mode: "live",
        providerDisputeId: `du_live_${id}`,
        reason: "fraudulent",
        amountMinor: 9_900,
        currency: "EUR",
      });
    }
    return id;
  }

  let disputed: Payment;
  let caseId: string;
  let expectedPayments: string[];
  let otherDisputeId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db, "Warung Sari"));
    ({ id: connectionId } = await sandboxConnection(owner));
    const here = { merchantId, connectionId };
    const { owner: strangerOwner, merchantId: strangerId } = await merchantWithRoles(
      db,
      "Elsewhere",
    );
    const stranger = {
      merchantId: strangerId,
      connectionId: (await sandboxConnection(strangerOwner)).id,
    };

    // The same customer, in this merchant's test data: an earlier paid and disputed payment, an
    // abandoned checkout (another spelling of the address), and the payment this case is about.
    const earlier = await paid(await checkout(here, "ana@example.com", 1_500));
    await openSandboxDispute(db, merchantId, earlier.id, { stage: "inquiry" }, toRoute);
    otherDisputeId = (await disputeOf(merchantId, earlier.id)).id;
    const abandoned = await checkout(here, "Ana@Example.COM", 2_500);
    disputed = await paid(await checkout(here, "ana@example.com"));
    await openSandboxDispute(db, merchantId, disputed.id, { reason: "duplicate" }, toRoute);
    caseId = (await disputeOf(merchantId, disputed.id)).id;
    expectedPayments = [abandoned.id, earlier.id];

    // Never shown: another customer, a payment without an email, the same customer's live
    // payments and dispute, and another merchant's payments and dispute for the same address.
    await checkout(here, "someone@example.com");
    await checkout(here, undefined);
    await livePayment(merchantId, "ana@example.com", true);
    await livePayment(merchantId, "ANA@example.com", false);
    const theirs = await paid(await checkout(stranger, "ana@example.com"));
    await openSandboxDispute(db, strangerId, theirs.id, {}, toRoute);
    await livePayment(strangerId, "ana@example.com", true);
  });
  afterAll(async () => handle?.close());

  it("lists this customer's other payments, newest first, with their dispute flag", async () => {
    const { customer } = await getDisputeCase(support, caseId);
    expect(customer.matchedOn).toBe("email");
    expect(customer.customerEmail).toBe("ana@example.com");
    expect(customer.payments.map((p) => p.id)).toEqual(expectedPayments);
    expect(customer.payments.map((p) => [p.amountMinor, p.currency, p.status, p.disputed])).toEqual(
      [
        [2_500, "EUR", "created", false],
        [1_500, "EUR", "disputed", true],
      ],
    );
    expect(customer.disputes).toEqual([
      expect.objectContaining({
        id: otherDisputeId,
        stage: "inquiry",
        status: "needs_response",
        amountMinor: 1_500,
        currency: "EUR",
      }),
    ]);
  });

  it("names the customer only to roles that may see who they are", async () => {
    const { customer } = await getDisputeCase(analyst, caseId);
    expect(customer.customerEmail).toBeNull();
    expect(customer.payments.map((p) => p.id)).toEqual(expectedPayments);
  });

  it("shows the provider's latest webhook to owners only, not to support", async () => {
    const asOwner = await getDisputeCase(owner, caseId);
    const dispute = await disputeOf(merchantId, disputed.id);
    expect(asOwner.providerPayload).not.toBeNull();
    const body = JSON.parse(asOwner.providerPayload!.body) as {
      type: string;
      data: { dispute: { providerDisputeId: string; stage: string } };
    };
    expect(body.type).toBe("dispute.opened");
    expect(body.data.dispute).toMatchObject({
      providerDisputeId: dispute.providerDisputeId,
      stage: "chargeback",
    });
    expect((await getDisputeCase(support, caseId)).providerPayload).toBeNull();
  });

  it("matches nothing when the payment names no customer", async () => {
    const anonymous = await paid(await checkout({ merchantId, connectionId }, undefined));
    await openSandboxDispute(db, merchantId, anonymous.id, {}, toRoute);
    const { customer } = await getDisputeCase(
      owner,
      (await disputeOf(merchantId, anonymous.id)).id,
    );
    expect(customer).toEqual({ matchedOn: null, customerEmail: null, payments: [], disputes: [] });
  });
});
