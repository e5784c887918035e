import { ConnectionCard } from "@/components/connections/connection-card";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { listConnections } from "@/lib/connections/service";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Connections" };
export const dynamic = "force-dynamic";

const BUTTON =
  "inline-flex items-center rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700";

export default async function ConnectionsPage() {
  const ctx = await requirePagePermission("connections.view");
  const connections = await listConnections(ctx);
  const canManage = can(ctx.role, "connections.manage");
  const now = new Date();
  const addButton = canManage ? (
    <Link href="/connections/new" className={BUTTON}>
      Add connection
    </Link>
  ) : null;
  return (
    <>
      <PageHeader
        title="Connections"
        description="The payment providers your chats take money through: Sandbox, Stripe, PayPal and Adyen."
        actions={addButton}
      />
      {connections.length === 0 ? (
        <EmptyState
          title="Connect your first provider — start with Sandbox, it needs no account"
          action={addButton}
        >
          {canManage
            ? "Sandbox gives you a hosted test checkout and signed webhooks in one click; add Stripe, PayPal or Adyen with your own keys when you are ready."
            : "Ask an owner or admin to connect a provider; you will see its health here."}
        </EmptyState>
      ) : (
        <ul className="grid gap-4 lg:grid-cols-2" aria-label="Connections">
          {connections.map((connection) => (
            <ConnectionCard key={connection.id} connection={connection} now={now} />
          ))}
        </ul>
      )}
    </>
  );
}
