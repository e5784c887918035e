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
import { decodeRow, jsonValue } from "@/db/rows";
import { paymentEvents, payments, type Payment, type PaymentEvent } from "@/db/schema";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import {
  listParam,
  listShape,
  matchList,
  namedStatement,
  runNamed,
  textArray,
  type ListShape,
  type NamedStatement,
} from "@/lib/webhooks/named-statements";

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

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}

// The CTE with FOR UPDATE is evaluated once, in full, locking rows in its ORDER BY order. An
// absent id (null, or an empty list) matches nothing.
function lockAndReadStatement(shape: ListShape): NamedStatement {
  return namedStatement(`with locked as (
    select p.*, p.xmin::text as row_version from payments p
    where p.merchant_id = $1 and p.connection_id = $2
      and (${matchList("p.id", "$3", shape)} or ${matchList("p.provider_payment_id", "$4", shape)}
        or ${matchList("p.provider_checkout_id", "$4", shape)})
    order by p.id
    for update
  )
  select
    (select coalesce(json_agg(json_build_object(
        'payment', row_to_json(l),
        'settled', l.row_version = (select s.xmin::text from payments s
          where s.merchant_id = l.merchant_id and s.id = l.id),
        'timeline', (select coalesce(json_agg(row_to_json(e)), '[]'::json) from payment_events e
          where e.merchant_id = l.merchant_id and e.payment_id = l.id)
      ) order by l.id), '[]'::json) from locked l) as locked,
    (select coalesce(json_agg(e.provider_event_id), '[]'::json) from payment_events e
      where e.merchant_id = $1 and e.connection_id = $2
        and ${matchList("e.provider_event_id", "$5", shape)}) as recorded`);
}

const LOCK_AND_READ = { one: lockAndReadStatement("one"), many: lockAndReadStatement("many") };

const REREAD = namedStatement(`select
    (select coalesce(json_agg(row_to_json(e)), '[]'::json) from payment_events e
      where e.merchant_id = $1 and e.payment_id = any($3::text[])) as timeline,
    (select coalesce(json_agg(e.provider_event_id), '[]'::json) from payment_events e
      where e.merchant_id = $1 and e.connection_id = $2
        and e.provider_event_id = any($4::text[])) as recorded`);

async function rereadTimelines(
  tx: Tx,
  connection: ConnectionRef,
  paymentIds: string[],
  eventIds: string[],
): Promise<{ timelines: Map<string, PaymentEvent[]>; recorded: string[] }> {
  const [row] = await runNamed(tx, REREAD, [
    connection.merchantId,
    connection.id,
    textArray(paymentIds),
    textArray(eventIds),
  ]);
  const timelines = new Map<string, PaymentEvent[]>(paymentIds.map((id) => [id, []]));
  for (const json of jsonValue<Record<string, unknown>[]>(row.timeline)) {
    const event = decodeRow(paymentEvents, json);
    timelines.get(event.paymentId!)?.push(event);
  }
  return { timelines, recorded: jsonValue<string[]>(row.recorded) };
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
  const shape = listShape(ids, refs, eventIds);
  const [row] = await runNamed(tx, LOCK_AND_READ[shape], [
    connection.merchantId,
    connection.id,
    listParam(ids, shape),
    listParam(refs, shape),
    listParam(eventIds, shape),
  ]);
  const lockedJson = jsonValue<LockedJson[]>(row.locked);
  const locked = lockedJson.map((entry) => ({
    payment: decodeRow(payments, entry.payment),
    timeline: entry.timeline.map((json) => decodeRow(paymentEvents, json)),
  }));
  let recorded = jsonValue<string[]>(row.recorded);
  const unsettled = lockedJson.flatMap((entry, i) =>
    entry.settled === true ? [] : [locked[i].payment.id],
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
