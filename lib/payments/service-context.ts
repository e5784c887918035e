// What the dashboard services need from a request: who, for which merchant, with which role.
import type { DbOrTx } from "@/db/client";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import type { MerchantContext } from "@/lib/auth/context";

export type ServiceContext = Pick<
  MerchantContext,
  "db" | "merchantId" | "role" | "user" | "ip" | "userAgent"
>;

/** An audit entry by this context's user, written with `db` (pass the change's transaction). */
export function auditAs(
  db: DbOrTx,
  ctx: ServiceContext,
  entry: Omit<AuditInput, "merchantId" | "actor" | "ip" | "userAgent">,
): Promise<void> {
  return recordAudit(db, {
    ...entry,
    merchantId: ctx.merchantId,
    actor: { userId: ctx.user.id, email: ctx.user.email },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
}
