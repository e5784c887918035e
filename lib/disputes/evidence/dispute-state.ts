// Every read and write of a dispute row's status made by the evidence workflow, in one place, so
// the dispute model (stages, more statuses) can change underneath with one file to reconcile.
import type { DbOrTx } from "@/db/client";
import { disputes, type Dispute } from "@/db/schema";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { and, eq, sql } from "drizzle-orm";

export type RespondCheck = { ok: true } | { ok: false; message: string };

/** Whether evidence may still be changed or sent, and if not, why (in the merchant's words). */
export function canRespond(dispute: Pick<Dispute, "status" | "dueBy">, now: Date): RespondCheck {
  if (dispute.status === "under_review")
    return { ok: false, message: "Evidence was already submitted; the case is under review." };
  if (dispute.status !== "needs_response")
    return {
      ok: false,
      message: `This dispute is closed (${dispute.status}); nothing can be sent.`,
    };
  if (dispute.dueBy && dispute.dueBy.getTime() <= now.getTime())
    return {
      ok: false,
      message: `The response was due ${dispute.dueBy.toISOString().slice(0, 16).replace("T", " ")} UTC; the provider no longer takes evidence.`,
    };
  return { ok: true };
}

export function isClosed(dispute: Pick<Dispute, "status">): boolean {
  return dispute.status === "won" || dispute.status === "lost" || dispute.status === "accepted";
}

/** The dispute, locked for the rest of the transaction (one submit or accept at a time). */
export async function lockDispute(tx: DbOrTx, merchantId: string, disputeId: string) {
  const [row] = await tx
    .select()
    .from(disputes)
    .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, disputeId)))
    .for("update");
  if (!row) throw new NotFoundError("This dispute");
  return row;
}

/** Refuses a form loaded before the dispute last changed (e.g. the provider closed it). */
export function assertFresh(dispute: Pick<Dispute, "updatedAt">, seenUpdatedAt: string | null) {
  if (seenUpdatedAt && dispute.updatedAt.toISOString() !== seenUpdatedAt)
    throw new ConflictError(
      "This dispute changed since the page was opened (the provider may have updated it). Reload to see where it stands.",
    );
}

/** The provider took the evidence: the case is under review. */
export async function markSubmitted(tx: DbOrTx, dispute: Dispute, now: Date): Promise<Dispute> {
  const [row] = await tx
    .update(disputes)
    .set({ status: "under_review", submittedAt: now, updatedAt: now })
    .where(
      and(
        eq(disputes.merchantId, dispute.merchantId),
        eq(disputes.id, dispute.id),
        eq(disputes.status, "needs_response"),
      ),
    )
    .returning();
  return row ?? dispute;
}

/** The merchant accepted the dispute: it is closed as accepted. */
export async function markAccepted(tx: DbOrTx, dispute: Dispute, now: Date): Promise<Dispute> {
  const [row] = await tx
    .update(disputes)
    .set({
      status: "accepted",
      outcome: "accepted",
      closedAt: sql`coalesce(${disputes.closedAt}, ${now})`,
      updatedAt: now,
    })
    .where(and(eq(disputes.merchantId, dispute.merchantId), eq(disputes.id, dispute.id)))
    .returning();
  return row ?? dispute;
}
