import type { Db, DbHandle } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
} from "@/lib/connections/providers/sandbox/webhooks";
import { getDelivery, listDeliveries, reapplyDelivery } from "@/lib/connections/service";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { createCheckout } from "@/lib/payments/checkout";
import { ingestWebhook } from "@/lib/webhooks/ingest";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditRows,
  configurePipelineEnv,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

describe.each(ENGINES)("webhook deliveries in the dashboard on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let stranger: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let secret: string;
  let counter = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db));
    stranger = (await merchantWithRoles(db, "Elsewhere")).owner;
    ({ id: connectionId, webhookSecret: secret } = await sandboxConnection(owner));
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function paidDelivery(options: { crash?: boolean; forged?: boolean } = {}) {
    counter += 1;
    const payment = await createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 900,
      currency: "EUR",
      idempotencyKey: `deliveries-${engine}-${counter}`,
    });
    const body = JSON.stringify(
      buildSandboxEvent({
        type: "payment.succeeded",
        providerPaymentId: payment.providerPaymentId!,
        paymentId: payment.id,
        amountMinor: 900,
        currency: "EUR",
      }),
    );
    const signature = signSandboxWebhook(
      body,
      options.forged ? "whsec_sbx_forged_forged_forged" : secret,
    );
    const reply = await ingestWebhook(
      db,
      connectionId,
      {
        rawBody: body,
        headers: new Headers({
          "content-type": "application/json",
          [SANDBOX_SIGNATURE_HEADER]: signature,
        }),
        url: "",
      },
      options.crash ? { failAfterEventIndex: 0 } : {},
    );
    return { payment, deliveryId: reply.deliveryId!, body, signature };
  }

  it("lists deliveries newest first, filters by status, pages with `before`, without bodies", async () => {
    const applied = await paidDelivery();
    const rejected = await paidDelivery({ forged: true });
    const failed = await paidDelivery({ crash: true });
    const all = await listDeliveries(analyst, connectionId, { limit: 50 });
    const ids = all.map((d) => d.id);
    expect(ids.indexOf(failed.deliveryId)).toBeLessThan(ids.indexOf(applied.deliveryId));
    expect(all.find((d) => d.id === applied.deliveryId)).toMatchObject({
      verified: true,
      status: "applied",
      eventTypes: ["payment.succeeded"],
      attempts: 1,
      unmatchedPayment: false,
    });
    expect(all.find((d) => d.id === rejected.deliveryId)).toMatchObject({
      verified: false,
      status: "rejected",
    });
    expect(JSON.stringify(all)).not.toContain(applied.body);
    const onlyFailed = await listDeliveries(owner, connectionId, { status: "failed" });
    expect(onlyFailed.map((d) => d.id)).toContain(failed.deliveryId);
    expect(onlyFailed.every((d) => d.status === "failed")).toBe(true);
    const first = await listDeliveries(owner, connectionId, { limit: 1 });
    const older = await listDeliveries(owner, connectionId, {
      limit: 50,
      before: first[0].receivedAt,
    });
    expect(older.map((d) => d.id)).not.toContain(first[0].id);
  });

  it("shows one delivery's raw request with signature values hidden", async () => {
    const { deliveryId, body, signature } = await paidDelivery();
    // Raw bodies are for owners and admins (webhooks.view_payloads); see the test below.
    const detail = await getDelivery(owner, connectionId, deliveryId);
    expect(detail.body).toBe(body);
    expect(detail.headers["content-type"]).toBe("application/json");
    expect(detail.headers[SANDBOX_SIGNATURE_HEADER.toLowerCase()]).toBe("(hidden)");
    expect(JSON.stringify(detail)).not.toContain(signature.split("v1=")[1]);
    await expect(getDelivery(stranger, connectionId, deliveryId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("shows support and analysts the metadata but never the body, and never credentials", async () => {
    const { deliveryId, body } = await paidDelivery();
    for (const viewer of [support, analyst]) {
      const detail = await getDelivery(viewer, connectionId, deliveryId);
      expect(detail).toMatchObject({
        id: deliveryId,
        verified: true,
        status: "applied",
        eventTypes: ["payment.succeeded"],
        payloadHidden: true,
        body: null,
      });
      expect(detail.headers["content-type"]).toBe("application/json");
      expect(JSON.stringify(detail)).not.toContain(body);
    }
    const admin = await getDelivery(owner, connectionId, deliveryId);
    expect(admin).toMatchObject({ payloadHidden: false, body });

    const leaked = JSON.stringify({ id: "evt_x", customer_email: "ana@example.com" });
    const reply = await ingestWebhook(db, connectionId, {
      rawBody: leaked,
      headers: new Headers({
        "content-type": "application/json",
        authorization: "Bearer sk_live_do_not_keep",
        [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(leaked, "whsec_sbx_forged_forged_forged"),
      }),
      url: "",
    });
    const refused = await getDelivery(owner, connectionId, reply.deliveryId!);
    expect(refused.headers.authorization).toBe("(hidden)");
    expect(JSON.stringify(refused)).not.toContain("sk_live_do_not_keep");
    const [stored] = await db
      .select()
      .from(webhookInbox)
      .where(eq(webhookInbox.id, reply.deliveryId!));
    expect(JSON.stringify(stored.headers)).not.toContain("sk_live_do_not_keep");
    const hidden = await getDelivery(support, connectionId, reply.deliveryId!);
    expect(hidden.body).toBeNull();
    expect(JSON.stringify(hidden)).not.toContain("ana@example.com");
  });

  it("re-applies a failed delivery once, audited, and refuses everything else", async () => {
    const { payment, deliveryId } = await paidDelivery({ crash: true });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
    await expect(reapplyDelivery(support, connectionId, deliveryId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(reapplyDelivery(stranger, connectionId, deliveryId)).rejects.toBeInstanceOf(
      NotFoundError,
    );

    const result = await reapplyDelivery(owner, connectionId, deliveryId);
    expect(result).toMatchObject({ id: deliveryId, status: "applied", attempts: 2 });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    const [audit] = (await auditRows(db, merchantId, "webhook.reapplied")).filter(
      (r) => r.targetId === deliveryId,
    );
    expect(audit).toMatchObject({
      before: { status: "failed" },
      after: { status: "applied" },
      actorEmail: owner.user.email,
    });

    await expect(reapplyDelivery(owner, connectionId, deliveryId)).rejects.toBeInstanceOf(
      ConflictError,
    );
    const { deliveryId: rejectedId } = await paidDelivery({ forged: true });
    await expect(reapplyDelivery(owner, connectionId, rejectedId)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});
