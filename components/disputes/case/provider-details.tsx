import type { Dispute } from "@/db/schema";
import type { ProviderPayload } from "@/lib/disputes/case-history";
import { reasonLabel } from "@/lib/disputes/reasons";
import { formatInZone } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-all text-slate-800">{children}</dd>
    </div>
  );
}

const NOT_SENT = <span className="text-slate-500">Not sent by the provider</span>;

/**
 * The case in the provider's own words, as its webhooks stated it; Parley's normalised status,
 * stage and reason are in the header. The raw body only reaches roles that may read payloads.
 */
export function ProviderDetails({
  dispute,
  providerName,
  timezone,
  payload,
  canViewPayloads,
}: {
  dispute: Dispute;
  providerName: string;
  timezone: string;
  payload: ProviderPayload | null;
  canViewPayloads: boolean;
}) {
  return (
    <section aria-labelledby="provider-details-heading" className="space-y-3">
      <h2 id="provider-details-heading" className="text-base font-semibold">
        Provider&apos;s details
      </h2>
      <dl className="grid gap-3 text-sm">
        <Row label="Provider">{providerName}</Row>
        <Row label="Provider dispute id">
          <span className="font-mono text-xs" data-testid="provider-dispute-id">
            {dispute.providerDisputeId}
          </span>
        </Row>
        <Row label="Provider's status">{dispute.providerStatus ?? NOT_SENT}</Row>
        <Row label="Provider's reason">
          {dispute.providerReason ?? (
            <span>
              {reasonLabel(dispute.reason)}{" "}
              <span className="text-slate-500">(no reason text of its own)</span>
            </span>
          )}
        </Row>
        <Row label="Reason code">{dispute.providerReasonCode ?? NOT_SENT}</Row>
        <Row label="Due by">
          {dispute.dueBy ? (
            <time dateTime={dispute.dueBy.toISOString()}>
              {formatInZone(dispute.dueBy, timezone)}
            </time>
          ) : (
            NOT_SENT
          )}
        </Row>
        <Row label="Disputed amount">{formatMoney(dispute.amountMinor, dispute.currency)}</Row>
      </dl>
      {canViewPayloads ? (
        payload ? (
          <details className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200">
            <summary className="cursor-pointer font-medium text-slate-800">
              Latest webhook payload (received{" "}
              <time dateTime={payload.receivedAt.toISOString()}>
                {formatInZone(payload.receivedAt, timezone)}
              </time>
              )
            </summary>
            <pre className="mt-2 max-h-96 overflow-y-auto text-xs break-all whitespace-pre-wrap text-slate-700">
              {prettyJson(payload.body)}
            </pre>
          </details>
        ) : (
          <p className="text-sm text-slate-600">
            No webhook about this dispute is stored yet: events Parley created itself (such as a
            reconciliation) carry no provider payload.
          </p>
        )
      ) : null}
    </section>
  );
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
