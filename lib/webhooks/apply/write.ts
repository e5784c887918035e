// The write half of applying events, in one statement: the new timeline rows (the provider event
// id keeps a replay out), the payments' re-derived views and, for a webhook delivery, the inbox
// row's outcome, and the console's event per payment written (lib/events/bus.ts). Rows travel as
// one JSON parameter each, read back with jsonb_populate_recordset.
//
// The plan was made from what the payments' locks let us read; a row the insert still skips
// means someone recorded the same provider event id meanwhile without holding those locks (an
// event for no payment of ours, delivered twice at once). The plan is then wrong, so the whole
// transaction is retried (ConcurrentApplyError) rather than half-kept.
import type { Tx } from "@/db/client";
import { columnNames, insertableColumns, jsonValue, rowsJson } from "@/db/rows";
import { paymentEvents, payments } from "@/db/schema";
import { CONSOLE_EVENTS_CHANNEL } from "@/lib/events/bus";
import { PAYMENT_VIEW_KEYS, paymentViewColumns } from "@/lib/payments/status-write";
import type { ApplyPlan } from "@/lib/webhooks/apply/plan";
import {
  listParam,
  listShape,
  matchList,
  namedStatement,
  runNamed,
  type ListShape,
  type NamedStatement,
} from "@/lib/webhooks/named-statements";

/** The inbox row's outcome, written with the events (webhook deliveries only). */
export interface DeliveryOutcome {
  deliveryId: string;
  status: "applied" | "ignored";
  providerEventIds: string[];
  eventTypes: string[];
  error: string | null;
}

/** Retry the transaction: the plan was made on a view of the timeline that is now stale. */
export class ConcurrentApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConcurrentApplyError";
  }
}

/** Another run (the route, recovery, a manual re-apply) applied this delivery first. */
export class DeliveryAlreadyApplied extends Error {
  constructor(readonly status: "applied" | "ignored") {
    super(`Delivery already ${status}`);
    this.name = "DeliveryAlreadyApplied";
  }
}

// The timeline rows carry every payment_events column but recorded_at (the database's clock);
// the payments' update sets the columns a view rewrites (PAYMENT_VIEW_KEYS). Both lists come
// from the schema, and Postgres types each JSON field by the table (jsonb_populate_recordset).
export const TIMELINE_KEYS = insertableColumns(paymentEvents, ["recordedAt"]);
const VIEW_WRITE_KEYS = ["id", ...PAYMENT_VIEW_KEYS] as const;

// The console's event for each payment written, in the statement itself (no extra round trip):
// the same text as eventPayload() in lib/events/bus.ts, so a payment also announced by
// writePaymentView in this transaction is delivered once (Postgres folds identical payloads).
const PAYMENT_EVENT_PAYLOAD_SQL = `'{"kind":"payment","merchantId":' || to_json($3::text)::text || ',"mode":' || to_json(w.mode)::text || ',"id":' || to_json(w.id)::text || '}'`;

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(", ");

// Each part works on its own parameter and does nothing when it is empty (no rows, no views,
// no delivery id), so one text (per list shape) serves every apply. The id list lets the planner reach payments
// by primary key: it can't see into the JSON (a recordset function is estimated at 100 rows) and
// would otherwise hash-join a scan of the whole table.
function writePlanStatement(shape: ListShape): NamedStatement {
  const timeline = quoted(columnNames(paymentEvents, TIMELINE_KEYS));
  const view = columnNames(payments, PAYMENT_VIEW_KEYS)
    .map((n) => `"${n}" = v."${n}"`)
    .join(", ");
  return namedStatement(`with new_events as (
    insert into payment_events (${timeline})
    select ${timeline} from jsonb_populate_recordset(null::payment_events, $1::jsonb)
    on conflict do nothing
    returning provider_event_id
  ), written as (
    update payments p set ${view}
    from jsonb_populate_recordset(null::payments, $2::jsonb) as v
    where p.merchant_id = $3 and ${matchList("p.id", "$4", shape)} and p.id = v.id
    returning p.id, p.mode
  ), notified as (
    select pg_notify('${CONSOLE_EVENTS_CHANNEL}', ${PAYMENT_EVENT_PAYLOAD_SQL}) from written w
  ), marked as (
    update webhook_inbox set status = $5, provider_event_ids = $6::jsonb,
      event_types = $7::jsonb, attempts = attempts + 1, error = $8,
      applied_at = $9::timestamptz
    where merchant_id = $3 and id = $10 and status in ('received', 'failed')
    returning id
  )
  select (select coalesce(json_agg(provider_event_id), '[]'::json) from new_events) as inserted,
    (select count(*)::int from marked) as marked,
    (select count(*)::int from notified) as notified`);
}

/** The statement's text for a list shape (tests read its column lists). */
export const WRITE_PLAN = { one: writePlanStatement("one"), many: writePlanStatement("many") };

function timelineRowsJson(plan: ApplyPlan): string {
  return rowsJson(paymentEvents, TIMELINE_KEYS, plan.rows);
}

function paymentViewsJson(plan: ApplyPlan, now: Date): string {
  return rowsJson(
    payments,
    VIEW_WRITE_KEYS,
    plan.writes.map(({ payment, view, extras }) => ({
      id: payment.id,
      ...paymentViewColumns(payment, view, extras, now),
    })),
  );
}

const DELIVERY_STATUS = namedStatement(
  `select status from webhook_inbox where merchant_id = $1 and id = $2`,
);

export async function writeApplyPlan(
  tx: Tx,
  merchantId: string,
  plan: ApplyPlan,
  now: Date,
  delivery?: DeliveryOutcome,
): Promise<void> {
  if (plan.rows.length === 0 && plan.writes.length === 0 && !delivery) return;
  const written = plan.writes.map((w) => w.payment.id);
  const shape = listShape(written);
  const [row] = await runNamed(tx, WRITE_PLAN[shape], [
    timelineRowsJson(plan),
    paymentViewsJson(plan, now),
    merchantId,
    listParam(written, shape),
    delivery?.status ?? null,
    JSON.stringify(delivery?.providerEventIds ?? []),
    JSON.stringify(delivery?.eventTypes ?? []),
    delivery?.error ?? null,
    now.toISOString(),
    delivery?.deliveryId ?? null,
  ]);
  const inserted = new Set(jsonValue<string[]>(row.inserted));
  const skipped = plan.rows.filter((r) => !inserted.has(r.providerEventId));
  if (skipped.length > 0) {
    throw new ConcurrentApplyError(
      `Recorded meanwhile by another apply: ${skipped.map((r) => r.providerEventId).join(", ")}`,
    );
  }
  if (delivery && Number(row.marked) === 0) {
    const [current] = await runNamed(tx, DELIVERY_STATUS, [merchantId, delivery.deliveryId]);
    const status = current?.status;
    if (status === "applied" || status === "ignored") throw new DeliveryAlreadyApplied(status);
    throw new Error(`Delivery ${delivery.deliveryId} could not be marked (${String(status)})`);
  }
}
