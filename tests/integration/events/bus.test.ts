// The console's event bus on both engines: a NOTIFY is delivered once when its transaction
// commits and never when it rolls back; the webhook path announces each payment it writes once
// per transaction; on Postgres, events cross between processes and survive a lost connection.
import { createFreshDatabase } from "@/db/admin";
import { openPostgres, setDbHandle, type Db, type DbHandle } from "@/db/client";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
} from "@/lib/connections/providers/sandbox/webhooks";
import {
  eventBusReady,
  eventListenerCount,
  onEventBusReconnect,
  publishEvent,
  publishEvents,
  stopEventBus,
  subscribeEvents,
  type ConsoleEvent,
} from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { ingestWebhook } from "@/lib/webhooks/ingest";
import { sql } from "drizzle-orm";
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  merchantWithRoles,
  sandboxConnection,
} from "../helpers/pipeline-fixtures";
import { ADMIN_PG_URL, ENGINES, openTestDatabase } from "../helpers/test-db";

configurePipelineEnv();

const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

/** Events received while `work` runs and shortly after, filtered to one merchant. */
async function collect(merchantId: string, work: () => Promise<unknown>, waitMs = 250) {
  const received: ConsoleEvent[] = [];
  const unsubscribe = subscribeEvents((event) => {
    if (event.merchantId === merchantId) received.push(event);
  });
  try {
    await eventBusReady();
    await work().catch(() => {});
    await settle(waitMs);
  } finally {
    unsubscribe();
  }
  return received;
}

const paymentEventFor = (merchantId: string, id = newId("payment")): ConsoleEvent => ({
  kind: "payment",
  merchantId,
  mode: "test",
  id,
});

describe.each(ENGINES)("event bus on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let merchantId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    merchantId = newId("merchant");
  });
  afterAll(async () => {
    await stopEventBus();
    setDbHandle(undefined);
    await handle?.close();
  });

  it("delivers an event published in a committed transaction once", async () => {
    const event = paymentEventFor(merchantId);
    const received = await collect(merchantId, () =>
      db.transaction(async (tx) => {
        await publishEvent(tx, event);
        await publishEvent(tx, event); // the same payload twice in one transaction: once
      }),
    );
    expect(received).toEqual([event]);
  });

  it("delivers nothing from a transaction that rolls back", async () => {
    const received = await collect(merchantId, () =>
      db.transaction(async (tx) => {
        await publishEvent(tx, paymentEventFor(merchantId));
        throw new Error("rolled back on purpose");
      }),
    );
    expect(received).toEqual([]);
  });

  it("publishes several events in one statement, each distinct one once", async () => {
    const a = paymentEventFor(merchantId);
    const b: ConsoleEvent = {
      kind: "conversation",
      merchantId,
      mode: "live",
      id: newId("payment"),
    };
    const received = await collect(merchantId, () => publishEvents(db, [a, b, a]));
    expect(received).toHaveLength(2);
    expect(received).toEqual(expect.arrayContaining([a, b]));
  });

  it("ignores payloads on the channel that are not console events", async () => {
    const received = await collect(merchantId, async () => {
      await db.execute(sql`select pg_notify('parley_console_events', 'not json')`);
      await db.execute(
        sql`select pg_notify('parley_console_events', ${JSON.stringify({ kind: "payment", merchantId, mode: "both", id: "x" })})`,
      );
    });
    expect(received).toEqual([]);
  });

  it("announces each payment a webhook writes once, and nothing when the apply crashes", async () => {
    const merchant = await merchantWithRoles(db);
    const { id: connectionId, webhookSecret } = await sandboxConnection(merchant.owner);
    const checkout = () =>
      createCheckout(db, merchant.merchantId, {
        connectionId,
        amountMinor: 1200,
        currency: "EUR",
        idempotencyKey: newId("payment"),
      });
    const deliver = (payment: Awaited<ReturnType<typeof checkout>>, crash = false) => {
      const body = JSON.stringify(
        buildSandboxEvent({
          type: "payment.succeeded",
          providerPaymentId: payment.providerPaymentId!,
          paymentId: payment.id,
          amountMinor: 1200,
          currency: "EUR",
        }),
      );
      return ingestWebhook(
        db,
        connectionId,
        {
          rawBody: body,
          headers: new Headers({
            "content-type": "application/json",
            [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(body, webhookSecret),
          }),
          url: "",
        },
        crash ? { failAfterEventIndex: 0 } : {},
      );
    };

    let created: Awaited<ReturnType<typeof checkout>> | undefined;
    const onCreate = await collect(merchant.merchantId, async () => (created = await checkout()));
    // The row inserted, then its checkout stored: the new payment is announced.
    expect(onCreate.length).toBeGreaterThanOrEqual(1);
    expect(onCreate.every((e) => e.id === created!.id && e.mode === "test")).toBe(true);

    const crashed = await collect(merchant.merchantId, () => deliver(created!, true));
    expect(crashed).toEqual([]);

    const applied = await collect(merchant.merchantId, () => deliver(created!));
    expect(applied).toEqual([
      { kind: "payment", merchantId: merchant.merchantId, mode: "test", id: created!.id },
    ]);
  });

  it("releases every listener: 1,000 subscribe/unsubscribe cycles leave the count unchanged", () => {
    const before = eventListenerCount();
    for (let i = 0; i < 1000; i++) {
      const off = subscribeEvents(() => {});
      const offReconnect = onEventBusReconnect(() => {});
      off();
      off(); // twice is harmless
      offReconnect();
    }
    expect(eventListenerCount()).toBe(before);
  });
});

// Two processes on one Postgres database: what one publishes, the other receives.
describe.runIf(ENGINES.includes("postgres"))("event bus across processes on postgres", () => {
  let handle: DbHandle;
  let url: string;
  let drop: () => Promise<void>;
  const peerScript = path.join(process.cwd(), "tests/integration/events/bus-peer.ts");
  const tsx = path.join(process.cwd(), "node_modules/.bin/tsx");

  beforeAll(async () => {
    const database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
    url = database.url;
    drop = database.drop;
    handle = openPostgres(url, 2);
    setDbHandle(handle);
  });
  afterAll(async () => {
    await stopEventBus();
    setDbHandle(undefined);
    await handle?.close();
    await drop?.();
  });

  function peer(args: string[]) {
    const child = spawn(tsx, [peerScript, ...args], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout });
    const next = () =>
      new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`peer exited (${code})`)));
      });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { child, next, exited };
  }

  it("receives an event another process published", async () => {
    const merchantId = newId("merchant");
    const event = paymentEventFor(merchantId);
    const received = await collect(
      merchantId,
      async () => {
        const publisher = peer(["publish", url, JSON.stringify(event)]);
        expect(await publisher.exited).toBe(0);
      },
      500,
    );
    expect(received).toEqual([event]);
  });

  it("delivers what this process publishes to another process", async () => {
    const listener = peer(["listen", url]);
    try {
      expect(await listener.next()).toBe("ready");
      const event = paymentEventFor(newId("merchant"));
      const line = listener.next();
      await publishEvent(handle.db, event);
      expect(JSON.parse(await line)).toEqual(event);
      expect(await listener.exited).toBe(0);
    } finally {
      listener.child.kill();
    }
  });

  it("re-LISTENs after its connection is killed, and says so", async () => {
    const merchantId = newId("merchant");
    let reconnects = 0;
    const offReconnect = onEventBusReconnect(() => (reconnects += 1));
    const received: ConsoleEvent[] = [];
    const off = subscribeEvents((event) => {
      if (event.merchantId === merchantId) received.push(event);
    });
    try {
      await eventBusReady();
      // What a Postgres restart does to the listening connection.
      await handle.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`,
      );
      for (let i = 0; i < 50 && reconnects === 0; i++) await settle(100);
      expect(reconnects).toBe(1);
      const event = paymentEventFor(merchantId);
      await publishEvent(handle.db, event);
      await settle(300);
      expect(received).toEqual([event]);
    } finally {
      off();
      offReconnect();
    }
  });
});
