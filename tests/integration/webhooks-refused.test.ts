import type { Db, DbHandle } from "@/db/client";
import type { ServiceContext } from "@/lib/auth/context";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
} from "@/lib/connections/providers/sandbox/webhooks";
import { setConnectionStatus } from "@/lib/connections/service";
import { ingestWebhook } from "@/lib/webhooks/ingest";
import {
  REFUSED_BODY_PREFIX_BYTES,
  REFUSED_REPEAT_WINDOW_MS,
  REFUSED_ROWS_PER_MINUTE,
} from "@/lib/webhooks/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  connectionRow,
  deliveriesOf,
  merchantWithRoles,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const FORGED_SECRET = "whsec_sbx_forged_forged_forged";

function forgedBody(n: number, padding = 0): string {
  return JSON.stringify({
    ...buildSandboxEvent({
      type: "payment.succeeded",
      providerPaymentId: `sbx_forged_${n}`,
      paymentId: `pay_forged_${n}`,
      amountMinor: 900,
      currency: "EUR",
    }),
    padding: "x".repeat(padding),
  });
}

describe.each(ENGINES)("refused webhook deliveries on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db));
  });
  afterAll(async () => {
    await handle?.close();
  });

  function forge(
    connectionId: string,
    body: string,
    now: Date,
    extra: Record<string, string> = {},
  ) {
    return ingestWebhook(
      db,
      connectionId,
      {
        rawBody: body,
        headers: new Headers({
          "content-type": "application/json",
          [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(body, FORGED_SECRET),
          ...extra,
        }),
        url: "",
      },
      { now },
    );
  }

  it("1,000 distinct forged deliveries add at most the cap of rows, and every one is counted", async () => {
    const { id } = await sandboxConnection(owner, "Flooded");
    const now = new Date();
    const replies = [];
    for (let batch = 0; batch < 50; batch++) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, i) => forge(id, forgedBody(batch * 20 + i), now)),
        )),
      );
    }
    expect(replies).toHaveLength(1000);
    // Answered as before, whether stored or only counted.
    expect(replies.every((r) => r.status === 400)).toBe(true);
    const rows = await deliveriesOf(db, merchantId, id);
    expect(rows).toHaveLength(REFUSED_ROWS_PER_MINUTE);
    expect(rows.every((r) => !r.verified && r.status === "rejected")).toBe(true);
    expect(replies.filter((r) => r.deliveryId).length).toBe(REFUSED_ROWS_PER_MINUTE);
    expect((await connectionRow(db, merchantId, id)).signatureFailures).toBe(1000);

    // A minute later the window opens again.
    const later = new Date(now.getTime() + 61_000);
    const reply = await forge(id, forgedBody(5000), later);
    expect(reply.deliveryId).toBeTruthy();
    expect(await deliveriesOf(db, merchantId, id)).toHaveLength(REFUSED_ROWS_PER_MINUTE + 1);
  });

  it("1,000 repeats of one forged body are one row with the count right", async () => {
    const { id } = await sandboxConnection(owner, "Replayed");
    const now = new Date();
    const body = forgedBody(1);
    const replies = [];
    for (let batch = 0; batch < 50; batch++) {
      replies.push(...(await Promise.all(Array.from({ length: 20 }, () => forge(id, body, now)))));
    }
    const rows = await deliveriesOf(db, merchantId, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ repeatCount: 1000, verified: false, status: "rejected" });
    expect(replies.every((r) => r.status === 400 && r.deliveryId === rows[0].id)).toBe(true);
    expect((await connectionRow(db, merchantId, id)).signatureFailures).toBe(1000);

    // Past the repeat window the same body starts a new row.
    await forge(id, body, new Date(now.getTime() + REFUSED_REPEAT_WINDOW_MS + 1000));
    expect(await deliveriesOf(db, merchantId, id)).toHaveLength(2);
  });

  it("keeps a bounded prefix of the body and headers without credentials", async () => {
    const { id } = await sandboxConnection(owner, "Big bodies");
    const body = forgedBody(7, 600_000) + "é";
    const reply = await forge(id, body, new Date(), {
      authorization: "Bearer sk_live_stolen",
      cookie: "session=abc",
      "x-api-key": "key_123",
      "x-long": "y".repeat(5000),
    });
    const [row] = (await deliveriesOf(db, merchantId, id)).filter((r) => r.id === reply.deliveryId);
    expect(Buffer.byteLength(row.rawBody, "utf8")).toBeLessThanOrEqual(REFUSED_BODY_PREFIX_BYTES);
    expect(body.startsWith(row.rawBody)).toBe(true);
    expect(row.bodyBytes).toBe(Buffer.byteLength(body, "utf8"));
    expect(row.headers.authorization).toBe("(redacted)");
    expect(row.headers.cookie).toBe("(redacted)");
    expect(row.headers["x-api-key"]).toBe("(redacted)");
    expect(row.headers["x-long"].length).toBeLessThanOrEqual(1024);
    expect(JSON.stringify(row)).not.toContain("sk_live_stolen");
  });

  it("caps deliveries to a disabled connection the same way", async () => {
    const { id } = await sandboxConnection(owner, "Disabled");
    await setConnectionStatus(owner, id, "disabled");
    const now = new Date();
    for (let i = 0; i < REFUSED_ROWS_PER_MINUTE + 30; i++) {
      expect((await forge(id, forgedBody(i), now)).status).toBe(410);
    }
    expect(await deliveriesOf(db, merchantId, id)).toHaveLength(REFUSED_ROWS_PER_MINUTE);
    expect((await connectionRow(db, merchantId, id)).signatureFailures).toBe(0);
  });
});
