import { Badge, type Tone } from "@/components/ui/badge";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { PAYMENT_STATUS_LABELS, type StatusTone } from "@/lib/payments/status-display";

/** The badge colour of each status tone. */
export const STATUS_BADGE_TONES: Record<StatusTone, Tone> = {
  neutral: "slate",
  warning: "amber",
  success: "green",
  danger: "red",
  info: "blue",
};

export function PaymentStatusBadge({ status }: { status: PaymentStatus }) {
  const display = PAYMENT_STATUS_LABELS[status];
  if (!display) return <Badge>{status}</Badge>;
  return (
    <span title={display.description}>
      <Badge tone={STATUS_BADGE_TONES[display.tone]}>{display.label}</Badge>
    </span>
  );
}

const FLAG_LABELS: Record<string, string> = {
  amount_mismatch: "Amount mismatch",
  late_event_ignored: "Late event ignored",
  currency_mismatch: "Currency mismatch",
  underpaid: "Underpaid",
  overpaid: "Overpaid",
  paid_after_expiry: "Paid after expiry",
  multiple_payments: "Several payments",
  unresolved_payment: "Unresolved",
};

export function PaymentFlags({ flags }: { flags: string[] }) {
  if (flags.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {flags.map((flag) => (
        <Badge
          key={flag}
          tone={flag.endsWith("mismatch") || flag === "underpaid" ? "red" : "amber"}
        >
          {FLAG_LABELS[flag] ?? flag.replaceAll("_", " ")}
        </Badge>
      ))}
    </span>
  );
}

/** Statuses a customer can still move (a failed attempt may be retried), so the page watches them. */
export const STILL_MOVING: readonly PaymentStatus[] = [
  "created",
  "pending",
  "requires_action",
  "failed",
];
