import { Badge, type Tone } from "@/components/ui/badge";

const STATUS: Record<string, { tone: Tone; label: string }> = {
  received: { tone: "blue", label: "Received" },
  applied: { tone: "green", label: "Applied" },
  ignored: { tone: "slate", label: "Ignored" },
  failed: { tone: "red", label: "Failed" },
  rejected: { tone: "amber", label: "Rejected" },
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  const display = STATUS[status] ?? { tone: "slate" as const, label: status };
  return <Badge tone={display.tone}>{display.label}</Badge>;
}

export function VerifiedMark({ verified }: { verified: boolean }) {
  return verified ? (
    <span className="text-emerald-700">
      <span aria-hidden>✓</span> Verified
    </span>
  ) : (
    <span className="text-red-700">
      <span aria-hidden>✗</span> Not verified
    </span>
  );
}

/** Only verified deliveries that failed (or never finished) can run again. */
export function canReapply(delivery: { status: string; verified: boolean }): boolean {
  return delivery.verified && (delivery.status === "failed" || delivery.status === "received");
}
