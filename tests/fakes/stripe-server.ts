// A local fake of the Stripe API subset Parley uses, speaking Stripe's wire format:
// form-encoded params, Bearer keys, Idempotency-Key replays, prefixed ids, Stripe error JSON.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readBody, sendJson } from "./http-server";
import { createStripeRoutes, type FakeStripeState, type Route } from "./stripe-routes";
import type { StripeScenarioHelpers } from "./stripe-scenarios";
import {
  FakeStripeError,
  invalidRequest,
  parseStripeForm,
  redactKey,
  stripeId,
  type FormParams,
  type StripeErrorBody,
} from "./stripe-wire";

export type { FakeStripeState } from "./stripe-routes";
export type { PayOutcome, StripeScenarioHelpers } from "./stripe-scenarios";
export { buildStripeEvent, signStripeEvent } from "./stripe-wire";

export interface RecordedRequest {
  method: string;
  path: string;
  params: FormParams;
  idempotencyKey?: string;
  replayed: boolean;
  status: number;
}

interface StoredResult {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: string;
}

/** The server plus scenario helpers (payCheckout, expireCheckout, openDispute, closeDispute). */
export interface FakeStripe extends StripeScenarioHelpers {
  url: string;
  port: number;
  state: FakeStripeState;
  requests: RecordedRequest[];
  validKey: string;
  setValidKey(key: string): void;
  /** Delays every response, to exercise client timeouts. */
  setLatency(ms: number): void;
  /** The next `count` requests get this error instead of being handled. */
  failNext(status: number, body?: StripeErrorBody, count?: number): void;
  close(): Promise<void>;
}

function bearerKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? "";
  if (header.startsWith("Bearer ")) return header.slice("Bearer ".length).trim();
  if (header.startsWith("Basic ")) {
    return Buffer.from(header.slice("Basic ".length), "base64").toString("utf8").split(":")[0];
  }
  return undefined;
}

// Files arrive as multipart/form-data (POST /v1/files); undici's Request can decode it.
async function parseMultipart(
  body: Buffer,
  contentType: string,
): Promise<FormParams & { __file?: unknown }> {
  const form = await new Request("http://fake.invalid/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: new Uint8Array(body),
  }).formData();
  const params: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (typeof value === "string") params[key] = value;
    else params.__file = { name: value.name, type: value.type, size: value.size };
  }
  return params as FormParams;
}

export async function startFakeStripe(options: { validKey?: string } = {}): Promise<FakeStripe> {
  let validKey = options.validKey ?? `sk_test_${stripeId("fake", 24).slice(5)}`;
  let latencyMs = 0;
  const failures: { status: number; body: StripeErrorBody }[] = [];
  const requests: RecordedRequest[] = [];
  const idempotency = new Map<string, StoredResult>();
  const { state, routes, helpers } = createStripeRoutes();

  function send(
    res: ServerResponse,
    status: number,
    body: string,
    extra: Record<string, string> = {},
  ) {
    const headers = {
      "content-type": "application/json",
      "request-id": stripeId("req", 14),
      "stripe-version": "2026-10-28.endive",
      ...extra,
    };
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (latencyMs > 0) setTimeout(write, latencyMs).unref();
    else write();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const raw = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const params: FormParams =
      method === "GET" || method === "DELETE"
        ? parseStripeForm(url.search.slice(1))
        : contentType.startsWith("multipart/form-data")
          ? await parseMultipart(raw, contentType)
          : parseStripeForm(raw.toString("utf8"));
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) || undefined;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params,
      idempotencyKey,
      replayed: false,
      status: 0,
    };
    requests.push(record);
    const reply = (status: number, body: unknown, extra?: Record<string, string>) => {
      record.status = status;
      send(res, status, typeof body === "string" ? body : JSON.stringify(body), extra);
    };

    const key = bearerKey(req);
    if (!key) {
      return reply(401, {
        error: {
          type: "invalid_request_error",
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        },
      });
    }
    if (key !== validKey) {
      return reply(401, {
        error: {
          type: "invalid_request_error",
          code: "api_key_invalid",
          message: `Invalid API Key provided: ${redactKey(key)}`,
        },
      });
    }

    const failure = failures.shift();
    if (failure) return reply(failure.status, failure.body);

    // docs.stripe.com/api/idempotent_requests: same key + same params replays the first
    // result; a different request under the same key is an idempotency_error.
    const fingerprint = JSON.stringify(params);
    const storeKey =
      idempotencyKey && method === "POST" ? `${key}\u0000${idempotencyKey}` : undefined;
    const stored = storeKey ? idempotency.get(storeKey) : undefined;
    if (stored) {
      if (
        stored.method !== method ||
        stored.path !== url.pathname ||
        stored.fingerprint !== fingerprint
      ) {
        return reply(400, {
          error: {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          },
        });
      }
      record.replayed = true;
      return reply(stored.status, stored.body, {
        "idempotent-replayed": "true",
        "original-request": "req_original",
      });
    }

    let status: number;
    let body: string;
    const route = routes.find((r: Route) => r.method === method && r.pattern.test(url.pathname));
    try {
      if (!route) {
        throw invalidRequest(
          `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          { status: 404 },
        );
      }
      const match = route.pattern.exec(url.pathname) as RegExpExecArray;
      const result = route.handle(params, match.slice(1));
      status = 200;
      body = JSON.stringify(result, null, 2);
    } catch (error) {
      if (!(error instanceof FakeStripeError)) throw error;
      status = error.status;
      body = JSON.stringify(error.body);
    }
    // Stripe saves a result only once the endpoint started executing: not for rejected params.
    const started = status < 400 || status === 402;
    if (storeKey && started) {
      idempotency.set(storeKey, { method, path: url.pathname, fingerprint, status, body });
    }
    return reply(status, body);
  }

  const server = await listenLocal(handle, (res, error) =>
    sendJson(res, 500, { error: { type: "api_error", message: String(error) } }),
  );

  return {
    url: server.url,
    port: server.port,
    state,
    requests,
    get validKey() {
      return validKey;
    },
    setValidKey(next) {
      validKey = next;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    failNext(status, body, count = 1) {
      const errorBody = body ?? {
        error: { type: "api_error", message: "An unknown error occurred" },
      };
      for (let i = 0; i < count; i++) failures.push({ status, body: errorBody });
    },
    ...helpers,
    close: server.close,
  };
}
