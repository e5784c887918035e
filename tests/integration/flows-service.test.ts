import { setDbHandle, type Db, type DbHandle } from "@/db/client";
import { connections, conversations, flows, flowVersions, payments } from "@/db/schema";
import { refreshRollups } from "@/lib/analytics/rollup-job";
import type { ServiceContext } from "@/lib/auth/context";
import { getFlowByPublicKey } from "@/lib/conversations/engine/graphs";
import { widgetOriginsFor } from "@/lib/conversations/web-chat/frame-policy";
import { AppError, ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { edgeHandle, parseFlowGraph, type FlowGraph } from "@/lib/flows/graph";
import {
  getFlow,
  listConnectionOptions,
  listFlows,
  listVersions,
  validationContextFrom,
} from "@/lib/flows/queries";
import {
  createFlowFromTemplate,
  FlowNotPublishableError,
  publishFlow,
  rollbackFlow,
  saveDraft,
  updateFlowSettings,
} from "@/lib/flows/service";
import { TEMPLATE_IDS } from "@/lib/flows/templates";
import { canPublish, validateFlow } from "@/lib/flows/validate";
import { newId } from "@/lib/ids";
import { proxy } from "@/proxy";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { addMerchant, auditRows, contextFor } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

describe.each(ENGINES)("flows service on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function merchantWithTeam(name: string) {
    const merchantId = await addMerchant(db, name);
    await db.insert(connections).values({
      merchantId,
      id: newId("connection"),
      provider: "sandbox",
      label: "Sandbox",
      status: "active",
      credentialsEncrypted: "not-used-in-these-tests",
      keyVersion: "v1",
      methods: ["card", "apple_pay", "google_pay"],
      currencies: ["EUR"],
    });
    return {
      merchantId,
      owner: await contextFor(db, merchantId, "owner"),
      admin: await contextFor(db, merchantId, "admin"),
      support: await contextFor(db, merchantId, "support"),
      analyst: await contextFor(db, merchantId, "analyst"),
    };
  }

  async function draftOf(
    ctx: ServiceContext,
    flowId: string,
  ): Promise<{ graph: FlowGraph; revision: number }> {
    const flow = await getFlow(ctx, flowId);
    return { graph: parseFlowGraph(flow.draftGraph), revision: flow.draftRevision };
  }

  function withMessage(graph: FlowGraph, nodeId: string, en: string): FlowGraph {
    return {
      ...graph,
      nodes: graph.nodes.map((n) =>
        n.id === nodeId && n.type === "message"
          ? { ...n, data: { ...n.data, text: { ...n.data.text, en } } }
          : n,
      ),
    };
  }

  it("creates a publishable draft from every template, with an audit entry each", async () => {
    const team = await merchantWithTeam("Templates");
    for (const templateId of TEMPLATE_IDS) {
      const created = await createFlowFromTemplate(team.admin, {
        templateId,
        name: `Flow ${templateId}`,
      });
      const flow = await getFlow(team.admin, created.id);
      expect(flow).toMatchObject({
        name: `Flow ${templateId}`,
        template: templateId,
        status: "draft",
        draftRevision: 0,
        publishedVersion: null,
      });
      const graph = parseFlowGraph(flow.draftGraph);
      expect(graph.currency).toBe("EUR");
      expect(graph.nodes.some((n) => n.type === "start")).toBe(true);
      const issues = validateFlow(
        flow.draftGraph,
        validationContextFrom(await listConnectionOptions(db, team.merchantId)),
      );
      expect(issues.filter((i) => i.severity === "error")).toEqual([]);
      expect(canPublish(issues)).toBe(true);
      // Its public key finds it (global_lookups, written with the flow) — and only it.
      const byKey = await getFlowByPublicKey(db, flow.publicKey);
      expect({ merchantId: byKey?.merchantId, id: byKey?.id }).toEqual({
        merchantId: team.merchantId,
        id: created.id,
      });
    }
    const created = await auditRows(db, team.merchantId, "flow.created");
    expect(created).toHaveLength(TEMPLATE_IDS.length);
    expect(created.every((row) => row.actorUserId === team.admin.user.id)).toBe(true);
  });

  it("uses the currency and languages asked for", async () => {
    const team = await merchantWithTeam("Options");
    const { id } = await createFlowFromTemplate(team.owner, {
      templateId: "order_and_pay",
      name: "Yen shop",
      currency: "jpy",
      languages: ["fr", "en"],
      defaultLanguage: "en",
    });
    const { graph } = await draftOf(team.owner, id);
    expect(graph).toMatchObject({
      currency: "JPY",
      languages: ["fr", "en"],
      defaultLanguage: "en",
    });
  });

  it("refuses a save from a stale revision and keeps the newer draft", async () => {
    const team = await merchantWithTeam("Concurrency");
    const { id } = await createFlowFromTemplate(team.owner, {
      templateId: "donation",
      name: "Gifts",
    });
    const { graph } = await draftOf(team.owner, id);

    const first = await saveDraft(team.owner, {
      flowId: id,
      revision: 0,
      graph: withMessage(graph, "intro", "Tab one"),
    });
    expect(first.draftRevision).toBe(1);
    await expect(
      saveDraft(team.admin, {
        flowId: id,
        revision: 0,
        graph: withMessage(graph, "intro", "Tab two"),
      }),
    ).rejects.toBeInstanceOf(ConflictError);

    const after = await draftOf(team.owner, id);
    expect(after.revision).toBe(1);
    expect(after.graph.nodes.find((n) => n.id === "intro")).toMatchObject({
      data: { text: { en: "Tab one" } },
    });
    const second = await saveDraft(team.admin, {
      flowId: id,
      revision: 1,
      graph: withMessage(graph, "intro", "Tab two"),
    });
    expect(second.draftRevision).toBe(2);
  });

  it("answers 422 with field errors for a graph of the wrong shape, and saves nothing", async () => {
    const team = await merchantWithTeam("Shape");
    const { id } = await createFlowFromTemplate(team.owner, { templateId: "blank", name: "Blank" });
    const { graph } = await draftOf(team.owner, id);
    const broken = {
      ...graph,
      nodes: [...graph.nodes, { id: "oops", type: "teleport", position: { x: 0, y: 0 }, data: {} }],
    };
    const error = await saveDraft(team.owner, { flowId: id, revision: 0, graph: broken }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(422);
    expect(Object.keys((error as AppError).fieldErrors ?? {})).toContain("nodes.2.type");
    expect((await draftOf(team.owner, id)).revision).toBe(0);
  });

  it("refuses to publish an invalid graph, naming the node, and writes no version", async () => {
    const team = await merchantWithTeam("Invalid");
    const { id } = await createFlowFromTemplate(team.owner, {
      templateId: "order_and_pay",
      name: "Shop",
    });
    const { graph } = await draftOf(team.owner, id);
    const cut = {
      ...graph,
      edges: graph.edges.filter(
        (e) => !(e.source === "wait_payment" && edgeHandle(e) === "succeeded"),
      ),
    };
    await saveDraft(team.owner, { flowId: id, revision: 0, graph: cut });

    const error = await publishFlow(team.owner, { flowId: id, mode: "test" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlowNotPublishableError);
    const issues = (error as FlowNotPublishableError).issues.filter((i) => i.severity === "error");
    expect(issues.some((i) => i.nodeId === "wait_payment" && i.code === "dead_end")).toBe(true);
    expect((error as AppError).fieldErrors?.wait_payment?.[0]).toContain('"wait_payment"');
    expect(await db.select().from(flowVersions).where(eq(flowVersions.flowId, id))).toEqual([]);
    expect((await getFlow(team.owner, id)).status).toBe("draft");
  });

  it("publishes v1 and v2, rolls back to v1 as an immutable v3, and audits each step", async () => {
    const team = await merchantWithTeam("Versions");
    const { id } = await createFlowFromTemplate(team.owner, {
      templateId: "pay_invoice",
      name: "Invoices",
    });
    const v1 = await publishFlow(team.owner, {
      flowId: id,
      mode: "test",
      revision: 0,
      note: "First go",
    });
    expect(v1.version).toBe(1);
    const v1Graph = (await draftOf(team.owner, id)).graph;

    await saveDraft(team.owner, {
      flowId: id,
      revision: 0,
      graph: withMessage(v1Graph, "welcome", "Changed greeting"),
    });
    await expect(
      publishFlow(team.owner, { flowId: id, mode: "test", revision: 0 }),
    ).rejects.toBeInstanceOf(ConflictError);
    const v2 = await publishFlow(team.admin, { flowId: id, mode: "test", revision: 1 });
    expect(v2.version).toBe(2);
    expect(await getFlow(team.owner, id)).toMatchObject({
      status: "published",
      publishedVersionId: v2.versionId,
      publishedVersion: 2,
    });

    const rolled = await rollbackFlow(team.owner, id, v1.versionId);
    expect(rolled).toMatchObject({ version: 3, rolledBackTo: 1 });
    const rows = await db
      .select()
      .from(flowVersions)
      .where(and(eq(flowVersions.merchantId, team.merchantId), eq(flowVersions.flowId, id)));
    const byVersion = new Map(rows.map((r) => [r.version, r]));
    expect(byVersion.get(3)!.graph).toEqual(byVersion.get(1)!.graph);
    expect(byVersion.get(2)!.graph).not.toEqual(byVersion.get(1)!.graph);
    expect(byVersion.get(1)!.id).toBe(v1.versionId);
    expect(byVersion.get(1)!.note).toBe("First go");
    expect(byVersion.get(3)!.note).toBe("Rolled back to version 1");

    const flow = await getFlow(team.owner, id);
    expect(flow).toMatchObject({
      publishedVersionId: rolled.versionId,
      publishedVersion: 3,
      draftRevision: 2,
    });
    expect(flow.draftGraph).toEqual(byVersion.get(1)!.graph);
    expect((await listVersions(team.analyst, id)).map((v) => v.version)).toEqual([3, 2, 1]);

    const published = await auditRows(db, team.merchantId, "flow.published");
    expect(published.map((r) => r.after?.version).sort()).toEqual([1, 2]);
    const rolledBack = await auditRows(db, team.merchantId, "flow.rolled_back");
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]).toMatchObject({ targetId: id, actorUserId: team.owner.user.id });
    expect(rolledBack[0].after).toMatchObject({ version: 3, copiedFrom: 1 });
  });

  it("updates name, channels and languages, bumping the draft revision", async () => {
    const team = await merchantWithTeam("Settings");
    const { id } = await createFlowFromTemplate(team.owner, {
      templateId: "donation",
      name: "Gifts",
    });
    const result = await updateFlowSettings(team.owner, {
      flowId: id,
      name: "Donations",
      channels: ["web", "telegram", "web"],
      languages: ["fr", "en"],
      defaultLanguage: "fr",
      revision: 0,
    });
    expect(result).toMatchObject({
      name: "Donations",
      channels: ["web", "telegram"],
      draftRevision: 1,
    });
    const flow = await getFlow(team.owner, id);
    expect(flow).toMatchObject({
      name: "Donations",
      channels: ["web", "telegram"],
      draftRevision: 1,
    });
    expect(parseFlowGraph(flow.draftGraph)).toMatchObject({
      languages: ["fr", "en"],
      defaultLanguage: "fr",
    });
    await expect(
      updateFlowSettings(team.owner, { flowId: id, defaultLanguage: "zh" }),
    ).rejects.toMatchObject({ status: 422 });
    const renamedOnly = await updateFlowSettings(team.owner, { flowId: id, name: "Gifts again" });
    expect(renamedOnly).toMatchObject({ draftRevision: 1, graph: null });
    expect(await auditRows(db, team.merchantId, "flow.settings_updated")).toHaveLength(2);
  });

  it("keeps the widget's allowed sites normalised, refuses bad ones whole, and the chat page's framing follows", async () => {
    const team = await merchantWithTeam("Widget sites");
    const { id } = await createFlowFromTemplate(team.owner, { templateId: "blank", name: "Shop" });
    const { publicKey } = await getFlow(team.owner, id);
    expect(await widgetOriginsFor(db, publicKey)).toEqual([]);

    const saved = await updateFlowSettings(team.owner, {
      flowId: id,
      widgetOrigins: [
        "https://Shop.Example.com:443/",
        "http://localhost:5173",
        "https://shop.example.com",
      ],
    });
    expect(saved.widgetOrigins).toEqual(["https://shop.example.com", "http://localhost:5173"]);
    expect((await getFlow(team.owner, id)).widgetOrigins).toEqual(saved.widgetOrigins);
    // The change is seen at once in this process (the cached answer is dropped).
    expect(await widgetOriginsFor(db, publicKey)).toEqual(saved.widgetOrigins);
    const [audit] = (await auditRows(db, team.merchantId, "flow.settings_updated")).filter(
      (r) => r.targetId === id,
    );
    expect(audit).toMatchObject({
      before: { widgetOrigins: [] },
      after: { widgetOrigins: saved.widgetOrigins },
    });

    for (const bad of [
      "http://shop.example.com",
      "https://shop.example.com/checkout",
      "javascript:alert(1)",
      "https://*.example.com",
      "shop.example.com",
    ]) {
      await expect(
        updateFlowSettings(team.owner, { flowId: id, widgetOrigins: ["https://ok.example", bad] }),
      ).rejects.toBeInstanceOf(ZodError);
    }
    expect((await getFlow(team.owner, id)).widgetOrigins).toEqual(saved.widgetOrigins);
    for (const ctx of [team.support, team.analyst]) {
      await expect(
        updateFlowSettings(ctx, { flowId: id, widgetOrigins: ["https://evil.example"] }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    const stranger = await contextFor(db, await addMerchant(db, "Elsewhere"), "owner");
    await expect(
      updateFlowSettings(stranger, { flowId: id, widgetOrigins: ["https://evil.example"] }),
    ).rejects.toBeInstanceOf(NotFoundError);

    // The chat page's policy, as proxy.ts sends it: Parley, then the flow's sites.
    setDbHandle(handle);
    try {
      const response = await proxy(new NextRequest(`http://parley.test/chat/${publicKey}`));
      expect(response.headers.get("content-security-policy")).toContain(
        "frame-ancestors 'self' https://shop.example.com http://localhost:5173",
      );
      const other = await proxy(new NextRequest("http://parley.test/chat/pk_unknown"));
      expect(other.headers.get("content-security-policy")).toMatch(/frame-ancestors 'self'$/);
      const consolePage = await proxy(new NextRequest("http://parley.test/overview"));
      expect(consolePage.headers.get("content-security-policy")).toContain(
        "frame-ancestors 'none'",
      );
    } finally {
      setDbHandle(undefined);
    }
  });

  it("lets support and analysts read flows but not change or publish them", async () => {
    const team = await merchantWithTeam("Roles");
    const { id } = await createFlowFromTemplate(team.owner, { templateId: "blank", name: "Blank" });
    const v1 = await publishFlow(team.owner, { flowId: id, mode: "test" });
    const { graph } = await draftOf(team.owner, id);
    for (const ctx of [team.support, team.analyst]) {
      await expect(listFlows(ctx, "test")).resolves.toHaveLength(1);
      await expect(getFlow(ctx, id)).resolves.toMatchObject({ id });
      await expect(
        createFlowFromTemplate(ctx, { templateId: "blank", name: "Mine" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(saveDraft(ctx, { flowId: id, revision: 0, graph })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(publishFlow(ctx, { flowId: id, mode: "test" })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(rollbackFlow(ctx, id, v1.versionId)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(updateFlowSettings(ctx, { flowId: id, name: "Renamed" })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    expect(await getFlow(team.owner, id)).toMatchObject({
      name: "Blank",
      draftRevision: 0,
      publishedVersion: 1,
    });
    expect(await db.select().from(flows).where(eq(flows.merchantId, team.merchantId))).toHaveLength(
      1,
    );
  });

  it("treats another merchant's flow and versions as not found", async () => {
    const mine = await merchantWithTeam("Mine");
    const theirs = await merchantWithTeam("Theirs");
    const { id } = await createFlowFromTemplate(theirs.owner, {
      templateId: "blank",
      name: "Theirs",
    });
    const version = await publishFlow(theirs.owner, { flowId: id, mode: "test" });
    const { graph } = await draftOf(theirs.owner, id);
    const own = await createFlowFromTemplate(mine.owner, { templateId: "blank", name: "Mine" });

    await expect(getFlow(mine.owner, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(listVersions(mine.owner, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(saveDraft(mine.owner, { flowId: id, revision: 0, graph })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(publishFlow(mine.owner, { flowId: id, mode: "test" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(rollbackFlow(mine.owner, id, version.versionId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(rollbackFlow(mine.owner, own.id, version.versionId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      updateFlowSettings(mine.owner, { flowId: id, name: "Stolen" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await listFlows(mine.owner, "test")).map((f) => f.id)).toEqual([own.id]);
    expect(await getFlow(theirs.owner, id)).toMatchObject({
      name: "Theirs",
      draftRevision: 0,
      publishedVersion: 1,
    });
  });

  it("lists flows with 30-day conversations and conversion, leaving out simulations and older ones", async () => {
    const team = await merchantWithTeam("Stats");
    const now = new Date();
    const { id } = await createFlowFromTemplate(team.owner, {
      templateId: "order_and_pay",
      name: "Shop",
    });
    const quiet = await createFlowFromTemplate(team.owner, { templateId: "blank", name: "Quiet" });
    await publishFlow(team.owner, { flowId: id, mode: "test" });
    const [connection] = await db
      .select()
      .from(connections)
      .where(eq(connections.merchantId, team.merchantId));
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const conversation = async (
      startedAt: Date,
      payment?: "succeeded" | "failed" | "refunded",
      isSimulation = false,
    ) => {
      const conversationId = newId("conversation");
      await db.insert(conversations).values({
        merchantId: team.merchantId,
        id: conversationId,
        flowId: id,
        channel: "web",
        externalUserId: "u",
        externalChatId: conversationId,
        startedAt,
        isSimulation,
        mode: "test",
      });
      if (payment) {
        await db.insert(payments).values({
          merchantId: team.merchantId,
          id: newId("payment"),
          connectionId: connection.id,
          provider: "sandbox",
          mode: "test",
          conversationId,
          flowId: id,
          amountMinor: 1000,
          currency: "EUR",
          status: payment,
          idempotencyKey: newId("payment"),
        });
      }
    };
    await conversation(daysAgo(1), "succeeded");
    await conversation(daysAgo(2), "refunded");
    await conversation(daysAgo(3), "failed");
    await conversation(daysAgo(4));
    await conversation(daysAgo(40), "succeeded");
    await conversation(daysAgo(1), "succeeded", true);

    // The list reads the funnel rollup: the rollup job's pass brings it up to date.
    await refreshRollups(db, now);
    const list = await listFlows(team.analyst, "test", now);
    const shop = list.find((f) => f.id === id)!;
    expect(shop).toMatchObject({
      status: "published",
      version: 1,
      conversations: 4,
      paidConversations: 2,
      conversionRate: 0.5,
    });
    expect(list.find((f) => f.id === quiet.id)).toMatchObject({
      status: "draft",
      version: null,
      conversations: 0,
      conversionRate: null,
    });
  });
});
