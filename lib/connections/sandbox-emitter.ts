// The Sandbox "provider" side: what the hosted page at /pay/sandbox/[checkoutId] reads and the
// signed webhooks it sends when the tester picks an outcome. Deliveries go over HTTP to Parley's
// own webhook URL, exactly as a real provider's would (verification, inbox, apply).
import type { Db } from "@/db/client";
import { connections, merchants, payments, type Connection, type Payment } from "@/db/schema";
import { openCredentials } from "@/lib/connections/credentials";
import {
  buildSandboxEvent,
  signedSandboxDelivery,
  type SandboxDeclineCode,
  type SandboxEvent,
  type SandboxEventType,
} from "@/lib/connections/providers/sandbox/webhooks";
import { webhookUrlFor } from "@/lib/connections/service";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { isPaid } from "@/lib/payments/state-machine";
import { and, eq, type SQL } from "drizzle-orm";

export type SandboxOutcome = "succeeded" | "declined" | "requires_action" | "timeout";

export interface SandboxDeliveryOptions {
  /** Send after this long, without making the caller wait. */
  delayMs?: number;
  /** Send every event twice, as providers sometimes do. */
  duplicate?: boolean;
  /** Send the events newest first (e.g. succeeded before pending). */
  outOfOrder?: boolean;
}

export type SandboxTransport = (url: string, init: RequestInit) => Promise<Response>;

export interface SandboxCheckout {
  payment: {
    id: string;
    amountMinor: number;
    currency: string;
    description: string;
    status: Payment["status"];
    merchantName: string;
    expiresAt: Date | null;
  };
  connectionId: string;
  merchantId: string;
}

export interface EmitResult {
  paymentId: string;
  events: { id: string; type: string }[];
  /** HTTP statuses of the deliveries, in send order; empty when scheduled for later. */
  deliveries: number[];
  scheduled: boolean;
}

async function findSandboxPayment(db: Db, where: SQL | undefined) {
  const [row] = await db
    .select({ payment: payments, connection: connections, merchantName: merchants.name })
    .from(payments)
    .innerJoin(
      connections,
      and(
        eq(connections.merchantId, payments.merchantId),
        eq(connections.id, payments.connectionId),
      ),
    )
    .innerJoin(merchants, eq(merchants.id, payments.merchantId))
    .where(and(eq(payments.provider, "sandbox"), where));
  return row;
}

export async function getSandboxCheckout(
  db: Db,
  checkoutId: string,
): Promise<SandboxCheckout | null> {
  if (!/^sbxcs_[0-9a-f]{24}$/.test(checkoutId)) return null;
  const row = await findSandboxPayment(db, eq(payments.providerCheckoutId, checkoutId));
  // A live payment never has a Sandbox checkout (Sandbox is always test); refuse one anyway.
  if (!row || row.payment.mode !== "test") return null;
  const { payment } = row;
  return {
    payment: {
      id: payment.id,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      description: payment.description,
      status: payment.status,
      merchantName: row.merchantName,
      expiresAt: payment.expiresAt,
    },
    connectionId: payment.connectionId,
    merchantId: payment.merchantId,
  };
}

// What the Sandbox reports for each outcome, in the order a real provider would. A 3-D Secure
// challenge stops at requires_action: the page then completes again with the challenge's result.
const SEQUENCES: Record<SandboxOutcome, SandboxEventType[]> = {
  succeeded: ["payment.pending", "payment.succeeded"],
  declined: ["payment.pending", "payment.failed"],
  requires_action: ["payment.requires_action"],
  timeout: ["payment.pending", "payment.expired"],
};

const OPEN_STATUSES: Payment["status"][] = ["created", "pending", "requires_action"];

async function send(
  connection: Connection,
  events: SandboxEvent[],
  options: SandboxDeliveryOptions,
  transport: SandboxTransport,
): Promise<number[]> {
  const { webhookSecret } = openCredentials(connection.credentialsEncrypted, connection.id);
  const ordered = options.outOfOrder ? [...events].reverse() : events;
  const statuses: number[] = [];
  for (const event of ordered) {
    for (let copy = 0; copy < (options.duplicate ? 2 : 1); copy++) {
      // Signed at send time, so a delayed delivery is not stale on arrival.
      const delivery = signedSandboxDelivery(event, webhookSecret!);
      const response = await transport(webhookUrlFor(connection.id), {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      statuses.push(response.status);
    }
  }
  return statuses;
}

async function emit(
  connection: Connection,
  payment: Payment,
  events: SandboxEvent[],
  options: SandboxDeliveryOptions,
  transport: SandboxTransport,
): Promise<EmitResult> {
  const summary = {
    paymentId: payment.id,
    events: events.map((e) => ({ id: e.id, type: e.type })),
  };
  if (options.delayMs && options.delayMs > 0) {
    const timer = setTimeout(() => {
      send(connection, events, options, transport).catch((error: unknown) =>
        console.error(`[sandbox] delayed delivery for ${payment.id} failed`, error),
      );
    }, options.delayMs);
    timer.unref?.();
    return { ...summary, deliveries: [], scheduled: true };
  }
  return {
    ...summary,
    deliveries: await send(connection, events, options, transport),
    scheduled: false,
  };
}

export async function completeSandboxCheckout(
  db: Db,
  checkoutId: string,
  input: {
    outcome: SandboxOutcome;
    declineCode?: SandboxDeclineCode;
    delivery?: SandboxDeliveryOptions;
  },
  transport: SandboxTransport = fetch,
): Promise<EmitResult> {
  const row = await findSandboxPayment(db, eq(payments.providerCheckoutId, checkoutId));
  if (!row) throw new NotFoundError("This Sandbox checkout");
  const { payment, connection } = row;
  if (!OPEN_STATUSES.includes(payment.status)) {
    throw new ConflictError(`This checkout is already ${payment.status}.`);
  }
  if (connection.status !== "active")
    throw new ConflictError("This Sandbox connection is disabled.");
  if (!SEQUENCES[input.outcome])
    throw new AppError(`Unknown outcome ${String(input.outcome)}`, 422);
  const start = Date.now();
  const events = SEQUENCES[input.outcome].map((type, index) =>
    buildSandboxEvent({
      type,
      providerPaymentId: payment.providerPaymentId!,
      paymentId: payment.id,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      method: "card",
      ...(type === "payment.failed" && { decline: input.declineCode ?? "card_declined" }),
      // One second apart, so the provider's own clock orders them.
      created: new Date(start + index * 1000),
    }),
  );
  return emit(connection, payment, events, input.delivery ?? {}, transport);
}

/** A chargeback on a paid Sandbox payment, answerable within 7 days. */
export async function openSandboxDispute(
  db: Db,
  merchantId: string,
  paymentId: string,
  reason = "fraudulent",
  transport: SandboxTransport = fetch,
): Promise<EmitResult> {
  const row = await findSandboxPayment(
    db,
    and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)),
  );
  if (!row) throw new NotFoundError("This Sandbox payment");
  const { payment, connection } = row;
  if (!isPaid(payment.status) || payment.status === "disputed") {
    throw new ConflictError("Only a paid, undisputed Sandbox payment can be disputed.");
  }
  const event = buildSandboxEvent({
    type: "dispute.opened",
    providerPaymentId: payment.providerPaymentId!,
    paymentId: payment.id,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    dispute: { reason, amountMinor: payment.amountMinor, currency: payment.currency },
  });
  return emit(connection, payment, [event], {}, transport);
}
