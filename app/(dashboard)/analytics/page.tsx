import { AreaPlaceholder } from "@/components/shell/area-placeholder";
import { requirePagePermission } from "@/lib/auth/server";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Analytics" };
export const dynamic = "force-dynamic";

export default async function Page() {
  await requirePagePermission("analytics.view");
  return (
    <AreaPlaceholder
      title="Analytics"
      description="Conversion funnels, success rates by provider and method, revenue by currency, refunds and disputes."
      emptyTitle="Charts arrive with the analytics issue"
      next={
        <>
          Funnels per flow and step, success by provider and method and revenue by currency will be
          charted here, with CSV export.
        </>
      }
    />
  );
}
