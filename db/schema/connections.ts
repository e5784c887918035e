import type {
  ConnectionMode,
  PaymentMethod,
  ProviderKind,
} from "@/lib/connections/providers/types";
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, tstz, updatedAt } from "./_shared";
import { merchants } from "./auth";

export type ConnectionStatus = "active" | "disabled" | "error";

export interface VerificationRecord {
  ok: boolean;
  reason?: string;
  message: string;
  at: string;
}

export const connections = pgTable(
  "connections",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    provider: text("provider").$type<ProviderKind>().notNull(),
    label: text("label").notNull(),
    mode: text("mode").$type<ConnectionMode>().notNull().default("test"),
    status: text("status").$type<ConnectionStatus>().notNull().default("active"),
    // AES-256-GCM envelope (lib/crypto/secrets.ts); the key version lives in the envelope.
    credentialsEncrypted: text("credentials_encrypted").notNull(),
    keyVersion: text("key_version").notNull(),
    // Masked hints only (e.g. {"secretKey":"sk_test_…4242"}): safe to send to the browser.
    credentialsHint: jsonb("credentials_hint")
      .$type<Record<string, string>>()
      .notNull()
      .default({}),
    // Overrides the provider's API origin (local fake servers in tests and demos).
    apiBaseUrl: text("api_base_url"),
    methods: jsonb("methods").$type<PaymentMethod[]>().notNull().default([]),
    currencies: jsonb("currencies").$type<string[]>().notNull().default([]),
    lastVerification: jsonb("last_verification").$type<VerificationRecord | null>(),
    credentialsVerifiedAt: tstz("credentials_verified_at"),
    lastEventAt: tstz("last_event_at"),
    signatureFailures: integer("signature_failures").notNull().default(0),
    // Refused deliveries in the current one-minute window, which caps the rows they may add.
    refusedWindowStart: tstz("refused_window_start"),
    refusedWindowCount: integer("refused_window_count").notNull().default(0),
    lastError: text("last_error"),
    lastErrorAt: tstz("last_error_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    // Webhook URLs carry only the connection id; this index finds its merchant.
    index("connections_id_idx").on(t.id),
    check(
      "connections_provider_check",
      sql`${t.provider} in ('sandbox','stripe','paypal','adyen','coinbase')`,
    ),
    check("connections_mode_check", sql`${t.mode} in ('test','live')`),
    // Sandbox never moves money: it can only be a test connection.
    check("connections_sandbox_test_check", sql`${t.provider} <> 'sandbox' or ${t.mode} = 'test'`),
    check("connections_status_check", sql`${t.status} in ('active','disabled','error')`),
  ],
);

export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;
