// The authorization matrix, end to end: every server action is called directly — through the
// real wrapper (lib/action.ts), session lookup and permission check — as each role that lacks
// its permission and as another merchant's owner, expecting a refusal and no write anywhere.
// Only the request's edges are stubbed: next/headers (headers, cookies), Auth.js's auth()
// (which session cookie was sent) and next/cache.
import type { Db, DbHandle } from "@/db/client";
import { setDbHandle } from "@/db/client";
import * as schema from "@/db/schema";
import { createRule } from "@/lib/alerts/service";
import { can, ROLES, type Permission, type Role } from "@/lib/auth/permissions";
import { createSession } from "@/lib/auth/sessions";
import { beginEnrolment, confirmEnrolment, verifySecondFactor } from "@/lib/auth/two-factor/factor";
import { emptyEvidenceFields } from "@/lib/disputes/evidence/schemas";
import { createFlowFromTemplate } from "@/lib/flows/service";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { createInvite } from "@/lib/team/service";
import { eq, getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  addMerchant,
  configurePipelineEnv,
  contextFor,
  sandboxConnection,
} from "../helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";
import {
  ACTION_PERMISSIONS,
  ACTIONS_WITHOUT_PERMISSION,
  MEMBER_ROUTE_HANDLERS,
  STEP_UP_ACTIONS,
} from "./action-matrix";

const request = vi.hoisted(() => ({
  session: null as null | {
    userId: string;
    sessionId: string;
    sessionVersion: number;
    [forged: string]: unknown;
  },
  cookies: new Map<string, string>(),
}));

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "user-agent": "vitest" }),
  cookies: async () => ({
    get: (name: string) =>
      request.cookies.has(name) ? { name, value: request.cookies.get(name)! } : undefined,
    set: (name: string, value: string) => void request.cookies.set(name, value),
    delete: (name: string) => void request.cookies.delete(name),
  }),
}));
vi.mock("@/lib/auth/config", () => ({
  auth: async () => request.session,
  signIn: async () => {},
  signOut: async () => {},
}));

configurePipelineEnv();

const ALERT_RULE_INPUT = {
  kind: "failure_rate",
  name: "Test spike",
  mode: "test",
  enabled: true,
  scope: "overall",
  failureRateAbovePercent: 50,
  windowMinutes: 15,
  minAttempts: 2,
} as const;

const ROOT = path.resolve(import.meta.dirname, "../../..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, entry);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(entry)) out.push(rel);
  }
  return out;
}

/** Every exported server action: "file#name" for each export of a "use server" file. */
function scanServerActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of ["app", "lib", "components"].flatMap(sourceFiles)) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    if (!/^\s*["']use server["']/.test(text)) continue;
    for (const m of text.matchAll(/export\s+(?:async\s+function|const)\s+(\w+)/g))
      found.set(`${file}#${m[1]}`, text);
  }
  return found;
}

describe("the action table is complete and matches the code", () => {
  const actions = scanServerActions();

  it("lists every exported server action", () => {
    const listed = [...Object.keys(ACTION_PERMISSIONS), ...Object.keys(ACTIONS_WITHOUT_PERMISSION)];
    expect([...actions.keys()].sort()).toEqual(listed.sort());
  });

  it("names the permission each wrapped action checks", () => {
    for (const [key, permission] of Object.entries(ACTION_PERMISSIONS)) {
      const [, name] = key.split("#");
      const text = actions.get(key)!;
      const declared = new RegExp(
        `export const ${name} = defineAction\\(\\{\\s*permission:\\s*"([\\w.]+)"`,
      ).exec(text);
      expect(declared?.[1], key).toBe(permission);
    }
    // Actions outside the table do not go through the permission wrapper.
    for (const key of Object.keys(ACTIONS_WITHOUT_PERMISSION)) {
      const [, name] = key.split("#");
      expect(actions.get(key)!).not.toMatch(new RegExp(`export const ${name} = defineAction`));
    }
  });

  it("marks exactly the listed money, credential, role and security actions as step-up", () => {
    const marked = Object.keys(ACTION_PERMISSIONS).filter((key) => {
      const [, name] = key.split("#");
      return new RegExp(
        `export const ${name} = defineAction\\(\\{\\s*permission:\\s*"[\\w.]+",\\s*stepUp: true`,
      ).test(actions.get(key)!);
    });
    expect(marked.sort()).toEqual([...STEP_UP_ACTIONS].sort());
  });

  it("lists every route handler that acts for a signed-in member", () => {
    const members = sourceFiles("app")
      .filter((f) => f.endsWith("route.ts") && !f.includes("api/auth/[...nextauth]"))
      .filter((f) =>
        /requirePermission|getRequestContext|getSignedInUser|from "@\/lib\/auth\/config"/.test(
          readFileSync(path.join(ROOT, f), "utf8"),
        ),
      );
    expect(members.sort()).toEqual(Object.keys(MEMBER_ROUTE_HANDLERS).sort());
  });
});

type ActionFn = (input: unknown) => Promise<{ ok: boolean; status?: number }>;

async function loadAction(key: string): Promise<ActionFn> {
  const [file, name] = key.split("#") as [string, string];
  const mod = (await import(/* @vite-ignore */ `@/${file.replace(/\.ts$/, "")}`)) as Record<
    string,
    ActionFn
  >;
  return mod[name];
}

describe.each(ENGINES)("every action refuses without its permission on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  const sessions = {} as Record<Role | "stranger", { userId: string; sessionId: string }>;
  let ids: Record<string, string>;
  const tables = (Object.values(schema) as unknown[]).filter((t): t is PgTable => is(t, PgTable));

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    const merchantId = await addMerchant(db, "Lumière Bistro");
    const ctxs = {} as Record<Role, Awaited<ReturnType<typeof contextFor>>>;
    for (const role of ROLES) {
      ctxs[role] = await contextFor(db, merchantId, role);
      const sessionId = await createSession(db, ctxs[role].user.id, { ip: null, userAgent: null });
      sessions[role] = { userId: ctxs[role].user.id, sessionId };
    }
    const other = await addMerchant(db, "Nusantara Batik");
    const stranger = await contextFor(db, other, "owner");
    sessions.stranger = {
      userId: stranger.user.id,
      sessionId: await createSession(db, stranger.user.id, { ip: null, userAgent: null }),
    };
    // Enrolled, with a fresh code: the cross-merchant refusals below are the merchant scope's,
    // not the step-up's.
    await enrolWithFreshCode(db, stranger.user, sessions.stranger.sessionId);
    const owner = ctxs.owner;
    const connection = await sandboxConnection(owner);
    const flow = await createFlowFromTemplate(owner, {
      templateId: "pay_invoice",
      name: "Invoices",
      currency: "EUR",
    });
    const payment = await createCheckout(db, merchantId, {
      connectionId: connection.id,
      amountMinor: 1_000,
      currency: "EUR",
      description: "Table 4",
      idempotencyKey: `authz-${engine}`,
    });
    const invite = await createInvite(owner, { email: "new@example.test", role: "support" });
    const rule = await createRule(owner, { ...ALERT_RULE_INPUT, name: "Spike" });
    const alertId = newId("alert");
    await db.insert(schema.alerts).values({
      merchantId,
      id: alertId,
      ruleId: rule.id,
      mode: "test",
      kind: "failure_rate",
      scopeKey: "all",
      severity: "critical",
      title: "All connections: 80% of payments failed in 15 min",
    });
    const conversationId = newId("conversation");
    await db.insert(schema.conversations).values({
      merchantId,
      id: conversationId,
      flowId: flow.id,
      channel: "web",
      externalUserId: "authz-customer",
      externalChatId: "authz-chat",
      status: "handed_off",
      mode: "test",
      state: {},
    });
    const disputeId = newId("dispute");
    await db.insert(schema.disputes).values({
      merchantId,
      id: disputeId,
      paymentId: payment.id,
      connectionId: connection.id,
      mode: "test",
      providerDisputeId: "du_authz",
      reason: "fraudulent",
      amountMinor: 1_000,
      currency: "EUR",
    });
    const notificationId = newId("notification");
    await db.insert(schema.notifications).values({
      merchantId,
      id: notificationId,
      userId: owner.user.id,
      mode: "live",
      kind: "dispute.due_soon",
      subjectId: disputeId,
      dedupeKey: `dispute:${disputeId}:chargeback:5d`,
      title: "Dispute response due in 4 days",
      body: "EUR 10.00 · Fraudulent",
      href: `/disputes/${disputeId}`,
    });
    ids = {
      notificationId,
      disputeId,
      conversationId,
      merchantId,
      other,
      connectionId: connection.id,
      flowId: flow.id,
      paymentId: payment.id,
      inviteId:
        (invite as { id?: string; inviteId?: string }).id ??
        (invite as { inviteId?: string }).inviteId ??
        "inv_unknown",
      memberId: ctxs.support.user.id,
      ruleId: rule.id,
      alertId,
    };
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await handle?.close();
  });

  /** Inputs that would succeed for a member allowed to act, aimed at merchant A's objects. */
  const inputs = (): Record<keyof typeof ACTION_PERMISSIONS, unknown> => ({
    "lib/team/actions.ts#changeMemberRole": { userId: ids.memberId, role: "admin" },
    "lib/team/actions.ts#removeMember": { userId: ids.memberId },
    "lib/team/actions.ts#createInvite": { email: "someone@example.test", role: "analyst" },
    "lib/team/actions.ts#revokeInvite": { inviteId: ids.inviteId },
    "lib/team/actions.ts#setRequireTwoFactorAction": { required: true },
    "lib/team/actions.ts#resetMemberTwoFactorAction": { userId: ids.memberId },
    "lib/channels/actions.ts#listChannelsAction": { flowId: ids.flowId },
    "lib/channels/actions.ts#connectChannelAction": {
      flowId: ids.flowId,
      kind: "telegram",
      label: "Shop bot",
      config: { botToken: "123456:ABCdefGhIJKlmNoPQRstuVWxyz" },
    },
    "lib/channels/actions.ts#setChannelEnabledAction": { channelId: "chn_web", enabled: false },
    "lib/channels/actions.ts#rotateChannelConfigAction": { channelId: "chn_web", config: {} },
    "lib/channels/actions.ts#saveReminderTemplateAction": {
      channelId: "chn_web",
      name: "",
      language: "en",
      parameters: "",
    },
    "lib/flows/actions.ts#createFlow": { templateId: "donation", name: "Gifts", currency: "EUR" },
    "lib/flows/actions.ts#saveFlowDraft": { flowId: ids.flowId, revision: 0, graph: {} },
    "lib/flows/actions.ts#publishFlow": { flowId: ids.flowId, note: "" },
    "lib/flows/actions.ts#rollbackFlow": { flowId: ids.flowId, versionId: "fv_1" },
    "lib/flows/actions.ts#updateFlowSettings": { flowId: ids.flowId, name: "Renamed" },
    "lib/flows/simulator-actions.ts#simulatorInfoAction": { flowId: ids.flowId },
    "lib/flows/simulator-actions.ts#startSimulationAction": { flowId: ids.flowId, lang: "en" },
    "lib/flows/simulator-actions.ts#sendSimulationAction": {
      flowId: ids.flowId,
      conversationId: "conv_1",
      text: "hello",
    },
    "lib/flows/simulator-actions.ts#pollSimulationAction": {
      flowId: ids.flowId,
      conversationId: "conv_1",
    },
    "lib/connections/actions.ts#createConnectionAction": {
      provider: "sandbox",
      label: "Another",
      mode: "test",
    },
    "lib/connections/actions.ts#rotateCredentialsAction": {
      connectionId: ids.connectionId,
      credentials: {},
    },
    "lib/connections/actions.ts#testConnectionAction": { connectionId: ids.connectionId },
    "lib/connections/actions.ts#setConnectionStatusAction": {
      connectionId: ids.connectionId,
      status: "disabled",
    },
    "lib/connections/actions.ts#reapplyDeliveryAction": {
      connectionId: ids.connectionId,
      deliveryId: "whd_1",
    },
    "lib/payments/actions.ts#createTestPaymentAction": {
      connectionId: ids.connectionId,
      amount: "10.00",
      currency: "EUR",
    },
    "lib/payments/actions.ts#refundPaymentAction": {
      paymentId: ids.paymentId,
      amount: "5.00",
      reasonCode: "requested_by_customer",
      note: "Customer asked",
      idempotencyKey: "refund-authz-1",
    },
    "lib/payments/actions.ts#recordManualRefundAction": {
      paymentId: ids.paymentId,
      amount: "5.00",
      note: "Sent back from the wallet",
      idempotencyKey: "manual-refund-authz-1",
    },
    "lib/payments/actions.ts#sendSandboxDisputeOutcomeAction": {
      disputeId: ids.disputeId,
      outcome: "won",
    },
    "lib/payments/actions.ts#escalateSandboxDisputeAction": { disputeId: ids.disputeId },
    "lib/payments/actions.ts#openSandboxDisputeAction": {
      paymentId: ids.paymentId,
      reason: "fraudulent",
      stage: "inquiry",
    },
    "lib/refunds/actions.ts#approveRefundRequestAction": { requestId: "rfq_1" },
    "lib/refunds/actions.ts#declineRefundRequestAction": { requestId: "rfq_1", note: "no" },
    "lib/refunds/actions.ts#setRefundLimitAction": {
      role: "support",
      currency: "EUR",
      limit: "10.00",
    },
    "lib/disputes/evidence/actions.ts#saveEvidenceDraftAction": {
      ...emptyEvidenceFields(),
      disputeId: "dsp_authz_missing",
      version: 0,
    },
    "lib/disputes/evidence/actions.ts#submitEvidenceAction": {
      ...emptyEvidenceFields(),
      disputeId: "dsp_authz_missing",
      version: 0,
    },
    "lib/disputes/evidence/actions.ts#acceptDisputeAction": {
      disputeId: "dsp_authz_missing",
      version: 0,
    },
    "lib/disputes/evidence/actions.ts#removeEvidenceFileAction": {
      disputeId: "dsp_authz_missing",
      fileId: "dev_missing",
    },
    "lib/disputes/evidence/actions.ts#recheckDisputeResponseAction": {
      disputeId: "dsp_authz_missing",
    },
    "lib/disputes/case-actions.ts#addDisputeNoteAction": {
      disputeId: ids.disputeId,
      body: "Customer called",
    },
    "lib/disputes/case-actions.ts#assignDisputeAction": {
      disputeId: ids.disputeId,
      assigneeUserId: null,
    },
    "lib/notifications/actions.ts#markNotificationsReadAction": {
      notificationId: ids.notificationId,
    },
    "lib/alerts/actions.ts#acknowledgeAlertAction": { alertId: ids.alertId },
    "lib/alerts/actions.ts#snoozeAlertAction": { alertId: ids.alertId, minutes: 60 },
    "lib/alerts/actions.ts#createAlertRuleAction": ALERT_RULE_INPUT,
    "lib/alerts/actions.ts#updateAlertRuleAction": { ...ALERT_RULE_INPUT, ruleId: ids.ruleId },
    "lib/alerts/actions.ts#setAlertRuleEnabledAction": { ruleId: ids.ruleId, enabled: false },
    "lib/alerts/actions.ts#deleteAlertRuleAction": { ruleId: ids.ruleId },
    "lib/conversations/inbox/actions.ts#takeOverAction": { conversationId: ids.conversationId },
    "lib/conversations/inbox/actions.ts#replyAction": {
      conversationId: ids.conversationId,
      text: "Hello, I am here to help",
      requestKey: "authz-reply-1",
    },
    "lib/conversations/inbox/actions.ts#requestPaymentAction": {
      conversationId: ids.conversationId,
      amount: "12.50",
      description: "Table 4",
      methods: ["card"],
      expiresInMinutes: 60,
      requestKey: "authz-payment-1",
    },
    "lib/conversations/inbox/actions.ts#handBackAction": {
      conversationId: ids.conversationId,
      nodeId: "welcome",
    },
    "lib/conversations/inbox/actions.ts#closeConversationAction": {
      conversationId: ids.conversationId,
    },
    "lib/conversations/inbox/actions.ts#reassignAction": {
      conversationId: ids.conversationId,
      assigneeUserId: ids.memberId,
    },
  });

  /** Rows in every table: any insert, delete or audited update changes it. */
  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(table);
      counts[getTableName(table)] = Number(row.n);
    }
    return counts;
  }

  function signInAs(who: Role | "stranger") {
    request.session = { ...sessions[who], sessionVersion: 0 };
    request.cookies.clear();
  }

  const refusals = Object.entries(ACTION_PERMISSIONS).flatMap(([key, permission]) =>
    ROLES.filter((role) => !can(role, permission as Permission)).map((role) => ({
      key,
      permission,
      role,
    })),
  );

  it.each(refusals)("$key refuses a $role ($permission) and writes nothing", async (c) => {
    const action = await loadAction(c.key);
    signInAs(c.role);
    const before = await rowCounts();
    const result = await action(inputs()[c.key as keyof typeof ACTION_PERMISSIONS]);
    expect(result).toMatchObject({ ok: false, status: 403 });
    expect(await rowCounts()).toEqual(before);
  });

  it("covers at least one refused role for every permission a role can lack", () => {
    const used = new Set(refusals.map((r) => r.permission));
    for (const permission of Object.values(ACTION_PERMISSIONS)) {
      if (ROLES.some((role) => !can(role, permission))) expect(used.has(permission)).toBe(true);
    }
  });

  // Actions that create in the caller's own merchant take no id of merchant A's to misuse.
  const CREATES_OWN = new Set([
    "lib/team/actions.ts#createInvite",
    "lib/flows/actions.ts#createFlow",
    "lib/connections/actions.ts#createConnectionAction",
    "lib/alerts/actions.ts#createAlertRuleAction",
    // Sets a limit of the caller's own merchant (role + currency): no id to misuse.
    "lib/refunds/actions.ts#setRefundLimitAction",
    // The caller's own merchant's policy: no id to misuse.
    "lib/team/actions.ts#setRequireTwoFactorAction",
  ]);

  it.each(Object.keys(ACTION_PERMISSIONS).filter((k) => !CREATES_OWN.has(k)))(
    "%s refuses another merchant's owner and writes nothing",
    async (key) => {
      const action = await loadAction(key);
      signInAs("stranger");
      const before = await rowCounts();
      const result = await action(inputs()[key as keyof typeof ACTION_PERMISSIONS]);
      expect(result.ok).toBe(false);
      expect([403, 404, 409, 422]).toContain(result.status);
      expect(await rowCounts()).toEqual(before);
    },
  );

  it("switchMerchant refuses a merchant the caller does not belong to", async () => {
    const action = await loadAction("lib/auth/merchant-actions.ts#switchMerchant");
    signInAs("stranger");
    expect(await action({ merchantId: ids.merchantId })).toMatchObject({ ok: false, status: 404 });
    expect(request.cookies.size).toBe(0);
  });

  it("a signed-out caller is refused by every wrapped action", async () => {
    request.session = null;
    for (const key of Object.keys(ACTION_PERMISSIONS)) {
      const action = await loadAction(key);
      expect(await action(inputs()[key as keyof typeof ACTION_PERMISSIONS]), key).toMatchObject({
        ok: false,
        status: 401,
      });
    }
  });

  it.each(STEP_UP_ACTIONS)(
    "%s refuses a member with no authenticator (a password alone) and writes nothing",
    async (key) => {
      const action = await loadAction(key);
      signInAs("owner");
      const before = await rowCounts();
      const result = await action(inputs()[key]);
      expect(result).toMatchObject({ ok: false, status: 403, stepUp: "enrolment" });
      expect(await rowCounts()).toEqual(before);
    },
  );

  it("a step-up action posted directly with a stale code is refused until a fresh one is given", async () => {
    const owner = await contextFor(db, ids.merchantId, "owner");
    const sessionId = await createSession(db, owner.user.id, { ip: null, userAgent: null });
    const secret = await enrolWithFreshCode(db, owner.user, sessionId);
    // Ten minutes ago: older than the step-up window.
    await db
      .update(schema.userSessions)
      .set({ steppedUpAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(schema.userSessions.id, sessionId));
    request.session = { userId: owner.user.id, sessionId, sessionVersion: 0 };
    request.cookies.clear();
    const setLimit = await loadAction("lib/refunds/actions.ts#setRefundLimitAction");
    const input = { role: "support", currency: "EUR", limit: "25.00" };
    for (const key of STEP_UP_ACTIONS) {
      const before = await rowCounts();
      const refused = await (await loadAction(key))(inputs()[key]);
      expect(refused, key).toMatchObject({ ok: false, status: 403, stepUp: "code" });
      expect(await rowCounts()).toEqual(before);
    }
    // A forged "second factor done" claim in the session changes nothing: it is the row's.
    request.session = { ...request.session, secondFactorAt: Date.now(), stepUp: true, mfa: true };
    expect(await setLimit(input)).toMatchObject({ ok: false, stepUp: "code" });

    const later = new Date(Date.now() + 30_000);
    const check = await verifySecondFactor(
      db,
      owner.user,
      new TOTP({ secret }).generate({ timestamp: later.getTime() }),
      { sessionId, client: { ip: null, userAgent: null }, purpose: "step_up" },
    );
    expect(check.ok).toBe(true);
    expect(await setLimit(input)).toMatchObject({ ok: true });
  });

  it("a password-only browser of an enrolled member reaches no action at all", async () => {
    const member = await contextFor(db, ids.merchantId, "admin");
    const enrolledIn = await createSession(db, member.user.id, { ip: null, userAgent: null });
    await enrolWithFreshCode(db, member.user, enrolledIn);
    // A second browser: the password was right, the code never came.
    const sessionId = await createSession(db, member.user.id, { ip: null, userAgent: null });
    request.session = { userId: member.user.id, sessionId, sessionVersion: 0, twoFactor: "done" };
    request.cookies.clear();
    for (const key of Object.keys(ACTION_PERMISSIONS)) {
      const result = await (
        await loadAction(key)
      )(inputs()[key as keyof typeof ACTION_PERMISSIONS]);
      expect(result, key).toMatchObject({ ok: false, status: 401 });
    }
  });

  it("the owner is allowed where the others were refused (the harness really signs in)", async () => {
    signInAs("owner");
    const action = await loadAction("lib/flows/actions.ts#updateFlowSettings");
    const result = await action({ flowId: ids.flowId, name: "Renamed by the owner" });
    expect(result.ok).toBe(true);
  });
});

/** Enrols `user` and marks `sessionId` as having just given a code; answers the secret. */
async function enrolWithFreshCode(
  db: Db,
  user: { id: string; email: string },
  sessionId: string,
): Promise<string> {
  const { secret } = await beginEnrolment(db, user);
  const confirmed = await confirmEnrolment(db, user, new TOTP({ secret }).generate(), {
    sessionId,
    client: { ip: null, userAgent: null },
  });
  if (!confirmed.ok) throw new Error(confirmed.message);
  return secret;
}
