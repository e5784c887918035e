// Which sites may frame a flow's hosted chat: the flow's own widget origins (set on the flow
// page), plus any the installation allows everywhere (PARLEY_CHAT_FRAME_ANCESTORS). proxy.ts asks
// on every /chat page load, so answers are cached briefly per public key: a site added on the
// flow page can frame the chat within FRAME_POLICY_TTL_MS.
import type { DbOrTx } from "@/db/client";
import { flows, globalLookups } from "@/db/schema";
import { and, eq } from "drizzle-orm";

export const FRAME_POLICY_TTL_MS = 30_000;
const MAX_CACHED = 5_000;

type PolicyCache = Map<string, { origins: string[]; until: number }>;
const globalForPolicy = globalThis as unknown as { __parleyChatFramePolicy?: PolicyCache };

function cache(): PolicyCache {
  return (globalForPolicy.__parleyChatFramePolicy ??= new Map() as PolicyCache);
}

/** The origins one flow's widget is allowed on; none for an unknown key. */
export async function widgetOriginsFor(
  db: DbOrTx,
  publicKey: string,
  now = Date.now(),
): Promise<string[]> {
  const entries = cache();
  const hit = entries.get(publicKey);
  if (hit && hit.until > now) return hit.origins;
  const [row] = await db
    .select({ origins: flows.widgetOrigins })
    .from(globalLookups)
    .innerJoin(
      flows,
      and(eq(flows.merchantId, globalLookups.merchantId), eq(flows.id, globalLookups.targetId)),
    )
    .where(and(eq(globalLookups.kind, "flow_public_key"), eq(globalLookups.lookupKey, publicKey)));
  const origins = row?.origins ?? [];
  // Unknown keys are cached too (as none): a flood of made-up keys costs one read each per TTL,
  // and the map never grows past its bound.
  if (entries.size >= MAX_CACHED) entries.clear();
  entries.set(publicKey, { origins, until: now + FRAME_POLICY_TTL_MS });
  return origins;
}

/** Forget a flow's cached answer (its sites just changed in this process). */
export function forgetFramePolicy(publicKey: string): void {
  cache().delete(publicKey);
}

/**
 * frame-ancestors for a chat page: Parley itself, the flow's sites and the installation's own
 * list; "*" (installation-wide) means any site.
 */
export function chatFrameAncestors(
  flowOrigins: readonly string[],
  installation: readonly string[] | undefined,
): string[] {
  return [...new Set(["'self'", ...(installation ?? []), ...flowOrigins])];
}
