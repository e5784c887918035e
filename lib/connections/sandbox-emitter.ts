// The Sandbox "provider" side: what the hosted page at /pay/sandbox/[checkoutId] reads and the
// signed webhooks it sends when the tester picks an outcome. Deliveries go over HTTP to Parley's
// own webhook URL, exactly as a real provider's would (verification, inbox, apply). Each
// checkout completes once per phase, recorded before anything is sent (sandbox-completions.ts).
import type { Db } from "@/db/client";
import {
  connections,
  merchants,
  payments,
  type Connection,
  type Job,
  type Payment,
} from "@/db/schema";
import { openCredentials } from "@/lib/connections/credentials";
import {
  buildSandboxEvent,
  signedSandboxDelivery,
  type SandboxDeclineCode,
  type SandboxEvent,
  type SandboxEventType,
} from "@/lib/connections/providers/sandbox/webhooks";
import {
  claimSandboxCompletion,
  completionPayloadOf,
  listSandboxCompletions,
  nextPhase,
  SandboxCheckoutCompletedError,
  takeDelayedDelivery,
  type SandboxOutcome,
} from "@/lib/connections/sandbox-completions";
import { webhookUrlFor } from "@/lib/connections/service";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { isPaid } from "@/lib/payments/state-machine";
import { and, eq, type SQL } from "drizzle-orm";

export type { SandboxOutcome };

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

/** A Sandbox payment with its connection and merchant's name (also sandbox-disputes.ts's read). */
export async function findSandboxPayment(db: Db, where: SQL | undefined) {
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
      const delivery = signedSandboxDelivery(event, webhookSecret);
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

/** Sends the events now, or after options.delayMs without making the caller wait. */
export async function emitSandboxEvents(
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

/** What a finished payment's status says the checkout's outcome was, when no record says. */
function outcomeOfStatus(status: Payment["status"]): SandboxOutcome | null {
  if (status === "failed") return "declined";
  if (status === "expired" || status === "canceled") return "timeout";
  return isPaid(status) ? "succeeded" : null;
}

/**
 * Completes a checkout with the tester's choice, once per phase (sandbox-completions.ts): a
 * second submit — concurrent or later — throws SandboxCheckoutCompletedError with the outcome
 * the checkout already has, and sends nothing.
 */
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
  const recorded = await listSandboxCompletions(db, payment.merchantId, checkoutId);
  if (!OPEN_STATUSES.includes(payment.status)) {
    const latest = recorded.at(-1);
    throw new SandboxCheckoutCompletedError(
      `This checkout is already ${payment.status}.`,
      latest?.outcome ?? outcomeOfStatus(payment.status),
      latest?.declineCode,
    );
  }
  if (connection.status !== "active")
    throw new ConflictError("This Sandbox connection is disabled.");
  if (!SEQUENCES[input.outcome])
    throw new AppError(`Unknown outcome ${String(input.outcome)}`, 422);
  const phase = nextPhase(recorded, input.outcome);
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
  const options = input.delivery ?? {};
  const delayMs = options.delayMs && options.delayMs > 0 ? options.delayMs : 0;
  const jobId = await claimSandboxCompletion(
    db,
    payment.merchantId,
    {
      checkoutId,
      connectionId: connection.id,
      paymentId: payment.id,
      phase,
      outcome: input.outcome,
      ...(input.outcome === "declined" && { declineCode: input.declineCode ?? "card_declined" }),
      duplicate: options.duplicate ?? false,
      outOfOrder: options.outOfOrder ?? false,
      // Stored as JSON: a delayed delivery the poller picks up sends exactly these events.
      events: JSON.parse(JSON.stringify(events)) as SandboxEvent[],
    },
    delayMs,
  );
  const summary = {
    paymentId: payment.id,
    events: events.map((e) => ({ id: e.id, type: e.type })),
  };
  if (delayMs > 0) {
    const timer = setTimeout(() => {
      takeDelayedDelivery(db, payment.merchantId, jobId)
        .then((mine) => (mine ? send(connection, events, options, transport) : null))
        .catch((error: unknown) =>
          console.error(`[sandbox] delayed delivery for ${payment.id} failed`, error),
        );
    }, delayMs);
    timer.unref?.();
    return { ...summary, deliveries: [], scheduled: true };
  }
  return {
    ...summary,
    deliveries: await send(connection, events, options, transport),
    scheduled: false,
  };
}

/** The poller's side of a delayed delivery whose timer never fired (the process restarted). */
export async function deliverSandboxJob(
  db: Db,
  job: Job,
  transport: SandboxTransport = fetch,
): Promise<void> {
  const payload = completionPayloadOf(job);
  const [connection] = await db
    .select()
    .from(connections)
    .where(
      and(eq(connections.merchantId, job.merchantId), eq(connections.id, payload.connectionId)),
    );
  if (!connection || connection.status !== "active") return;
  await send(
    connection,
    payload.events,
    { duplicate: payload.duplicate, outOfOrder: payload.outOfOrder },
    transport,
  );
}
