import type { Metadata } from "next";
import { AreaPlaceholder } from "@/components/shell/area-placeholder";
import { requirePagePermission } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Connections" };
export const dynamic = "force-dynamic";

export default async function Page() {
  await requirePagePermission("connections.view");
  return (
    <AreaPlaceholder
      title="Connections"
      description="The payment providers your chats take money through: Sandbox, Stripe, PayPal and Adyen."
      emptyTitle="No provider connected yet"
      next={<>Owners and admins will add a Sandbox connection here (no account needed) or connect Stripe, PayPal or Adyen with their own keys.</>}
    />
  );
}
