// Applies one webhook delivery, in one transaction: its events (events.ts) and the inbox row's
// new status commit together or not at all — for a delivery just received, with the inbox row
// itself (storeAndApplyDelivery); for a stored one, from its row (applyDelivery). A delivery
// that fails is kept as "failed" with the error, for recoverInbox or a manual re-apply; one
// interrupted by a crash before its commit was never acknowledged, so the provider resends it.
import type { Db, DbOrTx } from "@/db/client";
import { connections, webhookInbox, type Connection, type WebhookDelivery } from "@/db/schema";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { appUrl } from "@/lib/env";
import { AppError, NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import {
  applyEvents,
  inApplyTransaction,
  UNMATCHED_PAYMENT,
  type ApplyEventsResult,
} from "@/lib/webhooks/apply/events";
import { DeliveryAlreadyApplied } from "@/lib/webhooks/apply/write";
import {
  storeFailedDelivery,
  storeVerifiedDelivery,
  type StoredRequest,
} from "@/lib/webhooks/store";
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

export interface StoredAndApplied {
  deliveryId: string;
  /** Every event was on the timeline already: stored with its outcome, nothing applied. */
  replay: boolean;
  /** Dispute events refused as out of order (empty for a replay, which the caller looks up). */
  refused: ApplyEventsResult["refused"];
  /** Applying failed: the delivery is stored as failed, for recovery to apply again. */
  failure?: unknown;
}

/**
 * A verified delivery, stored and applied in one transaction: the inbox row (stored with its
 * outcome at once for a replay), the events, the payments' views and the row's outcome commit
 * together, with one synchronous commit before the provider is answered. A crash before it
 * leaves nothing, and the provider, unanswered, sends the delivery again. When applying fails
 * the whole transaction rolls back and the delivery is stored on its own, as failed, so recovery
 * retries it — cheaper than a savepoint around every apply, which would cost two statements per
 * delivery for the rare failure. Undefined, with nothing stored, when the connection changed
 * since `connection` was read (see storeVerifiedDelivery).
 */
export async function storeAndApplyDelivery(
  db: Db,
  connection: Connection,
  request: StoredRequest,
  events: NormalizedEvent[],
  now: Date,
  options: { failAfterEventIndex?: number } = {},
): Promise<StoredAndApplied | undefined> {
  const deliveryId = newId("webhook");
  const recognized = events.filter((e) => e.type !== "unknown").map((e) => e.providerEventId);
  const listed = {
    providerEventIds: events.map((e) => e.providerEventId),
    eventTypes: events.map((e) => e.rawType),
  };
  let stored = false;
  try {
    return await inApplyTransaction(db, async (tx) => {
      stored = false;
      const delivery = await storeVerifiedDelivery(
        tx,
        connection,
        request,
        now,
        recognized,
        listed,
        deliveryId,
      );
      if (!delivery) return undefined;
      stored = true;
      if (delivery.replay) return { deliveryId, replay: true, refused: [] };
      const { refused } = await applyEvents(tx, connection, events, {
        webhookId: deliveryId,
        markDelivery: true,
        now,
        failAfterEventIndex: options.failAfterEventIndex,
      });
      return { deliveryId, replay: false, refused };
    });
  } catch (failure) {
    // A store that failed is the caller's to answer (nothing was stored); an apply that failed
    // still leaves the delivery stored, or the provider is not told it arrived.
    if (!stored) throw failure;
    try {
      await storeFailedDelivery(
        db,
        connection,
        request,
        now,
        deliveryId,
        listed,
        errorText(failure),
      );
    } catch (storeError) {
      throw new DeliveryNotRecordedError(deliveryId, storeError);
    }
    return { deliveryId, replay: false, refused: [], failure };
  }
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
