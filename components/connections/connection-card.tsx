import { PROVIDERS } from "@/lib/connections/provider-catalog";
import type { ConnectionSummary } from "@/lib/connections/service";
import { timeAgo } from "@/lib/format/time";
import Link from "next/link";
import { HealthLine } from "./health";
import { ConnectionStatusBadge, ModeBadge, ProviderMonogram } from "./provider-badge";

export function ConnectionCard({ connection, now }: { connection: ConnectionSummary; now: Date }) {
  const info = PROVIDERS[connection.provider];
  return (
    <li className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 hover:ring-slate-300">
      <div className="flex items-start gap-3">
        <ProviderMonogram provider={connection.provider} />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="truncate text-base font-semibold">
              <Link href={`/connections/${connection.id}`} className="hover:underline">
                {connection.label}
              </Link>
            </h2>
            <ModeBadge mode={connection.mode} />
            <ConnectionStatusBadge status={connection.status} />
          </div>
          <p className="text-xs text-slate-500">{info.name}</p>
        </div>
      </div>
      <HealthLine health={connection.health} now={now} className="mt-3" />
      <p className="mt-2 text-xs text-slate-500">
        {connection.credentialsVerifiedAt
          ? `Credentials verified ${timeAgo(connection.credentialsVerifiedAt, now)}`
          : "Credentials not verified yet — open the connection and test it."}
      </p>
    </li>
  );
}
