import type { Metadata } from "next";
import { AreaPlaceholder } from "@/components/shell/area-placeholder";
import { requirePagePermission } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Flows" };
export const dynamic = "force-dynamic";

export default async function Page() {
  await requirePagePermission("flows.view");
  return (
    <AreaPlaceholder
      title="Flows"
      description="Design how your chatbot takes a payment, test it in the simulator, publish it to your channels."
      emptyTitle="No flows yet"
      next={<>The flow designer is being built. Start by connecting a provider on the Connections page: flows offer only the payment methods your connections support.</>}
    />
  );
}
