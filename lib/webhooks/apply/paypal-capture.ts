// PayPal's buyer approval moves no money (Orders v2: an approved order must be captured). The
// apply path enqueues this job for CHECKOUT.ORDER.APPROVED; it captures (safe to repeat: see
// captureOrder) and applies the result like any other provider state.
import { connections, payments, type Job } from "@/db/schema";
import { captureOrder, type PayPalCredentials } from "@/lib/connections/providers/paypal";
import { connectorContext } from "@/lib/connections/providers/registry";
import type { ConnectorContext } from "@/lib/connections/providers/types";
import type { JobContext } from "@/lib/jobs/runner";
import { applyProviderState } from "@/lib/payments/reconcile";
import { and, eq } from "drizzle-orm";
import { z } from "zod";

const payloadSchema = z.object({
  connectionId: z.string().min(1),
  paymentId: z.string().min(1),
  orderId: z.string().min(1),
});

export async function capturePayPalOrderJob(job: Job, { db, now }: JobContext): Promise<void> {
  const { connectionId, paymentId, orderId } = payloadSchema.parse(job.payload);
  const [connection] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.merchantId, job.merchantId), eq(connections.id, connectionId)));
  const [payment] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, job.merchantId), eq(payments.id, paymentId)));
  if (!connection || connection.provider !== "paypal" || !payment) {
    throw new Error(
      `Nothing to capture: ${connectionId}/${paymentId} is not a PayPal payment here`,
    );
  }
  const ctx = connectorContext(connection, db) as unknown as ConnectorContext<PayPalCredentials>;
  const state = await captureOrder(ctx, orderId);
  await applyProviderState(db, connection, payment, state, now, "capture");
}
