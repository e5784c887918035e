import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { setDbHandle } from "@/db/client";
import { disputes, paymentEvents, refunds, webhookInbox } from "@/db/schema";
import { POST } from "@/app/api/webhooks/[connectionId]/route";
import { openCredentials } from "@/lib/connections/credentials";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
  type BuildSandboxEventInput,
} from "@/lib/connections/providers/sandbox-signing";
import { createConnection } from "@/lib/connections/service";
import { createCheckout } from "@/lib/payments/checkout";
import { applyDelivery } from "@/lib/payments/apply";
import { recoverInbox } from "@/lib/payments/recovery";
import { refundPayment } from "@/lib/payments/refunds";
import { getPaymentWithTimeline } from "@/lib/payments/queries";
import { handleWebhookRequest } from "@/lib/payments/webhook-http";
import { newId } from "@/lib/ids";
import type { ServiceContext } from "@/lib/payments/service-context";
import { ENGINES, openTestDatabase } from "./helpers/test-db";
import {
  APP_URL,
  configurePipelineEnv,
  connectionRow,
  deliveriesOf,
  eventsOf,
  merchantWithRoles,
  paymentRow,
} from "./helpers/pipeline-fixtures";

configurePipelineEnv();

describe.each(ENGINES)("Sandbox webhooks on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let secret: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    const merchant = await merchantWithRoles(db);
    owner = merchant.owner;
    merchantId = merchant.merchantId;
    ({ id: connectionId } = await createConnection(owner, { provider: "sandbox", label: "Sandbox", mode: "test" }));
    const row = await connectionRow(db, merchantId, connectionId);
    secret = openCredentials(row.credentialsEncrypted, connectionId).webhookSecret!;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newPayment(amountMinor = 2500, currency = "EUR") {
    return createCheckout(db, merchantId, {
      connectionId,
      amountMinor,
      currency,
      methods: ["card"],
      description: "Two croissants",
      idempotencyKey: newId("payment"),
    });
  }

  function event(payment: { id: string; providerPaymentId: string | null }, input: Partial<BuildSandboxEventInput> & Pick<BuildSandboxEventInput, "type">) {
    return buildSandboxEvent({
      providerPaymentId: payment.providerPaymentId!,
      paymentId: payment.id,
      amountMinor: 2500,
      currency: "EUR",
      ...input,
    });
  }

  function request(body: string, headers: Record<string, string> = {}, target = connectionId) {
    return new Request(`${APP_URL}/api/webhooks/${target}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  }

  function signed(body: unknown, options: { secret?: string; timestamp?: number } = {}) {
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    return request(raw, { [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(raw, options.secret ?? secret, options.timestamp) });
  }

  async function deliver(body: unknown, options?: { secret?: string; timestamp?: number }) {
    return handleWebhookRequest(db, connectionId, signed(body, options));
  }

  async function inboxCount(): Promise<number> {
    const [row] = await db.select({ n: count() }).from(webhookInbox).where(eq(webhookInbox.merchantId, merchantId));
    return row!.n;
  }

  it("applies a verified success and acknowledges it", async () => {
    const payment = await newPayment();
    const response = await deliver(event(payment, { type: "payment.succeeded", method: "apple_pay" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    const after = await paymentRow(db, merchantId, payment.id);
    expect(after.status).toBe("succeeded");
    expect(after.method).toBe("apple_pay");
    expect(after.succeededAt).toBeInstanceOf(Date);
    const delivery = (await deliveriesOf(db, merchantId, connectionId)).find((d) => d.id === response.headers.get("x-parley-delivery"));
    expect(delivery).toMatchObject({ verified: true, status: "applied", eventTypes: ["payment.succeeded"], attempts: 1 });
    expect((await connectionRow(db, merchantId, connectionId)).lastEventAt).toBeInstanceOf(Date);
  });
});
