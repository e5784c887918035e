import { getDb } from "@/db/client";
import { getSandboxCheckout } from "@/lib/connections/sandbox-emitter";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import { SandboxCheckout } from "./checkout-client";
import { checkoutIdSchema, checkoutPhase } from "./checkout-state";

// Public: the customer's browser opens this from the chat. No session, no dashboard shell.
export const metadata: Metadata = {
  title: "Sandbox checkout",
  robots: { index: false, follow: false },
};
export const dynamic = "force-dynamic";

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-start justify-center bg-slate-100 px-4 py-12">
      <div className="w-full max-w-md">
        {/* The Sandbox is always test: no card is charged, whatever is typed here. */}
        <p
          data-testid="test-mode-banner"
          className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-center text-sm font-medium text-amber-900 ring-1 ring-amber-200"
        >
          Test mode — no money moves
        </p>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
        <p className="mt-4 text-center text-xs text-slate-600">
          Parley Sandbox — a simulated provider checkout.
        </p>
      </div>
    </main>
  );
}

function Message({ title, body }: { title: string; body: string }) {
  return (
    <Shell>
      <div role="status" className="text-center">
        <h1 className="text-lg font-semibold">{title}</h1>
        <p className="mt-2 text-sm text-slate-600">{body}</p>
      </div>
    </Shell>
  );
}

export default async function SandboxCheckoutPage({
  params,
}: {
  params: Promise<{ checkoutId: string }>;
}) {
  const { checkoutId } = await params;
  const checkout = checkoutIdSchema.safeParse(checkoutId).success
    ? await getSandboxCheckout(getDb(), checkoutId)
    : null;
  if (!checkout) {
    return (
      <Message
        title="Checkout not found"
        body="This payment link is not valid. Go back to the chat and ask for a new one."
      />
    );
  }
  const { payment } = checkout;
  const phase = checkoutPhase(payment);
  if (phase === "paid") {
    return (
      <Message
        title="This payment is already complete"
        body="Nothing more to do here — you can return to the chat."
      />
    );
  }
  if (phase === "declined") {
    return (
      <Message
        title="This payment was declined"
        body="Nothing was charged. Go back to the chat to try again or choose another way to pay."
      />
    );
  }
  if (phase === "closed") {
    return (
      <Message
        title="This checkout has expired"
        body="Nothing was charged. Go back to the chat and ask for a new payment link."
      />
    );
  }
  return (
    <Shell>
      <p className="text-sm font-medium text-slate-500">{payment.merchantName}</p>
      <h1 className="mt-1 text-3xl font-semibold tabular-nums">
        {formatMoney(payment.amountMinor, payment.currency)}
      </h1>
      {payment.description ? (
        <p className="mt-1 text-sm text-slate-700">{payment.description}</p>
      ) : null}
      <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-amber-200">
        Sandbox — no real card is charged. Choose how this payment should end.
      </p>
      <div className="mt-5">
        <SandboxCheckout
          checkoutId={checkoutId}
          startAtAuthentication={payment.status === "requires_action"}
        />
      </div>
    </Shell>
  );
}
