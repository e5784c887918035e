// Writing a delivery to the inbox, raw, before anything acts on it.
//
// Durability: a verified delivery's row is committed without waiting for its WAL flush
// (synchronous_commit off for that one statement's transaction, through set_config(…, true)).
// Nothing answers the provider before the synchronous commit that follows — the apply, or the
// record of its failure — and flushing the log up to that commit flushes this row with it
// (PostgreSQL docs, "Asynchronous Commit"). A crash before then loses the row, but the provider
// got no 2xx and sends the delivery again. Refused deliveries are followed by a synchronous
// write too (the failure counter) or are stored synchronously (disabled connection).
import type { Db } from "@/db/client";
import { webhookInbox, type Connection } from "@/db/schema";
import { newId } from "@/lib/ids";
import {
  listParam,
  listShape,
  matchList,
  namedStatement,
  runNamed,
  type ListShape,
  type NamedStatement,
} from "@/lib/webhooks/named-statements";
import { sql } from "drizzle-orm";

export interface StoredRequest {
  rawBody: string;
  headers: Headers;
}

// Kept whole (signatures included) for forensics; getDelivery masks signature values.
function headersJson(request: StoredRequest): string {
  return JSON.stringify(Object.fromEntries(request.headers.entries()));
}

/**
 * last_event_at moves at most about once a second per connection, checked here first, then in
 * SQL across processes: the connection row is shared by every delivery of the connection.
 */
const lastTouched = new Map<string, number>();

function touchDue(connectionId: string, now: Date): boolean {
  const previous = lastTouched.get(connectionId) ?? 0;
  if (now.getTime() - previous < 1000) return false;
  lastTouched.set(connectionId, now.getTime());
  return true;
}

// The connection must still be what the delivery was verified against; last_event_at moves in
// the same statement when it is due. `recorded` counts the delivery's events already on the
// timeline: all of them means a replay, with nothing to apply.
function storeStatement(touch: boolean, shape: ListShape): NamedStatement {
  return namedStatement(`with current_connection as (
      select merchant_id, id, provider from connections
      where merchant_id = $1 and id = $2 and provider = $3 and mode = $4 and status = $5
        and api_base_url is not distinct from $6 and credentials_encrypted = $7
    )${
      touch
        ? `, touched as (
      update connections c set last_event_at = $11::timestamptz from current_connection k
      where c.merchant_id = k.merchant_id and c.id = k.id
        and (c.last_event_at is null
          or c.last_event_at < $11::timestamptz - interval '1 second')
    )`
        : ""
    }
    insert into webhook_inbox (merchant_id, id, connection_id, provider, headers, raw_body,
      verified, status, received_at)
    select merchant_id, $8, id, provider, $9::jsonb, $10, true, 'received', $11::timestamptz
    from current_connection
    where set_config('synchronous_commit', 'off', true) is not null
    returning id, (select count(*)::int from payment_events e
      where e.merchant_id = $1 and e.connection_id = $2
        and ${matchList("e.provider_event_id", "$12", shape)}) as recorded`);
}

const STORE = {
  one: storeStatement(false, "one"),
  many: storeStatement(false, "many"),
};
const STORE_AND_TOUCH = {
  one: storeStatement(true, "one"),
  many: storeStatement(true, "many"),
};

export interface StoredDelivery {
  deliveryId: string;
  /** Every event the delivery carries is on the timeline already: nothing to apply. */
  replay: boolean;
}

/**
 * Stores a verified delivery, in one statement that also checks the connection still is what it
 * was verified against, and moves the connection's last_event_at. Returns undefined, storing
 * nothing, when the connection changed (credentials rotated, disabled, removed) since `row` was
 * read: the caller reads it again and verifies again.
 */
export async function storeVerifiedDelivery(
  db: Db,
  row: Connection,
  request: StoredRequest,
  now: Date,
  /** The provider event ids of the delivery's recognized events. */
  eventIds: readonly string[],
): Promise<StoredDelivery | undefined> {
  const deliveryId = newId("webhook");
  const ids = [...new Set(eventIds)];
  const shape = listShape(ids);
  const statements = touchDue(row.id, now) ? STORE_AND_TOUCH : STORE;
  const [stored] = await runNamed(db, statements[shape], [
    row.merchantId,
    row.id,
    row.provider,
    row.mode,
    row.status,
    row.apiBaseUrl,
    row.credentialsEncrypted,
    deliveryId,
    headersJson(request),
    request.rawBody,
    now.toISOString(),
    listParam(ids, shape),
  ]);
  if (!stored) return undefined;
  return { deliveryId, replay: Number(stored.recorded) === ids.length };
}

/** Stores a refused delivery (never applied), so the merchant sees what was refused and why. */
export async function storeRejectedDelivery(
  db: Db,
  connection: Connection,
  request: StoredRequest,
  error: string,
  now: Date,
  options: { flushNow: boolean },
): Promise<string> {
  const id = newId("webhook");
  const row = {
    merchantId: connection.merchantId,
    id,
    connectionId: connection.id,
    provider: connection.provider,
    headers: Object.fromEntries(request.headers.entries()),
    rawBody: request.rawBody,
    verified: false,
    status: "rejected" as const,
    error,
    receivedAt: now,
  };
  if (options.flushNow) {
    await db.insert(webhookInbox).values(row);
    return id;
  }
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local synchronous_commit = off`);
    await tx.insert(webhookInbox).values(row);
  });
  return id;
}
