import type { DbOrTx } from "@/db/client";
import { disputes } from "@/db/schema";
import { and, eq, inArray } from "drizzle-orm";

// The one rule for "this payment has an open dispute", so it follows the dispute model in one
// place: a dispute still waiting for the merchant or for the provider's decision.
export const OPEN_DISPUTE_STATUSES = ["needs_response", "under_review"] as const;

export interface OpenDispute {
  id: string;
  status: string;
  reason: string;
}

export async function findOpenDispute(
  db: DbOrTx,
  merchantId: string,
  paymentId: string,
): Promise<OpenDispute | null> {
  const [row] = await db
    .select({ id: disputes.id, status: disputes.status, reason: disputes.reason })
    .from(disputes)
    .where(
      and(
        eq(disputes.merchantId, merchantId),
        eq(disputes.paymentId, paymentId),
        inArray(disputes.status, [...OPEN_DISPUTE_STATUSES]),
      ),
    )
    .limit(1);
  return row ?? null;
}

export function openDisputeMessage(dispute: OpenDispute): string {
  return `This payment has an open dispute (${dispute.reason.replaceAll("_", " ")}, ${dispute.status.replaceAll("_", " ")}): refunding now could pay the customer twice if the dispute is lost. Answer or accept the dispute first.`;
}
