// The hosted chat page of a published flow: public, no session. The widget script frames it
// (?embed=1); ?lang= picks the language.
import { WebChat } from "@/components/chat/web-chat";
import { getDb } from "@/db/client";
import { getPublicChatFlow } from "@/lib/conversations/web-chat/queries";
import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ publicKey: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { publicKey } = await params;
  const flow = await getPublicChatFlow(getDb(), publicKey);
  return { title: flow ? flow.name : "Chat not found", robots: { index: false } };
}

export default async function HostedChatPage({ params, searchParams }: Props) {
  const [{ publicKey }, query] = await Promise.all([params, searchParams]);
  const flow = await getPublicChatFlow(getDb(), publicKey);
  if (!flow) notFound();
  return (
    <WebChat
      publicKey={flow.publicKey}
      flowName={flow.name}
      languages={flow.languages}
      defaultLanguage={flow.defaultLanguage}
      requestedLang={first(query.lang)}
      embedded={first(query.embed) === "1"}
      testMode={flow.mode === "test"}
    />
  );
}
