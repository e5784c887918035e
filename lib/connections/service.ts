// Connections as the dashboard manages them. Plain functions (no Next imports): each checks its
// permission, stays inside ctx.merchantId, and audits in the same transaction as the change.
// Secrets go in through sealCredentials and never come back out: summaries carry hints only.
import type { DbOrTx } from "@/db/client";
import {
  connections,
  type Connection,
  type ConnectionStatus,
  type VerificationRecord,
} from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { sealCredentials } from "@/lib/connections/credentials";
import { connectionHealth, type ConnectionHealth } from "@/lib/connections/health";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import { generateSandboxCredentials } from "@/lib/connections/providers/sandbox";
import type {
  ConnectionMode,
  PaymentMethod,
  ProviderKind,
} from "@/lib/connections/providers/types";
import {
  connectionStatusSchema,
  createConnectionSchema,
  credentialFieldErrors,
  normalizeCredentials,
  rotateCredentialsSchema,
  type CreateConnectionInput,
} from "@/lib/connections/schemas";
import { appUrl } from "@/lib/env";
import { AppError, NotFoundError } from "@/lib/errors";
import { apiBaseUrlProblem } from "@/lib/http/outbound-url";
import { newId } from "@/lib/ids";
import { zodFieldErrors } from "@/lib/validation";
import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";

export type { VerificationRecord } from "@/db/schema";
export { getDelivery, listDeliveries, reapplyDelivery } from "@/lib/webhooks/inbox";
export type { DeliveryDetail, DeliverySummary } from "@/lib/webhooks/inbox";

export interface ConnectionSummary {
  id: string;
  provider: ProviderKind;
  label: string;
  mode: ConnectionMode;
  status: ConnectionStatus;
  credentialsHint: Record<string, string>;
  apiBaseUrl: string | null;
  methods: PaymentMethod[];
  currencies: string[];
  webhookUrl: string;
  lastVerification: VerificationRecord | null;
  credentialsVerifiedAt: Date | null;
  health: ConnectionHealth;
  createdAt: Date;
  updatedAt: Date;
}

export function webhookUrlFor(connectionId: string): string {
  return `${appUrl()}/api/webhooks/${connectionId}`;
}

function toSummary(row: Connection, health: ConnectionHealth): ConnectionSummary {
  return {
    id: row.id,
    provider: row.provider,
    label: row.label,
    mode: row.mode,
    status: row.status,
    credentialsHint: row.credentialsHint,
    apiBaseUrl: row.apiBaseUrl,
    methods: row.methods,
    currencies: row.currencies,
    webhookUrl: webhookUrlFor(row.id),
    lastVerification: row.lastVerification ?? null,
    credentialsVerifiedAt: row.credentialsVerifiedAt,
    health,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function findConnection(
  db: DbOrTx,
  merchantId: string,
  id: string,
  lock = false,
): Promise<Connection> {
  const query = db
    .select()
    .from(connections)
    .where(and(eq(connections.merchantId, merchantId), eq(connections.id, id)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw new NotFoundError("This connection");
  return row;
}

function parseOr422<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(parsed.error));
  return parsed.data;
}

/** Validated, trimmed credentials for the provider (the Sandbox makes its own). */
function acceptCredentials(
  provider: ProviderKind,
  mode: ConnectionMode,
  credentials: Record<string, string>,
) {
  if (provider === "sandbox") return { ...generateSandboxCredentials() };
  const errors = credentialFieldErrors(provider, mode, credentials);
  if (errors) throw new AppError("Check the credentials.", 422, errors);
  return normalizeCredentials(provider, mode, credentials);
}

/** The merchant's connections of one mode (test or live), oldest first. */
export async function listConnections(
  ctx: ServiceContext,
  mode: ConnectionMode,
): Promise<ConnectionSummary[]> {
  assertCan(ctx, "connections.view");
  const rows = await ctx.db
    .select()
    .from(connections)
    .where(and(eq(connections.merchantId, ctx.merchantId), eq(connections.mode, mode)))
    .orderBy(asc(connections.createdAt), asc(connections.id));
  const health = await connectionHealth(ctx.db, ctx.merchantId, rows);
  return rows.map((row) => toSummary(row, health.get(row.id)!));
}

/** How many connections the merchant has in each mode (for "switch to see them"). */
export async function countConnectionsByMode(
  ctx: ServiceContext,
): Promise<Record<ConnectionMode, number>> {
  assertCan(ctx, "connections.view");
  const rows = await ctx.db
    .select({ mode: connections.mode, n: count() })
    .from(connections)
    .where(eq(connections.merchantId, ctx.merchantId))
    .groupBy(connections.mode);
  const counts: Record<ConnectionMode, number> = { test: 0, live: 0 };
  for (const row of rows) counts[row.mode] = row.n;
  return counts;
}

export async function getConnection(ctx: ServiceContext, id: string): Promise<ConnectionSummary> {
  assertCan(ctx, "connections.view");
  const row = await findConnection(ctx.db, ctx.merchantId, id);
  const health = await connectionHealth(ctx.db, ctx.merchantId, [row]);
  return toSummary(row, health.get(row.id)!);
}

export async function createConnection(
  ctx: ServiceContext,
  input: CreateConnectionInput,
): Promise<{ id: string }> {
  assertCan(ctx, "connections.manage");
  const { provider, label, mode, credentials, apiBaseUrl } = parseOr422(
    createConnectionSchema,
    input,
  );
  if (apiBaseUrl) {
    // Refused before anything is written: see lib/http/outbound-url.ts for when and why.
    const problem = await apiBaseUrlProblem(apiBaseUrl);
    if (problem)
      throw new AppError("Please fix the highlighted fields.", 422, { apiBaseUrl: [problem] });
  }
  const accepted = acceptCredentials(provider, mode, credentials);
  const id = newId("connection");
  const sealed = sealCredentials(provider, accepted, id);
  const capabilities = connectorFor(provider).capabilities({
    credentials: accepted,
    mode,
    baseUrl: apiBaseUrl,
    appUrl: appUrl(),
  });
  await ctx.db.transaction(async (tx) => {
    await tx.insert(connections).values({
      merchantId: ctx.merchantId,
      id,
      provider,
      label,
      mode,
      status: "active",
      ...sealed,
      apiBaseUrl: apiBaseUrl ?? null,
      methods: capabilities.methods,
      currencies: capabilities.currencies,
    });
    await auditAs(tx, ctx, {
      action: "connection.created",
      targetType: "connection",
      targetId: id,
      summary: `Connected ${provider} (${mode}) as "${label}"`,
      after: {
        provider,
        label,
        mode,
        apiBaseUrl: apiBaseUrl ?? null,
        credentialsHint: sealed.credentialsHint,
      },
    });
  });
  return { id };
}

export async function rotateCredentials(
  ctx: ServiceContext,
  id: string,
  credentials: Record<string, string>,
): Promise<ConnectionSummary> {
  assertCan(ctx, "connections.manage");
  parseOr422(rotateCredentialsSchema, { connectionId: id, credentials });
  await ctx.db.transaction(async (tx) => {
    const row = await findConnection(tx, ctx.merchantId, id, true);
    const accepted = acceptCredentials(row.provider, row.mode, credentials);
    const sealed = sealCredentials(row.provider, accepted, row.id);
    await tx
      .update(connections)
      .set({
        ...sealed,
        lastVerification: null,
        credentialsVerifiedAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, id)));
    await auditAs(tx, ctx, {
      action: "connection.credentials_rotated",
      targetType: "connection",
      targetId: id,
      summary: `Rotated the credentials of "${row.label}"`,
      before: { credentialsHint: row.credentialsHint },
      after: { credentialsHint: sealed.credentialsHint },
    });
  });
  return getConnection(ctx, id);
}

/**
 * What a connection test does to the status: refused keys ("invalid_credentials") put an active
 * connection in "error"; a passing test brings an "error" connection back. Disabled stays
 * disabled (the merchant's own choice), and an unreachable provider changes nothing.
 */
export function nextStatusAfterTest(
  status: ConnectionStatus,
  record: Pick<VerificationRecord, "ok" | "reason">,
): ConnectionStatus {
  if (record.ok) return status === "error" ? "active" : status;
  if (record.reason === "invalid_credentials" && status === "active") return "error";
  return status;
}

/** Asks the provider whether the stored credentials work, and records the answer truthfully. */
export async function testConnection(ctx: ServiceContext, id: string): Promise<VerificationRecord> {
  assertCan(ctx, "connections.manage");
  const row = await findConnection(ctx.db, ctx.merchantId, id);
  const at = new Date();
  let record: VerificationRecord;
  let verified:
    Awaited<ReturnType<ReturnType<typeof connectorFor>["verifyCredentials"]>> | undefined;
  try {
    const result = await connectorFor(row.provider).verifyCredentials(
      connectorContext(row, ctx.db),
    );
    verified = result;
    record = result.ok
      ? { ok: true, message: result.message, at: at.toISOString() }
      : { ok: false, reason: result.reason, message: result.message, at: at.toISOString() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    record = { ok: false, reason: "provider_error", message, at: at.toISOString() };
  }
  // Keys the provider refuses take the connection out of checkout ("error") until a test passes;
  // an unreachable provider says nothing about the keys, so it changes no status.
  const status = nextStatusAfterTest(row.status, record);
  // What the account itself can offer (Stripe's crypto needs a US business), when it says.
  const methods = verified?.ok && verified.methods ? verified.methods : undefined;
  const methodsChanged =
    methods !== undefined && JSON.stringify(methods) !== JSON.stringify(row.methods);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(connections)
      .set({
        lastVerification: record,
        status,
        ...(methodsChanged && { methods }),
        ...(record.ok
          ? { credentialsVerifiedAt: at }
          : {
              lastError: `Connection test failed — ${record.message}`.slice(0, 500),
              lastErrorAt: at,
            }),
        updatedAt: at,
      })
      .where(and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, id)));
    await auditAs(tx, ctx, {
      action: "connection.tested",
      targetType: "connection",
      targetId: id,
      summary: record.ok ? `Tested "${row.label}": OK` : `Tested "${row.label}": ${record.reason}`,
      before:
        status === row.status && !methodsChanged
          ? null
          : {
              ...(status === row.status ? {} : { status: row.status }),
              ...(methodsChanged && { methods: row.methods }),
            },
      after: {
        ok: record.ok,
        reason: record.reason ?? null,
        message: record.message,
        ...(status === row.status ? {} : { status }),
        ...(methodsChanged && { methods }),
      },
    });
  });
  return record;
}

export async function setConnectionStatus(
  ctx: ServiceContext,
  id: string,
  status: "active" | "disabled",
): Promise<ConnectionSummary> {
  assertCan(ctx, "connections.manage");
  parseOr422(connectionStatusSchema, { connectionId: id, status });
  await ctx.db.transaction(async (tx) => {
    const row = await findConnection(tx, ctx.merchantId, id, true);
    if (row.status === status) return;
    await tx
      .update(connections)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, id)));
    await auditAs(tx, ctx, {
      action: status === "disabled" ? "connection.disabled" : "connection.enabled",
      targetType: "connection",
      targetId: id,
      summary: `${status === "disabled" ? "Disabled" : "Enabled"} "${row.label}"`,
      before: { status: row.status },
      after: { status },
    });
  });
  return getConnection(ctx, id);
}
