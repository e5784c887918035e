// Shared set-up for the payment pipeline's integration tests: configuration, merchants with a
// real user behind a role, and a few readers of what the pipeline wrote.
import type { Db } from "@/db/client";
import {
  auditLog,
  connections,
  memberships,
  merchants,
  paymentEvents,
  payments,
  users,
  webhookInbox,
  type Role,
} from "@/db/schema";
import { generateMasterKey } from "@/lib/crypto/secrets";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import type { ServiceContext } from "@/lib/payments/service-context";
import { and, eq } from "drizzle-orm";

export const APP_URL = "http://parley.test";

/** A master key and a public URL for this process; call before anything seals credentials. */
export function configurePipelineEnv(): void {
  process.env.PARLEY_MASTER_KEYS ??= `v1:${generateMasterKey()}`;
  process.env.PARLEY_APP_URL = APP_URL;
  resetEnvCache();
}

export async function addMerchant(db: Db, name = "Lumière Bistro"): Promise<string> {
  const id = newId("merchant");
  await db.insert(merchants).values({ id, name, slug: id.toLowerCase() });
  return id;
}

/** A context as a request of a member with `role` would build it. */
export async function contextFor(
  db: Db,
  merchantId: string,
  role: Role = "owner",
): Promise<ServiceContext> {
  const userId = newId("user");
  const email = `${role}.${userId.slice(-8).toLowerCase()}@example.test`;
  await db.insert(users).values({ id: userId, email, name: role, passwordHash: "x" });
  await db.insert(memberships).values({ merchantId, userId, role });
  return {
    db,
    merchantId,
    role,
    user: { id: userId, email, name: role },
    ip: "203.0.113.7",
    userAgent: "vitest",
  };
}

export async function merchantWithRoles(db: Db, name?: string) {
  const merchantId = await addMerchant(db, name);
  return {
    merchantId,
    owner: await contextFor(db, merchantId, "owner"),
    support: await contextFor(db, merchantId, "support"),
    analyst: await contextFor(db, merchantId, "analyst"),
  };
}

export async function paymentRow(db: Db, merchantId: string, paymentId: string) {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)));
  return row!;
}

export async function connectionRow(db: Db, merchantId: string, connectionId: string) {
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.merchantId, merchantId), eq(connections.id, connectionId)));
  return row!;
}

export async function eventsOf(db: Db, merchantId: string, paymentId: string) {
  return db
    .select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.merchantId, merchantId), eq(paymentEvents.paymentId, paymentId)));
}

export async function deliveriesOf(db: Db, merchantId: string, connectionId: string) {
  return db
    .select()
    .from(webhookInbox)
    .where(
      and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.connectionId, connectionId)),
    );
}

export async function auditActions(db: Db, merchantId: string): Promise<string[]> {
  const rows = await db.select().from(auditLog).where(eq(auditLog.merchantId, merchantId));
  return rows.map((r) => r.action);
}

export async function auditRows(db: Db, merchantId: string, action: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.action, action)));
}
