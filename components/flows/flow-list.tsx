import { Table, Td, Th } from "@/components/ui/table";
import type { FlowListItem } from "@/lib/flows/queries";
import Link from "next/link";
import { CHANNEL_LABELS } from "./node-meta";
import { FlowStatusBadge } from "./status-badge";

const percent = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" });

export function FlowList({ flows }: { flows: FlowListItem[] }) {
  return (
    <Table label="Flows">
      <thead className="bg-slate-50">
        <tr>
          <Th>Name</Th>
          <Th>Status</Th>
          <Th>Version</Th>
          <Th>Channels</Th>
          <Th className="text-right">Conversations (30 d)</Th>
          <Th className="text-right">Conversion</Th>
          <Th>Updated</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {flows.map((flow) => (
          <tr key={flow.id} data-testid={`flow-row-${flow.id}`} className="hover:bg-slate-50">
            <Td>
              <Link
                href={`/flows/${flow.id}`}
                className="font-medium text-brand-700 hover:underline"
              >
                {flow.name}
              </Link>
            </Td>
            <Td>
              <FlowStatusBadge status={flow.status} />
            </Td>
            <Td>
              {flow.version === null ? (
                <span className="text-slate-500">—</span>
              ) : (
                `v${flow.version}`
              )}
            </Td>
            <Td>
              <ul className="flex flex-wrap gap-1" aria-label="Channels">
                {flow.channels.map((channel) => (
                  <li
                    key={channel}
                    className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700"
                  >
                    {CHANNEL_LABELS[channel]}
                  </li>
                ))}
              </ul>
            </Td>
            <Td className="text-right tabular-nums">
              {flow.conversations.toLocaleString("en-GB")}
            </Td>
            <Td className="text-right tabular-nums">
              {flow.conversionRate === null ? (
                <span className="text-slate-500">—</span>
              ) : (
                percent.format(flow.conversionRate)
              )}
            </Td>
            <Td>{dateFormat.format(flow.updatedAt)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
