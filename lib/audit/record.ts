import type { DbOrTx } from "@/db/client";
import { auditLog, memberships } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { eq } from "drizzle-orm";

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

/** What a change says about itself; the actor's side comes from its context. */
export type AuditEntry = Omit<AuditInput, "merchantId" | "actor" | "ip" | "userAgent">;

/** An entry by `ctx`'s user for `ctx`'s merchant; pass the change's transaction as `db`. */
export function auditAs(db: DbOrTx, ctx: ServiceContext, entry: AuditEntry): Promise<void> {
  return recordAudit(db, {
    ...entry,
    merchantId: ctx.merchantId,
    actor: { userId: ctx.user.id, email: ctx.user.email },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
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

/**
 * An entry about a person's own account (sign-in, sign-out) in the log of every merchant they
 * belong to: each merchant's owners see who came and went, and no log names another merchant.
 */
export async function auditInEveryMerchant(
  db: DbOrTx,
  user: { id: string; email: string },
  entry: {
    action: string;
    summary: string;
    after?: Record<string, unknown> | null;
    client: { ip: string | null; userAgent: string | null };
  },
): Promise<void> {
  const rows = await db
    .select({ merchantId: memberships.merchantId })
    .from(memberships)
    .where(eq(memberships.userId, user.id));
  for (const { merchantId } of rows) {
    await recordAudit(db, {
      merchantId,
      actor: { userId: user.id, email: user.email },
      action: entry.action,
      targetType: "user",
      targetId: user.id,
      summary: entry.summary,
      after: entry.after ?? null,
      ip: entry.client.ip,
      userAgent: entry.client.userAgent,
    });
  }
}
