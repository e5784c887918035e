// The web widget's API, behind the /api/chat routes: start a conversation, send a message,
// read what came after a cursor. Public and keyed by the flow's public key; the session id
// the browser keeps proves a conversation is the caller's. Same-origin only: the widget
// runs in an iframe on Parley's own origin.
// Path: /api/chat routes → index.ts (same origin, body limit, lib/http/rate-limit.ts, schemas.ts) →
// the engine (../engine) → snapshot; stream.ts serves the SSE stream; queries.ts the page's reads.
import type { Db } from "@/db/client";
import { MAX_INBOUND_BODY_BYTES } from "@/lib/channels/platforms/sanitize";
import { InboundRejectedError } from "@/lib/channels/platforms/types";
import { webAdapter } from "@/lib/channels/platforms/web";
import { handleInbound, startConversation } from "@/lib/conversations/engine";
import { isLiveOn } from "@/lib/conversations/engine/graphs";
import { type ChatMessageView, toMessageView } from "@/lib/conversations/engine/messages";
import { type ChatSnapshot, snapshotOf } from "@/lib/conversations/engine/snapshot";
import { readWidgetStepContext } from "@/lib/conversations/engine/step-context";
import { AppError, NotFoundError } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/error-answer";
import { limitPublicEndpoint, RateLimitedError, rateLimitedResponse } from "@/lib/http/rate-limit";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { readBodyWithLimit } from "@/lib/webhooks/receive";
import { CursorSchema, ReadChatSchema, StartChatSchema } from "./schemas";

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

/** The chat routes' answer to an error; a refused inbound body keeps the adapter's status. */
export function chatErrorResponse(error: unknown): Response {
  if (error instanceof RateLimitedError) return rateLimitedResponse(error);
  if (error instanceof InboundRejectedError) return json({ error: error.message }, error.status);
  const answer = errorAnswer(error, "chat", "Something went wrong on our side. Please try again.");
  return json({ error: answer.error, fieldErrors: answer.fieldErrors }, answer.status);
}

function assertSameOriginRequest(request: Request): void {
  assertSameOrigin(request.headers, new URL(request.url).host);
}

const TOO_MANY_MESSAGES = "Too many messages at once. Please wait a moment.";

async function readJson(request: Request): Promise<{ raw: string; value: unknown }> {
  const body = await readBodyWithLimit(request, MAX_INBOUND_BODY_BYTES);
  if (!body.ok)
    throw new AppError(
      body.reason === "too_large" ? "This message is too large." : "The request could not be read.",
      body.reason === "too_large" ? 413 : 400,
    );
  try {
    return { raw: body.text, value: JSON.parse(body.text) };
  } catch {
    throw new AppError("The request body is not JSON.", 400);
  }
}

export async function startWebChat(
  db: Db,
  publicKey: string,
  request: Request,
): Promise<ChatSnapshot> {
  assertSameOriginRequest(request);
  const { value } = await readJson(request);
  const input = StartChatSchema.parse(value);
  await limitPublicEndpoint(request.headers, "chatStart", undefined, TOO_MANY_MESSAGES);
  // The engine checks the key is live on the web; a language the flow lacks is ignored.
  const result = await startConversation(db, {
    publicKey,
    channel: "web",
    externalUserId: input.sessionId,
    externalChatId: input.sessionId,
    lang: input.lang,
  });
  return {
    conversationId: result.conversationId,
    status: result.status,
    messages: result.messages,
    cursor: result.messages.at(-1)?.createdAt ?? null,
    path: [],
  };
}

/** Sends one customer message; answers with everything after the client's cursor. */
export async function sendWebChatMessage(
  db: Db,
  publicKey: string,
  conversationId: string,
  request: Request,
): Promise<ChatSnapshot> {
  assertSameOriginRequest(request);
  const after =
    CursorSchema.parse(new URL(request.url).searchParams.get("after") ?? undefined) ?? null;
  const { raw } = await readJson(request);
  const [message] = webAdapter.parseInbound({}, raw);
  await limitPublicEndpoint(request.headers, "chatMessage", undefined, TOO_MANY_MESSAGES);
  // The engine checks the key is live and that the conversation belongs to this session.
  const result = await handleInbound(db, {
    publicKey,
    channel: "web",
    externalUserId: message.externalUserId,
    externalChatId: message.externalChatId,
    conversationId,
    message: {
      platformMessageId: message.platformMessageId,
      text: message.text,
      choiceValue: message.choiceValue,
    },
    messagesAfter: after ? new Date(after) : null,
  });
  return {
    conversationId: result.conversationId,
    status: result.status,
    messages: result.messages,
    cursor: result.messages.at(-1)?.createdAt ?? after,
    path: [],
  };
}

export async function readWebChat(
  db: Db,
  publicKey: string,
  conversationId: string,
  request: Request,
): Promise<ChatSnapshot> {
  await limitPublicEndpoint(request.headers, "chatRead", publicKey);
  const url = new URL(request.url);
  const query = ReadChatSchema.parse({
    session: url.searchParams.get("session") ?? undefined,
    after: url.searchParams.get("after") ?? undefined,
  });
  const after = query.after ?? null;
  // The key, the session and the conversation checked and the messages read in one query.
  const found = await readWidgetStepContext(db, publicKey, conversationId, {
    messagesAfter: after ? new Date(after) : null,
    withConnections: false,
  });
  if (!found || !isLiveOn(found.flow, "web")) throw new NotFoundError("This chat");
  const conversation = found.context?.conversation;
  if (
    !conversation ||
    conversation.channel !== "web" ||
    conversation.isSimulation ||
    conversation.externalChatId !== query.session
  ) {
    throw new NotFoundError("This conversation");
  }
  const messages = (found.context!.messages ?? [])
    .map(toMessageView)
    .filter((m): m is ChatMessageView => m !== null);
  return { ...snapshotOf(conversation, messages, after), path: [] };
}
