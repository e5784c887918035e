// The web widget's conversation: POST a customer message, GET the messages after a cursor
// (public, rate-limited per client: lib/http/rate-limit.ts).
import { getDb } from "@/db/client";
import {
  chatErrorResponse,
  json,
  readWebChat,
  sendWebChatMessage,
} from "@/lib/conversations/web-chat";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ publicKey: string; conversationId: string }> };

export async function POST(request: Request, context: Context) {
  try {
    const { publicKey, conversationId } = await context.params;
    return json(await sendWebChatMessage(getDb(), publicKey, conversationId, request));
  } catch (error) {
    return chatErrorResponse(error);
  }
}

export async function GET(request: Request, context: Context) {
  try {
    const { publicKey, conversationId } = await context.params;
    return json(await readWebChat(getDb(), publicKey, conversationId, request));
  } catch (error) {
    return chatErrorResponse(error);
  }
}
