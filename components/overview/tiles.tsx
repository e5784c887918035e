import { cn } from "@/components/ui/cn";
import type { Delta } from "@/lib/overview/deltas";
import Link from "next/link";

const TONE = {
  good: "text-emerald-700",
  bad: "text-red-700",
  neutral: "text-slate-600",
} as const;
const ARROW = { up: "▲", down: "▼", same: "■" } as const;

/** A change shown in words and colour; the arrow is decoration (the words say the direction). */
export function DeltaText({ delta, testId }: { delta: Delta; testId?: string }) {
  return (
    <span
      className={cn("inline-flex items-center gap-1 text-xs font-medium", TONE[delta.tone])}
      data-testid={testId}
      data-direction={delta.direction}
    >
      <span aria-hidden>{ARROW[delta.direction]}</span>
      {delta.words}
    </span>
  );
}

/** One overview figure; its title links to the filtered page behind it. */
export function Tile({
  title,
  href,
  value,
  valueTestId,
  valueClassName,
  children,
}: {
  title: string;
  href: string;
  value: React.ReactNode;
  valueTestId: string;
  valueClassName?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className="min-w-0 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <h2 className="text-sm text-slate-600">
        <Link href={href} className="hover:text-brand-700 hover:underline">
          {title}
        </Link>
      </h2>
      <p
        className={cn("mt-1 text-2xl font-semibold tabular-nums", valueClassName)}
        data-testid={valueTestId}
      >
        {value}
      </p>
      {children ? <div className="mt-1 space-y-0.5 text-xs text-slate-500">{children}</div> : null}
    </div>
  );
}
