import { EmptyState } from "@/components/ui/card";
import Link from "next/link";
import type { ReactNode } from "react";

/** A dashboard detail page's 404: what was not found, why that can be, and the way back. */
export function NotFoundState({
  title,
  backHref,
  backLabel,
  children = "It belongs to another merchant or never existed. Switch merchant in the sidebar if you expected to see it.",
}: {
  title: string;
  backHref: string;
  backLabel: string;
  children?: ReactNode;
}) {
  return (
    <EmptyState
      title={title}
      action={
        <Link href={backHref} className="text-sm font-medium text-brand-700 hover:underline">
          {backLabel}
        </Link>
      }
    >
      {children}
    </EmptyState>
  );
}
