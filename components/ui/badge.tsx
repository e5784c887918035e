import { cn } from "./cn";

export type Tone = "green" | "red" | "amber" | "blue" | "slate" | "violet";

/**
 * Status is always colour *and* text. The look lives in app/globals.css (.badge, .badge-<tone>,
 * the dot a ::before), not in utility classes: a list of 50 rows with two badges each sent
 * ~18 KB of the same class names twice (HTML and the RSC payload).
 */
export function Badge({
  tone = "slate",
  children,
  className,
}: {
  tone?: Tone;
  children: React.ReactNode;
  className?: string;
}) {
  return <span className={cn("badge", `badge-${tone}`, className)}>{children}</span>;
}
