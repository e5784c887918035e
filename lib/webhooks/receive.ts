// The webhook route's HTTP side: the body is read with a hard byte limit (the declared
// Content-Length first, then the bytes actually streamed, since a sender can lie or send
// chunked), then handed to ingestWebhook.
import type { Db } from "@/db/client";
import { ingestWebhook, MAX_WEBHOOK_BYTES } from "@/lib/webhooks/ingest";

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

export async function handleWebhookRequest(
  db: Db,
  connectionId: string,
  request: Request,
): Promise<Response> {
  const body = await readBodyWithLimit(request, MAX_WEBHOOK_BYTES);
  if (!body.ok) {
    const tooLarge = body.reason === "too_large";
    return Response.json(
      { error: tooLarge ? `Body over ${MAX_WEBHOOK_BYTES} bytes` : "Body could not be read" },
      { status: tooLarge ? 413 : 400 },
    );
  }
  const reply = await ingestWebhook(db, connectionId, {
    rawBody: body.text,
    headers: request.headers,
    url: request.url,
  });
  return new Response(reply.body, {
    status: reply.status,
    headers: {
      "content-type": reply.contentType,
      ...(reply.deliveryId && { "x-parley-delivery": reply.deliveryId }),
    },
  });
}
