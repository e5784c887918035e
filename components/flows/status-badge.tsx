import { Badge, type Tone } from "@/components/ui/badge";
import type { FlowStatus } from "@/db/schema/flows";

const STATUS: Record<FlowStatus, { tone: Tone; label: string }> = {
  draft: { tone: "amber", label: "Draft" },
  published: { tone: "green", label: "Published" },
  archived: { tone: "slate", label: "Archived" },
};

export function FlowStatusBadge({ status }: { status: FlowStatus }) {
  const { tone, label } = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
