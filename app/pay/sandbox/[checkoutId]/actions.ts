"use server";

import { getDb } from "@/db/client";
import { SANDBOX_DECLINE_CODES } from "@/lib/connections/providers/sandbox/webhooks";
import { completeSandboxCheckout, getSandboxCheckout } from "@/lib/connections/sandbox-emitter";
import { AppError } from "@/lib/errors";
import { z } from "zod";
import { checkoutIdSchema, checkoutPhase } from "./checkout-state";

// The hosted Sandbox page is public: whoever holds the checkout link may pay it, as with a real
// provider's hosted checkout. The action acts on that one checkout id and nothing else.

const completeSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("succeeded") }),
  z.object({ outcome: z.literal("declined"), declineCode: z.enum(SANDBOX_DECLINE_CODES) }),
  z.object({ outcome: z.literal("requires_action") }),
  z.object({ outcome: z.literal("timeout") }),
]);

const deliverySchema = z
  .object({
    delaySeconds: z.coerce.number().int().min(0).max(600).default(0),
    duplicate: z.boolean().default(false),
    outOfOrder: z.boolean().default(false),
  })
  .default({ delaySeconds: 0, duplicate: false, outOfOrder: false });

const inputSchema = z.object({
  checkoutId: checkoutIdSchema,
  choice: completeSchema,
  delivery: deliverySchema,
});

export type SandboxChoiceResult =
  | { ok: true; outcome: z.infer<typeof completeSchema>["outcome"]; declineCode?: string }
  | { ok: false; error: string };

export async function completeSandboxChoice(input: unknown): Promise<SandboxChoiceResult> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "That choice is not valid for this checkout." };
  const { checkoutId, choice, delivery } = parsed.data;
  const db = getDb();
  const checkout = await getSandboxCheckout(db, checkoutId);
  if (!checkout) return { ok: false, error: "This checkout does not exist." };
  if (checkoutPhase(checkout.payment) !== "open")
    return { ok: false, error: "This checkout is already finished." };
  try {
    await completeSandboxCheckout(db, checkoutId, {
      outcome: choice.outcome,
      ...(choice.outcome === "declined" ? { declineCode: choice.declineCode } : {}),
      delivery: {
        delayMs: delivery.delaySeconds * 1000,
        duplicate: delivery.duplicate,
        outOfOrder: delivery.outOfOrder,
      },
    });
  } catch (error) {
    // A conflict (finished meanwhile, connection disabled) has a message meant for people.
    if (error instanceof AppError && error.status < 500) return { ok: false, error: error.message };
    console.error("[sandbox] completing checkout failed", error);
    return { ok: false, error: "The Sandbox could not record that choice. Try again." };
  }
  return {
    ok: true,
    outcome: choice.outcome,
    ...(choice.outcome === "declined" ? { declineCode: choice.declineCode } : {}),
  };
}
