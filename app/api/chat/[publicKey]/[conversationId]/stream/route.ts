// Server-sent events for the web widget: new messages as they are written (payment outcomes
// included), resumable with Last-Event-ID. Streams end after a minute; EventSource reconnects.
import { getDb } from "@/db/client";
import { chatErrorResponse } from "@/lib/conversations/web-chat";
import { openChatStream } from "@/lib/conversations/web-chat/stream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(
  request: Request,
  context: { params: Promise<{ publicKey: string; conversationId: string }> },
) {
  try {
    const { publicKey, conversationId } = await context.params;
    return await openChatStream(getDb(), publicKey, conversationId, request);
  } catch (error) {
    return chatErrorResponse(error);
  }
}
