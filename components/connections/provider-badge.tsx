import { Badge, type Tone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import type { ProviderKind } from "@/lib/connections/providers/types";

export function ProviderMonogram({
  provider,
  className,
}: {
  provider: ProviderKind;
  className?: string;
}) {
  const info = PROVIDERS[provider];
  return (
    <span
      aria-hidden
      className={cn(
        "flex h-9 w-9 shrink-0 items-center justify-center rounded-lg text-sm font-bold",
        info.monogramClassName,
        className,
      )}
    >
      {info.monogram}
    </span>
  );
}

export function ModeBadge({ mode }: { mode: "test" | "live" }) {
  return mode === "live" ? <Badge tone="blue">Live</Badge> : <Badge tone="amber">Test mode</Badge>;
}

const STATUS: Record<string, { tone: Tone; label: string }> = {
  active: { tone: "green", label: "Active" },
  disabled: { tone: "slate", label: "Disabled" },
  error: { tone: "red", label: "Error" },
};

export function ConnectionStatusBadge({ status }: { status: string }) {
  const display = STATUS[status] ?? { tone: "slate" as const, label: status };
  return <Badge tone={display.tone}>{display.label}</Badge>;
}
