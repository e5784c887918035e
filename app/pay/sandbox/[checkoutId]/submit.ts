import type { Db } from "@/db/client";
import { SANDBOX_DECLINE_CODES } from "@/lib/connections/providers/sandbox/webhooks";
import { SandboxCheckoutCompletedError } from "@/lib/connections/sandbox-completions";
import {
  completeSandboxCheckout,
  getSandboxCheckout,
  type SandboxTransport,
} from "@/lib/connections/sandbox-emitter";
import { AppError } from "@/lib/errors";
import { limitPublicEndpoint } from "@/lib/http/rate-limit";
import { z } from "zod";
import { checkoutIdSchema, checkoutPhase } from "./checkout-state";

// The hosted Sandbox page's one write (behind actions.ts, testable without Next's request
// context). Public: whoever holds the checkout link may pay it, as with a real provider's hosted
// checkout; it acts on that one checkout id, rate-limited per client and checkout, and a second
// submit answers with the outcome the checkout already has (nothing is sent twice).

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
  | {
      ok: true;
      outcome: z.infer<typeof completeSchema>["outcome"];
      declineCode?: string;
      /** A previous submit completed the checkout; this one sent nothing. */
      alreadyCompleted?: true;
    }
  | { ok: false; error: string };

export async function submitSandboxChoice(
  db: Db,
  headers: Pick<Headers, "get">,
  input: unknown,
  transport?: SandboxTransport,
): Promise<SandboxChoiceResult> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "That choice is not valid for this checkout." };
  const { checkoutId, choice, delivery } = parsed.data;
  try {
    await limitPublicEndpoint(headers, "checkoutAction", checkoutId);
    const checkout = await getSandboxCheckout(db, checkoutId);
    if (!checkout) return { ok: false, error: "This checkout does not exist." };
    if (checkoutPhase(checkout.payment) === "closed")
      return { ok: false, error: "This checkout is already finished." };
    await completeSandboxCheckout(
      db,
      checkoutId,
      {
        outcome: choice.outcome,
        ...(choice.outcome === "declined" ? { declineCode: choice.declineCode } : {}),
        delivery: {
          delayMs: delivery.delaySeconds * 1000,
          duplicate: delivery.duplicate,
          outOfOrder: delivery.outOfOrder,
        },
      },
      transport,
    );
  } catch (error) {
    if (error instanceof SandboxCheckoutCompletedError && error.outcome) {
      return {
        ok: true,
        outcome: error.outcome,
        ...(error.declineCode ? { declineCode: error.declineCode } : {}),
        alreadyCompleted: true,
      };
    }
    // A conflict (finished meanwhile, connection disabled) or a 429 has a message for people.
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
