// The raw recount: rollup rows computed from the facts themselves (payments with their
// conversation, refunds folded into payments.refunded_minor, disputes, conversation events).
// The job, the rebuild command and the property test all go through these three queries.
import type { DbOrTx } from "@/db/client";
import type { FlowStepsDailyRow, FunnelDailyRow, PaymentsDailyRow } from "@/db/schema";
import { sql } from "drizzle-orm";
import {
  dayFilter,
  execRows,
  localDay,
  PAID_STATUSES,
  sqlList,
  UNATTEMPTED_STATUSES,
  type BucketSet,
} from "./buckets";

type Raw = Record<string, string | number | null>;
const num = (v: unknown): number => Number(v ?? 0);
const str = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? "" : String(v);

/** The key every rollup row starts with: whose, which mode, which local day, which flow and channel. */
const flowDayKey = (set: BucketSet, r: Raw) => ({
  merchantId: set.merchantId,
  mode: set.mode,
  day: str(r.day),
  flowId: str(r.flow_id),
  flowVersionId: str(r.flow_version_id),
  channel: str(r.channel),
});

export async function recountPayments(db: DbOrTx, set: BucketSet): Promise<PaymentsDailyRow[]> {
  const day = localDay(sql`p.created_at`, set.timeZone);
  const rows = await execRows<Raw>(
    db,
    sql`
    select to_char(${day}, 'YYYY-MM-DD') as day,
      coalesce(c.flow_id, p.flow_id, '') as flow_id,
      coalesce(c.flow_version_id, '') as flow_version_id,
      coalesce(c.channel, '') as channel,
      p.connection_id, p.provider, coalesce(p.method, '') as method, p.currency, p.status,
      case when p.status = 'failed' then coalesce(nullif(p.failure_code, ''), 'unknown') else '' end as failure_code,
      count(*) as payments,
      sum(p.amount_minor) as amount_minor,
      sum(p.refunded_minor) as refunded_minor,
      count(*) filter (where p.refunded_minor > 0) as refunded_payments,
      sum(coalesce(d.n, 0)) as disputes,
      sum(coalesce(d.amount, 0)) as disputed_minor,
      sum(coalesce(d.won, 0)) as disputes_won,
      sum(coalesce(d.lost, 0)) as disputes_lost
    from payments p
    left join conversations c on c.merchant_id = p.merchant_id and c.id = p.conversation_id
    left join (
      select x.payment_id, count(*) as n, sum(x.amount_minor) as amount,
        count(*) filter (where x.status = 'won') as won,
        count(*) filter (where x.status in ('lost', 'accepted')) as lost
      from disputes x where x.merchant_id = ${set.merchantId} and x.mode = ${set.mode}
      group by x.payment_id
    ) d on d.payment_id = p.id
    where p.merchant_id = ${set.merchantId} and p.mode = ${set.mode}
      and ${dayFilter(sql`p.created_at`, set)}
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
  );
  return rows.map((r) => ({
    ...flowDayKey(set, r),
    connectionId: str(r.connection_id),
    provider: str(r.provider),
    method: str(r.method),
    currency: str(r.currency),
    status: str(r.status),
    failureCode: str(r.failure_code),
    payments: num(r.payments),
    amountMinor: num(r.amount_minor),
    refundedMinor: num(r.refunded_minor),
    refundedPayments: num(r.refunded_payments),
    disputes: num(r.disputes),
    disputedMinor: num(r.disputed_minor),
    disputesWon: num(r.disputes_won),
    disputesLost: num(r.disputes_lost),
  }));
}

/**
 * One row per conversation with how far it went (each step implies the ones before it).
 * Set-based (grouped subqueries, hash joins) rather than per-row lateral lookups, so the plan
 * stays good on tables with no statistics yet (the demo seed rebuilds inside its transaction).
 */
function conversationProgress(set: BucketSet) {
  const day = localDay(sql`c.started_at`, set.timeZone);
  return sql`
    with conv as (
      select c.merchant_id, c.id, c.mode, c.started_at, to_char(${day}, 'YYYY-MM-DD') as day,
        c.flow_id, coalesce(c.flow_version_id, '') as flow_version_id, c.channel
      from conversations c
      where c.merchant_id = ${set.merchantId} and c.mode = ${set.mode} and not c.is_simulation
        and ${dayFilter(sql`c.started_at`, set)}
    ),
    ev as (
      select e.conversation_id,
        bool_or(e.kind = 'entered' and e.node_type in ('confirm', 'choose_method', 'pay')) as reached_pay,
        bool_or(e.kind = 'amount_confirmed') as confirmed,
        bool_or(e.kind = 'method_chosen') as method_chosen,
        bool_or(e.kind = 'payment_link_sent') as link_sent,
        bool_or(e.kind = 'payment_opened') as link_opened
      from conversation_events e
      where e.merchant_id = ${set.merchantId} and e.conversation_id in (select id from conv)
      group by e.conversation_id
    ),
    pay as (
      select p.conversation_id,
        bool_or(p.status not in (${sqlList(UNATTEMPTED_STATUSES)})) as attempted,
        min(coalesce(p.succeeded_at, p.updated_at)) filter (where p.status in (${sqlList(PAID_STATUSES)})) as paid_at
      from payments p
      where p.merchant_id = ${set.merchantId} and p.mode = ${set.mode}
        and p.conversation_id in (select id from conv)
      group by p.conversation_id
    ),
    progress as (
      select c.merchant_id, c.id, c.started_at, c.day, c.flow_id, c.flow_version_id, c.channel,
        coalesce(ev.reached_pay, false) as ev_reached_pay,
        coalesce(ev.confirmed, false) as ev_confirmed,
        coalesce(ev.method_chosen, false) as ev_method_chosen,
        coalesce(ev.link_sent, false) as ev_link_sent,
        coalesce(ev.link_opened, false) or coalesce(pay.attempted, false) as ev_link_opened,
        pay.paid_at
      from conv c
      left join ev on ev.conversation_id = c.id
      left join pay on pay.conversation_id = c.id
    ),
    steps as (
      select *, paid_at is not null as is_paid,
        paid_at is not null or ev_link_opened as is_opened,
        paid_at is not null or ev_link_opened or ev_link_sent as is_sent,
        paid_at is not null or ev_link_opened or ev_link_sent or ev_method_chosen as is_chosen,
        paid_at is not null or ev_link_opened or ev_link_sent or ev_method_chosen or ev_confirmed as is_confirmed,
        paid_at is not null or ev_link_opened or ev_link_sent or ev_method_chosen or ev_confirmed or ev_reached_pay as is_reached
      from progress
    )`;
}

export async function recountFunnel(db: DbOrTx, set: BucketSet): Promise<FunnelDailyRow[]> {
  const rows = await execRows<Raw>(
    db,
    sql`${conversationProgress(set)}
    select day, flow_id, flow_version_id, channel,
      count(*) as started,
      count(*) filter (where is_reached) as reached_pay,
      count(*) filter (where is_confirmed) as confirmed,
      count(*) filter (where is_chosen) as method_chosen,
      count(*) filter (where is_sent) as link_sent,
      count(*) filter (where is_opened) as link_opened,
      count(*) filter (where is_paid) as paid,
      coalesce(sum(greatest(0, floor(extract(epoch from (paid_at - started_at))))) filter (where is_paid), 0) as paid_seconds_sum
    from steps group by 1, 2, 3, 4`,
  );
  return rows.map((r) => ({
    ...flowDayKey(set, r),
    started: num(r.started),
    reachedPay: num(r.reached_pay),
    confirmed: num(r.confirmed),
    methodChosen: num(r.method_chosen),
    linkSent: num(r.link_sent),
    linkOpened: num(r.link_opened),
    paid: num(r.paid),
    paidSecondsSum: num(r.paid_seconds_sum),
  }));
}

export async function recountFlowSteps(db: DbOrTx, set: BucketSet): Promise<FlowStepsDailyRow[]> {
  const rows = await execRows<Raw>(
    db,
    sql`${conversationProgress(set)},
    node_visits as (
      select e.conversation_id, e.node_id, max(e.seq) as last_seq
      from conversation_events e
      where e.merchant_id = ${set.merchantId} and e.kind = 'entered'
        and e.conversation_id in (select id from conv)
      group by 1, 2
    ),
    last_visit as (
      select conversation_id, max(last_seq) as seq from node_visits group by 1
    )
    select s.day, s.flow_id, s.flow_version_id, s.channel, nv.node_id,
      count(*) as reached,
      count(*) filter (where not s.is_paid and nv.last_seq = lv.seq) as stopped
    from node_visits nv
    join steps s on s.id = nv.conversation_id
    join last_visit lv on lv.conversation_id = nv.conversation_id
    group by 1, 2, 3, 4, 5`,
  );
  return rows.map((r) => ({
    ...flowDayKey(set, r),
    nodeId: str(r.node_id),
    reached: num(r.reached),
    stopped: num(r.stopped),
  }));
}
