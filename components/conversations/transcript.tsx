// A conversation's messages as the customer and the bot exchanged them. Everything is rendered
// as text (React escapes it): customer words are never interpreted as markup.
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { TranscriptEntry } from "@/lib/conversations/queries";
import { formatDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import Link from "next/link";

function money(amountMinor: number | undefined, currency: string | undefined): string {
  if (amountMinor === undefined || !currency) return "";
  try {
    return formatMoney(amountMinor, currency);
  } catch {
    return `${amountMinor} ${currency}`;
  }
}

export function Transcript({
  messages,
  paymentIds,
}: {
  messages: TranscriptEntry[];
  /** Payments of this conversation: a receipt naming one links to it. */
  paymentIds: ReadonlySet<string>;
}) {
  if (messages.length === 0) {
    return <p className="text-sm text-slate-500">No messages were exchanged.</p>;
  }
  return (
    <ol className="space-y-3" aria-label="Transcript">
      {messages.map((message) => (
        <TranscriptMessage key={message.id} message={message} paymentIds={paymentIds} />
      ))}
    </ol>
  );
}

function TranscriptMessage({
  message,
  paymentIds,
}: {
  message: TranscriptEntry;
  paymentIds: ReadonlySet<string>;
}) {
  const customer = message.direction === "inbound";
  const view = message.view;
  return (
    <li
      className={cn("flex flex-col gap-1", customer ? "items-end" : "items-start")}
      data-testid={
        customer ? "transcript-customer" : view?.fromTeam ? "transcript-team" : "transcript-bot"
      }
      data-kind={view?.kind ?? "unreadable"}
    >
      <span className="text-xs text-slate-500">
        {customer ? "Customer" : view?.fromTeam ? "Team" : "Bot"} ·{" "}
        {formatDateTime(message.createdAt)}
      </span>
      {view ? (
        view.text ? (
          <p
            className={cn(
              "max-w-[85%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm",
              customer
                ? "rounded-br-sm bg-brand-600 text-white"
                : "rounded-bl-sm bg-slate-100 text-slate-900 ring-1 ring-slate-200",
            )}
          >
            {view.text}
          </p>
        ) : null
      ) : (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm italic text-slate-500 ring-1 ring-slate-200">
          A message this version of Parley cannot display.
        </p>
      )}
      {message.redacted ? (
        <span data-testid="redacted-badge">
          <Badge tone="amber">Card details removed</Badge>
        </span>
      ) : null}
      {view?.kind === "choices" && view.options && view.options.length > 0 ? (
        <ul className="flex max-w-[90%] flex-wrap gap-1.5" aria-label="Buttons offered">
          {view.options.map((option) => (
            <li
              key={option.value}
              className="rounded-full bg-white px-2.5 py-0.5 text-xs text-slate-700 ring-1 ring-slate-300"
            >
              {option.label || option.value}
            </li>
          ))}
        </ul>
      ) : null}
      {view?.kind === "payment_link" ? (
        <span className="rounded-md bg-sky-50 px-3 py-1.5 text-xs text-sky-900 ring-1 ring-sky-600/20">
          Payment link for {money(view.amountMinor, view.currency)}
        </span>
      ) : null}
      {view?.kind === "receipt" ? (
        <span
          className="rounded-md bg-emerald-50 px-3 py-1.5 text-xs text-emerald-900 ring-1 ring-emerald-600/20"
          data-testid="transcript-receipt"
        >
          Receipt: paid {money(view.amountMinor, view.currency)} · reference{" "}
          {view.reference && paymentIds.has(view.reference) ? (
            <Link href={`/transactions/${view.reference}`} className="font-mono underline">
              {view.reference}
            </Link>
          ) : (
            <span className="font-mono">{view.reference}</span>
          )}
        </span>
      ) : null}
    </li>
  );
}
