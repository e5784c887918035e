import { AreaPlaceholder } from "@/components/shell/area-placeholder";
import { requirePagePermission } from "@/lib/auth/server";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Disputes" };
export const dynamic = "force-dynamic";

export default async function Page() {
  await requirePagePermission("disputes.view");
  return (
    <AreaPlaceholder
      title="Disputes"
      description="Chargebacks with due dates, assignees, evidence and outcomes; refunds."
      emptyTitle="No disputes to work on"
      next={
        <>
          Chargebacks your providers report will appear here with their response deadline, so
          support can gather evidence and submit it in time.
        </>
      }
    />
  );
}
