import { text, timestamp } from "drizzle-orm/pg-core";

// Every merchant-owned table starts its primary key and its indexes with merchant_id, so the
// schema can later be distributed by merchant (Citus) without reshaping keys.
export const merchantIdColumn = () => text("merchant_id").notNull();

export const createdAt = () =>
  timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
export const tstz = (name: string) => timestamp(name, { withTimezone: true });

/** Test or live: the same values on connections, flow versions, conversations, payments, refunds, disputes. */
export type Mode = "test" | "live";
export const MODES = ["test", "live"] as const satisfies readonly Mode[];
/** Set on every insert, copied down from the row it came from (never defaulted). */
export const modeColumn = () => text("mode").$type<Mode>().notNull();
