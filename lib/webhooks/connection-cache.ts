// Connections as the webhook route sees them, kept per process (and per database handle): the
// row and its decrypted connector context, so a delivery neither reads the row nor decrypts
// its credentials again. A kept entry is never trusted on its own: a delivery verified with it
// is stored only by an insert that checks, in the same statement, that the row still has the
// provider, mode, status, API origin and credentials it was verified with (store.ts).
// Anything else — a changed row, a refusal, a disabled connection — is decided on a fresh read.
import type { Db } from "@/db/client";
import { connections, type Connection } from "@/db/schema";
import { connectorContext, type AnyConnectorContext } from "@/lib/connections/providers/registry";
import { eq } from "drizzle-orm";

export interface WebhookConnection {
  row: Connection;
  /** Made on first use: decrypting can fail, and that is a refusal, not an outage. */
  context?: AnyConnectorContext;
}

const MAX_KEPT = 1000;
const keptByDb = new WeakMap<Db, Map<string, WebhookConnection>>();

function keptFor(db: Db): Map<string, WebhookConnection> {
  let kept = keptByDb.get(db);
  if (!kept) {
    kept = new Map();
    keptByDb.set(db, kept);
  }
  return kept;
}

export function keptWebhookConnection(db: Db, connectionId: string): WebhookConnection | undefined {
  return keptByDb.get(db)?.get(connectionId);
}

export function forgetWebhookConnection(db: Db, connectionId: string): void {
  keptByDb.get(db)?.delete(connectionId);
}

/** Reads the connection afresh and keeps it for the next deliveries. */
export async function loadWebhookConnection(
  db: Db,
  connectionId: string,
): Promise<WebhookConnection | undefined> {
  const [row] = await db
    .select()
    .from(connections)
    .where(eq(connections.id, connectionId))
    .limit(1);
  const kept = keptFor(db);
  if (!row) {
    kept.delete(connectionId);
    return undefined;
  }
  const entry: WebhookConnection = { row };
  // Oldest first out: a Map iterates in insertion order.
  if (kept.size >= MAX_KEPT && !kept.has(connectionId)) kept.delete(kept.keys().next().value!);
  kept.set(connectionId, entry);
  return entry;
}

/** The connector context (decrypted credentials), made once per kept entry. */
export function webhookContext(db: Db, entry: WebhookConnection): AnyConnectorContext {
  entry.context ??= connectorContext(entry.row, db);
  return entry.context;
}
