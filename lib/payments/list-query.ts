// The transactions list's SQL: every filter of the URL contract as index conditions, keyset
// paging on (created_at, id), and the search box. The page is read by fetchListPage; the
// EXPLAIN test (tests/integration/payments-list-explain.test.ts) plans paymentListQuery and the
// search's phases on 1M rows.
import { payments } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
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
import type { ListPaymentsFilter } from "./queries";

type ListContext = Pick<ServiceContext, "db" | "merchantId">;

/**
 * How many rows of the page's order the search reads before it asks the search indexes instead.
 * A term on more than ~5 % of the rows fills its page inside this window (a short walk); a rarer
 * one — an invoice number, an email — is looked up through the indexes (BitmapOr) and only its
 * few matches are sorted. Without this, Postgres' estimate for a `word:*` prefix query (~10k rows
 * whatever the word) makes it walk the whole list computing to_tsvector per row: 3–9 s at 1M.
 */
export const SEARCH_WALK_WINDOW = 1_000;

// created_at as UTC text with microseconds, for the cursor (see list-cursor.ts).
const cursorTime = sql<string>`to_char(${payments.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A pasted id — a prefix, an underscore, letters and digits: Parley's pay_…, Stripe's pi_… or
 * cs_…. Such a term is first looked up as an id alone; only when no payment has it does it go
 * through the whole search (it may be an email prefix such as "ops_team42"). Its words would
 * otherwise be searched as description prefixes too: `pay:*` matches every "Payment …".
 */
const ID_SHAPED = /^[A-Za-z]{2,8}_[A-Za-z0-9]{6,}$/;

/** The term as one of the payment's ids: three unique-index lookups. */
function idCondition(term: string): SQL {
  return or(
    eq(payments.id, term),
    eq(payments.providerCheckoutId, term),
    eq(payments.providerPaymentId, term),
  )!;
}

/** The search box: every branch is an index lookup (db/schema/payments.ts names the indexes). */
function searchCondition(term: string): SQL {
  const branches: SQL[] = [
    idCondition(term),
    sql`(lower(${payments.customerEmail}) collate "C") like ${`${escapeLike(term.toLowerCase())}%`}`,
  ];
  // Word prefixes of the description; only letters and digits reach to_tsquery's syntax.
  const words = (term.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  if (words.length > 0 && !term.includes("@")) {
    // The `simple` parser reads "INV-0141" as 'inv' and the signed integer '-0141', so a number
    // is also looked up with its minus sign.
    const query = words
      .map((w) => w.toLowerCase())
      .map((w) => (/^\p{N}/u.test(w) ? `(${w}:* | -${w}:*)` : `${w}:*`))
      .join(" & ");
    branches.push(
      sql`to_tsvector('simple', ${payments.description}) @@ to_tsquery('simple', ${query})`,
    );
  }
  return or(...branches)!;
}

interface RowPosition {
  createdAt: string;
  id: string;
}

function rowAfter(position: RowPosition): SQL {
  return sql`(${payments.createdAt}, ${payments.id}) > (${position.createdAt}::timestamptz, ${position.id})`;
}

function rowBefore(position: RowPosition): SQL {
  return sql`(${payments.createdAt}, ${payments.id}) < (${position.createdAt}::timestamptz, ${position.id})`;
}

function keysetCondition(filter: ListPaymentsFilter): SQL | undefined {
  if (filter.after) return rowAfter(filter.after);
  const before = filter.before;
  if (before instanceof Date) return lt(payments.createdAt, before);
  if (before) return rowBefore(before);
  return undefined;
}

/** Every condition but the search: the merchant, the mode, the filters and the page cursor. */
function filterConditions(
  ctx: ListContext,
  filter: ListPaymentsFilter,
  connectionIds?: string[],
): SQL[] {
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
  conditions.push(keysetCondition(filter));
  return conditions.filter((c): c is SQL => c !== undefined);
}

/** Newest first, or oldest first for an `after` page (the caller reverses it). */
function pageOrder(filter: ListPaymentsFilter) {
  return filter.after
    ? [asc(payments.createdAt), asc(payments.id)]
    : [desc(payments.createdAt), desc(payments.id)];
}

function selectRows(ctx: ListContext) {
  return ctx.db.select({ ...getTableColumns(payments), cursorTime }).from(payments);
}

/**
 * The list's SQL as one walk of the list index in page order (the EXPLAIN test plans it);
 * `connectionIds` are the merchant's connections of the provider filter (undefined: none).
 */
export function paymentListQuery(
  ctx: ListContext,
  filter: ListPaymentsFilter,
  connectionIds?: string[],
) {
  const conditions = filterConditions(ctx, filter, connectionIds);
  if (filter.q) conditions.push(searchCondition(filter.q));
  return selectRows(ctx)
    .where(and(...conditions))
    .orderBy(...pageOrder(filter))
    .limit(filter.limit);
}

/** Where a walk of SEARCH_WALK_WINDOW rows in page order stops; null when fewer rows exist. */
export function searchWindowEdgeQuery(
  ctx: ListContext,
  filter: ListPaymentsFilter,
  connectionIds?: string[],
) {
  return ctx.db
    .select({ createdAt: cursorTime, id: payments.id })
    .from(payments)
    .where(and(...filterConditions(ctx, filter, connectionIds)))
    .orderBy(...pageOrder(filter))
    .offset(SEARCH_WALK_WINDOW - 1)
    .limit(1);
}

/** Phase 1: the matches inside the window, in page order (a walk of at most the window). */
export function searchWithinWindowQuery(
  ctx: ListContext,
  filter: ListPaymentsFilter & { q: string },
  edge: RowPosition,
  connectionIds?: string[],
) {
  const inside = filter.after
    ? sql`(${payments.createdAt}, ${payments.id}) <= (${edge.createdAt}::timestamptz, ${edge.id})`
    : sql`(${payments.createdAt}, ${payments.id}) >= (${edge.createdAt}::timestamptz, ${edge.id})`;
  return selectRows(ctx)
    .where(and(...filterConditions(ctx, filter, connectionIds), inside, searchCondition(filter.q)))
    .orderBy(...pageOrder(filter))
    .limit(filter.limit);
}

/**
 * Phase 2: the matches beyond the window, found through the search indexes. The sort key is
 * created_at + 0 s — the same order, but not the list index's, so the planner cannot choose to
 * walk that index with the search as a per-row filter (the 3–9 s plan this avoids).
 */
export function searchBeyondWindowQuery(
  ctx: ListContext,
  filter: ListPaymentsFilter & { q: string },
  edge: RowPosition,
  limit: number,
  connectionIds?: string[],
) {
  const beyond = filter.after ? rowAfter(edge) : rowBefore(edge);
  const fenced = sql`(${payments.createdAt} + interval '0 seconds')`;
  return selectRows(ctx)
    .where(and(...filterConditions(ctx, filter, connectionIds), beyond, searchCondition(filter.q)))
    .orderBy(
      ...(filter.after ? [asc(fenced), asc(payments.id)] : [desc(fenced), desc(payments.id)]),
    )
    .limit(limit);
}

/**
 * One page of the list in page order: a plain walk; for a pasted id, its payment; otherwise the
 * search's two bounded phases.
 */
export async function fetchListPage(
  ctx: ListContext,
  filter: ListPaymentsFilter,
  connectionIds?: string[],
) {
  const q = filter.q;
  if (!q) return paymentListQuery(ctx, filter, connectionIds);
  if (ID_SHAPED.test(q)) {
    // An id's payments are at most a few rows, all on the first page.
    const byId = await selectRows(ctx)
      .where(and(...filterConditions(ctx, filter, connectionIds), idCondition(q)))
      .orderBy(...pageOrder(filter))
      .limit(filter.limit);
    if (byId.length > 0) return byId;
  }
  const searched = { ...filter, q };
  const [edge] = await searchWindowEdgeQuery(ctx, filter, connectionIds);
  // Fewer rows than the window match the filters at all: the walk is short whatever the term.
  if (!edge) return paymentListQuery(ctx, filter, connectionIds);
  const inside = await searchWithinWindowQuery(ctx, searched, edge, connectionIds);
  if (inside.length >= filter.limit) return inside;
  const rest = await searchBeyondWindowQuery(
    ctx,
    searched,
    edge,
    filter.limit - inside.length,
    connectionIds,
  );
  return [...inside, ...rest];
}
