import {
  POST as messageRoute,
  GET as readRoute,
} from "@/app/api/chat/[publicKey]/[conversationId]/route";
import { GET as streamRoute } from "@/app/api/chat/[publicKey]/[conversationId]/stream/route";
import { POST as startRoute } from "@/app/api/chat/[publicKey]/route";
import { GET as widgetRoute } from "@/app/widget.js/route";
import { type Db, type DbHandle, setDbHandle } from "@/db/client";
import { connections, conversations, flows, payments } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { sealCredentials } from "@/lib/connections/credentials";
import { handlePaymentUpdate } from "@/lib/conversations/engine";
import type { ChatMessageView } from "@/lib/conversations/engine/messages";
import {
  getSimulatorInfo,
  pollSimulation,
  sendSimulationMessage,
  startSimulation,
} from "@/lib/conversations/simulator";
import { openChatStream } from "@/lib/conversations/web-chat/stream";
import { newId } from "@/lib/ids";
import { and, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertMerchant,
  insertPublishedFlow,
  insertShop,
  orderAndPayGraph,
  type ShopFixture,
  useTestMasterKey,
} from "../conversations.fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

const ORIGIN = "http://localhost:3999";

interface Snapshot {
  conversationId: string;
  status: string;
  messages: ChatMessageView[];
  cursor: string | null;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${url}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: {
      "content-type": "application/json",
      origin: ORIGIN,
      host: "localhost:3999",
      "x-forwarded-for": `10.0.0.${Math.floor(Math.random() * 250)}`,
      ...headers,
    },
  });
}

describe.each(ENGINES)("web chat API and simulator on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let shop: ShopFixture;

  beforeAll(async () => {
    useTestMasterKey();
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    shop = await insertShop(db, ["fr", "en"]);
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await handle?.close();
  });

  const keyParams = (publicKey = shop.publicKey) => ({ params: Promise.resolve({ publicKey }) });
  const convParams = (conversationId: string, publicKey = shop.publicKey) => ({
    params: Promise.resolve({ publicKey, conversationId }),
  });

  async function start(sessionId: string, lang?: string): Promise<Snapshot> {
    const response = await startRoute(
      post(`/api/chat/${shop.publicKey}`, { sessionId, lang }),
      keyParams(),
    );
    expect(response.status).toBe(201);
    return (await response.json()) as Snapshot;
  }

  async function send(
    conversationId: string,
    sessionId: string,
    message: Record<string, unknown>,
    after?: string | null,
  ): Promise<Response> {
    const query = after ? `?after=${encodeURIComponent(after)}` : "";
    return messageRoute(
      post(`/api/chat/${shop.publicKey}/${conversationId}${query}`, {
        sessionId,
        messageId: randomUUID(),
        ...message,
      }),
      convParams(conversationId),
    );
  }

  it("runs an order in French through the public API, then shows the receipt after payment", async () => {
    const sessionId = `s_${randomUUID().replace(/-/g, "")}`;
    const started = await start(sessionId, "fr");
    expect(started.messages[0]?.text).toContain("Que souhaitez-vous commander");
    let cursor = started.cursor;

    const picked = await send(
      started.conversationId,
      sessionId,
      { text: "Mug en céramique", choice: "MUG" },
      cursor,
    );
    expect(picked.status).toBe(200);
    const afterPick = (await picked.json()) as Snapshot;
    // Only what came after the cursor: the customer's message first, then the bot's answer.
    expect(afterPick.messages[0]).toMatchObject({ direction: "inbound", text: "Mug en céramique" });
    expect(afterPick.messages.every((m) => m.createdAt > cursor!)).toBe(true);
    cursor = afterPick.cursor;

    const shown = (await (
      await send(started.conversationId, sessionId, { text: "terminé" }, cursor)
    ).json()) as Snapshot;
    const confirmation = shown.messages.find((m) => m.kind === "choices");
    expect(confirmation?.text).toContain("Vérifiez votre commande avant de payer");
    expect(confirmation?.options?.map((o) => o.label)).toEqual(["Confirmer", "Modifier"]);
    await send(started.conversationId, sessionId, {
      text: "Confirmer",
      choice: confirmation?.options?.[0]?.value,
    });
    const paid = (await (
      await send(started.conversationId, sessionId, { text: "Carte bancaire", choice: "card" })
    ).json()) as Snapshot;
    const link = paid.messages.find((m) => m.kind === "payment_link");
    expect(link?.text).toContain("€");
    const [payment] = await db
      .select()
      .from(payments)
      .where(eq(payments.conversationId, started.conversationId));

    const before = (await (
      await readRoute(
        new Request(
          `${ORIGIN}/api/chat/${shop.publicKey}/${started.conversationId}?session=${sessionId}`,
        ),
        convParams(started.conversationId),
      )
    ).json()) as Snapshot;
    await handlePaymentUpdate(db, shop.merchantId, payment.id, "succeeded");
    const read = await readRoute(
      new Request(
        `${ORIGIN}/api/chat/${shop.publicKey}/${started.conversationId}?session=${sessionId}&after=${encodeURIComponent(before.cursor!)}`,
      ),
      convParams(started.conversationId),
    );
    const update = (await read.json()) as Snapshot;
    expect(update.status).toBe("completed");
    const receipt = update.messages.find((m) => m.kind === "receipt");
    expect(receipt?.text).toContain("Merci pour votre commande");
    expect(receipt?.reference).toBe(payment.id);
  });

  it("renders nothing but what it stored: customer markup comes back as plain text", async () => {
    const sessionId = `s_${randomUUID().replace(/-/g, "")}`;
    const started = await start(sessionId, "en");
    const response = await send(started.conversationId, sessionId, {
      text: "<img src=x onerror=alert(1)>",
    });
    const snapshot = (await response.json()) as Snapshot;
    const inbound = snapshot.messages.filter((m) => m.direction === "inbound");
    expect(inbound.map((m) => m.text)).toEqual(["<img src=x onerror=alert(1)>"]);
  });

  it("refuses cross-origin posts, unknown keys, unpublished flows and other sessions", async () => {
    const cross = await startRoute(
      post(
        `/api/chat/${shop.publicKey}`,
        { sessionId: "s_abcdefgh12" },
        { origin: "https://evil.example" },
      ),
      keyParams(),
    );
    expect(cross.status).toBe(403);
    const site = await startRoute(
      post(
        `/api/chat/${shop.publicKey}`,
        { sessionId: "s_abcdefgh12" },
        { origin: "", "sec-fetch-site": "cross-site" },
      ),
      keyParams(),
    );
    expect(site.status).toBe(403);
    expect(
      (
        await startRoute(
          post(`/api/chat/pk_unknown`, { sessionId: "s_abcdefgh12" }),
          keyParams("pk_unknown"),
        )
      ).status,
    ).toBe(404);
    expect(
      (await startRoute(post(`/api/chat/${shop.publicKey}`, { sessionId: "no" }), keyParams()))
        .status,
    ).toBe(422);

    const draftOnly = await insertPublishedFlow(
      db,
      shop.merchantId,
      orderAndPayGraph(),
      "Draft only",
    );
    await db
      .update(flows)
      .set({ status: "draft", publishedVersionId: null })
      .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, draftOnly.flowId)));
    expect(
      (
        await startRoute(
          post(`/api/chat/${draftOnly.publicKey}`, { sessionId: "s_abcdefgh12" }),
          keyParams(draftOnly.publicKey),
        )
      ).status,
    ).toBe(404);

    // Taken off the web channel in the flow's settings: the hosted chat is gone too.
    const notOnWeb = await insertPublishedFlow(
      db,
      shop.merchantId,
      orderAndPayGraph(),
      "Telegram only",
    );
    await db
      .update(flows)
      .set({ channels: ["telegram"] })
      .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, notOnWeb.flowId)));
    expect(
      (
        await startRoute(
          post(`/api/chat/${notOnWeb.publicKey}`, { sessionId: "s_abcdefgh12" }),
          keyParams(notOnWeb.publicKey),
        )
      ).status,
    ).toBe(404);

    const mine = await start("s_owner_session_1");
    const theirs = await send(mine.conversationId, "s_someone_else_1", { text: "1" });
    expect(theirs.status).toBe(404);
    const peek = await readRoute(
      new Request(
        `${ORIGIN}/api/chat/${shop.publicKey}/${mine.conversationId}?session=s_someone_else_1`,
      ),
      convParams(mine.conversationId),
    );
    expect(peek.status).toBe(404);
    const crossMessage = await messageRoute(
      post(
        `/api/chat/${shop.publicKey}/${mine.conversationId}`,
        { sessionId: "s_owner_session_1", messageId: randomUUID(), text: "1" },
        { origin: "https://evil.example" },
      ),
      convParams(mine.conversationId),
    );
    expect(crossMessage.status).toBe(403);
  });

  it("stops answering a conversation once its flow is taken off the web", async () => {
    const local = await insertPublishedFlow(db, shop.merchantId, orderAndPayGraph(), "Paused");
    const sessionId = `s_${randomUUID().replace(/-/g, "")}`;
    const opened = await startRoute(
      post(`/api/chat/${local.publicKey}`, { sessionId, lang: "en" }),
      keyParams(local.publicKey),
    );
    const { conversationId } = (await opened.json()) as Snapshot;
    const say = () =>
      messageRoute(
        post(`/api/chat/${local.publicKey}/${conversationId}`, {
          sessionId,
          messageId: randomUUID(),
          text: "1",
        }),
        convParams(conversationId, local.publicKey),
      );
    const read = () =>
      readRoute(
        new Request(`${ORIGIN}/api/chat/${local.publicKey}/${conversationId}?session=${sessionId}`),
        convParams(conversationId, local.publicKey),
      );
    expect((await say()).status).toBe(200);
    expect((await read()).status).toBe(200);

    await db
      .update(flows)
      .set({ channels: ["telegram"] })
      .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, local.flowId)));
    expect((await say()).status).toBe(404);
    expect((await read()).status).toBe(404);
    const [row] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row.revision).toBe(2);
  });

  it("streams new messages as server-sent events, resumable by cursor", async () => {
    const sessionId = `s_${randomUUID().replace(/-/g, "")}`;
    const started = await start(sessionId, "en");
    const url = `${ORIGIN}/api/chat/${shop.publicKey}/${started.conversationId}/stream?session=${sessionId}&after=${encodeURIComponent(started.cursor!)}`;
    const response = await openChatStream(
      db,
      shop.publicKey,
      started.conversationId,
      new Request(url),
      { lifetimeMs: 2500 },
    );
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    setTimeout(() => void send(started.conversationId, sessionId, { text: "2" }), 200);
    const body = await response.text();
    const events = body
      .split("\n\n")
      .filter((chunk) => chunk.includes("event: update"))
      .map(
        (chunk) =>
          JSON.parse(
            chunk
              .split("\n")
              .find((line) => line.startsWith("data: "))!
              .slice(6),
          ) as Snapshot,
      );
    const streamed = events.flatMap((e) => e.messages);
    expect(streamed.some((m) => m.direction === "inbound" && m.text === "2")).toBe(true);
    expect(streamed.every((m) => m.createdAt > started.cursor!)).toBe(true);
    expect(body).toMatch(/^id: \d{4}-/m);

    const denied = await streamRoute(
      new Request(
        `${ORIGIN}/api/chat/${shop.publicKey}/${started.conversationId}/stream?session=s_not_the_owner`,
      ),
      convParams(started.conversationId),
    );
    expect(denied.status).toBe(404);
  });

  it("serves the widget script that frames the hosted chat page", async () => {
    const response = await widgetRoute();
    expect(response.headers.get("content-type")).toMatch(/^application\/javascript/);
    const script = await response.text();
    expect(script).toContain('"/chat/"');
    expect(script).toContain("embed=1");
    expect(script).toContain("data-lang");
  });

  describe("simulator", () => {
    let ctx: ServiceContext;
    beforeAll(() => {
      ctx = {
        db,
        merchantId: shop.merchantId,
        role: "admin",
        user: { id: "usr_sim_tester", email: "sim@example.test", name: "Sim" },
        ip: null,
        userAgent: null,
      };
    });

    it("runs the current draft, not the published version, and shows the path", async () => {
      const draft = orderAndPayGraph(["fr", "en"]);
      const catalogue = draft.nodes.find((n) => n.id === "catalogue");
      if (catalogue?.type !== "product_choice") throw new Error("template changed");
      catalogue.data.products[0].priceMinor = 4321;
      await db
        .update(flows)
        .set({ draftGraph: draft })
        .where(and(eq(flows.merchantId, shop.merchantId), eq(flows.id, shop.flowId)));

      const info = await getSimulatorInfo(ctx, shop.flowId);
      expect(info).toMatchObject({ sandboxMissing: false, defaultLanguage: "fr", currency: "EUR" });
      const started = await startSimulation(ctx, { flowId: shop.flowId, lang: "en" });
      expect(started.path).toEqual(["start", "catalogue"]);
      const say = (text: string, choice?: string) =>
        sendSimulationMessage(ctx, {
          flowId: shop.flowId,
          conversationId: started.conversationId,
          messageId: randomUUID(),
          text,
          choice,
        });
      await say("1");
      await say("done");
      await say("Confirm");
      const paid = await say("Card", "card");
      expect(paid.messages.find((m) => m.kind === "payment_link")?.amountMinor).toBe(4321);
      expect(paid.path).toEqual(
        expect.arrayContaining(["confirm", "choose_method", "pay", "wait_payment"]),
      );

      const [row] = await db
        .select()
        .from(conversations)
        .where(eq(conversations.id, started.conversationId));
      expect(row).toMatchObject({ isSimulation: true, flowVersionId: null });
      const [payment] = await db
        .select()
        .from(payments)
        .where(eq(payments.conversationId, started.conversationId));
      expect(payment?.provider).toBe("sandbox");

      await handlePaymentUpdate(db, shop.merchantId, payment.id, "failed");
      const polled = await pollSimulation(ctx, {
        flowId: shop.flowId,
        conversationId: started.conversationId,
        after: paid.cursor ?? undefined,
      });
      expect(polled.status).toBe("waiting_input");
      expect(
        polled.messages.find((m) => m.kind === "choices")?.options?.map((o) => o.value),
      ).toContain("retry");
    });

    it("needs flows.edit, keeps each person's simulation to them, and says when Sandbox is missing", async () => {
      await expect(
        startSimulation({ ...ctx, role: "analyst" }, { flowId: shop.flowId }),
      ).rejects.toMatchObject({ status: 403 });
      const mine = await startSimulation(ctx, { flowId: shop.flowId });
      await expect(
        pollSimulation(
          { ...ctx, user: { ...ctx.user, id: "usr_other" } },
          { flowId: shop.flowId, conversationId: mine.conversationId },
        ),
      ).rejects.toMatchObject({ status: 404 });

      const bare = await insertMerchant(db, "No Sandbox");
      const flow = await insertPublishedFlow(db, bare, orderAndPayGraph());
      const info = await getSimulatorInfo({ ...ctx, merchantId: bare }, flow.flowId);
      expect(info.sandboxMissing).toBe(true);
      // Another merchant's flow does not exist for this one.
      await expect(getSimulatorInfo(ctx, flow.flowId)).rejects.toMatchObject({ status: 404 });
    });

    it("never lets a simulation reach a real provider", async () => {
      const local = await insertShop(db);
      const simCtx = { ...ctx, merchantId: local.merchantId };
      // A Stripe connection takes EUR too; with the Sandbox disabled it is the only one left.
      const stripeId = newId("connection");
      const sealed = sealCredentials(
        "stripe",
        { secretKey: "sk_test_simulatorMustNotUseThis", webhookSecret: "whsec_simulator" },
        stripeId,
      );
      await db.insert(connections).values({
        merchantId: local.merchantId,
        id: stripeId,
        provider: "stripe",
        label: "Stripe",
        credentialsEncrypted: sealed.credentialsEncrypted,
        keyVersion: sealed.keyVersion,
        methods: ["card"],
        currencies: ["EUR"],
        apiBaseUrl: "http://127.0.0.1:9",
      });
      await db
        .update(connections)
        .set({ status: "disabled" })
        .where(
          and(eq(connections.merchantId, local.merchantId), eq(connections.id, local.connectionId)),
        );
      const info = await getSimulatorInfo(simCtx, local.flowId);
      expect(info.sandboxMissing).toBe(true);
      const started = await startSimulation(simCtx, { flowId: local.flowId, lang: "en" });
      const say = (text: string) =>
        sendSimulationMessage(simCtx, {
          flowId: local.flowId,
          conversationId: started.conversationId,
          messageId: randomUUID(),
          text,
        });
      await say("1");
      await say("done");
      const done = await say("Confirm");
      expect(done.status).toBe("handed_off");
      expect(
        await db.select().from(payments).where(eq(payments.conversationId, started.conversationId)),
      ).toHaveLength(0);
    });
  });
});
