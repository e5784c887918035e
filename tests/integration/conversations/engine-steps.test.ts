import type { Db, DbHandle } from "@/db/client";
import { conversationEvents, conversationMessages, conversations, jobs } from "@/db/schema";
import { handleInbound, startConversation } from "@/lib/conversations/engine";
import { environmentFor } from "@/lib/conversations/engine/environment";
import {
  readStepContext,
  readWidgetStepContext,
  type StepContext,
} from "@/lib/conversations/engine/step-context";
import { planStep, type StepJob } from "@/lib/conversations/engine/step-runner";
import { writeStep } from "@/lib/conversations/engine/step-writer";
import { FLOW_TIMER_JOB } from "@/lib/conversations/engine/timers";
import { and, asc, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertShop, useTestMasterKey, type ShopFixture } from "../conversations.fixtures";
import { recordStatements } from "../helpers/statements";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);

describe.each(ENGINES)("conversation steps on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let shopA: ShopFixture;
  let shopB: ShopFixture;

  beforeAll(async () => {
    useTestMasterKey();
    handle = await openTestDatabase(engine);
    db = handle.db;
    shopA = await insertShop(db);
    shopB = await insertShop(db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  function webChat(shop: ShopFixture) {
    const session = `sess_${randomUUID()}`;
    const who = { channel: "web" as const, externalUserId: session, externalChatId: session };
    let conversationId = "";
    return {
      get conversationId() {
        return conversationId;
      },
      async start(now = T0) {
        const result = await startConversation(db, { publicKey: shop.publicKey, ...who, now });
        conversationId = result.conversationId;
        return result;
      },
      say(text: string, options: { id?: string; now?: Date; after?: Date | null } = {}) {
        return handleInbound(db, {
          publicKey: shop.publicKey,
          ...who,
          conversationId,
          now: options.now ?? T0,
          message: { platformMessageId: options.id ?? randomUUID(), text },
          ...(options.after !== undefined ? { messagesAfter: options.after } : {}),
        });
      },
    };
  }

  async function messagesOf(conversationId: string) {
    return db
      .select()
      .from(conversationMessages)
      .where(eq(conversationMessages.conversationId, conversationId))
      .orderBy(asc(conversationMessages.createdAt));
  }

  it("reads only the conversation's own messages, connections and earlier copies", async () => {
    const a = webChat(shopA);
    await a.start();
    await a.say("1", { id: "shared-id" });
    const b = webChat(shopB);
    await b.start(new Date(T0.getTime() + 60_000));
    await b.say("1", { id: "b-only", now: new Date(T0.getTime() + 61_000) });
    const rowsA = await messagesOf(a.conversationId);

    const fresh = await readStepContext(db, shopA.merchantId, a.conversationId, {
      platformMessageId: "b-only",
      messagesAfter: null,
    });
    expect(fresh?.conversation.id).toBe(a.conversationId);
    expect(fresh?.duplicateAt).toBeNull();
    expect(fresh?.lastMessageAt).toEqual(rowsA.at(-1)!.createdAt);
    expect(fresh?.connections.map((c) => c.id)).toEqual([shopA.connectionId]);
    expect(fresh?.messages?.map((m) => m.id)).toEqual(rowsA.map((m) => m.id));
    expect(fresh?.messages?.[1]).toEqual(rowsA[1]);

    const cursor = rowsA[1].createdAt;
    const copy = await readStepContext(db, shopA.merchantId, a.conversationId, {
      platformMessageId: "shared-id",
      messagesAfter: cursor,
    });
    expect(copy?.duplicateAt).toEqual(
      rowsA.find((m) => m.platformMessageId === "shared-id")!.createdAt,
    );
    expect(copy?.messages?.map((m) => m.id)).toEqual(rowsA.slice(2).map((m) => m.id));
    // Not asked for: not read.
    const bare = await readStepContext(db, shopA.merchantId, a.conversationId);
    expect(bare?.messages).toBeNull();
    expect(bare?.duplicateAt).toBeNull();
    const reader = await readStepContext(db, shopA.merchantId, a.conversationId, {
      messagesAfter: cursor,
      withConnections: false,
    });
    expect(reader?.connections).toEqual([]);
    expect(reader?.messages?.map((m) => m.id)).toEqual(rowsA.slice(2).map((m) => m.id));

    expect(await readStepContext(db, shopB.merchantId, a.conversationId)).toBeNull();
    const otherKey = await readWidgetStepContext(db, shopB.publicKey, a.conversationId, {});
    expect(otherKey?.flow.id).toBe(shopB.flowId);
    expect(otherKey?.context).toBeNull();
    expect(await readWidgetStepContext(db, "pk_unknown", a.conversationId, {})).toBeUndefined();
    const own = await readWidgetStepContext(db, shopA.publicKey, a.conversationId, {});
    expect(own?.context?.conversation.id).toBe(a.conversationId);
    expect(own?.context?.connections.map((c) => c.id)).toEqual([shopA.connectionId]);
  });

  it.runIf(engine === "postgres")(
    "answers a web message with one read and one write, a redelivery with the read alone",
    async () => {
      const chat = webChat(shopA);
      await chat.start();
      const first = await recordStatements(() => chat.say("1 x2", { id: "counted", after: null }));
      expect(first.result.messages.map((m) => m.direction)).toEqual([
        "outbound",
        "inbound",
        "outbound",
      ]);
      expect(first.statements).toHaveLength(2);
      const again = await recordStatements(() => chat.say("1 x2", { id: "counted", after: null }));
      expect(again.result.duplicate).toBe(true);
      expect(again.result.messages.map((m) => m.id)).toEqual(
        first.result.messages.map((m) => m.id),
      );
      expect(again.statements).toHaveLength(1);
    },
  );

  it.runIf(engine === "postgres")(
    "sends the payment link in six statements: the step's read, its writes before and after the checkout, the checkout's three",
    async () => {
      const chat = webChat(shopA);
      await chat.start();
      for (const text of ["1 x2", "2", "done", "Confirm"]) await chat.say(text);
      const { result: answer, statements } = await recordStatements(() => chat.say("Card"));
      const link = answer.messages.find((m) => m.kind === "payment_link");
      expect(link?.url).toContain("/pay/sandbox/");
      expect(answer.status).toBe("waiting_payment");
      // The step is written before the provider is asked (a crash there resumes with the same
      // idempotency key), and again with the link once the checkout exists.
      expect(statements).toHaveLength(6);
    },
  );

  it("lands every racing message once, in order, even past the unlocked tries", async () => {
    const chat = webChat(shopA);
    await chat.start();
    const [before] = await db
      .select()
      .from(conversations)
      .where(eq(conversations.id, chat.conversationId));
    const distinct = Array.from({ length: 7 }, () => chat.say("1"));
    const copies = Array.from({ length: 3 }, () => chat.say("2", { id: "copied" }));
    const results = await Promise.all([...distinct, ...copies]);

    expect(results.slice(0, 7).every((r) => !r.duplicate)).toBe(true);
    expect(results.slice(7).filter((r) => !r.duplicate)).toHaveLength(1);
    const [after] = await db
      .select()
      .from(conversations)
      .where(eq(conversations.id, chat.conversationId));
    expect(after.revision).toBe(before.revision + 8);
    const cart = (after.state as { cart?: { items: { sku: string; quantity: number }[] } }).cart;
    const quantities = Object.fromEntries(cart!.items.map((i) => [i.sku, i.quantity]));
    expect(quantities).toEqual({ "COFFEE-250": 7, MUG: 1 });

    const rows = await messagesOf(chat.conversationId);
    expect(rows.filter((m) => m.direction === "inbound")).toHaveLength(8);
    const times = rows.map((m) => m.createdAt.getTime());
    expect(new Set(times).size).toBe(times.length);
    // Each customer message is followed by its own answer, never interleaved with another's.
    const directions = rows.map((m) => m.direction).join(",");
    expect(directions).toBe(["outbound", ...Array(8).fill("inbound,outbound")].join(","));
  });

  it("writes a step's jobs with it, and nothing at all when the conversation moved on", async () => {
    const chat = webChat(shopA);
    await chat.start();
    const read = async (): Promise<StepContext> =>
      (await readStepContext(db, shopA.merchantId, chat.conversationId))!;
    const timer = (timerId: string, minutes: number): StepJob => ({
      type: "schedule_timer",
      timerId,
      kind: "reminder",
      runAt: new Date(T0.getTime() + minutes * 60_000).toISOString(),
    });
    const plan = async (context: StepContext, extraJobs: StepJob[]) => {
      const env = await environmentFor(db, context.conversation, context.connections);
      return planStep(
        context.conversation,
        env,
        { kind: "message", text: "1", messageId: "x" },
        {
          now: T0,
          lastMessageAt: context.lastMessageAt,
          extraJobs,
        },
      );
    };
    const jobOf = async (key: string) =>
      (
        await db
          .select()
          .from(jobs)
          .where(and(eq(jobs.merchantId, shopA.merchantId), eq(jobs.dedupeKey, key)))
      )[0];
    const eventCount = async () =>
      (
        await db
          .select()
          .from(conversationEvents)
          .where(eq(conversationEvents.conversationId, chat.conversationId))
      ).length;

    const stale = await read();
    await chat.say("2");
    const eventsBefore = await eventCount();
    const messagesBefore = (await messagesOf(chat.conversationId)).length;
    expect(await writeStep(db, await plan(stale, [timer("t-stale", 5)]))).toBe(false);
    expect(await jobOf("t-stale")).toBeUndefined();
    expect(await eventCount()).toBe(eventsBefore);
    expect((await messagesOf(chat.conversationId)).length).toBe(messagesBefore);

    expect(await writeStep(db, await plan(await read(), [timer("t-1", 5)]))).toBe(true);
    const first = await jobOf("t-1");
    expect(first).toMatchObject({
      kind: FLOW_TIMER_JOB,
      status: "pending",
      runAt: new Date(T0.getTime() + 5 * 60_000),
      payload: { conversationId: chat.conversationId, timerId: "t-1", fired: "reminder" },
    });
    expect(await eventCount()).toBeGreaterThan(eventsBefore);

    // A live job with the key stays as it is.
    expect(await writeStep(db, await plan(await read(), [timer("t-1", 30)]))).toBe(true);
    expect(await jobOf("t-1")).toEqual(first);

    // Cancelled, then scheduled again in one step: written in order, so it ends up pending anew.
    expect(
      await writeStep(
        db,
        await plan(await read(), [{ type: "cancel_timer", timerId: "t-1" }, timer("t-1", 45)]),
      ),
    ).toBe(true);
    const again = await jobOf("t-1");
    expect(again?.status).toBe("pending");
    expect(again?.id).not.toBe(first.id);
    expect(again?.runAt).toEqual(new Date(T0.getTime() + 45 * 60_000));

    expect(
      await writeStep(db, await plan(await read(), [{ type: "cancel_timer", timerId: "t-1" }])),
    ).toBe(true);
    expect((await jobOf("t-1"))?.status).toBe("canceled");
  });
});
