// Provider webhooks (Stripe, PayPal, Adyen, Sandbox): verified on the raw body, stored, applied,
// acknowledged. The path through the pipeline is in lib/webhooks/ingest.ts.
import { getDb } from "@/db/client";
import { handleWebhookRequest } from "@/lib/webhooks/receive";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(
  request: Request,
  context: { params: Promise<{ connectionId: string }> },
) {
  const { connectionId } = await context.params;
  return handleWebhookRequest(getDb(), connectionId, request);
}
