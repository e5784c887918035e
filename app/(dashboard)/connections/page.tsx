import { ConnectionCard } from "@/components/connections/connection-card";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { countConnectionsByMode, listConnections } from "@/lib/connections/service";
import { viewModeFor } from "@/lib/mode";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Connections" };
export const dynamic = "force-dynamic";

const BUTTON =
  "inline-flex items-center rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700";

export default async function ConnectionsPage() {
  const ctx = await requirePagePermission("connections.view");
  const mode = await viewModeFor();
  const [connections, counts] = await Promise.all([
    listConnections(ctx, mode),
    countConnectionsByMode(ctx),
  ]);
  const otherMode = mode === "test" ? "live" : "test";
  const hidden = counts[otherMode];
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
      {hidden > 0 ? (
        <p className="mb-4 text-sm text-slate-600" data-testid="other-mode-connections">
          Showing {mode} connections. {hidden} {otherMode} connection{hidden === 1 ? "" : "s"}{" "}
          {hidden === 1 ? "is" : "are"} listed with the test-data switch{" "}
          {mode === "test" ? "off" : "on"}.
        </p>
      ) : null}
      {connections.length === 0 ? (
        <EmptyState
          title={
            mode === "test" || hidden === 0
              ? "Connect your first provider — start with Sandbox, it needs no account"
              : "No live connections yet"
          }
          action={addButton}
        >
          {mode === "live" && hidden > 0
            ? "Live connections take real money. Add Stripe, PayPal or Adyen with your live keys; Sandbox and test keys are listed with the test-data switch on."
            : canManage
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
