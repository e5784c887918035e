// One message in the chat. Everything is rendered as text (React escapes it): customer words
// and merchant words alike, never HTML.
import { cn } from "@/components/ui/cn";
import type { ChatMessageView } from "@/lib/conversations/engine/messages";
import { formatMoney } from "@/lib/money";
import type { ChatStrings } from "./strings";

function money(
  amountMinor: number | undefined,
  currency: string | undefined,
  locale: string,
): string {
  if (amountMinor === undefined || !currency) return "";
  try {
    return formatMoney(amountMinor, currency, locale);
  } catch {
    return `${amountMinor} ${currency}`;
  }
}

function safeUrl(url: string | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

export function MessageBubble({
  message,
  strings,
  locale,
  choicesLive,
  onChoose,
}: {
  message: ChatMessageView;
  strings: ChatStrings;
  locale: string;
  choicesLive: boolean;
  onChoose: (value: string, label: string) => void;
}) {
  const mine = message.direction === "inbound";
  const url = message.kind === "payment_link" ? safeUrl(message.url) : null;
  return (
    <li
      className={cn("flex flex-col gap-2", mine ? "items-end" : "items-start")}
      data-testid={mine ? "customer-message" : "bot-message"}
      data-kind={message.kind}
    >
      {message.text && (
        <p
          className={cn(
            "max-w-[85%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm",
            mine
              ? "rounded-br-sm bg-brand-600 text-white"
              : "rounded-bl-sm bg-white text-slate-900 ring-1 ring-slate-200",
          )}
        >
          {message.text}
        </p>
      )}
      {mine && message.redacted && (
        <span className="text-xs text-slate-500">{strings.cardDataRemoved}</span>
      )}
      {message.kind === "choices" && message.options && message.options.length > 0 && (
        <div className="flex max-w-[90%] flex-wrap gap-2" role="group">
          {message.options.map((option) => (
            <button
              key={option.value}
              type="button"
              disabled={!choicesLive}
              onClick={() => onChoose(option.value, option.label)}
              className="rounded-full bg-white px-3 py-1.5 text-sm text-brand-700 ring-1 ring-brand-500/40 transition hover:bg-brand-50 disabled:cursor-default disabled:text-slate-400 disabled:ring-slate-200 disabled:hover:bg-white"
            >
              {option.label || option.value}
            </button>
          ))}
        </div>
      )}
      {url && (
        <a
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          title={strings.opensInNewTab}
          data-testid="payment-link"
          className="inline-flex items-center gap-2 rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          {strings.pay(money(message.amountMinor, message.currency, locale))}
          <span aria-hidden>↗</span>
        </a>
      )}
      {message.kind === "receipt" && (
        <dl
          className="grid max-w-[85%] grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-lg bg-emerald-50 px-3.5 py-2 text-sm text-emerald-900 ring-1 ring-emerald-600/20"
          data-testid="receipt"
        >
          <dt className="font-medium">{strings.paid}</dt>
          <dd>{money(message.amountMinor, message.currency, locale)}</dd>
          <dt className="font-medium">{strings.reference}</dt>
          <dd className="font-mono text-xs leading-5">{message.reference}</dd>
        </dl>
      )}
    </li>
  );
}
