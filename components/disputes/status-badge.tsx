import { Badge, type Tone } from "@/components/ui/badge";
import type { DisputeStage, DisputeStatus } from "@/db/schema";

const STATUS: Record<DisputeStatus, { tone: Tone; label: string }> = {
  needs_response: { tone: "amber", label: "Needs response" },
  under_review: { tone: "blue", label: "Under review" },
  won: { tone: "green", label: "Won" },
  lost: { tone: "red", label: "Lost" },
  accepted: { tone: "slate", label: "Accepted" },
  expired: { tone: "red", label: "Expired" },
  canceled: { tone: "slate", label: "Canceled" },
};

export const STAGE_LABELS: Record<DisputeStage, string> = {
  inquiry: "Inquiry",
  chargeback: "Chargeback",
  pre_arbitration: "Pre-arbitration",
};

export function DisputeStatusBadge({ status }: { status: DisputeStatus }) {
  const { tone, label } = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
