// The production server's front (scripts/server.ts): a provider's webhook delivery —
// POST /api/webhooks/<connectionId> — is answered here, before Next's request pipeline, by the
// route's own code (lib/webhooks/receive.ts → ingest.ts); every other request goes to Next's
// request handler. Next's pipeline alone costs more CPU per request than a bare receiver's whole
// delivery (README, "Webhooks through next start"), and providers send deliveries in bursts.
import { getDb } from "@/db/client";
import { handleWebhookNodeRequest } from "@/lib/webhooks/receive";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

export type NextRequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void> | void;

// The one path the route serves (app/api/webhooks/[connectionId]/route.ts); a query string is
// allowed, as Next allows it. Anything else — a trailing slash, another method — is Next's to answer.
const WEBHOOK_PATH = /^\/api\/webhooks\/([^/?#]+)(?:\?.*)?$/;

// What next.config.js' headers() adds to every answer, the route's included.
const ROUTE_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};

/** The connection id of a webhook delivery the front answers; null when Next should. */
export function frontWebhookConnectionId(method: string | undefined, url: string | undefined) {
  if (method !== "POST" || !url) return null;
  const match = WEBHOOK_PATH.exec(url);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null; // malformed escapes: Next answers them as it would anyway
  }
}

function answerFailure(response: ServerResponse, error: unknown): void {
  console.error("[server] request failed", error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: "Internal error." });
  response.writeHead(500, { ...ROUTE_HEADERS, "content-type": "application/json" });
  response.end(body);
}

/** The server's request listener: webhooks here, the rest through `nextHandler`. */
export function frontListener(nextHandler: NextRequestHandler): RequestListener {
  return (request, response) => {
    const connectionId = frontWebhookConnectionId(request.method, request.url);
    if (connectionId === null) {
      Promise.resolve(nextHandler(request, response)).catch((error: unknown) =>
        answerFailure(response, error),
      );
      return;
    }
    handleWebhookNodeRequest(getDb(), connectionId, request, response, ROUTE_HEADERS).catch(
      (error: unknown) => answerFailure(response, error),
    );
  };
}
