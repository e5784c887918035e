import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, tstz } from "./_shared";
import { merchants } from "./auth";

// Lookups that arrive without a merchant: an invitation link's token, a flow's public key (the
// hosted chat, the widget). Every merchant-owned table is keyed by merchant_id first, so these
// cannot be unique indexes of their own tables; they live here, one small table a distributed
// (Citus) deployment makes a reference table, each row written in the same transaction as the
// row it points to (lib/global-lookups.ts). A lookup gives the merchant and the row's id; the
// caller then reads the row by its merchant-led primary key.
export type GlobalLookupKind = "invite_token" | "flow_public_key";
export const GLOBAL_LOOKUP_KINDS = [
  "invite_token",
  "flow_public_key",
] as const satisfies readonly GlobalLookupKind[];

export const globalLookups = pgTable(
  "global_lookups",
  {
    kind: text("kind").$type<GlobalLookupKind>().notNull(),
    // The invite's token hash (never the token), or the flow's public key.
    lookupKey: text("lookup_key").notNull(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    targetId: text("target_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.lookupKey] }),
    check("global_lookups_kind_check", sql`${t.kind} in ('invite_token','flow_public_key')`),
  ],
);

/**
 * Tables a distributed deployment replicates to every node instead of sharding by merchant:
 * their keys are global on purpose. tests/integration/migrations.test.ts holds every other table
 * with a merchant_id column to keys that lead with it.
 */
export const REFERENCE_TABLES = [globalLookups] as const;

// Public-endpoint rate limits shared by every app process on one Postgres (lib/http/rate-limit.ts):
// one row per key and fixed window. Not merchant-owned: keys are client addresses.
export const rateLimitWindows = pgTable("rate_limit_windows", {
  key: text("key").primaryKey(),
  windowEndsAt: tstz("window_ends_at").notNull(),
  hits: integer("hits").notNull(),
});
