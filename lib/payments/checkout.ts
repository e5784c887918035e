// Creating a checkout: the payment row first (the idempotency key is unique per merchant), then
// the provider, then the provider's ids and URL. A retry with the same key returns the payment
// it already made; if the first attempt died before the provider answered, the retry asks the
// provider again with the same provider key, which the provider deduplicates.
//
// Three statements around the provider call, each atomic on its own (a chat's payment-link
// message waits on them): the connection with any payment already made under the key; the
// payment's insert with its console event; the provider's ids with the timeline's
// "checkout.created" row and the event again. Each runs as a named prepared statement.
import type { Db } from "@/db/client";
import { runPreparedSql } from "@/db/prepared";
import { assignments, columnNames, decodeRow, insertValues, selectColumns } from "@/db/rows";
import {
  connections,
  MODES,
  PAYMENT_ORIGINS,
  paymentEvents,
  payments,
  type Connection,
  type Payment,
} from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import { PAYMENT_METHODS, ProviderError } from "@/lib/connections/providers/types";
import { testPaymentSchema, type TestPaymentInput } from "@/lib/connections/schemas";
import { appUrl } from "@/lib/env";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { CONSOLE_EVENTS_CHANNEL, eventPayload } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import { paymentEvent } from "@/lib/payments/status-write";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";

export const checkoutInputSchema = z.object({
  connectionId: z.string().min(1),
  amountMinor: z.number().int("Whole minor units only").positive("The amount must be above zero"),
  currency: z
    .string()
    .transform((c) => c.toUpperCase())
    .pipe(z.enum(SUPPORTED_CURRENCIES, "Parley does not support this currency")),
  methods: z.array(z.enum(PAYMENT_METHODS)).default([]),
  description: z.string().trim().max(500).default(""),
  idempotencyKey: z.string().trim().min(1).max(200),
  conversationId: z.string().min(1).optional(),
  flowId: z.string().min(1).optional(),
  /** The conversation's channel kind: the transactions list filters by it. */
  channel: z.enum(CHANNEL_KINDS).optional(),
  customerEmail: z.email().optional(),
  locale: z.string().min(2).max(35).optional(),
  expiresAt: z.coerce.date().optional(),
  /** The mode the payment must be in (its conversation's): a connection of another mode is refused. */
  mode: z.enum(MODES).optional(),
  /** Who asks for it (the bot by default); an agent's request names the agent. */
  origin: z.enum(PAYMENT_ORIGINS).default("bot"),
  createdByUserId: z.string().min(1).max(100).optional(),
  /**
   * What the customer confirmed in the chat (the bot's confirm step): a checkout for any other
   * amount or currency is refused, so the charged amount is the confirmed one.
   */
  confirmed: z
    .object({ amountMinor: z.number().int().positive(), currency: z.string(), hash: z.string() })
    .optional(),
});
export type CheckoutRequest = z.input<typeof checkoutInputSchema>;

/** The payment, with `replayed` true when an earlier call with this key had created it. */
export type CheckoutOutcome = Payment & { replayed: boolean };

function invalid(error: z.ZodError): AppError {
  return new AppError("The checkout request is invalid.", 422, zodFieldErrors(error));
}

/** The connection, and the payment already made under `idempotencyKey` if any: one statement. */
async function connectionAndPayment(
  db: Db,
  merchantId: string,
  connectionId: string,
  idempotencyKey: string,
): Promise<{ connection: Connection; existing: Payment | undefined }> {
  const [row] = await runPreparedSql(
    db,
    sql`select ${selectColumns(connections, "c", { prefix: "c_" })},
        ${selectColumns(payments, "p", { prefix: "p_" })}
      from connections c
      left join payments p on p.merchant_id = c.merchant_id and p.idempotency_key = ${idempotencyKey}
      where c.merchant_id = ${merchantId} and c.id = ${connectionId}`,
  );
  if (!row) throw new NotFoundError("This connection");
  const connection = decodeRow(connections, row, { prefix: "c_" });
  if (connection.status !== "active")
    throw new ConflictError(
      `The connection "${connection.label}" is ${connection.status}; enable it first.`,
    );
  const existing = row.p_id == null ? undefined : decodeRow(payments, row, { prefix: "p_" });
  return { connection, existing };
}

function checkCapabilities(connection: Connection, currency: string, methods: string[]): void {
  if (!connection.currencies.includes(currency)) {
    throw new AppError(`${connection.label} cannot take payments in ${currency}.`, 422, {
      currency: [
        `Not offered by this connection; choose one of ${connection.currencies.join(", ")}`,
      ],
    });
  }
  const missing = methods.filter((m) => !(connection.methods as string[]).includes(m));
  if (missing.length > 0) {
    throw new AppError(`${connection.label} cannot offer ${missing.join(", ")}.`, 422, {
      methods: [`Not offered by this connection: ${missing.join(", ")}`],
    });
  }
}

async function findByKey(
  db: Db,
  merchantId: string,
  idempotencyKey: string,
): Promise<Payment | undefined> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.idempotencyKey, idempotencyKey)));
  return row;
}

/** pg_notify of the payment's console event, for a statement's select list (lib/events/bus.ts). */
function announcePayment(payment: Pick<Payment, "merchantId" | "mode" | "id">) {
  return sql`pg_notify(${CONSOLE_EVENTS_CHANNEL}, ${eventPayload(paymentEvent(payment))})`;
}

const NEW_PAYMENT_KEYS = [
  "merchantId",
  "id",
  "connectionId",
  "provider",
  "conversationId",
  "flowId",
  "channel",
  "amountMinor",
  "currency",
  "status",
  "idempotencyKey",
  "description",
  "customerEmail",
  "mode",
  "expiresAt",
  "origin",
  "createdByUserId",
] as const satisfies readonly (keyof Payment)[];

/** Inserts the payment and announces it; undefined when a concurrent call took the key first. */
async function insertPayment(
  db: Db,
  row: Pick<Payment, (typeof NEW_PAYMENT_KEYS)[number]>,
): Promise<Payment | undefined> {
  const [inserted] = await runPreparedSql(
    db,
    sql`with inserted as (
        insert into payments ${insertValues(payments, NEW_PAYMENT_KEYS, row)}
        on conflict do nothing returning *
      )
      select inserted.*, ${announcePayment(row)} as announced from inserted`,
  );
  return inserted && decodeRow(payments, inserted);
}

const CHECKOUT_KEYS = [
  "providerCheckoutId",
  "providerPaymentId",
  "checkoutUrl",
  "expiresAt",
  "updatedAt",
] as const satisfies readonly (keyof Payment)[];

/**
 * The provider's ids and URL on the payment, its timeline's "checkout.created" row and its
 * console event, in one statement: the update holds the payment's row lock while the timeline
 * grows, as every writer of the timeline does (lib/payments/status-write.ts).
 */
async function storeCheckout(
  db: Db,
  payment: Payment,
  checkout: Pick<Payment, (typeof CHECKOUT_KEYS)[number]>,
): Promise<Payment> {
  const eventColumns = columnNames(paymentEvents, [
    "merchantId",
    "id",
    "paymentId",
    "connectionId",
    "source",
    "type",
    "amountMinor",
    "currency",
    "statusAfter",
    "detail",
    "occurredAt",
  ])
    .map((name) => `"${name}"`)
    .join(", ");
  const detail = JSON.stringify({
    providerCheckoutId: checkout.providerCheckoutId,
    url: checkout.checkoutUrl,
  });
  const [row] = await runPreparedSql(
    db,
    sql`with updated as (
        update payments set ${assignments(payments, CHECKOUT_KEYS, checkout)}
        where merchant_id = ${payment.merchantId} and id = ${payment.id}
        returning *
      ), timeline as (
        insert into payment_events (${sql.raw(eventColumns)})
        select u.merchant_id, ${newId("paymentEvent")}, u.id, u.connection_id, 'parley',
          'checkout.created', u.amount_minor, u.currency, u.status, ${detail}::jsonb,
          ${checkout.updatedAt.toISOString()}::timestamptz
        from updated u
      )
      select updated.*, ${announcePayment(payment)} as announced from updated`,
  );
  if (!row) throw new NotFoundError("This payment");
  return decodeRow(payments, row);
}

function providerFailure(error: unknown): AppError {
  if (error instanceof ProviderError) {
    const status = error.kind === "invalid_request" ? 422 : 502;
    return new AppError(`The provider refused the checkout: ${error.message}`, status);
  }
  return new AppError(
    `The provider could not be reached: ${error instanceof Error ? error.message : String(error)}`,
    502,
  );
}

export async function createCheckout(
  db: Db,
  merchantId: string,
  input: CheckoutRequest,
): Promise<CheckoutOutcome> {
  const parsed = checkoutInputSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const request = parsed.data;
  if (
    request.confirmed &&
    (request.confirmed.amountMinor !== request.amountMinor ||
      request.confirmed.currency.toUpperCase() !== request.currency)
  ) {
    throw new ConflictError("The amount differs from the one the customer confirmed.");
  }
  const { connection, existing } = await connectionAndPayment(
    db,
    merchantId,
    request.connectionId,
    request.idempotencyKey,
  );
  checkCapabilities(connection, request.currency, request.methods);
  if (request.mode && connection.mode !== request.mode) {
    throw new AppError(
      `${connection.label} is a ${connection.mode} connection; this payment must be ${request.mode}.`,
      422,
      { connectionId: [`Choose a ${request.mode} connection`] },
    );
  }

  let payment = existing;
  if (payment) {
    const same =
      payment.connectionId === request.connectionId &&
      payment.amountMinor === request.amountMinor &&
      payment.currency === request.currency;
    if (!same)
      throw new ConflictError("This idempotency key was already used for a different payment.");
    if (payment.providerCheckoutId) return { ...payment, replayed: true };
  } else {
    const inserted = await insertPayment(db, {
      merchantId,
      id: newId("payment"),
      connectionId: connection.id,
      provider: connection.provider,
      conversationId: request.conversationId ?? null,
      flowId: request.flowId ?? null,
      channel: request.channel ?? null,
      amountMinor: request.amountMinor,
      currency: request.currency,
      status: "created",
      idempotencyKey: request.idempotencyKey,
      description: request.description,
      customerEmail: request.customerEmail ?? null,
      mode: connection.mode,
      expiresAt: request.expiresAt ?? null,
      origin: request.origin,
      createdByUserId: request.createdByUserId ?? null,
    });
    // Lost a race with a concurrent call using the same key: continue with its row.
    payment = inserted ?? (await findByKey(db, merchantId, request.idempotencyKey))!;
  }

  const base = appUrl();
  let result;
  try {
    result = await connectorFor(connection.provider).createCheckout(
      connectorContext(connection, db),
      {
        paymentId: payment.id,
        merchantId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        description: payment.description || "Payment",
        methods: request.methods,
        // The payment id: stable across retries of this key, unique across merchants.
        idempotencyKey: payment.id,
        conversationId: payment.conversationId ?? undefined,
        customerEmail: payment.customerEmail ?? undefined,
        locale: request.locale,
        successUrl: `${base}/pay/return?payment=${payment.id}&result=success`,
        cancelUrl: `${base}/pay/return?payment=${payment.id}&result=cancel`,
        expiresAt: payment.expiresAt ?? undefined,
      },
    );
  } catch (error) {
    const failure = providerFailure(error);
    await recordCheckoutEvent(db, payment, "checkout.failed", { error: failure.message });
    throw failure;
  }

  const stored = await storeCheckout(db, payment, {
    providerCheckoutId: result.providerCheckoutId,
    providerPaymentId: result.providerPaymentId ?? null,
    checkoutUrl: result.url,
    expiresAt: result.expiresAt ?? payment.expiresAt,
    updatedAt: new Date(),
  });
  return { ...stored, replayed: false };
}

async function recordCheckoutEvent(
  db: Pick<Db, "insert">,
  payment: Payment,
  type: "checkout.created" | "checkout.failed",
  detail: Record<string, unknown>,
): Promise<void> {
  await db.insert(paymentEvents).values({
    merchantId: payment.merchantId,
    id: newId("paymentEvent"),
    paymentId: payment.id,
    connectionId: payment.connectionId,
    source: "parley",
    type,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    statusAfter: payment.status,
    detail,
    occurredAt: new Date(),
  });
}

/** The dashboard's "Create a test payment" button: a fresh key every time. */
export async function createTestPayment(
  ctx: ServiceContext,
  connectionId: string,
  input: Omit<TestPaymentInput, "connectionId">,
): Promise<CheckoutOutcome> {
  assertCan(ctx, "connections.manage");
  const parsed = testPaymentSchema.safeParse({ ...input, connectionId });
  if (!parsed.success) throw invalid(parsed.error);
  const outcome = await createCheckout(ctx.db, ctx.merchantId, {
    // A test payment never moves money: a live connection is refused.
    mode: "test",
    origin: "console",
    createdByUserId: ctx.user.id,
    connectionId,
    amountMinor: parsed.data.amountMinor,
    currency: parsed.data.currency,
    description: parsed.data.description,
    methods: [],
    idempotencyKey: `test:${newId("payment")}`,
  });
  await auditAs(ctx.db, ctx, {
    action: "payment.test_created",
    targetType: "payment",
    targetId: outcome.id,
    summary: `Created a test payment of ${parsed.data.amountMinor} ${parsed.data.currency} (minor units)`,
    after: { connectionId, amountMinor: parsed.data.amountMinor, currency: parsed.data.currency },
  });
  return outcome;
}
