// Finding a merchant's row from a key that arrives without the merchant (an invitation token's
// hash, a flow's public key), through global_lookups (db/schema/lookups.ts). Writers record the
// lookup in the same transaction as the row it points to, so the two never disagree.
import type { DbOrTx } from "@/db/client";
import { globalLookups, type GlobalLookupKind } from "@/db/schema";
import { and, eq } from "drizzle-orm";

export interface GlobalLookup {
  kind: GlobalLookupKind;
  lookupKey: string;
  merchantId: string;
  targetId: string;
}

/** Lookup rows for rows written together (the seed writes many at once). */
export async function recordGlobalLookups(
  db: DbOrTx,
  rows: readonly GlobalLookup[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(globalLookups).values([...rows]);
}

/** The merchant and row id a key points to, or undefined for an unknown key. */
export async function findGlobalLookup(
  db: DbOrTx,
  kind: GlobalLookupKind,
  lookupKey: string,
): Promise<{ merchantId: string; targetId: string } | undefined> {
  const [row] = await db
    .select({ merchantId: globalLookups.merchantId, targetId: globalLookups.targetId })
    .from(globalLookups)
    .where(and(eq(globalLookups.kind, kind), eq(globalLookups.lookupKey, lookupKey)));
  return row;
}

/** The lookup rows of flows, for callers that insert flow rows directly (seed, fixtures). */
export function flowLookups(
  rows: readonly { merchantId: string; id: string; publicKey: string }[],
): GlobalLookup[] {
  return rows.map((r) => ({
    kind: "flow_public_key",
    lookupKey: r.publicKey,
    merchantId: r.merchantId,
    targetId: r.id,
  }));
}

/** The lookup rows of invites (by token hash). */
export function inviteLookups(
  rows: readonly { merchantId: string; id: string; tokenHash: string }[],
): GlobalLookup[] {
  return rows.map((r) => ({
    kind: "invite_token",
    lookupKey: r.tokenHash,
    merchantId: r.merchantId,
    targetId: r.id,
  }));
}
