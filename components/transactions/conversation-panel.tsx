import { Transcript } from "@/components/conversations/transcript";
import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { formatMoney } from "@/lib/money";
import type { PaymentDetail } from "@/lib/payments/detail";
import Link from "next/link";

// Shared by the payment page and the dispute's case page (the evidence a case is built from).
/** The chat that led to the payment: what the customer was shown and what they confirmed. */
export function ConversationPanel({ detail }: { detail: PaymentDetail }) {
  const conversation = detail.conversation!;
  const paymentIds = new Set([detail.payment.id]);
  return (
    <section aria-labelledby="conversation-heading" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="conversation-heading" className="text-base font-semibold">
          Conversation
        </h2>
        <Link
          href={`/conversations/${conversation.id}`}
          className="text-sm text-brand-700 hover:underline"
        >
          Open the conversation ({CHANNEL_LABELS[conversation.channel] ?? conversation.channel})
        </Link>
      </div>
      <dl className="grid gap-3 text-sm sm:grid-cols-3" data-testid="conversation-facts">
        <div>
          <dt className="text-xs text-slate-500">Shown to the customer</dt>
          <dd className="font-medium tabular-nums" data-testid="conversation-shown">
            {conversation.shown
              ? `Payment link for ${formatMoney(conversation.shown.amountMinor, conversation.shown.currency)}`
              : "No payment link in the transcript"}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Items</dt>
          <dd data-testid="conversation-items">
            {conversation.cart && conversation.cart.items.length ? (
              <ul className="space-y-0.5">
                {conversation.cart.items.map((item) => (
                  <li key={item.sku} className="tabular-nums">
                    {item.quantity} × <span className="font-mono text-xs">{item.sku}</span> at{" "}
                    {formatMoney(item.unitMinor, conversation.cart!.currency)}
                  </li>
                ))}
                <li className="font-medium tabular-nums">
                  Total {formatMoney(conversation.cart.totalMinor, conversation.cart.currency)}
                </li>
              </ul>
            ) : (
              "No cart: the flow asked for an amount"
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Customer confirmed</dt>
          <dd className="break-words" data-testid="conversation-confirmed">
            {conversation.confirmed ? `“${conversation.confirmed.text}”` : "—"}
          </dd>
        </div>
      </dl>
      <Transcript messages={conversation.messages} paymentIds={paymentIds} />
    </section>
  );
}
