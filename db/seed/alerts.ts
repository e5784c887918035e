// Alert rules and the alerts they raised, with numbers taken from the traffic generated for the
// same merchant: an open critical for the Adyen failure burst (the evaluator's first pass resolves
// it: the burst was days ago), an acknowledged card-testing warning and a resolved disputes one.
import type { Mode } from "@/db/schema";
import type { Dispute } from "@/db/schema/disputes";
import type { Alert, AlertRule } from "@/db/schema/ops";
import { defaultRuleRows } from "@/lib/alerts/defaults";
import type { Staff } from "./catalog";
import type { SeededConnection } from "./connections";
import type { SeededPayment } from "./payment";
import type { SeededRandom } from "./random";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The rules every new merchant starts with (lib/alerts/schemas.ts), in both modes. */
export function buildAlertRules(
  rng: SeededRandom,
  merchantId: string,
  createdAt: Date,
): AlertRule[] {
  return defaultRuleRows(merchantId, createdAt, () => rng.id("alertRule"));
}

export interface AlertInput {
  rng: SeededRandom;
  now: Date;
  merchantId: string;
  rules: AlertRule[];
  payments: SeededPayment[];
  disputes: Dispute[];
  spikeWindow?: { start: Date; end: Date };
  spikeConnection?: SeededConnection;
  acknowledger: Staff;
}

export function buildAlerts(input: AlertInput): Alert[] {
  const { rng, now, merchantId } = input;
  const ruleOf = (kind: AlertRule["kind"], mode: Mode, scope?: string) =>
    input.rules.find(
      (r) =>
        r.kind === kind && r.mode === mode && (scope === undefined || r.config.scope === scope),
    )?.id ?? null;
  const quiet = { acknowledgedAt: null, snoozedUntil: null };
  const alerts: Alert[] = [];

  if (input.spikeWindow && input.spikeConnection) {
    const { start, end } = input.spikeWindow;
    const connection = input.spikeConnection.row;
    const inWindow = input.payments.filter(
      (p) =>
        p.row.connectionId === connection.id &&
        p.row.createdAt >= start &&
        p.row.createdAt <= end &&
        p.row.status !== "created",
    );
    const failed = inWindow.filter((p) => p.row.failureCode !== null || p.row.status === "failed");
    const rate = inWindow.length === 0 ? 0 : failed.length / inWindow.length;
    alerts.push({
      merchantId,
      id: rng.id("alert"),
      ruleId: ruleOf("failure_rate", connection.mode, "per_connection"),
      mode: connection.mode,
      kind: "failure_rate",
      scopeKey: `conn:${connection.id}`,
      ...quiet,
      severity: "critical",
      title: `${connection.label}: ${Math.round(rate * 100)}% of payments failed`,
      detail: {
        connectionId: connection.id,
        provider: connection.provider,
        payments: inWindow.length,
        failed: failed.length,
        failureRate: Math.round(rate * 1000) / 1000,
        topFailureCode: "do_not_honor",
        windowStart: start.toISOString(),
        windowEnd: end.toISOString(),
      },
      status: "open",
      acknowledgedByUserId: null,
      openedAt: new Date(start.getTime() + 15 * 60_000),
      resolvedAt: null,
    });
  }

  const fraud = input.payments
    .filter(
      (p) =>
        p.row.failureCode === "fraudulent" && now.getTime() - p.row.createdAt.getTime() > 5 * DAY,
    )
    .sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime())
    .slice(0, 3);
  if (fraud.length > 0) {
    alerts.push({
      merchantId,
      id: rng.id("alert"),
      ruleId: ruleOf("card_testing", fraud[0].row.mode),
      mode: fraud[0].row.mode,
      kind: "card_testing",
      scopeKey: `email:${fraud[0].row.customerEmail ?? "unknown"}`,
      acknowledgedAt: new Date(fraud[0].row.createdAt.getTime() + 35 * 60_000),
      snoozedUntil: null,
      severity: "warning",
      title: `${fraud.length} payment${fraud.length > 1 ? "s" : ""} declined as suspected fraud`,
      detail: {
        paymentIds: fraud.map((p) => p.row.id),
        maxRiskScore: Math.max(...fraud.map((p) => p.row.riskScore ?? 0)),
      },
      status: "acknowledged",
      acknowledgedByUserId: input.acknowledger.id,
      openedAt: new Date(fraud[0].row.createdAt.getTime() + 5 * 60_000),
      resolvedAt: null,
    });
  }

  // A past dispute-rate warning, with the numbers of the 30 days before it was raised.
  const openedAt = new Date(now.getTime() - 26 * DAY);
  const windowStart = openedAt.getTime() - 30 * DAY;
  const paid = input.payments.filter(
    (p) =>
      p.row.succeededAt &&
      p.row.succeededAt.getTime() >= windowStart &&
      p.row.succeededAt <= openedAt,
  ).length;
  const disputed = input.disputes.filter(
    (d) => d.openedAt.getTime() >= windowStart && d.openedAt <= openedAt,
  ).length;
  const disputeRate = paid === 0 ? 0 : disputed / paid;
  alerts.push({
    merchantId,
    id: rng.id("alert"),
    ruleId: ruleOf("disputes_today", "live"),
    mode: "live",
    kind: "disputes_today",
    scopeKey: "disputes",
    acknowledgedAt: new Date(openedAt.getTime() + 2 * HOUR),
    snoozedUntil: null,
    severity: "warning",
    title: `Dispute rate ${(disputeRate * 100).toFixed(2)}% over 30 days`,
    detail: {
      disputeRate: Math.round(disputeRate * 10_000) / 10_000,
      disputes: disputed,
      payments: paid,
      windowDays: 30,
    },
    status: "resolved",
    acknowledgedByUserId: input.acknowledger.id,
    openedAt,
    resolvedAt: new Date(openedAt.getTime() + 7 * DAY),
  });
  return alerts;
}
