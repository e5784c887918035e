// A payment under dispute is not refunded from the console: the card network may already have
// taken the money back (or will if the dispute is lost), so a refund could pay the customer
// twice. The dispute is answered (or accepted) instead.
import type { DbOrTx } from "@/db/client";
import { disputes, type DisputeStatus } from "@/db/schema";
import { and, eq, inArray } from "drizzle-orm";

/** Statuses in which a dispute still decides where the money goes. */
export const OPEN_DISPUTE_STATUSES: DisputeStatus[] = ["needs_response", "under_review"];

/** The payment's open dispute (the oldest), or null. */
export async function openDisputeOf(
  db: DbOrTx,
  merchantId: string,
  paymentId: string,
): Promise<{ id: string; status: DisputeStatus } | null> {
  const [row] = await db
    .select({ id: disputes.id, status: disputes.status })
    .from(disputes)
    .where(
      and(
        eq(disputes.merchantId, merchantId),
        eq(disputes.paymentId, paymentId),
        inArray(disputes.status, OPEN_DISPUTE_STATUSES),
      ),
    )
    .orderBy(disputes.openedAt)
    .limit(1);
  return row ?? null;
}

export const OPEN_DISPUTE_MESSAGE =
  "This payment has an open dispute: respond to it (or accept it) instead of refunding — the card network may already be returning this money to the customer.";
