// Writes a planned step as one SQL statement: the conversation's new state (only if the row is
// still at the revision the step read, and only if the customer's message is not stored yet),
// with its messages, events, jobs and the console's event riding on that update. A statement is atomic on its own,
// so a step is one round trip and holds the row lock for no longer than the statement.
import type { DbOrTx } from "@/db/client";
import { runPreparedSql as queryRows } from "@/db/prepared";
import { assignments, columnNames, insertableColumns, insertValues, rowsJson } from "@/db/rows";
import { conversationEvents, conversationMessages, conversations } from "@/db/schema";
import { CONSOLE_EVENTS_CHANNEL, eventPayload } from "@/lib/events/bus";
import { sql, type SQL, type Table } from "drizzle-orm";
import { handoffAfter } from "./handoff-write";
import { jobParts } from "./step-jobs";
import { RevisionConflictError, type StepPlan } from "./step-runner";
import {
  cancelCheckoutRecovery,
  cancelFlowTimer,
  scheduleCheckoutRecovery,
  scheduleFlowTimer,
} from "./timers";

// Column lists come from the schema (db/rows.ts), so a column added to these tables is written
// without anyone re-declaring it here.
const MESSAGE_KEYS = insertableColumns(conversationMessages);
// seq is the database's (insertion order).
const EVENT_KEYS = insertableColumns(conversationEvents, ["seq"]);
const CONVERSATION_KEYS = insertableColumns(conversations);
// What a step never changes: the key, and what the conversation was started with. Every other
// column is the step's to write.
const FIXED_AT_START = [
  "merchantId",
  "id",
  "flowId",
  "flowVersionId",
  "channel",
  "channelId",
  "externalUserId",
  "externalChatId",
  "isSimulation",
  "startedAt",
] as const;
export const STEP_WRITE_KEYS = insertableColumns(conversations, FIXED_AT_START);

/** `insert into t (cols) select cols from head, <the rows of one JSON parameter>`. */
function insertAfterHead(table: Table, keys: string[], rows: string): SQL {
  const names = sql.raw(keys.map((n) => `"${n}"`).join(", "));
  const fields = sql.raw(keys.map((n) => `r."${n}"`).join(", "));
  return sql`insert into ${table} (${names})
      select ${fields} from head, jsonb_populate_recordset(null::${table}, ${rows}::jsonb) as r`;
}

/** The messages and events of the step, inserted only when `head` (the conversation's write) returned its row. */
function rowsAfter(plan: StepPlan): SQL {
  const c = plan.conversation;
  const messages = [...(plan.inbound ? [plan.inbound] : []), ...plan.outbound].map((m) => ({
    ...m,
    merchantId: c.merchantId,
    conversationId: c.id,
  }));
  const events = plan.events.map((e) => ({
    ...e,
    merchantId: c.merchantId,
    conversationId: c.id,
    flowId: c.flowId,
    flowVersionId: c.flowVersionId,
  }));
  const parts: SQL[] = [];
  if (messages.length > 0)
    parts.push(
      sql`, messages as (${insertAfterHead(
        conversationMessages,
        columnNames(conversationMessages, MESSAGE_KEYS),
        rowsJson(conversationMessages, MESSAGE_KEYS, messages),
      )})`,
    );
  if (events.length > 0)
    parts.push(
      sql`, events as (${insertAfterHead(
        conversationEvents,
        columnNames(conversationEvents, EVENT_KEYS),
        rowsJson(conversationEvents, EVENT_KEYS, events),
      )})`,
    );
  return sql.join(parts);
}

/**
 * The console's event for the conversation (lib/events/bus.ts), sent only if `head` wrote the
 * row and only when the statement's transaction commits: open chat streams in every process wake.
 */
function announce(plan: StepPlan): SQL {
  const { merchantId, mode, id } = plan.conversation;
  const payload = eventPayload({ kind: "conversation", merchantId, mode, id });
  return sql`, announced as (select pg_notify(${CONSOLE_EVENTS_CHANNEL}, ${payload}) from head)`;
}

async function run(db: DbOrTx, head: SQL, plan: StepPlan, jobs: SQL = sql``): Promise<boolean> {
  const [row] = await queryRows<{ written: number }>(
    db,
    sql`with head as (${head})${rowsAfter(plan)}${handoffAfter(plan)}${jobs}${announce(plan)}
      select count(*)::int as written, (select count(*)::int from announced) as announced from head`,
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
  return sql`update ${conversations} set ${assignments(conversations, STEP_WRITE_KEYS, c)}
    where merchant_id = ${c.merchantId} and id = ${c.id} and revision = ${before.revision}
      ${notStoredYet}
    returning id`;
}

function insertHead(plan: StepPlan): SQL {
  return sql`insert into ${conversations} ${insertValues(conversations, CONVERSATION_KEYS, plan.conversation)}
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
