// The webhook route's HTTP side: the body is read with a hard byte limit (the declared
// Content-Length first, then the bytes actually streamed, since a sender can lie or send
// chunked), then handed to ingestWebhook. Twice: for Next's route (a WHATWG Request) and for the
// production server's front (scripts/server.ts: a node:http request, answered before Next).
import type { Db } from "@/db/client";
import { ingestWebhook, MAX_WEBHOOK_BYTES, type WebhookReply } from "@/lib/webhooks/ingest";
import type { IncomingMessage, ServerResponse } from "node:http";

export type RawBodyResult =
  { ok: true; text: string } | { ok: false; reason: "too_large" | "unreadable" };

export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
): Promise<RawBodyResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, reason: "too_large" };
  }
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, reason: "too_large" };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  // fatal: false — a body that isn't UTF-8 still gets stored (and then fails verification).
  return { ok: true, text: new TextDecoder("utf-8").decode(Buffer.concat(chunks)) };
}

function tooLargeOrUnreadable(reason: "too_large" | "unreadable"): WebhookReply {
  const tooLarge = reason === "too_large";
  return {
    status: tooLarge ? 413 : 400,
    body: JSON.stringify({
      error: tooLarge ? `Body over ${MAX_WEBHOOK_BYTES} bytes` : "Body could not be read",
    }),
    contentType: "application/json",
  };
}

export async function handleWebhookRequest(
  db: Db,
  connectionId: string,
  request: Request,
): Promise<Response> {
  const body = await readBodyWithLimit(request, MAX_WEBHOOK_BYTES);
  const reply = body.ok
    ? await ingestWebhook(db, connectionId, {
        rawBody: body.text,
        headers: request.headers,
        url: request.url,
      })
    : tooLargeOrUnreadable(body.reason);
  return new Response(reply.body, { status: reply.status, headers: replyHeaders(reply) });
}

function replyHeaders(reply: WebhookReply): Record<string, string> {
  return {
    "content-type": reply.contentType,
    ...(reply.deliveryId && { "x-parley-delivery": reply.deliveryId }),
  };
}

/** readBodyWithLimit for a node:http request: the same limit, the same decoding. */
export function readNodeBodyWithLimit(
  request: IncomingMessage,
  maxBytes: number,
): Promise<RawBodyResult> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBytes)
    return Promise.resolve({ ok: false, reason: "too_large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: RawBodyResult) => {
      request.off("data", onData).off("end", onEnd).off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) finish({ ok: false, reason: "too_large" });
      else chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ ok: true, text: new TextDecoder("utf-8").decode(Buffer.concat(chunks, total)) });
    const onError = () => finish({ ok: false, reason: "unreadable" });
    request.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/** The request's headers as ingestWebhook reads them (repeated headers kept, as Next does). */
function webHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

/**
 * The webhook route's work on a node:http request, without Next's request pipeline or a WHATWG
 * Request: read the body (limited), ingest, answer. `extraHeaders` are what Next would add to the
 * route's answer (next.config.js' headers). A body over the limit is answered at once, the rest
 * is discarded (not kept) for a second so the sender can read the 413, then the socket is closed.
 */
export async function handleWebhookNodeRequest(
  db: Db,
  connectionId: string,
  request: IncomingMessage,
  response: ServerResponse,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const body = await readNodeBodyWithLimit(request, MAX_WEBHOOK_BYTES);
  const reply = body.ok
    ? await ingestWebhook(db, connectionId, {
        rawBody: body.text,
        headers: webHeaders(request),
        url: `http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`,
      })
    : tooLargeOrUnreadable(body.reason);
  if (!body.ok) response.shouldKeepAlive = false;
  response.writeHead(reply.status, {
    ...extraHeaders,
    ...replyHeaders(reply),
    "content-length": Buffer.byteLength(reply.body),
  });
  response.end(reply.body);
  if (!body.ok) {
    request.resume();
    response.once("finish", () => setTimeout(() => request.destroy(), 1000).unref());
  }
}
