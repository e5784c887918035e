import { STATUS_BADGE_TONES } from "@/components/transactions/payment-status-badge";
import { Badge } from "@/components/ui/badge";
import { formatMoney } from "@/lib/money";
import type { PaymentCrypto } from "@/lib/payments/detail";
import { CRYPTO_STATE_LABELS } from "@/lib/payments/status-display";

/** A crypto charge: where it stands, what the merchant should do, and what arrived on chain. */
export function CryptoPanel({
  crypto,
  amountMinor,
  currency,
}: {
  crypto: PaymentCrypto;
  amountMinor: number;
  currency: string;
}) {
  const display = CRYPTO_STATE_LABELS[crypto.state];
  const received = crypto.received;
  return (
    <section aria-labelledby="crypto-heading" className="space-y-3" data-testid="crypto-panel">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="crypto-heading" className="text-base font-semibold">
          Crypto charge
        </h2>
        <span data-testid="crypto-state">
          <Badge tone={STATUS_BADGE_TONES[display.tone]}>{display.label}</Badge>
        </span>
      </div>
      <p className="text-sm text-slate-700">{display.description}</p>
      <p className="text-sm text-slate-900">
        <span className="font-medium">What to do: </span>
        {display.action}
      </p>
      {crypto.settlement?.status === "resolved" && crypto.settlement.issue !== "other" ? (
        <p className="text-sm text-slate-600">
          Resolved on Coinbase Commerce after it was flagged{" "}
          {crypto.settlement.issue === "delayed" ? "paid after expiry" : crypto.settlement.issue}.
        </p>
      ) : null}
      {received ? (
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-1 text-sm">
          <dt className="text-slate-500">Received</dt>
          <dd className="tabular-nums" data-testid="crypto-received">
            {formatMoney(received.amountMinor, received.currency)} of{" "}
            {formatMoney(amountMinor, currency)}
          </dd>
          {received.crypto.map((coin, index) => (
            <div key={`${coin.transactionId ?? index}`} className="contents">
              <dt className="text-slate-500">{index === 0 ? "On chain" : ""}</dt>
              <dd className="min-w-0">
                <span className="font-mono tabular-nums">
                  {coin.amount} {coin.currency}
                </span>
                {coin.network ? <span className="text-slate-500"> on {coin.network}</span> : null}
                {coin.transactionId ? (
                  <span className="block break-all font-mono text-xs text-slate-500">
                    {coin.transactionId}
                  </span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-sm text-slate-500">Nothing received on chain yet.</p>
      )}
    </section>
  );
}
