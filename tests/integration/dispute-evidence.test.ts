import type { Db, DbHandle } from "@/db/client";
import { disputes } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { connectorFor, overrideConnector } from "@/lib/connections/providers/registry";
import type { Connector } from "@/lib/connections/providers/types";
import { renderEvidencePack } from "@/lib/disputes/evidence/pack-pdf";
import { getEvidenceCase } from "@/lib/disputes/evidence/queries";
import {
  acceptDispute,
  addEvidenceFile,
  recheckResponse,
  saveEvidenceDraft,
  submitEvidence,
} from "@/lib/disputes/evidence/respond";
import { createCheckout } from "@/lib/payments/checkout";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  auditActions,
  configurePipelineEnv,
  merchantWithRoles,
  useFakeProviders,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const SECRET = "whsec_evidence_tests";
const fakes = useFakeProviders();
const PDF = Buffer.from("%PDF-1.4\n%receipt\n", "latin1");

describe.each(ENGINES)("dispute evidence against the fake Stripe on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let counter = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    let owner: ServiceContext;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db));
    connectionId = await fakes.connect(owner, "stripe", { stripeWebhookSecret: SECRET });
  });
  afterAll(async () => {
    await handle?.close();
  });

  function deliver(type: string, object: Record<string, unknown>) {
    const { payload, header } = signStripeEvent(buildStripeEvent(type, object), SECRET);
    return handleWebhookRequest(
      db,
      connectionId,
      new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": header },
        body: payload,
      }),
    );
  }

  /** A paid Stripe payment with a dispute Stripe opened and reported by webhook. */
  async function disputedPayment() {
    counter += 1;
    const payment = await createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 2400,
      currency: "EUR",
      methods: ["card"],
      idempotencyKey: `evidence-${engine}-${counter}`,
      description: "Two flat whites",
    });
    const intent = fakes.stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });
    const session = fakes.stripe.state.sessions.get(payment.providerCheckoutId!)!;
    expect((await deliver("checkout.session.completed", session)).status).toBe(200);
    const stripeDispute = fakes.stripe.openDispute(intent.id, { reason: "product_not_received" });
    expect((await deliver("charge.dispute.created", stripeDispute)).status).toBe(200);
    const [row] = await db
      .select()
      .from(disputes)
      .where(
        and(eq(disputes.merchantId, merchantId), eq(disputes.providerDisputeId, stripeDispute.id)),
      );
    expect(row?.status).toBe("needs_response");
    return {
      payment,
      stripeDispute: fakes.stripe.state.disputes.get(stripeDispute.id)!,
      dispute: row,
    };
  }

  const updatesOf = (id: string) =>
    fakes.stripe.requests.filter((r) => r.method === "POST" && r.path === `/v1/disputes/${id}`);

  it("pre-fills, stages a draft (submit=false), attaches a file, submits once, locks", async () => {
    const { stripeDispute, dispute, payment } = await disputedPayment();
    const evidence = await getEvidenceCase(support, dispute.id);
    expect(evidence.prefilled).toBe(true);
    expect(evidence.fields.productDescription).toBe("Two flat whites");
    expect(evidence.fields.receiptText).toContain(payment.id);

    const file = await addEvidenceFile(support, dispute.id, {
      slot: "receipt",
      name: "receipt.pdf",
      bytes: PDF,
    });
    expect(file.contentType).toBe("application/pdf");

    const fields = { ...evidence.fields, shippingCarrier: "Courier Co", customerName: "Ana Lima" };
    const saved = await saveEvidenceDraft(support, { disputeId: dispute.id, version: 0 }, fields);
    expect(saved).toMatchObject({ version: 1, staged: true, stageError: null });
    expect(stripeDispute.status).toBe("needs_response");
    const staged = stripeDispute.evidence as Record<string, unknown>;
    expect(staged).toMatchObject({
      shipping_carrier: "Courier Co",
      customer_name: "Ana Lima",
      product_description: "Two flat whites",
    });
    const receiptFileId = staged.receipt as string;
    expect(fakes.stripe.state.files.get(receiptFileId)).toMatchObject({
      purpose: "dispute_evidence",
      filename: "receipt.pdf",
    });
    expect(staged.customer_communication).toMatch(/^file_/);

    // A stale form (loaded at version 0) is refused.
    await expect(
      saveEvidenceDraft(support, { disputeId: dispute.id, version: 0 }, fields),
    ).rejects.toMatchObject({ status: 409 });

    // A double click: two submits at once, one reaches Stripe.
    const before = updatesOf(stripeDispute.id).length;
    const results = await Promise.allSettled([
      submitEvidence(support, { disputeId: dispute.id, version: 1 }, fields, null),
      submitEvidence(support, { disputeId: dispute.id, version: 1 }, fields, null),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { status: 409 } });
    const sent = updatesOf(stripeDispute.id).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].idempotencyKey).toBe(`submit:${dispute.id}`);
    expect(stripeDispute.status).toBe("under_review");
    // The staged receipt was reused, not uploaded again.
    expect((stripeDispute.evidence as Record<string, unknown>).receipt).toBe(receiptFileId);

    const after = await getEvidenceCase(support, dispute.id);
    expect(after.dispute.status).toBe("under_review");
    expect(after.dispute.submittedAt).not.toBeNull();
    expect(after.response?.state).toBe("submitted");
    await expect(
      submitEvidence(support, { disputeId: dispute.id, version: 2 }, fields, null),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      addEvidenceFile(support, dispute.id, { slot: "uncategorized", name: "late.pdf", bytes: PDF }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await auditActions(db, merchantId)).toEqual(
      expect.arrayContaining([
        "dispute.file_uploaded",
        "dispute.evidence_saved",
        "dispute.evidence_submitted",
      ]),
    );
  });

  it("refuses files by content and by Stripe's 5 MB limit", async () => {
    const { dispute } = await disputedPayment();
    await expect(
      addEvidenceFile(support, dispute.id, {
        slot: "receipt",
        name: "receipt.pdf",
        bytes: Buffer.from("plain text"),
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("is not a PDF, PNG or JPEG"),
    });
    const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]);
    await expect(
      addEvidenceFile(support, dispute.id, { slot: "receipt", name: "big.pdf", bytes: big }),
    ).rejects.toMatchObject({
      status: 413,
    });
    await expect(
      addEvidenceFile(analyst, dispute.id, { slot: "receipt", name: "r.pdf", bytes: PDF }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("accepts a dispute once (Stripe close), and refuses a form older than the dispute", async () => {
    const { stripeDispute, dispute } = await disputedPayment();
    await expect(
      acceptDispute(support, { disputeId: dispute.id, version: 0 }, "2000-01-01T00:00:00.000Z"),
    ).rejects.toMatchObject({
      status: 409,
    });
    const accepted = await acceptDispute(
      support,
      { disputeId: dispute.id, version: 0 },
      dispute.updatedAt.toISOString(),
    );
    expect(accepted.status).toBe("accepted");
    expect(stripeDispute.status).toBe("lost");
    const closes = fakes.stripe.requests.filter(
      (r) => r.path === `/v1/disputes/${stripeDispute.id}/close`,
    );
    expect(closes).toHaveLength(1);
    await expect(
      acceptDispute(support, { disputeId: dispute.id, version: 0 }, null),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("records a timeout as unknown, sends nothing again, and settles by re-reading Stripe", async () => {
    const { stripeDispute, dispute } = await disputedPayment();
    const real = connectorFor("stripe") as Connector<unknown>;
    const restore = overrideConnector("stripe", {
      ...real,
      submitDisputeEvidence: (ctx, input) =>
        real.submitDisputeEvidence({ ...ctx, timeoutMs: 200 }, input),
    });
    fakes.stripe.setLatency(600);
    const fields = (await getEvidenceCase(support, dispute.id)).fields;
    try {
      await expect(
        submitEvidence(support, { disputeId: dispute.id, version: 0 }, fields, null),
      ).rejects.toMatchObject({
        status: 502,
        message: expect.stringContaining("do not know"),
      });
    } finally {
      restore();
    }
    fakes.stripe.setLatency(0);
    // Let the slow request land at the fake: Stripe did take it.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const unknown = await getEvidenceCase(support, dispute.id);
    expect(unknown.response?.state).toBe("unknown");
    expect(unknown.dispute.status).toBe("needs_response");
    await expect(
      submitEvidence(support, { disputeId: dispute.id, version: 1 }, fields, null),
    ).rejects.toMatchObject({ status: 409 });
    const settled = await recheckResponse(support, dispute.id);
    expect(settled.status).toBe(
      stripeDispute.status === "under_review" ? "under_review" : "needs_response",
    );
    expect(await auditActions(db, merchantId)).toContain("dispute.response_unknown");
  });
});

describe("the evidence pack PDF", () => {
  it("embeds a CJK font subset: the Chinese transcript is extractable text", async () => {
    const pdf = await renderEvidencePack({
      title: "Evidence for dispute dp_1",
      subtitle: "Lumière Bistro · fraudulent · €24.00",
      sections: [
        {
          heading: "Conversation transcript",
          rows: [
            { label: "", value: "Customer: 我想要两杯咖啡，谢谢。" },
            { label: "", value: "Merchant: 好的，一共二十四欧元。" },
          ],
        },
      ],
    });
    expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    expect(pdf.byteLength).toBeLessThan(200_000);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), {
      mergePages: true,
    });
    expect(text).toContain("我想要两杯咖啡");
    expect(text).toContain("一共二十四欧元");
    expect(text).toContain("Lumière Bistro");
  });
});
