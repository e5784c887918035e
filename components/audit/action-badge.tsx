import { Badge, type Tone } from "@/components/ui/badge";
import { auditActionLabel } from "@/lib/audit/catalog";

// The verb decides the colour: taking something away is red, adding green, changing amber.
function toneOf(action: string): Tone {
  const verb = action.split(".").pop() ?? "";
  if (/(removed|revoked|deleted|disabled|failed|refused)/.test(verb)) return "red";
  if (/(created|accepted|added|enabled|published)/.test(verb)) return "green";
  if (/(changed|updated|edited|rotated)/.test(verb)) return "amber";
  if (action.startsWith("auth.")) return "slate";
  return "blue";
}

export function ActionBadge({ action }: { action: string }) {
  return (
    <Badge tone={toneOf(action)}>
      <span title={action}>{auditActionLabel(action)}</span>
    </Badge>
  );
}
