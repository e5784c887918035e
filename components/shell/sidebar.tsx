"use client";

import { cn } from "@/components/ui/cn";
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface SidebarItem {
  href: string;
  label: string;
  icon: string;
  /** A count shown beside the label (the Alerts item: alerts that need someone). */
  badge?: { count: number; label: string };
}

export function Sidebar({ items }: { items: SidebarItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-wrap gap-0.5 md:block md:space-y-0.5">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium",
              active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100",
            )}
          >
            <span aria-hidden className="w-4 text-center text-slate-400">
              {item.icon}
            </span>
            <span data-nav-label>{item.label}</span>
            {item.badge && item.badge.count > 0 ? (
              <span
                data-testid={`nav-badge-${item.href.slice(1)}`}
                className="ml-auto rounded-full bg-red-600 px-2 py-0.5 text-xs font-semibold text-white"
              >
                {item.badge.count}
                <span className="sr-only"> {item.badge.label}</span>
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
