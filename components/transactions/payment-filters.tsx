import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { PROVIDER_ORDER, PROVIDERS } from "@/lib/connections/provider-catalog";
import { PAYMENT_STATUSES } from "@/lib/connections/providers/types";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/status-display";
import Link from "next/link";

/** A plain GET form: filters live in the URL, so they survive reloads and can be shared. */
export function PaymentFilters({ status, provider }: { status?: string; provider?: string }) {
  return (
    <form
      method="get"
      action="/transactions"
      className="mb-4 flex flex-wrap items-end gap-3"
      aria-label="Filter payments"
    >
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">Status</span>
        <Select name="status" defaultValue={status ?? ""} className="w-48">
          <option value="">All statuses</option>
          {PAYMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {PAYMENT_STATUS_LABELS[s].label}
            </option>
          ))}
        </Select>
      </label>
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">Provider</span>
        <Select name="provider" defaultValue={provider ?? ""} className="w-40">
          <option value="">All providers</option>
          {PROVIDER_ORDER.map((p) => (
            <option key={p} value={p}>
              {PROVIDERS[p].name}
            </option>
          ))}
        </Select>
      </label>
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      {status || provider ? (
        <Link href="/transactions" className="py-2 text-sm text-brand-700 hover:underline">
          Clear
        </Link>
      ) : null}
    </form>
  );
}
