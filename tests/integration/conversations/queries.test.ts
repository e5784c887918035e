import type { Db, DbHandle } from "@/db/client";
import {
  conversationEvents,
  conversationMessages,
  conversations,
  payments,
  type ConversationStatus,
  type Role,
} from "@/db/schema";
import type { ReadContext } from "@/lib/auth/context";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { handleInbound, startConversation } from "@/lib/conversations/engine";
import {
  decodeConversationCursor,
  getConversationDetail,
  listConversationFlowOptions,
  listConversations,
} from "@/lib/conversations/queries";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertPublishedFlow,
  insertShop,
  orderAndPayGraph,
  useTestMasterKey,
  type ShopFixture,
} from "../conversations.fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

const T0 = new Date("2025-03-01T09:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(ENGINES)("conversations in the dashboard on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let shop: ShopFixture;
  let other: ShopFixture;
  let secondFlowId: string;

  const as = (role: Role, merchantId = shop.merchantId): ReadContext => ({
    db,
    merchantId,
    role,
  });

  async function insertConversation(
    values: {
      merchantId?: string;
      flowId?: string;
      flowVersionId?: string | null;
      channel?: ChannelKind;
      lang?: string;
      status?: ConversationStatus;
      isSimulation?: boolean;
      startedAt?: Date;
    } = {},
  ): Promise<string> {
    const id = newId("conversation");
    await db.insert(conversations).values({
      merchantId: values.merchantId ?? shop.merchantId,
      id,
      flowId: values.flowId ?? shop.flowId,
      flowVersionId: values.flowVersionId === undefined ? shop.versionId : values.flowVersionId,
      channel: values.channel ?? "web",
      externalUserId: id,
      externalChatId: id,
      lang: values.lang ?? "en",
      status: values.status ?? "active",
      isSimulation: values.isSimulation ?? false,
      mode: "test",
      startedAt: values.startedAt ?? T0,
      updatedAt: values.startedAt ?? T0,
    });
    return id;
  }

  async function insertPayment(
    conversationId: string,
    amountMinor: number,
    status: "succeeded" | "failed" | "created",
    createdAt: Date,
    merchant: ShopFixture = shop,
  ): Promise<string> {
    const id = newId("payment");
    await db.insert(payments).values({
      merchantId: merchant.merchantId,
      id,
      connectionId: merchant.connectionId,
      provider: "sandbox",
      mode: "test",
      conversationId,
      flowId: merchant.flowId,
      amountMinor,
      currency: "EUR",
      status,
      idempotencyKey: `idem_${id}`,
      createdAt,
    });
    return id;
  }

  beforeAll(async () => {
    useTestMasterKey();
    handle = await openTestDatabase(engine);
    db = handle.db;
    shop = await insertShop(db, ["fr", "en"]);
    other = await insertShop(db);
    secondFlowId = (await insertPublishedFlow(db, shop.merchantId, orderAndPayGraph(), "Donations"))
      .flowId;
  });
  afterAll(async () => {
    await handle?.close();
  });

  describe("the list", () => {
    let ids: Record<string, string>;

    beforeAll(async () => {
      ids = {
        webPaid: await insertConversation({
          status: "completed",
          startedAt: minutes(1),
          lang: "fr",
        }),
        telegram: await insertConversation({
          channel: "telegram",
          status: "waiting_input",
          startedAt: minutes(2),
        }),
        secondFlow: await insertConversation({
          flowId: secondFlowId,
          status: "waiting_payment",
          startedAt: minutes(3),
        }),
        simulation: await insertConversation({
          isSimulation: true,
          flowVersionId: null,
          startedAt: minutes(4),
        }),
        abandoned: await insertConversation({ status: "abandoned", startedAt: minutes(5) }),
      };
      await insertConversation({
        merchantId: other.merchantId,
        flowId: other.flowId,
        startedAt: minutes(6),
      });
      await insertPayment(ids.webPaid, 1500, "failed", minutes(1.5));
      await insertPayment(ids.webPaid, 2790, "succeeded", minutes(1.7));
    });

    // Only this block's rows: the pagination block below adds more to the same merchant.
    const inWindow = <T extends { startedAt: Date }>(items: T[]): T[] =>
      items.filter((c) => c.startedAt >= minutes(0) && c.startedAt <= minutes(10));

    it("lists the merchant's conversations newest first, simulations hidden, with flow name and newest payment", async () => {
      const { items } = await listConversations(as("owner"), { mode: "test", limit: 200 });
      const listed = inWindow(items);
      expect(listed.map((c) => c.id)).toEqual([
        ids.abandoned,
        ids.secondFlow,
        ids.telegram,
        ids.webPaid,
      ]);
      const paid = listed.find((c) => c.id === ids.webPaid)!;
      expect(paid.flowName).toBe("Order and pay");
      expect(paid.lang).toBe("fr");
      expect(paid.paymentCount).toBe(2);
      expect(paid.latestPayment).toMatchObject({ amountMinor: 2790, status: "succeeded" });
      expect(listed.find((c) => c.id === ids.secondFlow)!.flowName).toBe("Donations");
      expect(listed.find((c) => c.id === ids.telegram)!.latestPayment).toBeNull();
    });

    it("shows simulations only when asked", async () => {
      const { items } = await listConversations(as("owner"), {
        mode: "test",
        includeSimulations: true,
        limit: 200,
      });
      expect(inWindow(items).map((c) => c.id)).toContain(ids.simulation);
      expect(items.find((c) => c.id === ids.simulation)?.isSimulation).toBe(true);
    });

    it("filters by flow, status and channel", async () => {
      const byFlow = await listConversations(as("support"), { mode: "test", flowId: secondFlowId });
      expect(byFlow.items.map((c) => c.id)).toEqual([ids.secondFlow]);

      const byStatus = await listConversations(as("support"), {
        mode: "test",
        status: "waiting_input",
      });
      expect(byStatus.items.map((c) => c.id)).toEqual([ids.telegram]);

      const byChannel = await listConversations(as("admin"), { mode: "test", channel: "telegram" });
      expect(byChannel.items.map((c) => c.id)).toEqual([ids.telegram]);

      const combined = await listConversations(as("admin"), {
        mode: "test",
        channel: "telegram",
        status: "completed",
      });
      expect(combined.items).toEqual([]);
    });

    it("never shows another merchant's conversations, even filtered by that merchant's flow", async () => {
      const mine = await listConversations(as("owner"), { mode: "test", limit: 200 });
      expect(mine.items.every((c) => c.flowId !== other.flowId)).toBe(true);
      const theirs = await listConversations(as("owner"), { mode: "test", flowId: other.flowId });
      expect(theirs.items).toEqual([]);
      const options = await listConversationFlowOptions(as("owner"));
      expect(options.map((f) => f.name)).toEqual(["Donations", "Order and pay"]);
      expect(options.map((f) => f.id)).not.toContain(other.flowId);
    });

    it("refuses analysts", async () => {
      await expect(listConversations(as("analyst"), { mode: "test" })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(listConversationFlowOptions(as("analyst"))).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    });

    it("rejects a cursor that was not made by the list", async () => {
      await expect(
        listConversations(as("owner"), { mode: "test", cursor: "not-a-cursor" }),
      ).rejects.toThrow("This page link is not valid.");
    });
  });

  describe("paging", () => {
    let flowId: string;
    let expected: string[];

    beforeAll(async () => {
      flowId = (await insertPublishedFlow(db, shop.merchantId, orderAndPayGraph(), "Paging"))
        .flowId;
      const insertAt = async (at: string) => {
        const id = newId("conversation");
        await db.insert(conversations).values({
          merchantId: shop.merchantId,
          id,
          flowId,
          channel: "web",
          mode: "test",
          externalUserId: id,
          externalChatId: id,
          startedAt: sql`${at}::timestamptz`,
        });
        return { id, at };
      };
      // Ties on the exact instant, and instants a millisecond clock cannot tell apart.
      const rows = [
        ...(await Promise.all(
          Array.from({ length: 5 }, () => insertAt("2025-04-01T10:00:00.123456Z")),
        )),
        await insertAt("2025-04-01T10:00:00.123001Z"),
        await insertAt("2025-04-01T10:00:00.123999Z"),
        await insertAt("2025-04-01T10:00:00.124000Z"),
        ...(await Promise.all(
          Array.from({ length: 3 }, () => insertAt("2025-04-01T09:59:59.000000Z")),
        )),
      ];
      // Ids tie-break in the database's collation; one page holding everything is the reference.
      const whole = await listConversations(as("owner"), { mode: "test", flowId, limit: 200 });
      expected = whole.items.map((c) => c.id);
      expect(new Set(expected)).toEqual(new Set(rows.map((r) => r.id)));
      const instants = rows
        .map((r) => r.at)
        .sort()
        .reverse();
      const instantOf = new Map(rows.map((r) => [r.id, r.at]));
      expect(expected.map((id) => instantOf.get(id))).toEqual(instants);
    });

    it.each([1, 2, 3, 4])(
      "walks every conversation once, in order, over equal timestamps (page size %i)",
      async (limit) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 20; page++) {
          const result = await listConversations(as("owner"), {
            mode: "test",
            flowId,
            limit,
            cursor,
          });
          expect(result.items.length).toBeLessThanOrEqual(limit);
          seen.push(...result.items.map((c) => c.id));
          if (!result.nextCursor) break;
          expect(decodeConversationCursor(result.nextCursor)?.id).toBe(result.items.at(-1)?.id);
          cursor = result.nextCursor;
        }
        expect(seen).toEqual(expected);
      },
    );
  });

  describe("one conversation", () => {
    it("shows the transcript in order, the redacted message flagged, steps in order, flow version and payments", async () => {
      const session = `sess_${randomUUID()}`;
      const who = { channel: "web" as const, externalUserId: session, externalChatId: session };
      const started = await startConversation(db, {
        publicKey: shop.publicKey,
        ...who,
        lang: "fr",
        now: minutes(100),
      });
      const say = (text: string, at: Date) =>
        handleInbound(db, {
          publicKey: shop.publicKey,
          ...who,
          conversationId: started.conversationId,
          now: at,
          message: { platformMessageId: randomUUID(), text },
        });
      await say("1 x2", minutes(101));
      await say("ma carte 4242 4242 4242 4242 exp 12/29", minutes(102));
      const paymentId = await insertPayment(started.conversationId, 2580, "created", minutes(103));

      const detail = await getConversationDetail(as("support"), started.conversationId);
      expect(detail.flowName).toBe("Order and pay");
      expect(detail.flowVersion).toBe(1);
      expect(detail.flowVersionId).toBe(shop.versionId);
      expect(detail.lang).toBe("fr");
      expect(detail.payments.map((p) => p.id)).toEqual([paymentId]);

      const times = detail.messages.map((m) => m.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
      expect(detail.messages[0]?.direction).toBe("outbound");
      const inbound = detail.messages.filter((m) => m.direction === "inbound");
      expect(inbound.map((m) => m.redacted)).toEqual([false, true]);
      expect(inbound[0]?.view?.text).toBe("1 x2");
      expect(inbound[1]?.view?.text).not.toContain("4242");
      // Each customer message is followed by the bot's answer to it.
      const firstAnswer = detail.messages[detail.messages.indexOf(inbound[0]) + 1];
      expect(firstAnswer?.direction).toBe("outbound");

      const steps = detail.steps;
      // The first step's three events share one timestamp: their order is the runtime's.
      expect(steps.slice(0, 3).map((s) => [s.nodeId, s.nodeType, s.kind])).toEqual([
        ["start", "start", "entered"],
        ["start", "start", "completed"],
        ["catalogue", "product_choice", "entered"],
      ]);
      expect(new Set(steps.slice(0, 3).map((s) => s.occurredAt.getTime())).size).toBe(1);
      const kinds = steps.map((s) => s.kind);
      expect(kinds.indexOf("cart_updated")).toBeGreaterThan(2);
      expect(kinds.indexOf("input_redacted")).toBeGreaterThan(kinds.indexOf("cart_updated"));
      const stepTimes = steps.map((s) => s.occurredAt.getTime());
      expect(stepTimes).toEqual([...stepTimes].sort((a, b) => a - b));
    });

    it("orders messages and steps by time, not by insertion", async () => {
      const id = await insertConversation({ startedAt: minutes(200) });
      const message = (createdAt: Date, text: string, redacted = false) => ({
        merchantId: shop.merchantId,
        id: newId("message"),
        conversationId: id,
        direction: "inbound" as const,
        body: { kind: "text", text },
        redacted,
        createdAt,
      });
      await db
        .insert(conversationMessages)
        .values([
          message(minutes(203), "third"),
          message(minutes(201), "first"),
          message(minutes(202), "[card number removed]", true),
        ]);
      await db.insert(conversationMessages).values({
        ...message(minutes(204), ""),
        direction: "outbound",
        body: { kind: "from_the_future" },
      });
      const event = (occurredAt: Date, kind: string) => ({
        merchantId: shop.merchantId,
        id: newId("conversationEvent"),
        conversationId: id,
        flowId: shop.flowId,
        nodeId: "summary",
        nodeType: "message",
        kind,
        detail: { detail: `at ${occurredAt.toISOString()}` },
        occurredAt,
      });
      await db.insert(conversationEvents).values([event(minutes(202), "completed")]);
      await db.insert(conversationEvents).values([event(minutes(201), "entered")]);

      const detail = await getConversationDetail(as("owner"), id);
      expect(detail.messages.map((m) => m.view?.text ?? null)).toEqual([
        "first",
        "[card number removed]",
        "third",
        null,
      ]);
      expect(detail.messages.map((m) => m.redacted)).toEqual([false, true, false, false]);
      expect(detail.steps.map((s) => s.kind)).toEqual(["entered", "completed"]);
      expect(detail.steps[0]?.detail).toBe(`at ${minutes(201).toISOString()}`);
      expect(detail.payments).toEqual([]);
    });

    it("reads another merchant's conversation as not found, and refuses analysts", async () => {
      const theirs = await insertConversation({
        merchantId: other.merchantId,
        flowId: other.flowId,
        flowVersionId: other.versionId,
      });
      await expect(getConversationDetail(as("owner"), theirs)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(getConversationDetail(as("owner"), "cnv_doesNotExist")).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(
        getConversationDetail(as("owner", other.merchantId), theirs),
      ).resolves.toMatchObject({ id: theirs });
      await expect(getConversationDetail(as("analyst"), theirs)).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    });
  });
});
