import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, tstz, updatedAt } from "./_shared";

export const ROLES = ["owner", "admin", "support", "analyst"] as const;
export type Role = (typeof ROLES)[number];

export const merchants = pgTable("merchants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  country: text("country").notNull().default("FR"),
  defaultCurrency: text("default_currency").notNull().default("EUR"),
  timezone: text("timezone").notNull().default("Europe/Paris"),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    // Bumped on removal, role change, password change or "sign out everywhere": every request
    // compares it with the JWT's copy, so revocation does not wait for token expiry.
    sessionVersion: integer("session_version").notNull().default(0),
    lastSignInAt: tstz("last_sign_in_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const memberships = pgTable(
  "memberships",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
    check("memberships_role_check", sql`${t.role} in ('owner','admin','support','analyst')`),
  ],
);

export const invites = pgTable(
  "invites",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    // Only the SHA-256 of the token is stored; the link is shown once. Found by it through
    // global_lookups (db/schema/lookups.ts), so it is not a key of this table.
    tokenHash: text("token_hash").notNull(),
    invitedByUserId: text("invited_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    expiresAt: tstz("expires_at").notNull(),
    acceptedAt: tstz("accepted_at"),
    acceptedByUserId: text("accepted_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    revokedAt: tstz("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("invites_merchant_email_idx").on(t.merchantId, t.email),
    check("invites_role_check", sql`${t.role} in ('owner','admin','support','analyst')`),
  ],
);

// Sign-in and invitation attempts per key (account + address, address, account), for slowing
// down guessing. Counted by one upsert per key; `lastAttemptRefused` is what that upsert decided
// for the attempt it counted, so the decision and the count cannot drift apart.
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: tstz("window_started_at").notNull().defaultNow(),
  lockedUntil: tstz("locked_until"),
  lastAttemptRefused: boolean("last_attempt_refused").notNull().default(false),
});

// One row per signed-in browser. The session JWT carries the id; sign-out revokes the row, so a
// copied cookie stops working at once. Not merchant-owned: a user's sessions span merchants.
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: tstz("expires_at").notNull(),
    revokedAt: tstz("revoked_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

export type Merchant = typeof merchants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type UserSession = typeof userSessions.$inferSelect;
