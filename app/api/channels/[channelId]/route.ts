// Chat platforms' webhooks (Telegram, Messenger, WhatsApp, Slack): verified on the raw body,
// each customer message handled once; replies go out after the 200.
import { getDb } from "@/db/client";
import { handleChannelRequest } from "@/lib/channels/inbound";
import { after } from "next/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ channelId: string }> };

/** Sends after the response inside Next; outside a request (tests, scripts) it simply awaits. */
function afterResponse(pending: Promise<void>[]) {
  return (work: () => Promise<void>) => {
    const run = () =>
      work().catch((error: unknown) => console.error("[channels] sending replies failed", error));
    try {
      after(run);
    } catch {
      pending.push(run());
    }
  };
}

async function handle(request: Request, context: Context): Promise<Response> {
  const { channelId } = await context.params;
  const pending: Promise<void>[] = [];
  const response = await handleChannelRequest(getDb(), channelId, request, {
    defer: afterResponse(pending),
  });
  await Promise.all(pending);
  return response;
}

export const POST = handle;
/** Meta's subscription handshake (hub.challenge). */
export const GET = handle;
