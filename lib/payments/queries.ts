// Reads for the transactions list (one payment with its timeline: lib/payments/detail.ts).
import {
  channels,
  connections,
  conversations,
  flows,
  MODES,
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
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { encodePaymentCursor, paymentCursorSchema } from "./list-cursor";
import { fetchListPage } from "./list-query";
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
  const rows = await fetchListPage(ctx, filter, providerConnections);
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
