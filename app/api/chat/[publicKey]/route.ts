// The web widget starts a conversation on a published flow (public, same-origin, rate-limited).
import { getDb } from "@/db/client";
import { chatErrorResponse, json, startWebChat } from "@/lib/conversations/web-chat";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request, context: { params: Promise<{ publicKey: string }> }) {
  try {
    const { publicKey } = await context.params;
    return json(await startWebChat(getDb(), publicKey, request), 201);
  } catch (error) {
    return chatErrorResponse(error);
  }
}
