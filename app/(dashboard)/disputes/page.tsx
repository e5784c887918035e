import { AreaPlaceholder } from "@/components/shell/area-placeholder";
import { requirePagePermission } from "@/lib/auth/server";
import { viewModeFor } from "@/lib/mode";
import { getOverview } from "@/lib/overview/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Disputes" };
export const dynamic = "force-dynamic";

// The disputes workspace (evidence, submission, outcomes) is a later issue; until then this page
// says truthfully how many disputes are open and where to see them.
export default async function Page() {
  const ctx = await requirePagePermission("disputes.view");
  const { openDisputes } = await getOverview(ctx, await viewModeFor());
  return (
    <AreaPlaceholder
      title="Disputes"
      description="Chargebacks with due dates, assignees, evidence and outcomes; refunds."
      emptyTitle={
        openDisputes === 0
          ? "No open disputes"
          : `${openDisputes} open dispute${openDisputes === 1 ? "" : "s"} — the response workspace is coming`
      }
      next={
        <>
          Chargebacks your providers report will be worked here with their response deadline,
          evidence and submission. Meanwhile, disputed payments and their timelines are in{" "}
          <Link
            href="/transactions?status=disputed"
            className="font-medium text-brand-700 hover:underline"
          >
            Transactions → Disputed
          </Link>
          .
        </>
      }
    />
  );
}
