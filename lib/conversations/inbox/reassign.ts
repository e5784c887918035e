// An owner or admin moves a conversation a teammate holds to another member who may take chats
// over (or to themselves). The previous holder sees the new one on the conversation (its holder
// line, live) and is refused with that name if they still try to reply; the customer notices
// nothing, a person still answers. Audited beside the change, under the conversation's lock.
// Path: reassignAction → reassignConversation → readFacts (lock) → decideReassign → write.
import { conversationHandoffs, memberships, ROLES, users, type Conversation } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ReadContext, type ServiceContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, ConflictError } from "@/lib/errors";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { ReassignInput } from "./schemas";
import { announce, readFacts } from "./service";
import { decideReassign } from "./takeover";

const AGENT_ROLES = ROLES.filter((role) => can(role, "conversations.takeover"));

export interface InboxMember {
  userId: string;
  name: string;
  email: string;
}

/** Members whose role may hold a conversation: who it can be reassigned to. */
export async function listInboxAgents(ctx: ReadContext): Promise<InboxMember[]> {
  return ctx.db
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.merchantId, ctx.merchantId), inArray(memberships.role, AGENT_ROLES)))
    .orderBy(asc(users.name), asc(users.email));
}

export async function reassignConversation(
  ctx: ServiceContext,
  input: ReassignInput,
  now = new Date(),
): Promise<{ changed: boolean }> {
  assertCan(ctx, "conversations.reassign");
  return ctx.db.transaction(async (tx) => {
    const facts = await readFacts(tx, ctx.merchantId, input.conversationId);
    const decision = decideReassign({
      conversation: facts.conversation,
      handoff: {
        status: facts.handoff?.status ?? null,
        assignedUserId: facts.handoff?.assignedUserId ?? null,
      },
      assigneeUserId: input.assigneeUserId,
    });
    if (!decision.ok) throw new ConflictError(decision.reason);
    const agents = await listInboxAgents({ ...ctx, db: tx });
    const assignee = agents.find((m) => m.userId === input.assigneeUserId);
    if (!assignee)
      throw new AppError("Choose a member of the team who may take conversations over.", 422, {
        assigneeUserId: ["Not a member who may take conversations over"],
      });
    if (!decision.changed) return { changed: false };
    const previous = facts.handoff!;
    const [moved] = await tx
      .update(conversationHandoffs)
      .set({ assignedUserId: assignee.userId, assignedAt: now, updatedAt: now })
      .where(
        and(
          eq(conversationHandoffs.merchantId, ctx.merchantId),
          eq(conversationHandoffs.conversationId, facts.conversation.id),
          eq(conversationHandoffs.status, "assigned"),
          eq(conversationHandoffs.assignedUserId, previous.assignedUserId!),
        ),
      )
      .returning({ conversationId: conversationHandoffs.conversationId });
    if (!moved) throw new ConflictError("Someone changed who holds this conversation; look again.");
    await announce(tx, facts.conversation satisfies Conversation);
    const from = previous.assignedName || "a teammate";
    const to = assignee.userId === ctx.user.id ? "themselves" : assignee.name || assignee.email;
    await auditAs(tx, ctx, {
      action: "conversation.reassigned",
      targetType: "conversation",
      targetId: facts.conversation.id,
      summary: `Reassigned the conversation from ${from} to ${to}`,
      before: { handoff: "assigned", assignedUserId: previous.assignedUserId },
      after: { handoff: "assigned", assignedUserId: assignee.userId },
    });
    return { changed: true };
  });
}
