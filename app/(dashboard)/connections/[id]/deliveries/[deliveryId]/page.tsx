import {
  canReapply,
  DeliveryStatusBadge,
  VerifiedMark,
} from "@/components/connections/delivery-status";
import { ReapplyButton } from "@/components/connections/reapply-button";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { getConnection, getDelivery } from "@/lib/connections/service";
import { formatDateTime } from "@/lib/format/time";
import { loadOr404 } from "@/lib/load-or-404";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Webhook delivery" };
export const dynamic = "force-dynamic";

export default async function DeliveryPage({
  params,
}: {
  params: Promise<{ id: string; deliveryId: string }>;
}) {
  const ctx = await requirePagePermission("connections.view");
  const { id, deliveryId } = await params;
  const connection = await loadOr404(getConnection(ctx, id));
  const delivery = await loadOr404(getDelivery(ctx, connection.id, deliveryId));
  const headers = Object.entries(delivery.headers).sort(([a], [b]) => a.localeCompare(b));

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/connections/${connection.id}`} className="text-brand-700 hover:underline">
          ← {connection.label}
        </Link>
      </p>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Webhook delivery</h1>
          <p className="mt-1 font-mono text-xs text-slate-500">{delivery.id}</p>
        </div>
        {can(ctx.role, "webhooks.reapply") && canReapply(delivery) ? (
          <ReapplyButton connectionId={connection.id} deliveryId={delivery.id} />
        ) : null}
      </div>

      <Card className="mb-4">
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-500">Received</dt>
          <dd>{formatDateTime(delivery.receivedAt)}</dd>
          <dt className="text-slate-500">Signature</dt>
          <dd>
            <VerifiedMark verified={delivery.verified} />
          </dd>
          <dt className="text-slate-500">Status</dt>
          <dd>
            <DeliveryStatusBadge status={delivery.status} />
          </dd>
          <dt className="text-slate-500">Events</dt>
          <dd className="font-mono text-xs">{delivery.eventTypes.join(", ") || "—"}</dd>
          <dt className="text-slate-500">Provider event ids</dt>
          <dd className="font-mono text-xs">{delivery.providerEventIds.join(", ") || "—"}</dd>
          {delivery.repeatCount > 1 ? (
            <>
              <dt className="text-slate-500">Received</dt>
              <dd>{delivery.repeatCount} times (the same refused body)</dd>
            </>
          ) : null}
          <dt className="text-slate-500">Attempts</dt>
          <dd>{delivery.attempts}</dd>
          <dt className="text-slate-500">Applied</dt>
          <dd>{delivery.appliedAt ? formatDateTime(delivery.appliedAt) : "—"}</dd>
          {delivery.error ? (
            <>
              <dt className="text-slate-500">Error</dt>
              <dd className="text-red-700">{delivery.error}</dd>
            </>
          ) : null}
        </dl>
      </Card>

      <h2 className="mb-2 text-lg font-semibold">Headers</h2>
      <Table label="Headers" className="mb-6">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>Value</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {headers.map(([name, value]) => (
            <tr key={name}>
              <Td className="font-mono text-xs">{name}</Td>
              <Td className="whitespace-normal break-all font-mono text-xs">{value}</Td>
            </tr>
          ))}
        </tbody>
      </Table>

      <h2 className="mb-2 text-lg font-semibold">Raw body</h2>
      {delivery.body === null ? (
        <p
          data-testid="payload-hidden"
          className="rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm text-slate-600"
        >
          Payload hidden for your role. Webhook bodies carry customers&apos; details; owners and
          admins can see them.
        </p>
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500">
            {delivery.bodyTruncated
              ? `Refused delivery: only its first bytes are kept (of ${delivery.bodyBytes} bytes received); shown as text, never rendered.`
              : "Exactly as received (the signature covers these bytes); shown as text, never rendered."}{" "}
            Signature headers are hidden.
          </p>
          <pre
            role="region"
            aria-label="Raw body"
            tabIndex={0}
            className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded-lg bg-slate-900 p-4 text-xs text-slate-100"
          >
            {delivery.body}
          </pre>
        </>
      )}
    </>
  );
}
