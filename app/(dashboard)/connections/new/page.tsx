import { NewConnectionForm } from "@/components/connections/new-connection-form";
import { PageHeader } from "@/components/ui/card";
import { requirePagePermission } from "@/lib/auth/server";
import { PROVIDER_KINDS, type ProviderKind } from "@/lib/connections/providers/types";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Add connection" };
export const dynamic = "force-dynamic";

export default async function NewConnectionPage({
  searchParams,
}: {
  searchParams: Promise<{ provider?: string | string[] }>;
}) {
  await requirePagePermission("connections.manage");
  const { provider } = await searchParams;
  const initial = (PROVIDER_KINDS as readonly string[]).includes(String(provider))
    ? (provider as ProviderKind)
    : "sandbox";
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/connections" className="text-brand-700 hover:underline">
          ← Connections
        </Link>
      </p>
      <PageHeader
        title="Add connection"
        description="Parley checks the keys with the provider before saving them, encrypted. You will get a webhook URL to paste into the provider's dashboard."
      />
      <NewConnectionForm initialProvider={initial} />
    </>
  );
}
