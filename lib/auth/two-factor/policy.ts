import type { DbOrTx } from "@/db/client";
import { connections, memberships, merchants } from "@/db/schema";
import { DEMO_LOGINS } from "@/db/seed/catalog";
import { isDemoMode } from "@/lib/env";
import { and, eq, inArray, or, sql } from "drizzle-orm";

// Who must have a second factor. A member must when their merchant's owner requires it for
// everyone, and owners and admins must whenever the merchant has a live connection (any live
// row: a disabled one can be switched back on). The demo logins are exempt in demo mode only,
// so the documented demo password keeps opening the demo — and only the demo.

export interface TwoFactorRequirement {
  required: boolean;
  /** The merchants that require it, and why, in words for the enrolment page. */
  reasons: string[];
}

export async function twoFactorRequirement(
  db: DbOrTx,
  user: { id: string; email: string },
): Promise<TwoFactorRequirement> {
  if (isDemoExempt(user.email)) return { required: false, reasons: [] };
  const liveConnection = sql<boolean>`exists (select 1 from ${connections} where ${connections.merchantId} = ${memberships.merchantId} and ${connections.mode} = 'live')`;
  const rows = await db
    .select({
      merchantName: merchants.name,
      requiredForEveryone: merchants.requireTwoFactor,
      role: memberships.role,
      hasLive: liveConnection,
    })
    .from(memberships)
    .innerJoin(merchants, eq(merchants.id, memberships.merchantId))
    .where(
      and(
        eq(memberships.userId, user.id),
        or(eq(merchants.requireTwoFactor, true), inArray(memberships.role, ["owner", "admin"])),
      ),
    );
  const reasons: string[] = [];
  for (const row of rows) {
    if (row.requiredForEveryone) {
      reasons.push(`${row.merchantName} requires two-factor authentication for every member.`);
    } else if (row.hasLive) {
      reasons.push(
        `${row.merchantName} takes live payments, so its ${row.role}s need two-factor authentication.`,
      );
    }
  }
  return { required: reasons.length > 0, reasons };
}

const DEMO_EMAILS = new Set(DEMO_LOGINS.map((login) => login.email));

/** The seeded demo logins, in demo mode only (never in production without PARLEY_DEMO). */
export function isDemoExempt(email: string): boolean {
  return isDemoMode() && DEMO_EMAILS.has(email.toLowerCase());
}
