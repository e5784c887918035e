// The dispute's case page: the dispute, its payment and conversation, the activity (provider
// events, refusals, notes, assignments), who it may be assigned to, the customer's other
// payments and disputes and the provider's latest webhook (case-history.ts); and the two writes
// a support agent makes on it — a note, an assignment — each audited in its own transaction.
import { disputeEvents, disputes, memberships, merchants, users, type Dispute } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ReadContext, type ServiceContext } from "@/lib/auth/context";
import { can, ROLES } from "@/lib/auth/permissions";
import { NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { getPaymentDetail, type PaymentDetail } from "@/lib/payments/detail";
import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import {
  latestDisputePayload,
  listCustomerHistory,
  type CustomerHistory,
  type ProviderPayload,
} from "./case-history";
import { loadDispute } from "./evidence/queries";

export interface CaseActivity {
  id: string;
  kind: "provider" | "refused" | "note" | "assigned";
  occurredAt: Date;
  body: string;
  rawType: string | null;
  toStatus: string | null;
  actorName: string | null;
}

export interface CaseMember {
  userId: string;
  name: string;
  email: string;
}

export interface DisputeCase {
  dispute: Dispute;
  detail: PaymentDetail;
  activity: CaseActivity[];
  assignee: CaseMember | null;
  /** Members who may work the case (their role may respond to disputes). */
  assignable: CaseMember[];
  timezone: string;
  /** The same customer's other payments and disputes, in this merchant and the dispute's mode. */
  customer: CustomerHistory;
  /** The latest provider webhook about this dispute; null without webhooks.view_payloads. */
  providerPayload: ProviderPayload | null;
}

export const noteSchema = z.object({
  disputeId: z.string().min(1).max(64),
  body: z
    .string({ error: "Write the note" })
    .trim()
    .min(1, "Write the note")
    .max(4000, "Notes are at most 4,000 characters"),
});
export type NoteInput = z.input<typeof noteSchema>;

export const assignSchema = z.object({
  disputeId: z.string().min(1).max(64),
  // "" = unassign (a select's empty option).
  assigneeUserId: z
    .string()
    .max(64)
    .nullable()
    .transform((v) => v || null),
});
export type AssignInput = z.input<typeof assignSchema>;

const RESPONDER_ROLES = ROLES.filter((role) => can(role, "disputes.respond"));

export async function getDisputeCase(ctx: ServiceContext, disputeId: string): Promise<DisputeCase> {
  assertCan(ctx, "disputes.view");
  const dispute = await loadDispute(ctx, disputeId);
  const actor = alias(users, "actor");
  const [[detail, customer], activity, assignable, [merchant], providerPayload] = await Promise.all(
    [
      getPaymentDetail(ctx, dispute.paymentId).then(
        async (detail) =>
          [detail, await listCustomerHistory(ctx, dispute, detail.payment)] as const,
      ),
      ctx.db
        .select({
          id: disputeEvents.id,
          kind: disputeEvents.kind,
          occurredAt: disputeEvents.occurredAt,
          body: disputeEvents.body,
          rawType: disputeEvents.rawType,
          toStatus: disputeEvents.toStatus,
          actorName: actor.name,
        })
        .from(disputeEvents)
        .leftJoin(actor, eq(actor.id, disputeEvents.actorUserId))
        .where(
          and(eq(disputeEvents.merchantId, ctx.merchantId), eq(disputeEvents.disputeId, disputeId)),
        )
        .orderBy(asc(disputeEvents.occurredAt), asc(disputeEvents.id)),
      listResponders(ctx),
      ctx.db
        .select({ timezone: merchants.timezone })
        .from(merchants)
        .where(eq(merchants.id, ctx.merchantId)),
      latestDisputePayload(ctx, dispute),
    ],
  );
  return {
    dispute,
    detail,
    activity,
    assignee: assignable.find((m) => m.userId === dispute.assigneeUserId) ?? null,
    assignable,
    timezone: merchant?.timezone ?? "UTC",
    customer,
    providerPayload,
  };
}

/** Members whose role may respond to disputes: who a case can be assigned to. */
export async function listResponders(ctx: ReadContext): Promise<CaseMember[]> {
  return ctx.db
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(eq(memberships.merchantId, ctx.merchantId), inArray(memberships.role, RESPONDER_ROLES)),
    )
    .orderBy(asc(users.name));
}

export async function addDisputeNote(
  ctx: ServiceContext,
  input: NoteInput,
  now = new Date(),
): Promise<{ eventId: string }> {
  assertCan(ctx, "disputes.respond");
  const { disputeId, body } = noteSchema.parse(input);
  await loadDispute(ctx, disputeId);
  return ctx.db.transaction(async (tx) => {
    const eventId = newId("disputeEvent");
    await tx.insert(disputeEvents).values({
      merchantId: ctx.merchantId,
      id: eventId,
      disputeId,
      kind: "note",
      body,
      actorUserId: ctx.user.id,
      occurredAt: now,
    });
    await auditAs(tx, ctx, {
      action: "dispute.note_added",
      targetType: "dispute",
      targetId: disputeId,
      summary: `Note on dispute ${disputeId}: ${body.length > 80 ? `${body.slice(0, 77)}…` : body}`,
    });
    return { eventId };
  });
}

export async function assignDispute(
  ctx: ServiceContext,
  input: AssignInput,
  now = new Date(),
): Promise<{ assigneeUserId: string | null }> {
  assertCan(ctx, "disputes.assign");
  const { disputeId, assigneeUserId } = assignSchema.parse(input);
  const responders = await listResponders(ctx);
  const assignee = assigneeUserId ? responders.find((m) => m.userId === assigneeUserId) : null;
  if (assigneeUserId && !assignee) {
    throw new NotFoundError("A team member who can respond to disputes");
  }
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ assigneeUserId: disputes.assigneeUserId })
      .from(disputes)
      .where(and(eq(disputes.merchantId, ctx.merchantId), eq(disputes.id, disputeId)))
      .for("update");
    if (!before) throw new NotFoundError("This dispute");
    if (before.assigneeUserId === assigneeUserId) return { assigneeUserId };
    await tx
      .update(disputes)
      .set({ assigneeUserId, updatedAt: now })
      .where(and(eq(disputes.merchantId, ctx.merchantId), eq(disputes.id, disputeId)));
    const body = assignee ? `Assigned to ${assignee.name}` : "Unassigned";
    await tx.insert(disputeEvents).values({
      merchantId: ctx.merchantId,
      id: newId("disputeEvent"),
      disputeId,
      kind: "assigned",
      body,
      detail: { from: before.assigneeUserId, to: assigneeUserId },
      actorUserId: ctx.user.id,
      occurredAt: now,
    });
    await auditAs(tx, ctx, {
      action: "dispute.assigned",
      targetType: "dispute",
      targetId: disputeId,
      summary: `Dispute ${disputeId}: ${assignee ? `assigned to ${assignee.email}` : "unassigned"}`,
      before: { assigneeUserId: before.assigneeUserId },
      after: { assigneeUserId },
    });
    return { assigneeUserId };
  });
}
