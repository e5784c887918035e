// One timeline for a payment, merged from every place something happened to it: the payment row
// (created), the conversation (link sent, opened), the webhook inbox (deliveries), the payment's
// events (provider and Parley state changes), refunds, disputes, the audit log (who asked for
// what) and alerts that name it. Pure: lib/payments/detail.ts loads the rows, this orders them.
import type { PaymentStatus } from "@/lib/connections/providers/types";

export type TimelineSource = "system" | "provider" | "user";
export type TimelineKind =
  | "created"
  | "link_sent"
  | "opened"
  | "webhook"
  | "state_change"
  | "refund"
  | "dispute"
  | "audit"
  | "alert";

export interface TimelineEntry {
  /** Unique within the timeline: `<kind>:<row id>`. */
  key: string;
  at: Date;
  kind: TimelineKind;
  source: TimelineSource;
  title: string;
  /** A line under the title (free of card data; customer text never appears here). */
  detail?: string;
  statusAfter?: PaymentStatus | null;
  amountMinor?: number | null;
  currency?: string | null;
  /** Who did it, for user events. */
  actor?: string;
  /** Where to read more inside Parley (a webhook delivery, the alert). */
  href?: string;
  /** The raw webhook body: only present when the viewer may see payloads. */
  payload?: string;
  /** For provider events: the provider's own time vs when Parley recorded it. */
  recordedAt?: Date;
}

// When two things share an instant, the one that caused the other comes first.
const RANK: Record<TimelineKind, number> = {
  created: 0,
  audit: 1,
  link_sent: 2,
  opened: 3,
  webhook: 4,
  state_change: 5,
  refund: 6,
  dispute: 7,
  alert: 8,
};

/** Oldest first; ties by cause before effect, then by key, so the order is stable. */
export function mergeTimeline(entries: TimelineEntry[]): TimelineEntry[] {
  return [...entries].sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      RANK[a.kind] - RANK[b.kind] ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
