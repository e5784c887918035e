// The write half of applying events, in one statement: the new timeline rows (the provider event
// id keeps a replay out), the payments' re-derived views and, for a webhook delivery, the inbox
// row's outcome. Rows travel as one JSON parameter each, read back with jsonb_to_recordset.
//
// The plan was made from what the payments' locks let us read; a row the insert still skips
// means someone recorded the same provider event id meanwhile without holding those locks (an
// event for no payment of ours, delivered twice at once). The plan is then wrong, so the whole
// transaction is retried (ConcurrentApplyError) rather than half-kept.
import type { DbOrTx, Tx } from "@/db/client";
import { paymentViewColumns } from "@/lib/payments/status-write";
import type { ApplyPlan } from "@/lib/webhooks/apply/plan";
import { jsonValue } from "@/lib/webhooks/json-rows";
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

// Each part works on its own parameter and does nothing when it is empty (no rows, no views,
// no delivery id), so one text (per list shape) serves every apply. The id list lets the planner reach payments
// by primary key: it can't see into the JSON (jsonb_to_recordset is estimated at 100 rows) and
// would otherwise hash-join a scan of the whole table.
function writePlanStatement(shape: ListShape): NamedStatement {
  return namedStatement(`with new_events as (
    insert into payment_events (merchant_id, id, payment_id, connection_id, source,
      provider_event_id, type, raw_type, amount_minor, currency, status_after, detail,
      webhook_id, occurred_at)
    select * from jsonb_to_recordset($1::jsonb) as r(merchant_id text, id text,
      payment_id text, connection_id text, source text, provider_event_id text, type text,
      raw_type text, amount_minor bigint, currency text, status_after text, detail jsonb,
      webhook_id text, occurred_at timestamptz)
    on conflict do nothing
    returning provider_event_id
  ), written as (
    update payments p set status = v.status, refunded_minor = v.refunded_minor, flags = v.flags,
      failure_code = v.failure_code, failure_message = v.failure_message,
      succeeded_at = v.succeeded_at, method = v.method,
      provider_payment_id = v.provider_payment_id, updated_at = v.updated_at
    from jsonb_to_recordset($2::jsonb) as v(id text, status text, refunded_minor bigint,
      flags jsonb, failure_code text, failure_message text, succeeded_at timestamptz,
      method text, provider_payment_id text, updated_at timestamptz)
    where p.merchant_id = $3 and ${matchList("p.id", "$4", shape)} and p.id = v.id
    returning p.id
  ), marked as (
    update webhook_inbox set status = $5, provider_event_ids = $6::jsonb,
      event_types = $7::jsonb, attempts = attempts + 1, error = $8,
      applied_at = $9::timestamptz
    where merchant_id = $3 and id = $10 and status in ('received', 'failed')
    returning id
  )
  select (select coalesce(json_agg(provider_event_id), '[]'::json) from new_events) as inserted,
    (select count(*)::int from marked) as marked`);
}

const WRITE_PLAN = { one: writePlanStatement("one"), many: writePlanStatement("many") };

function timelineRowsJson(plan: ApplyPlan): string {
  return JSON.stringify(
    plan.rows.map((r) => ({
      merchant_id: r.merchantId,
      id: r.id,
      payment_id: r.paymentId,
      connection_id: r.connectionId,
      source: r.source,
      provider_event_id: r.providerEventId,
      type: r.type,
      raw_type: r.rawType,
      amount_minor: r.amountMinor,
      currency: r.currency,
      status_after: r.statusAfter,
      detail: r.detail,
      webhook_id: r.webhookId,
      occurred_at: r.occurredAt,
    })),
  );
}

function paymentViewsJson(plan: ApplyPlan, now: Date): string {
  return JSON.stringify(
    plan.writes.map(({ payment, view, extras }) => {
      const columns = paymentViewColumns(payment, view, extras, now);
      return {
        id: payment.id,
        status: columns.status,
        refunded_minor: columns.refundedMinor,
        flags: columns.flags,
        failure_code: columns.failureCode,
        failure_message: columns.failureMessage,
        succeeded_at: columns.succeededAt,
        method: columns.method,
        provider_payment_id: columns.providerPaymentId,
        updated_at: columns.updatedAt,
      };
    }),
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

const MARK_DELIVERY = namedStatement(`update webhook_inbox set status = $3,
    provider_event_ids = $4::jsonb, event_types = $5::jsonb, attempts = attempts + 1,
    error = $6, applied_at = $7::timestamptz
  where merchant_id = $1 and id = $2 and status in ('received', 'failed')
  returning id`);

/** Records a delivery's outcome on its own (a replay: nothing else to write); false if already done. */
export async function markDelivery(
  db: DbOrTx,
  merchantId: string,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<boolean> {
  const marked = await runNamed(db, MARK_DELIVERY, [
    merchantId,
    outcome.deliveryId,
    outcome.status,
    JSON.stringify(outcome.providerEventIds),
    JSON.stringify(outcome.eventTypes),
    outcome.error,
    now.toISOString(),
  ]);
  return marked.length > 0;
}
