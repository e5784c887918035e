// Rows inserted straight into the tables for the read-side tests (overview, mode views,
// connection health): a connection of one mode whose credentials nothing opens, and a payment
// on it. The payment pipeline is not involved (tests/integration/helpers/pipeline-fixtures.ts
// sets that up).
import type { Db } from "@/db/client";
import { connections, payments, type Mode, type NewConnection, type NewPayment } from "@/db/schema";
import { newId } from "@/lib/ids";

/** An active connection of `mode` (Sandbox for test, Stripe for live); its id. */
export async function insertModeConnection(
  db: Db,
  merchantId: string,
  mode: Mode,
  extra: Pick<NewConnection, "lastEventAt"> = {},
): Promise<string> {
  const id = newId("connection");
  await db.insert(connections).values({
    merchantId,
    id,
    provider: mode === "test" ? "sandbox" : "stripe",
    label: `${mode} connection`,
    mode,
    status: "active",
    credentialsEncrypted: "not-used-by-these-reads",
    keyVersion: "v1",
    ...extra,
  });
  return id;
}

/**
 * A payment row with a fresh id (its own idempotency key); the provider follows the mode
 * (Sandbox for test, Stripe for live) unless given. Its id.
 */
export async function insertPayment(
  db: Db,
  values: Omit<NewPayment, "id" | "idempotencyKey" | "provider" | "mode"> &
    Partial<Pick<NewPayment, "provider">> & { mode: Mode },
): Promise<string> {
  const id = newId("payment");
  await db.insert(payments).values({
    provider: values.mode === "test" ? "sandbox" : "stripe",
    ...values,
    id,
    idempotencyKey: id,
  });
  return id;
}

/**
 * The Overview tests' payment maker: `pay(at, status, currency, amountMinor, options)` inserts a
 * payment created at `at` (updated a minute later) on `merchantId`'s connection of its mode
 * (live by default), or on another merchant's behalf through the live one.
 */
export function paymentMaker(db: Db, merchantId: string, connectionIds: Record<Mode, string>) {
  return (
    at: string,
    status: NewPayment["status"],
    currency: string,
    amountMinor: number,
    options: { refundedMinor?: number; mode?: Mode; merchant?: string } = {},
  ) => {
    const mode = options.mode ?? "live";
    const createdAt = new Date(at);
    return insertPayment(db, {
      merchantId: options.merchant ?? merchantId,
      connectionId: options.merchant ? connectionIds.live : connectionIds[mode],
      amountMinor,
      currency,
      status,
      refundedMinor: options.refundedMinor ?? 0,
      mode,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + 60_000),
    });
  };
}
