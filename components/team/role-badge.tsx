import { Badge, type Tone } from "@/components/ui/badge";
import { ROLE_LABELS, type Role } from "@/lib/auth/permissions";

const ROLE_TONES: Record<Role, Tone> = {
  owner: "violet",
  admin: "blue",
  support: "green",
  analyst: "slate",
};

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={ROLE_TONES[role]}>{ROLE_LABELS[role]}</Badge>;
}
