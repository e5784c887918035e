"use client";

import { switchMerchant } from "@/lib/auth/merchant-actions";
import { useRouter } from "next/navigation";
import { useTransition } from "react";

export function MerchantSwitcher({
  current,
  merchants,
}: {
  current: string;
  merchants: { id: string; name: string; role: string }[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  if (merchants.length < 2) {
    return (
      <div className="truncate text-sm font-semibold text-slate-900">{merchants[0]?.name}</div>
    );
  }
  return (
    <label className="block">
      <span className="sr-only">Merchant</span>
      <select
        aria-label="Switch merchant"
        className="w-full rounded-md border-0 bg-white py-1.5 pl-2 pr-8 text-sm font-semibold ring-1 ring-slate-300"
        value={current}
        disabled={pending}
        onChange={(event) => {
          const merchantId = event.target.value;
          startTransition(async () => {
            const result = await switchMerchant({ merchantId });
            if (result.ok) router.refresh();
          });
        }}
      >
        {merchants.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name} ({m.role})
          </option>
        ))}
      </select>
    </label>
  );
}
