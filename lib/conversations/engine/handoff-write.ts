// The Inbox entry a hand-off opens, written in the step's own statement (step-writer.ts): a step
// whose runtime handed the conversation to a person puts it in the Inbox as waiting, or reopens
// an entry that was handed back or closed. An entry an agent holds is left as it is.
import { conversationHandoffs } from "@/db/schema";
import { sql, type SQL } from "drizzle-orm";
import type { StepPlan } from "./step-runner";

/** `, handoff as (…)` when the step handed off; empty otherwise. */
export function handoffAfter(plan: StepPlan): SQL {
  if (!plan.result.actions.some((action) => action.type === "handoff")) return sql``;
  const c = plan.conversation;
  if (c.isSimulation) return sql``;
  const reason =
    plan.result.events.find((event) => event.kind === "handed_off")?.detail ?? "handoff";
  const at = c.updatedAt.toISOString();
  return sql`, handoff as (insert into ${conversationHandoffs}
      (merchant_id, conversation_id, mode, status, reason, requested_at, updated_at)
    select ${c.merchantId}, ${c.id}, ${c.mode}, 'waiting', ${reason.slice(0, 100)},
      ${at}::timestamptz, ${at}::timestamptz from head
    on conflict (merchant_id, conversation_id) do update
      set status = 'waiting', reason = excluded.reason, requested_at = excluded.requested_at,
        assigned_user_id = null, assigned_at = null, ended_at = null, updated_at = excluded.updated_at
      where ${conversationHandoffs}.status in ('returned', 'closed'))`;
}
