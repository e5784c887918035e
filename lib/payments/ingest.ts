// A provider's webhook delivery, from raw bytes to applied state: find the connection, verify on
// the raw body, store the delivery (verified or not) before acting, then apply and acknowledge.
import type { Db } from "@/db/client";
import { connections, webhookInbox, type Connection } from "@/db/schema";
import type { WebhookParseResult } from "@/lib/connections/providers/types";
import { connectorContext, connectorFor } from "@/lib/connections/registry";
import { newId } from "@/lib/ids";
import { applyDelivery, DeliveryNotRecordedError } from "@/lib/payments/apply";
import { and, eq, sql } from "drizzle-orm";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookReply {
  status: number;
  body: string;
  contentType: string;
  deliveryId?: string;
}

export interface IncomingWebhook {
  rawBody: string;
  headers: Headers;
  url: string;
}

function jsonReply(
  status: number,
  body: Record<string, unknown>,
  deliveryId?: string,
): WebhookReply {
  return { status, body: JSON.stringify(body), contentType: "application/json", deliveryId };
}

async function findConnection(db: Db, connectionId: string): Promise<Connection | undefined> {
  if (!/^[\w-]{1,64}$/.test(connectionId)) return undefined;
  const [row] = await db
    .select()
    .from(connections)
    .where(eq(connections.id, connectionId))
    .limit(1);
  return row;
}

async function verify(
  db: Db,
  connection: Connection,
  request: IncomingWebhook,
  now: Date,
): Promise<WebhookParseResult> {
  try {
    return await connectorFor(connection.provider).parseWebhook(
      connectorContext(connection, db),
      request,
      now,
    );
  } catch (error) {
    // Connectors never throw on bad input; this is our side (e.g. credentials unreadable).
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: "bad_signature", message: `Could not verify: ${message}` };
  }
}

async function storeDelivery(
  db: Db,
  connection: Connection,
  request: IncomingWebhook,
  fields: {
    verified: boolean;
    status: "received" | "rejected";
    error?: string;
    flushNow?: boolean;
  },
  now: Date,
): Promise<string> {
  const id = newId("webhook");
  const row = {
    merchantId: connection.merchantId,
    id,
    connectionId: connection.id,
    provider: connection.provider,
    // Kept whole (signatures included) for forensics; getDelivery masks signature values.
    headers: Object.fromEntries(request.headers.entries()),
    rawBody: request.rawBody,
    verified: fields.verified,
    status: fields.status,
    error: fields.error ?? null,
    receivedAt: now,
  };
  if (fields.flushNow) {
    await db.insert(webhookInbox).values(row);
    return id;
  }
  // One disk flush per delivery instead of two: this commit skips waiting for its flush, and
  // the synchronous commit that follows before we answer (the apply, or the failure counter)
  // flushes the log up to and including this row. A crash before that loses the row, but the
  // provider got no answer and sends it again. (PostgreSQL docs, "Asynchronous Commit".)
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local synchronous_commit = off`);
    await tx.insert(webhookInbox).values(row);
  });
  return id;
}

export async function ingestWebhook(
  db: Db,
  connectionId: string,
  request: IncomingWebhook,
  options: { now?: Date; failAfterEventIndex?: number } = {},
): Promise<WebhookReply> {
  const now = options.now ?? new Date();
  const connection = await findConnection(db, connectionId);
  if (!connection) return jsonReply(404, { error: "No webhook endpoint here." });

  if (connection.status === "disabled") {
    // 410 tells the provider the endpoint is gone; the row shows the merchant what was refused.
    const deliveryId = await storeDelivery(
      db,
      connection,
      request,
      {
        verified: false,
        status: "rejected",
        error: "connection_disabled: this connection is disabled in Parley",
        flushNow: true,
      },
      now,
    );
    return jsonReply(410, { error: "This connection is disabled." }, deliveryId);
  }

  const parsed = await verify(db, connection, request, now);
  if (!parsed.ok) {
    const error = `${parsed.reason}: ${parsed.message}`;
    const deliveryId = await storeDelivery(
      db,
      connection,
      request,
      { verified: false, status: "rejected", error },
      now,
    );
    await db
      .update(connections)
      .set({
        signatureFailures: sql`${connections.signatureFailures} + 1`,
        lastError: `Webhook rejected — ${error}`.slice(0, 500),
        lastErrorAt: now,
      })
      .where(
        and(eq(connections.merchantId, connection.merchantId), eq(connections.id, connection.id)),
      );
    return jsonReply(400, { error: parsed.message }, deliveryId);
  }

  const deliveryId = await storeDelivery(
    db,
    connection,
    request,
    { verified: true, status: "received" },
    now,
  );
  try {
    await applyDelivery(db, deliveryId, {
      merchantId: connection.merchantId,
      connection,
      events: parsed.events,
      now,
      failAfterEventIndex: options.failAfterEventIndex,
    });
  } catch (error) {
    console.error(`[webhooks] applying ${deliveryId} failed`, error);
    if (error instanceof DeliveryNotRecordedError) {
      return jsonReply(503, { error: "Temporarily unable to accept deliveries." }, deliveryId);
    }
    // Still 2xx: the delivery is stored and marked failed, and a re-apply (automatic or from
    // the dashboard) replays it from the inbox. A non-2xx would only make the provider resend
    // the same bytes, and providers give up after a while (Stripe: 3 days) — we don't.
  }
  const ack = connectorFor(connection.provider).webhookAck();
  return { ...ack, deliveryId };
}
