import { sql } from "drizzle-orm";
import {
  bigint,
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
  // The owner's policy: every member needs a second factor. Owners and admins need one anyway
  // once the merchant has a live connection (lib/auth/two-factor/policy.ts).
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
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
    // When this browser passed the second factor (null: password only so far), and when it last
    // gave a fresh code (sign-in or step-up). Server-side, so no cookie claim can stand in for them.
    secondFactorAt: tstz("second_factor_at"),
    steppedUpAt: tstz("stepped_up_at"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

// A user's authenticator app (TOTP, RFC 6238). Not merchant-owned: one factor per person across
// merchants. Secrets are encrypted with the credentials key ring (lib/crypto), bound to the
// user id. `secretEnc` is the confirmed factor; `pendingSecretEnc` an enrolment (or re-enrolment)
// waiting for its first code, so abandoning a re-enrolment never locks anyone out.
// `lastUsedStep` is the newest 30-second step a code was accepted for: a code is accepted only
// for a later step, so no code works twice, even inside its window.
export const userTwoFactor = pgTable("user_two_factor", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secretEnc: text("secret_enc"),
  pendingSecretEnc: text("pending_secret_enc"),
  confirmedAt: tstz("confirmed_at"),
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// Ten single-use recovery codes per enrolment, stored only as SHA-256 hashes (they are 50 random
// bits each, so a slow hash adds nothing). Used = `usedAt` set by one conditional update.
export const userRecoveryCodes = pgTable(
  "user_recovery_codes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: tstz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

export type Merchant = typeof merchants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type UserTwoFactor = typeof userTwoFactor.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type UserSession = typeof userSessions.$inferSelect;
