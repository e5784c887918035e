// The read half of applying events, in one round trip: lock the payments the events name (in id
// order, so two deliveries can't deadlock), bring back each one's timeline, and which of the
// events this connection has already recorded.
//
// Under READ COMMITTED the timelines are read with the statement's snapshot, taken before any
// wait for a lock. If another apply held a payment's lock and committed meanwhile, the locked
// row is its newer version while the timeline misses its events. Every writer of a payment's
// facts holds that lock and rewrites the payment row, so comparing the locked row's version
// (xmin) with the snapshot's tells exactly when that happened; only then are the timelines read
// again, now that the other apply has committed.
import type { Tx } from "@/db/client";
import { paymentEvents, payments, type Payment, type PaymentEvent } from "@/db/schema";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { jsonValue, resultRows, rowFromJson } from "@/lib/payments/json-rows";
import { sql, type SQL } from "drizzle-orm";

export interface LockedPayment {
  payment: Payment;
  /** Every payment_events row of the payment, as of the moment it was locked. */
  timeline: PaymentEvent[];
}

export interface LoadedForApply {
  /** Sorted by payment id. */
  locked: LockedPayment[];
  /** Provider event ids among the events' that this connection's timeline already holds. */
  recorded: Set<string>;
}

type ConnectionRef = { merchantId: string; id: string };

interface LockedJson {
  payment: Record<string, unknown>;
  settled: boolean | null;
  timeline: Record<string, unknown>[];
}

function list(values: string[]): SQL {
  return sql`(${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )})`;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}

function recordedQuery(connection: ConnectionRef, eventIds: string[]): SQL {
  if (eventIds.length === 0) return sql`'[]'::json`;
  return sql`(select coalesce(json_agg(e.provider_event_id), '[]'::json) from payment_events e
    where e.merchant_id = ${connection.merchantId} and e.connection_id = ${connection.id}
      and e.provider_event_id in ${list(eventIds)})`;
}

function paymentMatches(ids: string[], refs: string[]): SQL[] {
  const matches: SQL[] = [];
  if (ids.length) matches.push(sql`p.id in ${list(ids)}`);
  if (refs.length)
    matches.push(
      sql`p.provider_payment_id in ${list(refs)}`,
      sql`p.provider_checkout_id in ${list(refs)}`,
    );
  return matches;
}

// A CTE with FOR UPDATE is evaluated once, in full, locking rows in its ORDER BY order.
function lockedCte(connection: ConnectionRef, matches: SQL[]): SQL {
  return sql`with locked as (
      select p.*, p.xmin::text as row_version from payments p
      where p.merchant_id = ${connection.merchantId} and p.connection_id = ${connection.id}
        and (${sql.join(matches, sql` or `)})
      order by p.id
      for update
    ) `;
}

const LOCKED_WITH_TIMELINES = sql`(select coalesce(json_agg(json_build_object(
    'payment', row_to_json(l),
    'settled', l.row_version = (select s.xmin::text from payments s
      where s.merchant_id = l.merchant_id and s.id = l.id),
    'timeline', (select coalesce(json_agg(row_to_json(e)), '[]'::json) from payment_events e
      where e.merchant_id = l.merchant_id and e.payment_id = l.id)
  ) order by l.id), '[]'::json) from locked l)`;

async function rereadTimelines(
  tx: Tx,
  connection: ConnectionRef,
  paymentIds: string[],
  eventIds: string[],
): Promise<{ timelines: Map<string, PaymentEvent[]>; recorded: string[] }> {
  const [row] = resultRows(
    await tx.execute(sql`select
      (select coalesce(json_agg(row_to_json(e)), '[]'::json) from payment_events e
        where e.merchant_id = ${connection.merchantId} and e.payment_id in ${list(paymentIds)})
        as timeline,
      ${recordedQuery(connection, eventIds)} as recorded`),
  );
  const timelines = new Map<string, PaymentEvent[]>(paymentIds.map((id) => [id, []]));
  for (const json of jsonValue<Record<string, unknown>[]>(row!.timeline)) {
    const event = rowFromJson(paymentEvents, json);
    timelines.get(event.paymentId!)?.push(event);
  }
  return { timelines, recorded: jsonValue<string[]>(row!.recorded) };
}

export async function lockPaymentsForEvents(
  tx: Tx,
  connection: ConnectionRef,
  events: NormalizedEvent[],
): Promise<LoadedForApply> {
  const recognized = events.filter((e) => e.type !== "unknown");
  const ids = unique(recognized.map((e) => e.paymentId));
  const refs = unique(recognized.map((e) => e.providerPaymentId));
  const eventIds = unique(recognized.map((e) => e.providerEventId));
  if (eventIds.length === 0 && ids.length === 0 && refs.length === 0) {
    return { locked: [], recorded: new Set() };
  }
  const matches = paymentMatches(ids, refs);
  const [row] = resultRows(
    await tx.execute(
      matches.length
        ? sql`${lockedCte(connection, matches)}select ${LOCKED_WITH_TIMELINES} as locked,
            ${recordedQuery(connection, eventIds)} as recorded`
        : sql`select '[]'::json as locked, ${recordedQuery(connection, eventIds)} as recorded`,
    ),
  );
  const lockedJson = jsonValue<LockedJson[]>(row!.locked);
  const locked = lockedJson.map((entry) => ({
    payment: rowFromJson(payments, entry.payment),
    timeline: entry.timeline.map((json) => rowFromJson(paymentEvents, json)),
  }));
  let recorded = jsonValue<string[]>(row!.recorded);
  const unsettled = lockedJson.flatMap((entry, i) =>
    entry.settled === true ? [] : [locked[i]!.payment.id],
  );
  if (unsettled.length > 0) {
    const reread = await rereadTimelines(tx, connection, unsettled, eventIds);
    for (const entry of locked) {
      entry.timeline = reread.timelines.get(entry.payment.id) ?? entry.timeline;
    }
    recorded = reread.recorded;
  }
  return { locked, recorded: new Set(recorded) };
}
