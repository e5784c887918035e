import { and, desc, eq, gte, ilike, lte, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog, type AuditEntry } from "@/db/schema";
import { newId } from "@/lib/ids";

export interface AuditInput {
  merchantId: string;
  actor: { userId: string | null; email: string };
  action: string;
  targetType: string;
  targetId?: string | null;
  summary: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** Write inside the same transaction as the change it describes. */
export async function recordAudit(db: DbOrTx, entry: AuditInput): Promise<void> {
  await db.insert(auditLog).values({
    merchantId: entry.merchantId,
    id: newId("audit"),
    actorUserId: entry.actor.userId,
    actorEmail: entry.actor.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    summary: entry.summary,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent?.slice(0, 300) ?? null,
  });
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  before?: Date;
}

export async function listAuditEntries(
  db: DbOrTx,
  merchantId: string,
  filter: AuditFilter = {},
): Promise<AuditEntry[]> {
  const conditions: SQL[] = [eq(auditLog.merchantId, merchantId)];
  if (filter.action) conditions.push(ilike(auditLog.action, `${filter.action}%`));
  if (filter.actor) {
    conditions.push(or(ilike(auditLog.actorEmail, `%${filter.actor}%`), eq(auditLog.actorUserId, filter.actor))!);
  }
  if (filter.from) conditions.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) conditions.push(lte(auditLog.createdAt, filter.to));
  if (filter.before) conditions.push(lte(auditLog.createdAt, filter.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(Math.min(filter.limit ?? 100, 500));
}
