// Applies one stored webhook delivery, in one transaction: its events (events.ts) and
// the inbox row's new status commit together or not at all. A delivery that fails is marked
// "failed" with the error; one interrupted by a crash stays "received". Either way the raw row
// is still there for recoverInbox or a manual re-apply.
import type { Db, DbOrTx } from "@/db/client";
import { connections, webhookInbox, type Connection, type WebhookDelivery } from "@/db/schema";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { appUrl } from "@/lib/env";
import { AppError, NotFoundError } from "@/lib/errors";
import {
  applyEvents,
  deliveryOutcome,
  inApplyTransaction,
  UNMATCHED_PAYMENT,
  type ApplyEventsResult,
} from "@/lib/webhooks/apply/events";
import { DeliveryAlreadyApplied, markDelivery } from "@/lib/webhooks/apply/write";
import { and, eq, sql } from "drizzle-orm";

export interface ApplyDeliveryOptions {
  merchantId?: string;
  /** The events the route already verified and parsed; otherwise the stored body is re-parsed. */
  events?: NormalizedEvent[];
  /** The delivery's connection, when the caller holds it (with `events`, nothing is re-read). */
  connection?: Connection;
  now?: Date;
  /** Test hook: throw inside the transaction once the event at this index is written. */
  failAfterEventIndex?: number;
}

export interface ApplyDeliveryResult extends ApplyEventsResult {
  deliveryId: string;
  status: "applied" | "ignored";
  /** True when the delivery had already been applied (nothing was done). */
  alreadyApplied: boolean;
}

export { UNMATCHED_PAYMENT };

async function loadDelivery(
  db: DbOrTx,
  deliveryId: string,
  merchantId?: string,
): Promise<WebhookDelivery> {
  const where = merchantId
    ? and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, deliveryId))
    : eq(webhookInbox.id, deliveryId);
  const [row] = await db.select().from(webhookInbox).where(where);
  if (!row) throw new NotFoundError("This webhook delivery");
  return row;
}

async function loadConnection(
  db: DbOrTx,
  merchantId: string,
  connectionId: string,
): Promise<Connection> {
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.merchantId, merchantId), eq(connections.id, connectionId)));
  if (!row) throw new NotFoundError("This connection");
  return row;
}

/**
 * Parses a stored delivery again, as of the moment it was received (so a recovery hours later
 * is not refused as stale). It was verified on arrival; a failure now means the credentials
 * changed since, which is reported rather than guessed around.
 */
export async function reparseDelivery(
  db: DbOrTx,
  connection: Connection,
  delivery: WebhookDelivery,
): Promise<NormalizedEvent[]> {
  const connector = connectorFor(connection.provider);
  const parsed = await connector.parseWebhook(
    connectorContext(connection, db),
    {
      rawBody: delivery.rawBody,
      headers: new Headers(delivery.headers),
      url: `${appUrl()}/api/webhooks/${connection.id}`,
    },
    delivery.receivedAt,
  );
  if (!parsed.ok)
    throw new AppError(
      `Stored delivery no longer verifies (${parsed.reason}): ${parsed.message}`,
      409,
    );
  return parsed.events;
}

const NOTHING_DONE: ApplyEventsResult = {
  recorded: 0,
  duplicates: 0,
  unknown: 0,
  unmatched: [],
  refused: [],
  paymentIds: [],
};

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}

export async function applyDelivery(
  db: Db,
  deliveryId: string,
  options: ApplyDeliveryOptions = {},
): Promise<ApplyDeliveryResult> {
  const now = options.now ?? new Date();
  // The route has just stored, verified and parsed this delivery: no need to read it back.
  const known =
    options.events && options.connection
      ? { events: options.events, connection: options.connection }
      : null;
  const delivery = known ? null : await loadDelivery(db, deliveryId, options.merchantId);
  if (delivery && !delivery.verified)
    throw new AppError("An unverified delivery is never applied.", 409);
  if (delivery?.status === "applied" || delivery?.status === "ignored") {
    return { deliveryId, status: delivery.status, alreadyApplied: true, ...NOTHING_DONE };
  }
  const merchantId = known?.connection.merchantId ?? delivery!.merchantId;
  const key = and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, deliveryId));
  try {
    const connection =
      known?.connection ?? (await loadConnection(db, merchantId, delivery!.connectionId));
    const events =
      known?.events ?? options.events ?? (await reparseDelivery(db, connection, delivery!));
    // The events, the payments' views and the inbox row's outcome commit together. A recovery
    // pass or a manual re-apply can race the route (or each other) for a stored delivery: the
    // inbox row is written after the payments are locked (one lock order for everyone), only
    // while it is still unapplied; the loser rolls back its (deduplicated, so empty) work.
    try {
      const outcome = await inApplyTransaction(db, (tx) =>
        applyEvents(tx, connection, events, {
          webhookId: deliveryId,
          markDelivery: true,
          now,
          failAfterEventIndex: options.failAfterEventIndex,
        }),
      );
      const recognized = events.some((e) => e.type !== "unknown");
      return {
        deliveryId,
        status: recognized ? "applied" : "ignored",
        alreadyApplied: false,
        ...outcome,
      };
    } catch (error) {
      if (!(error instanceof DeliveryAlreadyApplied)) throw error;
      return { deliveryId, status: error.status, alreadyApplied: true, ...NOTHING_DONE };
    }
  } catch (error) {
    try {
      await db
        .update(webhookInbox)
        .set({
          status: "failed",
          error: errorText(error),
          attempts: sql`${webhookInbox.attempts} + 1`,
        })
        .where(and(key, sql`${webhookInbox.status} in ('received','failed')`));
    } catch (markError) {
      throw new DeliveryNotRecordedError(deliveryId, markError);
    }
    throw error;
  }
}

/**
 * A delivery whose events are all on the timeline already (a provider retry) has nothing to
 * apply: its outcome is recorded without locking anything. The write is a synchronous commit,
 * so it also makes the stored delivery durable before the provider is answered. False when the
 * row was not marked (the caller then takes the full path, which reports what happened).
 */
export async function applyReplayedDelivery(
  db: Db,
  deliveryId: string,
  options: { merchantId: string; events: NormalizedEvent[]; now?: Date },
): Promise<boolean> {
  return markDelivery(
    db,
    options.merchantId,
    deliveryOutcome(deliveryId, options.events, []),
    options.now ?? new Date(),
  );
}

/**
 * Applying failed and so did recording the failure (the database is unreachable): the stored
 * row may not even be on disk yet, so the provider must not be told it arrived.
 */
export class DeliveryNotRecordedError extends Error {
  constructor(
    readonly deliveryId: string,
    readonly cause: unknown,
  ) {
    super(`Could not record the outcome of delivery ${deliveryId}`);
    this.name = "DeliveryNotRecordedError";
  }
}
