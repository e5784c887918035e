// The production server's front (scripts/lib/front.ts) on a real node:http server and database,
// with a stand-in for Next's handler: a provider's delivery is answered by the front with the
// route's code and the route's answers; everything else reaches Next's handler untouched.
import { POST } from "@/app/api/webhooks/[connectionId]/route";
import type { Db, DbHandle } from "@/db/client";
import { setDbHandle } from "@/db/client";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
} from "@/lib/connections/providers/sandbox/webhooks";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { MAX_WEBHOOK_BYTES } from "@/lib/webhooks/ingest";
import { frontListener, frontWebhookConnectionId } from "@/scripts/lib/front";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  deliveriesOf,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

describe("which requests the front answers", () => {
  it("is POST /api/webhooks/<id> only, with or without a query string", () => {
    expect(frontWebhookConnectionId("POST", "/api/webhooks/conn_1")).toBe("conn_1");
    expect(frontWebhookConnectionId("POST", "/api/webhooks/conn_1?x=1")).toBe("conn_1");
    expect(frontWebhookConnectionId("POST", "/api/webhooks/conn%5F1")).toBe("conn_1");
    for (const [method, url] of [
      ["GET", "/api/webhooks/conn_1"],
      ["PUT", "/api/webhooks/conn_1"],
      ["POST", "/api/webhooks/conn_1/"],
      ["POST", "/api/webhooks/"],
      ["POST", "/api/webhooks/a/b"],
      ["POST", "/api/webhooksx/conn_1"],
      ["POST", "/api/webhooks/%E0%A4%A"],
      ["POST", "/api/channels/conn_1"],
    ])
      expect(frontWebhookConnectionId(method, url), `${method} ${url}`).toBeNull();
  });
});

describe.each(ENGINES)("the production server's front on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let merchantId: string;
  let connectionId: string;
  let secret: string;
  let server: http.Server;
  let base: string;
  const nextSaw: string[] = [];

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    const merchant = await merchantWithRoles(db);
    merchantId = merchant.merchantId;
    ({ id: connectionId, webhookSecret: secret } = await sandboxConnection(merchant.owner));
    server = http.createServer(
      frontListener((request, response) => {
        nextSaw.push(`${request.method} ${request.url}`);
        response.writeHead(200, { "content-type": "text/plain", vary: "rsc" });
        response.end("from Next");
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    setDbHandle(undefined);
    await handle?.close();
  });

  async function newPayment() {
    return createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 2500,
      currency: "EUR",
      methods: ["card"],
      description: "Two croissants",
      idempotencyKey: newId("payment"),
    });
  }

  function signedSuccess(payment: { id: string; providerPaymentId: string | null }) {
    const body = JSON.stringify(
      buildSandboxEvent({
        type: "payment.succeeded",
        providerPaymentId: payment.providerPaymentId!,
        paymentId: payment.id,
        amountMinor: 2500,
        currency: "EUR",
      }),
    );
    return {
      body,
      headers: {
        "content-type": "application/json",
        [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(body, secret),
      },
    };
  }

  /** The same delivery through Next's route handler, for comparison. */
  async function throughRoute(target: string, body: string, headers: Record<string, string>) {
    const response = await POST(
      new Request(`${APP_URL}/api/webhooks/${target}`, { method: "POST", headers, body }),
      { params: Promise.resolve({ connectionId: target }) },
    );
    return { status: response.status, body: await response.text() };
  }

  it("applies a signed delivery itself, answers as the route does, and never calls Next", async () => {
    const before = nextSaw.length;
    const payment = await newPayment();
    const delivery = signedSuccess(payment);
    const response = await fetch(`${base}/api/webhooks/${connectionId}`, {
      method: "POST",
      ...delivery,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("vary")).toBeNull();
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    const stored = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    );
    expect(stored).toMatchObject({ verified: true, status: "applied" });
    expect(stored!.headers[SANDBOX_SIGNATURE_HEADER.toLowerCase()]).toBe(
      delivery.headers[SANDBOX_SIGNATURE_HEADER],
    );

    // A replay, through the front and through the route: the same answer, applied once.
    const replay = await fetch(`${base}/api/webhooks/${connectionId}`, {
      method: "POST",
      ...delivery,
    });
    const viaRoute = await throughRoute(connectionId, delivery.body, delivery.headers);
    expect(replay.status).toBe(viaRoute.status);
    expect(await replay.text()).toBe(viaRoute.body);
    expect(nextSaw.length).toBe(before);
  });

  it("refuses what the route refuses, with the route's answers", async () => {
    const payment = await newPayment();
    const forged = { ...signedSuccess(payment) };
    forged.headers = { ...forged.headers, [SANDBOX_SIGNATURE_HEADER]: "t=1,v1=00" };
    const cases: [string, string, Record<string, string>][] = [
      [connectionId, forged.body, forged.headers],
      [`conn_${"x".repeat(10)}`, "{}", { "content-type": "application/json" }],
      ["not an id!", "{}", {}],
    ];
    for (const [target, body, headers] of cases) {
      const viaFront = await fetch(`${base}/api/webhooks/${encodeURIComponent(target)}`, {
        method: "POST",
        headers,
        body,
      });
      const viaRoute = await throughRoute(target, body, headers);
      expect(viaFront.status, target).toBe(viaRoute.status);
      expect(viaFront.status, target).toBeGreaterThanOrEqual(400);
      const frontBody = (await viaFront.json()) as { error: string };
      expect(frontBody.error).toBe((JSON.parse(viaRoute.body) as { error: string }).error);
    }
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
  });

  it("answers 413 to a body over the limit, declared or streamed, and stores nothing", async () => {
    const before = (await deliveriesOf(db, merchantId, connectionId)).length;
    const big = "x".repeat(MAX_WEBHOOK_BYTES + 1);
    const declared = await fetch(`${base}/api/webhooks/${connectionId}`, {
      method: "POST",
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toMatch(/Body over/);

    // Chunked, so no Content-Length to refuse up front: the streamed bytes are counted.
    const streamed = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${base}/api/webhooks/${connectionId}`,
        { method: "POST", headers: { "transfer-encoding": "chunked" } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on("error", reject);
      for (let sent = 0; sent <= MAX_WEBHOOK_BYTES; sent += 64 * 1024)
        request.write("y".repeat(64 * 1024));
      request.end();
    });
    expect(streamed).toBe(413);
    expect((await deliveriesOf(db, merchantId, connectionId)).length).toBe(before);
  });

  it("passes every other request to Next's handler as it came", async () => {
    const before = nextSaw.length;
    for (const [method, path] of [
      ["GET", "/sign-in"],
      ["GET", `/api/webhooks/${connectionId}`],
      ["POST", `/api/webhooks/${connectionId}/`],
      ["POST", "/api/channels/telegram/chn_1"],
    ]) {
      const response = await fetch(`${base}${path}`, {
        method,
        redirect: "manual",
        ...(method === "POST" && { body: "{}" }),
      });
      expect(await response.text()).toBe("from Next");
    }
    expect(nextSaw.slice(before)).toEqual([
      "GET /sign-in",
      `GET /api/webhooks/${connectionId}`,
      `POST /api/webhooks/${connectionId}/`,
      "POST /api/channels/telegram/chn_1",
    ]);
  });
});
