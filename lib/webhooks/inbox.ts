// The webhook inbox as the dashboard sees it: a connection's deliveries, one delivery's raw
// request (signature values hidden), and a manual re-apply of a delivery that didn't apply.
import type { DbOrTx } from "@/db/client";
import { connections, webhookInbox, type WebhookDelivery, type WebhookStatus } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { listDeliveriesSchema, type ListDeliveriesOptions } from "@/lib/connections/schemas";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { applyDelivery, UNMATCHED_PAYMENT } from "@/lib/webhooks/apply/delivery";
import { and, desc, eq, getTableColumns, lt, type SQL } from "drizzle-orm";

export interface DeliverySummary {
  id: string;
  connectionId: string;
  receivedAt: Date;
  appliedAt: Date | null;
  verified: boolean;
  status: WebhookStatus;
  eventTypes: string[];
  providerEventIds: string[];
  error: string | null;
  attempts: number;
  /** Verified and applied, but some event named a payment this connection doesn't have. */
  unmatchedPayment: boolean;
  /** How many times this (refused) body arrived within the repeat window. */
  repeatCount: number;
}

export interface DeliveryDetail extends DeliverySummary {
  headers: Record<string, string>;
  /** The stored body; null when the viewer's role may not see payloads (never loaded then). */
  body: string | null;
  payloadHidden: boolean;
  /** The size of the body as received, when only a prefix of it was kept (refused deliveries). */
  bodyBytes: number | null;
  bodyTruncated: boolean;
}

// Header names whose values are signatures or credentials (older rows kept credentials whole).
const HIDDEN_HEADERS =
  /signature|-sig$|hmac|^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$|token|secret|password|api[-_]?key|session/i;

function summarize(row: WebhookDelivery): DeliverySummary {
  return {
    id: row.id,
    connectionId: row.connectionId,
    receivedAt: row.receivedAt,
    appliedAt: row.appliedAt,
    verified: row.verified,
    status: row.status,
    eventTypes: row.eventTypes,
    providerEventIds: row.providerEventIds,
    error: row.error,
    attempts: row.attempts,
    unmatchedPayment: row.error?.startsWith(`${UNMATCHED_PAYMENT}:`) ?? false,
    repeatCount: row.repeatCount,
  };
}

async function assertConnection(
  db: DbOrTx,
  merchantId: string,
  connectionId: string,
): Promise<void> {
  const [row] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.merchantId, merchantId), eq(connections.id, connectionId)));
  if (!row) throw new NotFoundError("This connection");
}

async function findDelivery(
  ctx: ServiceContext,
  connectionId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const [row] = await ctx.db
    .select()
    .from(webhookInbox)
    .where(
      and(
        eq(webhookInbox.merchantId, ctx.merchantId),
        eq(webhookInbox.connectionId, connectionId),
        eq(webhookInbox.id, deliveryId),
      ),
    );
  if (!row) throw new NotFoundError("This webhook delivery");
  return row;
}

export async function listDeliveries(
  ctx: ServiceContext,
  connectionId: string,
  options: ListDeliveriesOptions = {},
): Promise<DeliverySummary[]> {
  assertCan(ctx, "connections.view");
  const { status, limit, before } = listDeliveriesSchema.parse(options);
  await assertConnection(ctx.db, ctx.merchantId, connectionId);
  const conditions: SQL[] = [
    eq(webhookInbox.merchantId, ctx.merchantId),
    eq(webhookInbox.connectionId, connectionId),
  ];
  if (status) conditions.push(eq(webhookInbox.status, status));
  if (before) conditions.push(lt(webhookInbox.receivedAt, before));
  const rows = await ctx.db
    .select()
    .from(webhookInbox)
    .where(and(...conditions))
    .orderBy(desc(webhookInbox.receivedAt), desc(webhookInbox.id))
    .limit(limit);
  return rows.map(summarize);
}

export async function getDelivery(
  ctx: ServiceContext,
  connectionId: string,
  deliveryId: string,
): Promise<DeliveryDetail> {
  assertCan(ctx, "connections.view");
  // Support and analysts get the metadata only: the body is not even read for them.
  const withPayload = can(ctx.role, "webhooks.view_payloads");
  const { rawBody: _body, ...metadataColumns } = getTableColumns(webhookInbox);
  const columns = withPayload ? getTableColumns(webhookInbox) : metadataColumns;
  const [row] = await ctx.db
    .select(columns)
    .from(webhookInbox)
    .where(
      and(
        eq(webhookInbox.merchantId, ctx.merchantId),
        eq(webhookInbox.connectionId, connectionId),
        eq(webhookInbox.id, deliveryId),
      ),
    );
  if (!row) throw new NotFoundError("This webhook delivery");
  const headers = Object.fromEntries(
    Object.entries(row.headers).map(([name, value]) => [
      name,
      HIDDEN_HEADERS.test(name) ? "(hidden)" : value,
    ]),
  );
  const body = "rawBody" in row ? (row.rawBody as string) : null;
  return {
    ...summarize({ ...row, rawBody: "" }),
    headers,
    body,
    payloadHidden: body === null,
    bodyBytes: row.bodyBytes,
    bodyTruncated:
      row.bodyBytes !== null && body !== null && Buffer.byteLength(body) < row.bodyBytes,
  };
}

/** Applies a failed (or stuck) verified delivery again; replayed events stay no-ops. */
export async function reapplyDelivery(
  ctx: ServiceContext,
  connectionId: string,
  deliveryId: string,
): Promise<DeliverySummary> {
  assertCan(ctx, "webhooks.reapply");
  const row = await findDelivery(ctx, connectionId, deliveryId);
  if (row.status !== "failed" && row.status !== "received") {
    throw new ConflictError(
      `Only failed or unprocessed deliveries can be re-applied; this one is ${row.status}.`,
    );
  }
  if (!row.verified)
    throw new ConflictError("This delivery was never verified, so it cannot be applied.");
  let failure: string | undefined;
  try {
    await applyDelivery(ctx.db, row.id, { merchantId: ctx.merchantId });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const after = await findDelivery(ctx, connectionId, deliveryId);
  await auditAs(ctx.db, ctx, {
    action: "webhook.reapplied",
    targetType: "webhook_delivery",
    targetId: row.id,
    summary: failure
      ? `Re-applying delivery ${row.id} failed: ${failure}`
      : `Re-applied delivery ${row.id}`,
    before: { status: row.status, attempts: row.attempts },
    after: { status: after.status, attempts: after.attempts, ...(failure && { error: failure }) },
  });
  if (failure) throw new AppError(`Re-applying failed: ${failure}`, 500);
  return summarize(after);
}
