// The console's SSE feed on both engines: scoped to the member's merchant and view mode, cut to
// the role, resumable with Last-Event-ID (a forged one is ignored), bounded per member, and
// leak-free over 1,000 connects and disconnects.
import { setDbHandle, type Db, type DbHandle } from "@/db/client";
import { notifications, payments, users, type Mode } from "@/db/schema";
import type { Role } from "@/db/schema/auth";
import { eventBusReady, eventListenerCount, publishEvent, stopEventBus } from "@/lib/events/bus";
import {
  MAX_STREAMS_PER_USER,
  openConsoleStream,
  openConsoleStreamCount,
  type ConsoleStreamScope,
} from "@/lib/events/console-stream";
import { newId } from "@/lib/ids";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMerchant } from "../helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

function parseFrame(raw: string): Frame {
  const frame: Frame = {};
  for (const line of raw.split("\n")) {
    if (line.startsWith(":")) frame.comment = line.slice(1).trim();
    else if (line.startsWith("id: ")) frame.id = line.slice(4);
    else if (line.startsWith("event: ")) frame.event = line.slice(7);
    else if (line.startsWith("data: ")) frame.data = line.slice(6);
  }
  return frame;
}

/** Reads frames off an SSE response; `until` waits for the first frame matching. */
function sse(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = "";
  let done = false;
  const pump = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        frames.push(parseFrame(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
      }
    }
    done = true;
  })();
  return {
    frames,
    get done() {
      return done;
    },
    async until(match: (f: Frame) => boolean, timeoutMs = 3_000): Promise<Frame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(match);
        if (found) return found;
        if (done || Date.now() > deadline) throw new Error("no such frame");
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    events: (name: string) => frames.filter((f) => f.event === name),
    async close() {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)("console event stream on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let merchantA: string;
  let merchantB: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    merchantA = await addMerchant(db, "Lumière Bistro");
    merchantB = await addMerchant(db, "Nusantara Batik");
    await eventBusReady();
  });
  afterAll(async () => {
    await stopEventBus();
    setDbHandle(undefined);
    await handle?.close();
  });

  const scope = (merchantId: string, mode: Mode, role: Role = "owner"): ConsoleStreamScope => ({
    db,
    merchantId,
    mode,
    role,
    userId: newId("user"),
  });

  const open = async (s: ConsoleStreamScope, headers: Record<string, string> = {}) => {
    const abort = new AbortController();
    const response = await openConsoleStream(
      s,
      new Request("http://localhost/api/events", { headers, signal: abort.signal }),
      { heartbeatMs: 60_000, connectLimit: { limit: 100_000, windowMs: 60_000 } },
    );
    return { response, abort };
  };

  async function addPayment(merchantId: string, mode: Mode, customerEmail = "ana@example.test") {
    const id = newId("payment");
    await db.insert(payments).values({
      merchantId,
      id,
      connectionId: newId("connection"),
      provider: "sandbox",
      amountMinor: 2500,
      currency: "EUR",
      status: "pending",
      idempotencyKey: id,
      customerEmail,
      mode,
    });
    return id;
  }

  const announce = (merchantId: string, mode: Mode, id: string) =>
    publishEvent(db, { kind: "payment", merchantId, mode, id });

  it("sends only the merchant's own events in its view mode, re-read as a summary", async () => {
    const { response } = await open(scope(merchantA, "test"));
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const stream = sse(response);
    try {
      await stream.until((f) => f.event === "ready");
      const other = await addPayment(merchantB, "test");
      const live = await addPayment(merchantA, "live");
      const mine = await addPayment(merchantA, "test");
      await announce(merchantB, "test", other);
      await announce(merchantA, "live", live);
      // A forged event: merchant A's name on merchant B's payment. The re-read finds nothing.
      await announce(merchantA, "test", other);
      await announce(merchantA, "test", mine);
      const frame = await stream.until((f) => f.event === "payment");
      await settle();
      const sent = stream.events("payment").map((f) => JSON.parse(f.data!) as { id: string });
      expect(sent.map((p) => p.id)).toEqual([mine]);
      expect(JSON.parse(frame.data!)).toMatchObject({
        id: mine,
        status: "pending",
        amountMinor: 2500,
        currency: "EUR",
        provider: "sandbox",
        method: null,
        customerEmail: "ana@example.test",
      });
      expect(Number(frame.id)).toBeGreaterThan(0);
    } finally {
      await stream.close();
    }
  });

  it("passes a notification to its own member only", async () => {
    const [x, y] = [scope(merchantA, "live", "support"), scope(merchantA, "live", "support")];
    for (const s of [x, y]) {
      await db.insert(users).values({
        id: s.userId,
        email: `${s.userId}@example.test`,
        name: "member",
        passwordHash: "x",
      });
    }
    const id = newId("notification");
    await db.insert(notifications).values({
      merchantId: merchantA,
      id,
      userId: x.userId,
      mode: "live",
      kind: "dispute.due_soon",
      subjectId: "dsp_1",
      dedupeKey: "dispute:dsp_1:chargeback:5d",
      title: "Dispute response due in 4 days",
      body: "…",
      href: "/disputes/dsp_1",
    });
    const streams = await Promise.all([x, y].map(async (s) => sse((await open(s)).response)));
    try {
      for (const stream of streams) await stream.until((f) => f.event === "ready");
      await publishEvent(db, { kind: "notification", merchantId: merchantA, mode: "live", id });
      const frame = await streams[0].until((f) => f.event === "notification");
      expect(JSON.parse(frame.data!)).toEqual({ id });
      await settle();
      expect(streams[1].events("notification")).toEqual([]);
    } finally {
      for (const stream of streams) await stream.close();
    }
  });

  it("a second merchant's stream never carries the first's events", async () => {
    const { response } = await open(scope(merchantB, "test"));
    const stream = sse(response);
    try {
      await stream.until((f) => f.event === "ready");
      const mine = await addPayment(merchantA, "test");
      await announce(merchantA, "test", mine);
      await settle();
      expect(stream.events("payment")).toEqual([]);
    } finally {
      await stream.close();
    }
  });

  it("leaves customer emails out of an analyst's stream, and ids increase", async () => {
    const { response } = await open(scope(merchantA, "live", "analyst"));
    const stream = sse(response);
    try {
      await stream.until((f) => f.event === "ready");
      const first = await addPayment(merchantA, "live");
      const second = await addPayment(merchantA, "live");
      await announce(merchantA, "live", first);
      await announce(merchantA, "live", second);
      await stream.until((f) => f.event === "payment" && f.data!.includes(second));
      const frames = stream.events("payment");
      for (const f of frames) expect(JSON.parse(f.data!)).not.toHaveProperty("customerEmail");
      const ids = frames.map((f) => Number(f.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await stream.close();
    }
  });

  it("resumes from Last-Event-ID with the payments changed since, and ignores a forged one", async () => {
    const changed = await addPayment(merchantA, "test");
    const since = Date.now() - 1_000;
    for (const forged of [
      "garbage",
      "-5",
      "99999999999999999999",
      String(Date.now() + 86_400_000),
      "1",
    ]) {
      const { response } = await open(scope(merchantA, "test"), { "last-event-id": forged });
      expect(response.status).toBe(200);
      const stream = sse(response);
      try {
        await stream.until((f) => f.event === "ready");
        await settle(150);
        expect(stream.events("payment")).toEqual([]);
      } finally {
        await stream.close();
      }
    }
    const { response } = await open(scope(merchantA, "test"), { "last-event-id": String(since) });
    const stream = sse(response);
    try {
      const replayed = await stream.until(
        (f) => f.event === "payment" && f.data!.includes(changed),
      );
      expect(JSON.parse(replayed.data!)).toMatchObject({ id: changed, replayed: true });
      expect(Number(replayed.id)).toBeGreaterThan(since);
      // Replays stay in scope: only merchant A's test-mode payments.
      await settle(150);
      const inScope = await db
        .select({ id: payments.id })
        .from(payments)
        .where(and(eq(payments.merchantId, merchantA), eq(payments.mode, "test")));
      const allowed = new Set(inScope.map((p) => p.id));
      const replayedIds = stream
        .events("payment")
        .map((f) => (JSON.parse(f.data!) as { id: string }).id);
      expect(replayedIds.length).toBeGreaterThan(0);
      expect(replayedIds.every((id) => allowed.has(id))).toBe(true);
    } finally {
      await stream.close();
    }
  });

  it("sends heartbeats", async () => {
    const s = scope(merchantA, "test");
    const response = await openConsoleStream(s, new Request("http://localhost/api/events"), {
      heartbeatMs: 40,
    });
    const stream = sse(response);
    try {
      await stream.until((f) => f.comment === "heartbeat");
    } finally {
      await stream.close();
    }
  });

  it("refuses a member's stream beyond the limit with 429", async () => {
    const s = scope(merchantA, "test");
    const opened = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i++) opened.push(await open(s));
    try {
      expect(opened.every((o) => o.response.status === 200)).toBe(true);
      const extra = await open(s);
      expect(extra.response.status).toBe(429);
      expect(await extra.response.json()).toMatchObject({ error: expect.stringMatching(/tab/) });
    } finally {
      for (const o of opened) o.abort.abort();
    }
    expect((await open(s)).response.status).toBe(200);
  });

  it("releases its listener on disconnect: 1,000 connects and disconnects leak nothing", async () => {
    await settle(50);
    const listeners = eventListenerCount();
    const streams = openConsoleStreamCount();
    const s = scope(merchantA, "test");
    for (let i = 0; i < 1000; i++) {
      const { response, abort } = await open(s);
      if (i % 2 === 0) abort.abort();
      else await response.body!.cancel();
    }
    expect(eventListenerCount()).toBe(listeners);
    expect(openConsoleStreamCount()).toBe(streams);
  });
});
