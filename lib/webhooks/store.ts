// Writing a delivery to the inbox, raw, before anything acts on it.
//
// Durability: a verified delivery's row is stored in the transaction that applies it
// (apply/delivery.ts storeAndApplyDelivery), whose synchronous commit comes before any 2xx. A
// crash before that commit leaves nothing, and the provider, which got no 2xx, sends the delivery
// again. A replay (every event already on the timeline) is stored as applied by this one
// statement. Refused deliveries are stored synchronously in their own transaction.
import type { Db, DbOrTx } from "@/db/client";
import { connections, webhookInbox, type Connection } from "@/db/schema";
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
import { and, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";

export interface StoredRequest {
  rawBody: string;
  headers: Headers;
}

// Credentials a sender might include, which no provider signs with: never stored.
const CREDENTIAL_HEADERS =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$|token|secret|password|api[-_]?key|session/i;
const MAX_STORED_HEADERS = 50;
const MAX_HEADER_NAME = 100;
const MAX_HEADER_VALUE = 1024;

/**
 * The headers as stored: signatures kept (a stored delivery is verified again when it is
 * re-applied, and getDelivery masks their values), credentials replaced by "(redacted)", and
 * bounded in count and size.
 */
export function storableHeaders(headers: Headers): Record<string, string> {
  const stored: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of headers.entries()) {
    if (count++ >= MAX_STORED_HEADERS) break;
    if (name.length > MAX_HEADER_NAME) continue;
    stored[name] = CREDENTIAL_HEADERS.test(name) ? "(redacted)" : value.slice(0, MAX_HEADER_VALUE);
  }
  return stored;
}

function headersJson(request: StoredRequest): string {
  return JSON.stringify(storableHeaders(request.headers));
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
// timeline: all of them ($13, the distinct ids) means a replay, with nothing to apply, so the
// row is stored with its outcome ($14) at once; otherwise it is stored received, to be applied.
function storeStatement(touch: boolean, shape: ListShape): NamedStatement {
  return namedStatement(`with current_connection as (
      select merchant_id, id, provider from connections
      where merchant_id = $1 and id = $2 and provider = $3 and mode = $4 and status = $5
        and api_base_url is not distinct from $6 and credentials_encrypted = $7
    ), seen as (
      select (select count(*)::int from payment_events e
        where e.merchant_id = $1 and e.connection_id = $2
          and ${matchList("e.provider_event_id", "$12", shape)}) = $13::int as replay
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
      verified, status, provider_event_ids, event_types, attempts, applied_at, received_at)
    select merchant_id, $8, id, provider, $9::jsonb, $10, true,
      case when s.replay then $14 else 'received' end, $15::jsonb, $16::jsonb,
      case when s.replay then 1 else 0 end,
      case when s.replay then $11::timestamptz end, $11::timestamptz
    from current_connection, seen s
    returning status <> 'received' as replay`);
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
  /** Every event the delivery carries is on the timeline already: stored as applied (or ignored). */
  replay: boolean;
}

/** What the inbox row lists: every event of the delivery, unknown ones included. */
export interface StoredEvents {
  providerEventIds: string[];
  eventTypes: string[];
}

/**
 * Stores a verified delivery, in one statement that also checks the connection still is what it
 * was verified against, and moves the connection's last_event_at. A replay is stored with its
 * outcome; anything else as received, for the caller to apply (in the same transaction, so the
 * delivery is acknowledged only once both are durable). Returns undefined, storing nothing, when
 * the connection changed (credentials rotated, disabled, removed) since `row` was read: the
 * caller reads it again and verifies again.
 */
export async function storeVerifiedDelivery(
  db: DbOrTx,
  row: Connection,
  request: StoredRequest,
  now: Date,
  /** The provider event ids of the delivery's recognized events. */
  eventIds: readonly string[],
  listed: StoredEvents = { providerEventIds: [...eventIds], eventTypes: [] },
  deliveryId: string = newId("webhook"),
): Promise<StoredDelivery | undefined> {
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
    ids.length,
    ids.length === 0 ? "ignored" : "applied",
    JSON.stringify(listed.providerEventIds),
    JSON.stringify(listed.eventTypes),
  ]);
  if (!stored) return undefined;
  return { deliveryId, replay: stored.replay === true };
}

/**
 * Stores a verified delivery whose apply failed, as failed with the error, so recovery (or a
 * manual re-apply) applies it again: the transaction that would have stored it rolled back.
 */
export async function storeFailedDelivery(
  db: Db,
  row: Connection,
  request: StoredRequest,
  now: Date,
  deliveryId: string,
  listed: StoredEvents,
  error: string,
): Promise<void> {
  await db.insert(webhookInbox).values({
    merchantId: row.merchantId,
    id: deliveryId,
    connectionId: row.id,
    provider: row.provider,
    headers: storableHeaders(request.headers),
    rawBody: request.rawBody,
    verified: true,
    status: "failed" as const,
    providerEventIds: listed.providerEventIds,
    eventTypes: listed.eventTypes,
    attempts: 1,
    error: error.slice(0, 1000),
    receivedAt: now,
  });
}

/** How much of a refused body is kept: enough to see what it was, not enough to fill a disk. */
export const REFUSED_BODY_PREFIX_BYTES = 2048;
/** Refused deliveries of one connection that may add rows in a minute; beyond it, only counted. */
export const REFUSED_ROWS_PER_MINUTE = 20;
/** The same refused body again within this window adds to the first row's repeat count. */
export const REFUSED_REPEAT_WINDOW_MS = 10 * 60_000;

/** The first `maxBytes` of `text`, cut on a character boundary, NULs (which text refuses) replaced. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const cleaned = text.replace(/\u0000/g, "\uFFFD");
  if (cleaned.length * 3 <= maxBytes) return cleaned;
  const bytes = Buffer.from(cleaned, "utf8");
  if (bytes.byteLength <= maxBytes) return cleaned;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // never split a character
  return bytes.subarray(0, end).toString("utf8");
}

export interface RefusedDelivery {
  /** The row that holds it (new, or the earlier one it repeats); none when only counted. */
  deliveryId?: string;
  outcome: "stored" | "repeat" | "counted";
}

/**
 * Records a refused delivery (never applied) so the merchant sees what was refused and why,
 * without letting whoever can reach the URL fill the database: a bounded prefix of the body and
 * bounded, credential-free headers; the same body again within REFUSED_REPEAT_WINDOW_MS bumps the
 * earlier row's count; and at most REFUSED_ROWS_PER_MINUTE new rows per connection per minute
 * (counted on the connection row, whose lock also serializes the repeat check), beyond which the
 * delivery is only counted. Signature failures move the connection's failure counter either way.
 */
export async function recordRefusedDelivery(
  db: Db,
  connection: Connection,
  request: StoredRequest,
  error: string,
  now: Date,
  options: { signatureFailure: boolean },
): Promise<RefusedDelivery> {
  const bodyHash = createHash("sha256").update(request.rawBody).digest("hex");
  const at = now.toISOString();
  const c = connections;
  const windowOver = sql`(${c.refusedWindowStart} is null
    or ${c.refusedWindowStart} <= ${at}::timestamptz - interval '1 minute')`;
  return db.transaction(async (tx) => {
    const [window] = await tx
      .update(c)
      .set({
        refusedWindowStart: sql`case when ${windowOver} then ${at}::timestamptz else ${c.refusedWindowStart} end`,
        refusedWindowCount: sql`case when ${windowOver} then 1 else ${c.refusedWindowCount} + 1 end`,
        ...(options.signatureFailure && {
          signatureFailures: sql`${c.signatureFailures} + 1`,
          lastError: `Webhook rejected — ${error}`.slice(0, 500),
          lastErrorAt: now,
        }),
      })
      .where(and(eq(c.merchantId, connection.merchantId), eq(c.id, connection.id)))
      .returning({ count: c.refusedWindowCount });
    if (!window) return { outcome: "counted" };

    const since = new Date(now.getTime() - REFUSED_REPEAT_WINDOW_MS).toISOString();
    const [repeat] = await tx
      .update(webhookInbox)
      .set({
        repeatCount: sql`${webhookInbox.repeatCount} + 1`,
        lastReceivedAt: now,
      })
      .where(
        and(
          eq(webhookInbox.merchantId, connection.merchantId),
          eq(
            webhookInbox.id,
            sql`(select id from webhook_inbox
            where merchant_id = ${connection.merchantId} and connection_id = ${connection.id}
              and verified = false and body_hash = ${bodyHash}
              and received_at > ${since}::timestamptz
            order by received_at desc limit 1)`,
          ),
        ),
      )
      .returning({ id: webhookInbox.id });
    if (repeat) return { deliveryId: repeat.id, outcome: "repeat" };
    if (window.count > REFUSED_ROWS_PER_MINUTE) return { outcome: "counted" };

    const id = newId("webhook");
    await tx.insert(webhookInbox).values({
      merchantId: connection.merchantId,
      id,
      connectionId: connection.id,
      provider: connection.provider,
      headers: storableHeaders(request.headers),
      rawBody: utf8Prefix(request.rawBody, REFUSED_BODY_PREFIX_BYTES),
      bodyBytes: Buffer.byteLength(request.rawBody, "utf8"),
      bodyHash,
      verified: false,
      status: "rejected" as const,
      error: error.slice(0, 1000),
      receivedAt: now,
      lastReceivedAt: now,
    });
    return { deliveryId: id, outcome: "stored" };
  });
}
