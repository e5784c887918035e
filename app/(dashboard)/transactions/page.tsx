import type { Metadata } from "next";
import { AreaPlaceholder } from "@/components/shell/area-placeholder";
import { requirePagePermission } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Transactions" };
export const dynamic = "force-dynamic";

export default async function Page() {
  await requirePagePermission("transactions.view");
  return (
    <AreaPlaceholder
      title="Transactions"
      description="Every payment your bots create, live, with a timeline of each provider event."
      emptyTitle="Live transactions arrive with the provider pipeline"
      next={<>Connect a provider on the Connections page; payments your flows create will stream in here with filters and a per-payment timeline.</>}
    />
  );
}
