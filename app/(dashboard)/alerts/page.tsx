import { AlertActions } from "@/components/alerts/alert-actions";
import { RulesList, type RuleRow } from "@/components/alerts/rules-list";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { AlertSeverity } from "@/db/schema";
import { describeRule } from "@/lib/alerts/describe";
import {
  isSnoozed,
  listActiveAlerts,
  listAlertHistory,
  listAlertRules,
  type AlertView,
} from "@/lib/alerts/queries";
import { ALERT_KIND_LABELS } from "@/lib/alerts/schemas";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { formatShortDateTime, isoOf, timeAgo } from "@/lib/format/time";
import { viewModeFor } from "@/lib/mode";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

const SEVERITY: Record<AlertSeverity, { tone: Tone; label: string }> = {
  critical: { tone: "red", label: "Critical" },
  warning: { tone: "amber", label: "Warning" },
  info: { tone: "blue", label: "Info" },
};

function StatusBadge({ alert, now }: { alert: AlertView; now: Date }) {
  if (alert.status === "resolved") return <Badge tone="green">Resolved</Badge>;
  if (isSnoozed(alert, now))
    return <Badge tone="slate">Snoozed until {formatShortDateTime(alert.snoozedUntil)}</Badge>;
  if (alert.status === "acknowledged") return <Badge tone="blue">Acknowledged</Badge>;
  return <Badge tone="red">Open</Badge>;
}

// Alerts of the viewed mode (test or live): what is happening now, what happened, and the rules
// that decide it. Rules are evaluated by a background job every few seconds, not by this page.
export default async function Page() {
  const ctx = await requirePagePermission("alerts.view");
  const mode = await viewModeFor();
  const now = new Date();
  const [active, history, rules] = await Promise.all([
    listActiveAlerts(ctx, mode),
    listAlertHistory(ctx, mode),
    listAlertRules(ctx, mode),
  ]);
  const canAcknowledge = can(ctx.role, "alerts.acknowledge");
  const ruleRows: RuleRow[] = rules.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    mode: r.mode,
    enabled: r.enabled,
    config: r.config,
    kindLabel: ALERT_KIND_LABELS[r.kind] ?? r.kind,
    description: describeRule(r.kind, r.config),
  }));

  return (
    <div className="space-y-8">
      <PageHeader
        title="Alerts"
        description={`Rules watching your ${mode === "test" ? "test" : "live"} payments, the alerts they raised and what became of them.`}
      />

      <section aria-labelledby="active-alerts" className="space-y-3">
        <h2 id="active-alerts" className="text-lg font-semibold">
          Active ({active.length})
        </h2>
        {active.length === 0 ? (
          <EmptyState title="Nothing needs attention">
            When a rule below fires, its alert appears here and in the navigation. It resolves by
            itself once the condition clears.
          </EmptyState>
        ) : (
          <ul aria-label="Active alerts" className="space-y-3">
            {active.map((alert) => (
              <li
                key={alert.id}
                data-testid="active-alert"
                className="space-y-2 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={SEVERITY[alert.severity].tone}>
                    {SEVERITY[alert.severity].label}
                  </Badge>
                  <StatusBadge alert={alert} now={now} />
                  <h3 className="font-medium text-slate-900">{alert.title}</h3>
                </div>
                <p className="text-xs text-slate-600">
                  {ALERT_KIND_LABELS[alert.kind] ?? alert.kind}
                  {typeof alert.detail.rule === "string" ? ` · rule “${alert.detail.rule}”` : ""} ·
                  opened{" "}
                  <time dateTime={isoOf(alert.openedAt)}>{timeAgo(alert.openedAt, now)}</time>
                  {alert.status === "acknowledged"
                    ? ` · acknowledged by ${alert.acknowledgedByEmail ?? "a former member"}`
                    : ""}
                </p>
                {canAcknowledge && (alert.status === "open" || !isSnoozed(alert, now)) ? (
                  <AlertActions
                    alertId={alert.id}
                    title={alert.title}
                    showAcknowledge={alert.status === "open"}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="alert-rules" className="space-y-3">
        <h2 id="alert-rules" className="text-lg font-semibold">
          Rules
        </h2>
        <RulesList rules={ruleRows} mode={mode} canManage={can(ctx.role, "alerts.manage")} />
      </section>

      <section aria-labelledby="alert-history" className="space-y-3">
        <h2 id="alert-history" className="text-lg font-semibold">
          History
        </h2>
        {history.length === 0 ? (
          <EmptyState title="No resolved alerts yet">
            Alerts move here when their condition clears.
          </EmptyState>
        ) : (
          <Table label="Resolved alerts">
            <thead className="bg-slate-50">
              <tr>
                <Th>Alert</Th>
                <Th>Severity</Th>
                <Th>Opened</Th>
                <Th>Resolved</Th>
                <Th>Acknowledged by</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.map((alert) => (
                <tr key={alert.id}>
                  <Td className="whitespace-normal">{alert.title}</Td>
                  <Td>
                    <Badge tone={SEVERITY[alert.severity].tone}>
                      {SEVERITY[alert.severity].label}
                    </Badge>
                  </Td>
                  <Td>{formatShortDateTime(alert.openedAt)}</Td>
                  <Td>{formatShortDateTime(alert.resolvedAt)}</Td>
                  <Td>{alert.acknowledgedByEmail ?? "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </div>
  );
}
