import { auditLog, type AuditEntry } from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { and, asc, desc, eq, gte, ilike, like, lt, sql, type SQL } from "drizzle-orm";

// Audit reads for the audit page. Not marked "server-only" so integration tests can import them.

export interface AuditQuery {
  /** A prefix: "invite." for a whole domain, or one action's full name. */
  action?: string;
  /** Part of the actor's email. */
  actor?: string;
  from?: Date;
  toExclusive?: Date;
  /** The id of the last entry on the previous page. */
  before?: string;
  limit?: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextCursor: string | null;
}

// 25 entries a page (keyset-paged): rendering them is the page's whole cost.
export const AUDIT_PAGE_SIZE = 25;

export async function listAuditPage(ctx: ReadContext, query: AuditQuery = {}): Promise<AuditPage> {
  assertCan(ctx, "audit.view");
  const limit = Math.min(Math.max(query.limit ?? AUDIT_PAGE_SIZE, 1), 200);
  const conditions: SQL[] = [eq(auditLog.merchantId, ctx.merchantId)];
  if (query.action) conditions.push(like(auditLog.action, `${escapeLike(query.action)}%`));
  if (query.actor) conditions.push(ilike(auditLog.actorEmail, `%${escapeLike(query.actor)}%`));
  if (query.from) conditions.push(gte(auditLog.createdAt, query.from));
  if (query.toExclusive) conditions.push(lt(auditLog.createdAt, query.toExclusive));
  if (query.before) {
    // Entries written in one transaction share created_at (now() is per transaction), so the
    // cursor is the (created_at, id) pair, read in the database at full microsecond precision.
    // A cursor from another merchant matches no row, so the page is simply empty.
    conditions.push(
      sql`(${auditLog.createdAt}, ${auditLog.id}) < (select c.created_at, c.id from audit_log c where c.merchant_id = ${ctx.merchantId} and c.id = ${query.before})`,
    );
  }
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, nextCursor: rows.length > limit ? entries[entries.length - 1].id : null };
}

/** The distinct actions in this merchant's log, for the filter menu. */
export async function listAuditActionNames(ctx: ReadContext): Promise<string[]> {
  assertCan(ctx, "audit.view");
  const rows = await ctx.db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .where(eq(auditLog.merchantId, ctx.merchantId))
    .orderBy(asc(auditLog.action));
  return rows.map((r) => r.action);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
