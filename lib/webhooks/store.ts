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
