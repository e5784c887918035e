// The widget's live feed as server-sent events. Each event carries the messages after the last
// one sent and the conversation's status; its id is the cursor, so a reconnecting EventSource
// (Last-Event-ID) resumes exactly where it stopped. It wakes on the event bus (lib/events/bus.ts)
// when its conversation changes, in any process; a slow re-read is only a safety net.
import type { Db } from "@/db/client";
import { type ChatMessageView, toMessageView } from "@/lib/conversations/engine/messages";
import { watchConversation } from "@/lib/conversations/engine/notify";
import { snapshotOf } from "@/lib/conversations/engine/snapshot";
import { readStepContext } from "@/lib/conversations/engine/step-context";
import { NotFoundError } from "@/lib/errors";
import { eventBusReady } from "@/lib/events/bus";
import { limitPublicEndpoint } from "@/lib/http/rate-limit";
import { getPublicChatFlow, getWidgetConversation } from "./queries";
import { CursorSchema, ReadChatSchema } from "./schemas";

export const STREAM_LIFETIME_MS = 60_000;
// Only a safety net: changes arrive through the bus.
const SAFETY_REREAD_MS = 10_000;
const HEARTBEAT_MS = 15_000;

export async function openChatStream(
  db: Db,
  publicKey: string,
  conversationId: string,
  request: Request,
  options: { lifetimeMs?: number } = {},
): Promise<Response> {
  await limitPublicEndpoint(request.headers, "chatStream", publicKey);
  const url = new URL(request.url);
  const query = ReadChatSchema.parse({
    session: url.searchParams.get("session") ?? undefined,
    after: url.searchParams.get("after") ?? undefined,
  });
  const resumed = CursorSchema.safeParse(request.headers.get("last-event-id") ?? undefined);
  let cursor: string | null = (resumed.success ? resumed.data : undefined) ?? query.after ?? null;

  const flow = await getPublicChatFlow(db, publicKey);
  if (!flow) throw new NotFoundError("This chat");
  const first = await getWidgetConversation(db, flow, conversationId, query.session);
  const encoder = new TextEncoder();
  const lifetime = options.lifetimeMs ?? STREAM_LIFETIME_MS;
  const stop = new AbortController();
  request.signal.addEventListener("abort", () => stop.abort(), { once: true });

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (chunk: string) => controller.enqueue(encoder.encode(chunk));
      send(`retry: 1500\n\n`);
      const endAt = Date.now() + lifetime;
      let lastStatus: string | null = null;
      let lastWrite = Date.now();
      const watch = watchConversation(first.id);
      try {
        // Listening before the first read: a step written meanwhile is not missed.
        await eventBusReady();
        while (!stop.signal.aborted && Date.now() < endAt) {
          // The conversation's status and what came after the cursor, in one read.
          const context = await readStepContext(db, first.merchantId, first.id, {
            messagesAfter: cursor ? new Date(cursor) : null,
            withConnections: false,
          });
          const snapshot = snapshotOf(
            context?.conversation ?? first,
            (context?.messages ?? [])
              .map(toMessageView)
              .filter((m): m is ChatMessageView => m !== null),
            cursor,
          );
          if (snapshot.messages.length > 0 || snapshot.status !== lastStatus) {
            const { messages, status } = snapshot;
            cursor = snapshot.cursor;
            lastStatus = status;
            send(
              `${cursor ? `id: ${cursor}\n` : ""}event: update\ndata: ${JSON.stringify({ conversationId: first.id, status, messages, cursor })}\n\n`,
            );
            lastWrite = Date.now();
          } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
            send(`: keep-alive\n\n`);
            lastWrite = Date.now();
          }
          await watch.wait(
            Math.min(SAFETY_REREAD_MS, HEARTBEAT_MS, Math.max(0, endAt - Date.now())),
            stop.signal,
          );
        }
      } catch (error) {
        if (!stop.signal.aborted) console.error("[chat] stream failed", error);
      } finally {
        watch.close();
        try {
          controller.close();
        } catch {
          /* the client went away first */
        }
      }
    },
    cancel() {
      stop.abort();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
