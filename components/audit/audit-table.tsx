import { Table, Th } from "@/components/ui/table";
import type { AuditEntry } from "@/db/schema";
import { formatZonedDateTime } from "@/lib/audit/dates";
import { ActionBadge } from "./action-badge";
import { AuditDiff } from "./audit-diff";

// Plain cells rather than <Td>: audit text must wrap to fit the page, and Td never wraps.
const CELL = "px-4 py-2.5 align-top text-slate-700";

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
      <tbody className="divide-y divide-slate-100">
        {entries.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <td className={`${CELL} w-28`}>
              <time dateTime={e.createdAt.toISOString()}>
                {formatZonedDateTime(e.createdAt, timeZone)}
              </time>
            </td>
            <td className={`${CELL} min-w-32 break-words`}>
              <span title={e.ip ? `from ${e.ip}` : undefined}>{e.actorEmail}</span>
            </td>
            <td className={`${CELL} whitespace-nowrap`}>
              <ActionBadge action={e.action} />
            </td>
            <td className={CELL}>
              <div>{e.targetType}</div>
              {e.targetId ? (
                <div className="whitespace-nowrap font-mono text-xs text-slate-500">
                  {e.targetId}
                </div>
              ) : null}
            </td>
            <td className={`${CELL} min-w-48`}>{e.summary}</td>
            <td className={`${CELL} min-w-40`}>
              <AuditDiff before={e.before} after={e.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
