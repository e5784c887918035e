import { Table, Th } from "@/components/ui/table";
import type { AuditEntry } from "@/db/schema";
import { formatZonedDateTime } from "@/lib/audit/dates";
import { ActionBadge } from "./action-badge";
import { AuditDiff } from "./audit-diff";

// Plain cells rather than <Td>: audit text must wrap to fit the page, and Td never wraps. Their
// look is set once on the tbody rather than on each of 6 × 25 cells.
const CELLS = "[&>tr>td]:px-4 [&>tr>td]:py-2.5 [&>tr>td]:align-top [&>tr>td]:text-slate-700";

export function AuditTable({ entries, timeZone }: { entries: AuditEntry[]; timeZone: string }) {
  return (
    <Table label="Audit log entries">
      <thead className="bg-slate-50">
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th>Summary</Th>
          <Th>Change</Th>
        </tr>
      </thead>
      <tbody className={`divide-y divide-slate-100 ${CELLS}`}>
        {entries.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <td className="w-28">
              <time dateTime={e.createdAt.toISOString()}>
                {formatZonedDateTime(e.createdAt, timeZone)}
              </time>
            </td>
            <td className="min-w-32 break-words">
              <span title={e.ip ? `from ${e.ip}` : undefined}>{e.actorEmail}</span>
            </td>
            <td className="whitespace-nowrap">
              <ActionBadge action={e.action} />
            </td>
            <td>
              <div>{e.targetType}</div>
              {e.targetId ? (
                <div className="whitespace-nowrap font-mono text-xs text-slate-500">
                  {e.targetId}
                </div>
              ) : null}
            </td>
            <td className="min-w-48">{e.summary}</td>
            <td className="min-w-40">
              <AuditDiff before={e.before} after={e.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
