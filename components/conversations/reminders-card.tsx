// Each reminder of a conversation — sent, sent as the WhatsApp template, deferred by quiet
// hours, skipped and why — and what was paid after one, per currency.
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { ConversationStep } from "@/lib/conversations/queries";
import type { RecoveredRevenue } from "@/lib/conversations/reminders";
import { formatDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";

const REMINDER_KINDS = new Set([
  "reminder_sent",
  "reminder_skipped",
  "reminder_deferred",
  "reminders_opted_out",
]);

const SKIP_REASONS: Record<string, string> = {
  opted_out: "the customer asked for no more reminders",
  messenger_24h_window: "Messenger's 24-hour window had closed (no promotional message after it)",
  whatsapp_24h_window_no_template:
    "WhatsApp's 24-hour window had closed and the channel has no approved template",
  no_link_for_template: "the payment link was not ready for the template",
};

export function describeReminderStep(step: Pick<ConversationStep, "kind" | "detail">): {
  tone: "green" | "amber" | "slate" | "red";
  label: string;
  why: string;
} {
  const detail = step.detail ?? "";
  switch (step.kind) {
    case "reminder_sent":
      return detail.endsWith(":template")
        ? {
            tone: "green",
            label: "Sent as template",
            why: "Outside WhatsApp's 24-hour window: the approved template went out",
          }
        : { tone: "green", label: "Sent", why: "Within the channel's rules" };
    case "reminder_deferred": {
      const until = detail.startsWith("quiet_hours_until:")
        ? formatDateTime(new Date(detail.slice("quiet_hours_until:".length)))
        : "later";
      return { tone: "amber", label: "Deferred", why: `Quiet hours: sent at ${until}` };
    }
    case "reminder_skipped":
      return {
        tone: "slate",
        label: "Skipped",
        why: `Not sent: ${SKIP_REASONS[detail] ?? detail.replaceAll("_", " ")}`,
      };
    default:
      return {
        tone: "red",
        label: "Opted out",
        why: "The customer said stop: no reminders on this channel any more",
      };
  }
}

export function RemindersCard({
  steps,
  recovered,
}: {
  steps: ConversationStep[];
  recovered: RecoveredRevenue[];
}) {
  const reminders = steps.filter((s) => REMINDER_KINDS.has(s.kind));
  return (
    <Card>
      <h2 className="mb-3 text-base font-semibold">Reminders</h2>
      {reminders.length === 0 ? (
        <p className="text-sm text-slate-500">
          No reminder was due. A Reminder step after the payment link sends them; its rules (channel
          windows, quiet hours, “stop”) show here.
        </p>
      ) : (
        <ul className="space-y-2 text-sm" aria-label="Reminders" data-testid="reminders">
          {reminders.map((step) => {
            const d = describeReminderStep(step);
            return (
              <li key={step.id} className="flex flex-wrap items-baseline gap-2">
                <Badge tone={d.tone}>{d.label}</Badge>
                <span className="text-slate-700">{d.why}</span>
                <span className="text-xs text-slate-500">{formatDateTime(step.occurredAt)}</span>
              </li>
            );
          })}
        </ul>
      )}
      <p className="mt-3 text-sm" data-testid="recovered-revenue">
        <span className="text-slate-500">Paid after a reminder: </span>
        {recovered.length === 0
          ? "nothing yet"
          : recovered.map((r) => formatMoney(r.amountMinor, r.currency)).join(" · ")}
      </p>
    </Card>
  );
}
