import { getDb } from "@/db/client";
import { merchants, payments } from "@/db/schema";
import { formatMoney } from "@/lib/money";
import { eq } from "drizzle-orm";
import type { Metadata } from "next";
import { z } from "zod";

export const metadata: Metadata = { title: "Back to your chat" };
export const dynamic = "force-dynamic";

const querySchema = z.object({
  payment: z
    .string()
    .regex(/^pay_[A-Za-z0-9]{10,40}$/)
    .optional(),
  result: z.enum(["success", "cancel"]).optional(),
});

// Where a provider's hosted page sends the customer back. Public: it shows only what the
// customer already saw (merchant, amount, outcome), never other payment details.
export default async function PaymentReturnPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const parsed = querySchema.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : {};
  const [row] = query.payment
    ? await getDb()
        .select({
          status: payments.status,
          amountMinor: payments.amountMinor,
          currency: payments.currency,
          merchantName: merchants.name,
        })
        .from(payments)
        .innerJoin(merchants, eq(merchants.id, payments.merchantId))
        .where(eq(payments.id, query.payment))
        .limit(1)
    : [];
  const paid =
    row && ["succeeded", "partially_refunded", "refunded", "disputed"].includes(row.status);
  const title = paid
    ? "Payment received"
    : query.result === "cancel"
      ? "Payment not completed"
      : "We are confirming your payment";
  const detail = paid
    ? "Thank you. Your receipt is waiting in the chat."
    : query.result === "cancel"
      ? "Nothing was charged. You can go back to the chat to try again or choose another way to pay."
      : "The chat will tell you as soon as the payment provider confirms it.";
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md rounded-lg bg-white p-8 text-center shadow-sm ring-1 ring-slate-200">
        <p
          className={
            paid ? "text-sm font-semibold text-emerald-700" : "text-sm font-semibold text-slate-600"
          }
        >
          {row
            ? `${row.merchantName} · ${formatMoney(row.amountMinor, row.currency)}`
            : "Parley checkout"}
        </p>
        <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
        <p className="mt-2 text-sm text-slate-600">{detail}</p>
        <p className="mt-6 text-xs text-slate-500">
          You can close this tab and return to your conversation.
        </p>
      </div>
    </main>
  );
}
