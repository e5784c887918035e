// Writes a planned step as one SQL statement: the conversation's new state (only if the row is
// still at the revision the step read, and only if the customer's message is not stored yet),
// with its messages, events and jobs riding on that update. A statement is atomic on its own,
// so a step is one round trip and holds the row lock for no longer than the statement.
import type { DbOrTx } from "@/db/client";
import { conversationEvents, conversationMessages, conversations } from "@/db/schema";
import { sql, type SQL } from "drizzle-orm";
import { queryRows } from "./prepared";
import { jobParts } from "./step-jobs";
import { RevisionConflictError, type StepPlan } from "./step-runner";
import {
  cancelCheckoutRecovery,
  cancelFlowTimer,
  scheduleCheckoutRecovery,
  scheduleFlowTimer,
} from "./timers";

function json(value: unknown): SQL {
  return sql`${JSON.stringify(value)}::jsonb`;
}

function time(value: Date | null): SQL {
  return value ? sql`${value.toISOString()}::timestamptz` : sql`null::timestamptz`;
}

/** The messages and events of the step, inserted only when `head` (the conversation's write) returned its row. */
function rowsAfter(plan: StepPlan): SQL {
  const messages = [...(plan.inbound ? [plan.inbound] : []), ...plan.outbound].map((m) => ({
    id: m.id,
    direction: m.direction,
    platform_message_id: m.platformMessageId,
    body: m.body,
    redacted: m.redacted,
    created_at: m.createdAt.toISOString(),
  }));
  const events = plan.events.map((e) => ({
    id: e.id,
    node_id: e.nodeId,
    node_type: e.nodeType,
    kind: e.kind,
    detail: e.detail,
    occurred_at: e.occurredAt.toISOString(),
  }));
  const c = plan.conversation;
  const parts: SQL[] = [];
  if (messages.length > 0)
    parts.push(sql`, messages as (
      insert into ${conversationMessages}
        (merchant_id, id, conversation_id, direction, platform_message_id, body, redacted, created_at)
      select ${c.merchantId}, r.id, ${c.id}, r.direction, r.platform_message_id, r.body, r.redacted, r.created_at
      from head, jsonb_to_recordset(${json(messages)}) as r(id text, direction text,
        platform_message_id text, body jsonb, redacted boolean, created_at timestamptz))`);
  if (events.length > 0)
    parts.push(sql`, events as (
      insert into ${conversationEvents}
        (merchant_id, id, conversation_id, flow_id, flow_version_id, node_id, node_type, kind, detail, occurred_at)
      select ${c.merchantId}, e.id, ${c.id}, ${c.flowId}, ${c.flowVersionId}, e.node_id, e.node_type, e.kind, e.detail, e.occurred_at
      from head, jsonb_to_recordset(${json(events)}) as e(id text, node_id text, node_type text,
        kind text, detail jsonb, occurred_at timestamptz))`);
  return sql.join(parts);
}

async function run(db: DbOrTx, head: SQL, plan: StepPlan, jobs: SQL = sql``): Promise<boolean> {
  const [row] = await queryRows<{ written: number }>(
    db,
    sql`with head as (${head})${rowsAfter(plan)}${jobs} select count(*)::int as written from head`,
  );
  return Number(row?.written ?? 0) === 1;
}

function updateHead(plan: StepPlan): SQL {
  const { before, conversation: c, inbound } = plan;
  // Redeliveries are caught before the step runs; this guard only matters for one arriving
  // while the original's step was still uncommitted.
  const notStoredYet = inbound
    ? sql`and not exists (select 1 from ${conversationMessages} d
        where d.merchant_id = ${c.merchantId} and d.conversation_id = ${c.id}
          and d.direction = 'inbound' and d.platform_message_id = ${inbound.platformMessageId})`
    : sql``;
  return sql`update ${conversations}
    set state = ${json(c.state)}, status = ${c.status}, lang = ${c.lang}, revision = ${c.revision},
      updated_at = ${time(c.updatedAt)}, completed_at = ${time(c.completedAt)}
    where merchant_id = ${c.merchantId} and id = ${c.id} and revision = ${before.revision}
      ${notStoredYet}
    returning id`;
}

function insertHead(plan: StepPlan): SQL {
  const c = plan.conversation;
  return sql`insert into ${conversations}
      (merchant_id, id, flow_id, flow_version_id, channel, channel_id, external_user_id,
       external_chat_id, lang, status, is_simulation, mode, state, revision, started_at, updated_at, completed_at)
    values (${c.merchantId}, ${c.id}, ${c.flowId}, ${c.flowVersionId}, ${c.channel}, ${c.channelId},
      ${c.externalUserId}, ${c.externalChatId}, ${c.lang}, ${c.status}, ${c.isSimulation}, ${c.mode},
      ${json(c.state)}, ${c.revision}, ${time(c.startedAt)}, ${time(c.updatedAt)}, ${time(c.completedAt)})
    returning id`;
}

async function writeJobs(tx: DbOrTx, plan: StepPlan, now: Date): Promise<void> {
  const { merchantId, id } = plan.conversation;
  for (const job of plan.jobs) {
    switch (job.type) {
      case "schedule_timer":
        await scheduleFlowTimer(tx, merchantId, id, job);
        break;
      case "cancel_timer":
        await cancelFlowTimer(tx, merchantId, job.timerId);
        break;
      case "create_checkout":
        await scheduleCheckoutRecovery(tx, merchantId, id, job, now);
        break;
      case "cancel_checkout_recovery":
        await cancelCheckoutRecovery(tx, merchantId, job.idempotencyKey);
        break;
    }
  }
}

/**
 * Writes the step; false (nothing written) when the conversation moved on since it was read,
 * or the customer's message is stored already. `db` may be a transaction (the locked retry).
 */
export async function writeStep(db: DbOrTx, plan: StepPlan, isNew = false): Promise<boolean> {
  const head = isNew ? insertHead(plan) : updateHead(plan);
  const { merchantId, id, updatedAt: now } = plan.conversation;
  const jobs = jobParts(plan.jobs, merchantId, id, now);
  if (jobs) return run(db, head, plan, jobs);
  // Jobs that one statement cannot order: the step, then the jobs, in one transaction.
  try {
    return await db.transaction(async (tx) => {
      if (!(await run(tx, head, plan))) throw new RevisionConflictError(plan.before.id);
      await writeJobs(tx, plan, now);
      return true;
    });
  } catch (error) {
    if (error instanceof RevisionConflictError) return false;
    throw error;
  }
}
