// Alert rules and the alerts they raised, with numbers taken from the traffic generated for the
// same merchant: an open critical for the Adyen failure burst, an acknowledged fraud warning and
// a resolved dispute-rate warning.
import type { Dispute } from "@/db/schema/disputes";
import type { Alert, AlertRule } from "@/db/schema/ops";
import type { Staff } from "./catalog";
import type { SeededConnection } from "./connections";
import type { SeededPayment } from "./payment";
import type { SeededRandom } from "./random";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function buildAlertRules(
  rng: SeededRandom,
  merchantId: string,
  createdAt: Date,
  withAll: boolean,
): AlertRule[] {
  const rule = (
    kind: AlertRule["kind"],
    threshold: Record<string, number>,
    windowMinutes: number,
  ): AlertRule => ({
    merchantId,
    id: rng.id("alertRule"),
    kind,
    threshold,
    windowMinutes,
    enabled: true,
    createdAt,
  });
  const rules = [rule("failure_rate", { failureRate: 0.25, minPayments: 20 }, 15)];
  if (withAll) {
    rules.push(rule("fraud_signal", { riskScore: 75, minPayments: 3 }, 60));
    rules.push(rule("dispute_rate", { disputeRate: 0.01, minPayments: 100 }, 30 * 24 * 60));
  }
  return rules;
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
  const ruleOf = (kind: AlertRule["kind"]) => input.rules.find((r) => r.kind === kind)?.id ?? null;
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
      ruleId: ruleOf("failure_rate"),
      kind: "failure_rate",
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
      ruleId: ruleOf("fraud_signal"),
      kind: "fraud_signal",
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
    ruleId: ruleOf("dispute_rate"),
    kind: "dispute_rate",
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
