import type { PaymentStatus } from "@/lib/connections/providers/types";
import { z } from "zod";

// Which Sandbox checkouts can still take a choice, shared by the page and its action. Matches
// the emitter (lib/connections/sandbox-emitter.ts): a declined checkout is finished; the chat
// offers the customer a new one.

export const checkoutIdSchema = z.string().regex(/^sbxcs_[0-9a-f]{24}$/);

const OPEN: readonly PaymentStatus[] = ["created", "pending", "requires_action"];

export type CheckoutPhase = "open" | "paid" | "declined" | "closed";

export function checkoutPhase(
  payment: { status: PaymentStatus; expiresAt: Date | null },
  now = new Date(),
): CheckoutPhase {
  if (OPEN.includes(payment.status)) {
    return payment.expiresAt !== null && payment.expiresAt.getTime() <= now.getTime()
      ? "closed"
      : "open";
  }
  if (payment.status === "failed") return "declined";
  return payment.status === "canceled" || payment.status === "expired" ? "closed" : "paid";
}
