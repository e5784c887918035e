import { cn } from "./cn";

/**
 * A table in a horizontally scrolling box. The box is a named, focusable region so a keyboard
 * can scroll a table wider than the screen (WCAG 2.1.1); `label` names it for screen readers.
 * `relative` makes it the containing block of sr-only text, which would otherwise escape the
 * scroll box and widen the page.
 */
export function Table({
  children,
  className,
  label,
}: {
  children: React.ReactNode;
  className?: string;
  label: string;
}) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={cn(
        "relative overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500",
        className,
      )}
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm">{children}</table>
    </div>
  );
}

export function Th({ children, className }: { children?: React.ReactNode; className?: string }) {
  return (
    <th
      scope="col"
      className={cn(
        "px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500",
        className,
      )}
    >
      {children}
    </th>
  );
}

export function Td({ children, className }: { children?: React.ReactNode; className?: string }) {
  return (
    <td className={cn("whitespace-nowrap px-4 py-2.5 text-slate-700", className)}>{children}</td>
  );
}
