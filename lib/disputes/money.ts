// What a dispute did to the merchant's money, in words for the payment page: an inquiry moves
// none; a chargeback takes the disputed amount while the case is open, gives it back when won
// and keeps it when lost. Pure (the dispute row's stage and status say it all).
import type { DisputeStage, DisputeStatus } from "@/db/schema/disputes";
import { formatMoney } from "@/lib/money";

export type MoneyDirection = "none" | "held" | "returned" | "lost";

export interface DisputeMoney {
  direction: MoneyDirection;
  text: string;
}

export function disputeMoney(d: {
  stage: DisputeStage;
  status: DisputeStatus;
  amountMinor: number;
  currency: string;
}): DisputeMoney {
  const amount = formatMoney(d.amountMinor, d.currency);
  const ended = !["needs_response", "under_review"].includes(d.status);
  if (d.stage === "inquiry") {
    if (!ended) return { direction: "none", text: "An inquiry: no money has moved yet" };
    if (d.status === "won" || d.status === "canceled")
      return { direction: "none", text: "Closed without a chargeback: nothing was taken" };
  }
  if (!ended) return { direction: "held", text: `${amount} withdrawn while the case is open` };
  if (d.status === "won" || d.status === "canceled")
    return { direction: "returned", text: `${amount} reinstated to the merchant` };
  return { direction: "lost", text: `${amount} lost to the cardholder` };
}
