// Reads for the transactions list (one payment with its timeline: lib/payments/detail.ts).
import {
  channels,
  connections,
  conversations,
  flows,
  MODES,
  payments,
  type Mode,
  type Payment,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import {
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  PROVIDER_KINDS,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lt,
  lte,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import { z } from "zod";
import { encodePaymentCursor, paymentCursorSchema } from "./list-cursor";
import { SEARCH_MAX_LENGTH } from "./schemas";

const cursorOrDate = z.union([paymentCursorSchema, z.coerce.date()]);

export const listPaymentsSchema = z
  .object({
    /** Test or live: the list never mixes them. */
    mode: z.enum(MODES),
    /** One status or any of several. */
    status: z
      .union([z.enum(PAYMENT_STATUSES), z.array(z.enum(PAYMENT_STATUSES)).max(20)])
      .optional(),
    provider: z.enum(PROVIDER_KINDS).optional(),
    connectionId: z.string().min(1).max(100).optional(),
    method: z.enum(PAYMENT_METHODS).optional(),
    currency: z.enum(SUPPORTED_CURRENCIES).optional(),
    /** Minor units of `currency` (required with either bound): amounts never compare across currencies. */
    minAmountMinor: z.number().int().nonnegative().optional(),
    maxAmountMinor: z.number().int().nonnegative().optional(),
    flowId: z.string().min(1).max(100).optional(),
    channel: z.enum(CHANNEL_KINDS).optional(),
    /** created_at ≥ createdFrom and < createdBefore. */
    createdFrom: z.date().optional(),
    createdBefore: z.date().optional(),
    /** Parley payment id, provider checkout or payment id, customer email prefix, description words. */
    q: z.string().trim().max(SEARCH_MAX_LENGTH).optional(),
    /** Capped, never refused: a page size of 10^6 becomes 200. */
    limit: z
      .number()
      .int()
      .min(1)
      .transform((n) => Math.min(n, LIST_LIMIT_MAX))
      .default(50),
    /** Older than this row (keyset on created_at, id), or than an instant. */
    before: cursorOrDate.optional(),
    /** Newer than this row; the page is still returned newest first. */
    after: paymentCursorSchema.optional(),
  })
  .refine((f) => (f.minAmountMinor === undefined && f.maxAmountMinor === undefined) || f.currency, {
    message: "An amount range needs a currency",
    path: ["currency"],
  });
export type ListPaymentsOptions = z.input<typeof listPaymentsSchema>;
export type ListPaymentsFilter = z.output<typeof listPaymentsSchema>;

const LIST_LIMIT_MAX = 200;

/** A listed payment with the names the table shows and its keyset cursor. */
export type PaymentListRow = Payment & {
  /** Opaque: pass as `before` / `after` (lib/payments/list-cursor.ts). */
  cursor: string;
  connectionLabel: string | null;
  flowName: string | null;
  /** The channel's own label when the conversation came through a configured channel. */
  channelLabel: string | null;
};

// created_at as UTC text with microseconds, for the cursor (see list-cursor.ts).
const cursorTime = sql<string>`to_char(${payments.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The search box: every branch is an index lookup (db/schema/payments.ts names the indexes). */
function searchCondition(term: string): SQL {
  const branches: SQL[] = [
    eq(payments.id, term),
    eq(payments.providerCheckoutId, term),
    eq(payments.providerPaymentId, term),
    sql`(lower(${payments.customerEmail}) collate "C") like ${`${escapeLike(term.toLowerCase())}%`}`,
  ];
  // Word prefixes of the description; only letters and digits reach to_tsquery's syntax.
  const words = (term.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  if (words.length > 0 && !term.includes("@")) {
    const query = words.map((w) => `${w.toLowerCase()}:*`).join(" & ");
    branches.push(
      sql`to_tsvector('simple', ${payments.description}) @@ to_tsquery('simple', ${query})`,
    );
  }
  return or(...branches)!;
}

function keysetCondition(filter: ListPaymentsFilter): SQL | undefined {
  if (filter.after) {
    return sql`(${payments.createdAt}, ${payments.id}) > (${filter.after.createdAt}::timestamptz, ${filter.after.id})`;
  }
  const before = filter.before;
  if (before instanceof Date) return lt(payments.createdAt, before);
  if (before) {
    return sql`(${payments.createdAt}, ${payments.id}) < (${before.createdAt}::timestamptz, ${before.id})`;
  }
  return undefined;
}

/**
 * The list's SQL, without the name lookups (the EXPLAIN test plans it). `connectionIds` are the
 * merchant's connections of the provider filter (undefined: no provider filter).
 */
export function paymentListQuery(
  ctx: Pick<ServiceContext, "db" | "merchantId">,
  filter: ListPaymentsFilter,
  connectionIds?: string[],
) {
  const conditions: (SQL | undefined)[] = [
    eq(payments.merchantId, ctx.merchantId),
    eq(payments.mode, filter.mode),
  ];
  const statuses = filter.status === undefined ? [] : [filter.status].flat();
  if (statuses.length === 1) conditions.push(eq(payments.status, statuses[0]));
  else if (statuses.length > 1) conditions.push(inArray(payments.status, statuses));
  if (connectionIds) conditions.push(inArray(payments.connectionId, connectionIds));
  if (filter.connectionId) conditions.push(eq(payments.connectionId, filter.connectionId));
  if (filter.method) conditions.push(eq(payments.method, filter.method));
  if (filter.currency) conditions.push(eq(payments.currency, filter.currency));
  if (filter.minAmountMinor !== undefined)
    conditions.push(gte(payments.amountMinor, filter.minAmountMinor));
  if (filter.maxAmountMinor !== undefined)
    conditions.push(lte(payments.amountMinor, filter.maxAmountMinor));
  if (filter.flowId) conditions.push(eq(payments.flowId, filter.flowId));
  if (filter.channel) conditions.push(eq(payments.channel, filter.channel));
  if (filter.createdFrom) conditions.push(gte(payments.createdAt, filter.createdFrom));
  if (filter.createdBefore) conditions.push(lt(payments.createdAt, filter.createdBefore));
  if (filter.q) conditions.push(searchCondition(filter.q));
  conditions.push(keysetCondition(filter));
  const newerFirst = !filter.after;
  return ctx.db
    .select({ ...getTableColumns(payments), cursorTime })
    .from(payments)
    .where(and(...conditions))
    .orderBy(
      ...(newerFirst
        ? [desc(payments.createdAt), desc(payments.id)]
        : [asc(payments.createdAt), asc(payments.id)]),
    )
    .limit(filter.limit);
}

/**
 * The provider filter as the merchant's connections of that provider (a connection has one
 * provider, so the connection index serves it): undefined without a provider filter, empty when
 * nothing can match (no such connection, or a connection filter of another provider).
 */
export function providerConnectionScope(
  filter: Pick<ListPaymentsFilter, "provider" | "connectionId">,
  merchantConnections: { id: string; provider: string }[],
): string[] | undefined {
  if (!filter.provider) return undefined;
  return merchantConnections
    .filter((c) => c.provider === filter.provider)
    .filter((c) => !filter.connectionId || c.id === filter.connectionId)
    .map((c) => c.id);
}

async function connectionsOf(ctx: ServiceContext) {
  return ctx.db
    .select({ id: connections.id, label: connections.label, provider: connections.provider })
    .from(connections)
    .where(eq(connections.merchantId, ctx.merchantId));
}

/**
 * The transactions list, newest first: every filter of the URL contract (lib/payments/schemas.ts),
 * keyset-paged both ways on (created_at, id), with the connection's label, the flow's name and
 * the channel's label looked up in one batched query each (no query per row).
 */
export async function listPayments(
  ctx: ServiceContext,
  options: ListPaymentsOptions,
): Promise<PaymentListRow[]> {
  assertCan(ctx, "transactions.view");
  const filter = listPaymentsSchema.parse(options);
  const merchantConnections = await connectionsOf(ctx);
  const providerConnections = providerConnectionScope(filter, merchantConnections);
  if (providerConnections?.length === 0) return [];
  const rows = await paymentListQuery(ctx, filter, providerConnections);
  if (filter.after) rows.reverse();

  const flowIds = [...new Set(rows.map((r) => r.flowId).filter((id): id is string => !!id))];
  const conversationIds = [
    ...new Set(rows.map((r) => r.conversationId).filter((id): id is string => !!id)),
  ];
  const [flowRows, channelRows] = await Promise.all([
    flowIds.length === 0
      ? []
      : ctx.db
          .select({ id: flows.id, name: flows.name })
          .from(flows)
          .where(and(eq(flows.merchantId, ctx.merchantId), inArray(flows.id, flowIds))),
    conversationIds.length === 0
      ? []
      : ctx.db
          .select({ conversationId: conversations.id, label: channels.label })
          .from(conversations)
          .innerJoin(
            channels,
            and(
              eq(channels.merchantId, conversations.merchantId),
              eq(channels.id, conversations.channelId),
            ),
          )
          .where(
            and(
              eq(conversations.merchantId, ctx.merchantId),
              inArray(conversations.id, conversationIds),
            ),
          ),
  ]);
  const connectionLabel = new Map(merchantConnections.map((c) => [c.id, c.label]));
  const flowName = new Map(flowRows.map((f) => [f.id, f.name]));
  const channelLabel = new Map(channelRows.map((c) => [c.conversationId, c.label]));
  return rows.map(({ cursorTime: createdAtText, ...payment }) => ({
    ...payment,
    cursor: encodePaymentCursor({ createdAt: createdAtText, id: payment.id }),
    connectionLabel: connectionLabel.get(payment.connectionId) ?? null,
    flowName: payment.flowId ? (flowName.get(payment.flowId) ?? null) : null,
    channelLabel: payment.conversationId
      ? (channelLabel.get(payment.conversationId) ?? null)
      : null,
  }));
}

export interface TransactionFilterOptions {
  connections: { id: string; label: string; provider: ProviderKind }[];
  flows: { id: string; name: string }[];
}

/** What the filter bar offers: the viewed mode's connections and the merchant's flows, by name. */
export async function transactionFilterOptions(
  ctx: ServiceContext,
  mode: Mode,
): Promise<TransactionFilterOptions> {
  assertCan(ctx, "transactions.view");
  const [connectionRows, flowRows] = await Promise.all([
    ctx.db
      .select({ id: connections.id, label: connections.label, provider: connections.provider })
      .from(connections)
      .where(and(eq(connections.merchantId, ctx.merchantId), eq(connections.mode, mode)))
      .orderBy(asc(connections.label)),
    ctx.db
      .select({ id: flows.id, name: flows.name })
      .from(flows)
      .where(eq(flows.merchantId, ctx.merchantId))
      .orderBy(asc(flows.name)),
  ]);
  return { connections: connectionRows, flows: flowRows };
}
