import { EmptyState } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { formatShortDateTime } from "@/lib/format/time";
import Link from "next/link";
import { canReapply, DeliveryStatusBadge, VerifiedMark } from "./delivery-status";
import { ReapplyButton } from "./reapply-button";

export interface DeliveryRow {
  id: string;
  receivedAt: Date | string;
  verified: boolean;
  status: string;
  eventTypes: string[];
  error: string | null;
}

export function DeliveriesTable({
  connectionId,
  deliveries,
  mayReapply,
  filtered = false,
}: {
  connectionId: string;
  deliveries: DeliveryRow[];
  mayReapply: boolean;
  /** A status filter or an older page is showing: say so instead of "nothing yet". */
  filtered?: boolean;
}) {
  if (deliveries.length === 0 && filtered) {
    return (
      <EmptyState title="No deliveries match">
        Choose “All” to see every delivery this connection received.
      </EmptyState>
    );
  }
  if (deliveries.length === 0) {
    return (
      <EmptyState title="No webhook deliveries yet">
        Paste the webhook URL above into the provider&apos;s dashboard, then create a test payment:
        each delivery the provider sends appears here with its verification and outcome.
      </EmptyState>
    );
  }
  return (
    <Table label="Webhook deliveries">
      <thead className="bg-slate-50">
        <tr>
          <Th>Received</Th>
          <Th>Signature</Th>
          <Th>Status</Th>
          <Th>Events</Th>
          <Th>Error</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {deliveries.map((d) => (
          <tr key={d.id}>
            <Td>
              <Link
                href={`/connections/${connectionId}/deliveries/${d.id}`}
                className="text-brand-700 hover:underline"
              >
                {formatShortDateTime(d.receivedAt)}
              </Link>
            </Td>
            <Td>
              <VerifiedMark verified={d.verified} />
            </Td>
            <Td>
              <DeliveryStatusBadge status={d.status} />
            </Td>
            <Td className="font-mono text-xs">
              {d.eventTypes.length ? d.eventTypes.join(", ") : "—"}
            </Td>
            <Td className="min-w-[14rem] whitespace-normal text-xs text-red-700">
              {d.error ? (
                <span className="line-clamp-2" title={d.error}>
                  {d.error}
                </span>
              ) : null}
            </Td>
            <Td>
              {mayReapply && canReapply(d) ? (
                <ReapplyButton connectionId={connectionId} deliveryId={d.id} />
              ) : null}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
