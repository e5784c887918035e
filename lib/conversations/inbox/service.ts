// What a support agent does in the Inbox: take a conversation from the bot, reply through its
// channel, send a payment request, hand it back to the bot at a node, or close it. Each runs in
// a transaction holding the conversation's row lock, decides with takeover.ts, writes the audit
// entry beside the change and announces it on the console's bus; what must follow the commit
// (the runtime's step, the channel send, the provider's checkout) runs after it.
// Path: readFacts (lock + who holds it) → decideInbox → write → after commit: stepConversation
// (lib/conversations/engine) / sendOutbound (lib/channels/outbound) / createCheckout.
import type { Db, Tx } from "@/db/client";
import {
  connections,
  conversationHandoffs,
  conversationMessages,
  conversations,
  users,
  type Conversation,
  type ConversationHandoff,
  type ConversationMessage,
} from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { checkAgentSend } from "@/lib/channels/limits";
import { needsChannelSend, sendOutbound } from "@/lib/channels/outbound";
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { pickConnection } from "@/lib/conversations/checkout/methods";
import { loadStepEnvironment } from "@/lib/conversations/engine/environment";
import {
  OutboundBodySchema,
  type MessageAuthor,
  type OutboundBody,
  type SendStatus,
} from "@/lib/conversations/engine/messages";
import { nextMessageAt, readState } from "@/lib/conversations/engine/step-runner";
import { stepConversation } from "@/lib/conversations/engine/steps";
import { isDemoMode } from "@/lib/env";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { publishEvent } from "@/lib/events/bus";
import type { Lang } from "@/lib/flows/graph";
import { phrase } from "@/lib/flows/i18n";
import { formatAmount, interpolate } from "@/lib/flows/runtime/text";
import { parseMajorToMinor } from "@/lib/money";
import { createCheckout } from "@/lib/payments/checkout";
import { and, desc, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import {
  type CloseInput,
  type HandBackInput,
  type PaymentRequestInput,
  type ReplyInput,
  type TakeOverInput,
} from "./schemas";
import { decideInbox, type InboxCommand } from "./takeover";

export interface Facts {
  conversation: Conversation;
  handoff: (ConversationHandoff & { assignedName: string | null }) | null;
  lastCustomerMessageAt: Date | null;
}

/** The conversation under its row lock, who holds it, and when the customer last wrote. */
export async function readFacts(
  tx: Tx,
  merchantId: string,
  conversationId: string,
): Promise<Facts> {
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId)))
    .for("update");
  if (!conversation) throw new NotFoundError("This conversation");
  const [handoff] = await tx
    .select({ row: conversationHandoffs, assignedName: users.name })
    .from(conversationHandoffs)
    .leftJoin(users, eq(users.id, conversationHandoffs.assignedUserId))
    .where(
      and(
        eq(conversationHandoffs.merchantId, merchantId),
        eq(conversationHandoffs.conversationId, conversationId),
      ),
    );
  const [last] = await tx
    .select({ at: sql<Date | null>`max(${conversationMessages.createdAt})` })
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, merchantId),
        eq(conversationMessages.conversationId, conversationId),
        eq(conversationMessages.direction, "inbound"),
      ),
    );
  return {
    conversation,
    handoff: handoff ? { ...handoff.row, assignedName: handoff.assignedName } : null,
    lastCustomerMessageAt: last?.at ? new Date(last.at) : null,
  };
}

function decide(ctx: ServiceContext, command: InboxCommand, facts: Facts) {
  const decision = decideInbox(command, {
    conversation: facts.conversation,
    handoff: {
      status: facts.handoff?.status ?? null,
      assignedUserId: facts.handoff?.assignedUserId ?? null,
      assignedName: facts.handoff?.assignedName ?? null,
    },
    actorUserId: ctx.user.id,
  });
  if (!decision.ok) throw new ConflictError(decision.reason);
  return decision;
}

export function announce(tx: Tx, conversation: Conversation): Promise<void> {
  return publishEvent(tx, {
    kind: "conversation",
    merchantId: conversation.merchantId,
    mode: conversation.mode,
    id: conversation.id,
  });
}

/** A message id from the form's request key: the same click sent twice is one message. */
function messageIdFor(ctx: ServiceContext, conversationId: string, requestKey: string): string {
  const digest = createHash("sha256")
    .update(`${ctx.merchantId}\u0000${conversationId}\u0000${ctx.user.id}\u0000${requestKey}`)
    .digest("base64url")
    .slice(0, 22);
  return `msg_${digest}`;
}

async function findMessage(
  tx: Tx,
  merchantId: string,
  id: string,
): Promise<ConversationMessage | undefined> {
  const [row] = await tx
    .select()
    .from(conversationMessages)
    .where(and(eq(conversationMessages.merchantId, merchantId), eq(conversationMessages.id, id)));
  return row;
}

/**
 * Writes a person's message after the conversation's newest one. The revision moves on, so a bot
 * step read before this commit writes nothing and reads again (its messages then follow ours).
 */
async function insertTeamMessage(
  tx: Tx,
  conversation: Conversation,
  id: string,
  body: OutboundBody,
  now: Date,
): Promise<ConversationMessage> {
  const [last] = await tx
    .select({ at: conversationMessages.createdAt })
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, conversation.merchantId),
        eq(conversationMessages.conversationId, conversation.id),
      ),
    )
    .orderBy(desc(conversationMessages.createdAt))
    .limit(1);
  const [row] = await tx
    .insert(conversationMessages)
    .values({
      merchantId: conversation.merchantId,
      id,
      conversationId: conversation.id,
      direction: "outbound",
      platformMessageId: null,
      body,
      redacted: false,
      createdAt: nextMessageAt(now, last?.at ?? null),
    })
    .returning();
  await tx
    .update(conversations)
    .set({ revision: sql`${conversations.revision} + 1`, updatedAt: now })
    .where(
      and(
        eq(conversations.merchantId, conversation.merchantId),
        eq(conversations.id, conversation.id),
      ),
    );
  return row;
}

function authorOf(ctx: ServiceContext): MessageAuthor {
  return { kind: "agent", userId: ctx.user.id, name: ctx.user.name || ctx.user.email };
}

function pendingSend(conversation: Conversation): SendStatus {
  return needsChannelSend(conversation) ? { status: "pending" } : { status: "not_needed" };
}

export interface SentMessage {
  messageId: string;
  /** Sent twice (a double click): the first one stands, nothing went out again. */
  duplicate: boolean;
  /** The channel's answer: sent, failed (with the platform's reason), or not needed (web chat). */
  delivery: SendStatus;
}

/** Sends the stored message through the conversation's channel and reads back how it went. */
async function deliver(
  db: Db,
  conversation: Conversation,
  row: ConversationMessage,
): Promise<SendStatus> {
  await sendOutbound(db, conversation, [row]);
  const [after] = await db
    .select({ body: conversationMessages.body })
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, conversation.merchantId),
        eq(conversationMessages.id, row.id),
      ),
    );
  const parsed = OutboundBodySchema.safeParse(after?.body);
  return (parsed.success && parsed.data.delivery) || { status: "not_needed" };
}

export async function takeOverConversation(
  ctx: ServiceContext,
  input: TakeOverInput,
  now = new Date(),
): Promise<{ changed: boolean }> {
  assertCan(ctx, "conversations.takeover");
  const outcome = await ctx.db.transaction(async (tx) => {
    const facts = await readFacts(tx, ctx.merchantId, input.conversationId);
    const decision = decide(ctx, "take", facts);
    if (!decision.changed) return { changed: false, conversation: facts.conversation };
    // The holder condition again, in the write: of two agents at once, one row comes back.
    const [taken] = await tx
      .insert(conversationHandoffs)
      .values({
        merchantId: ctx.merchantId,
        conversationId: facts.conversation.id,
        mode: facts.conversation.mode,
        status: "assigned",
        reason: "agent_takeover",
        requestedAt: now,
        assignedUserId: ctx.user.id,
        assignedAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [conversationHandoffs.merchantId, conversationHandoffs.conversationId],
        set: {
          status: "assigned",
          assignedUserId: ctx.user.id,
          assignedAt: now,
          endedAt: null,
          updatedAt: now,
          // Taking a conversation back from the bot (or a closed hand-off) starts a new wait.
          requestedAt: sql`case when ${conversationHandoffs.status} = 'waiting'
            then ${conversationHandoffs.requestedAt} else excluded.requested_at end`,
          reason: sql`case when ${conversationHandoffs.status} = 'waiting'
            then ${conversationHandoffs.reason} else excluded.reason end`,
        },
        setWhere: sql`${conversationHandoffs.status} <> 'assigned'
          or ${conversationHandoffs.assignedUserId} = ${ctx.user.id}`,
      })
      .returning();
    if (!taken) throw new ConflictError("Another member of the team took this conversation first.");
    await announce(tx, facts.conversation);
    await auditAs(tx, ctx, {
      action: "conversation.taken_over",
      targetType: "conversation",
      targetId: facts.conversation.id,
      summary: `Took over the conversation from ${facts.handoff?.status === "waiting" ? "the Inbox" : "the bot"}`,
      before: { handoff: facts.handoff?.status ?? null, conversation: facts.conversation.status },
      after: { handoff: "assigned", assignedUserId: ctx.user.id },
    });
    return { changed: true, conversation: facts.conversation };
  });
  if (outcome.changed) {
    // The bot stops (its timers with it) and the customer hears that a person joined.
    await stepConversation(
      ctx.db,
      ctx.merchantId,
      outcome.conversation.id,
      { kind: "agent", action: "take_over" },
      { now },
    );
  }
  return { changed: outcome.changed };
}

export async function replyToConversation(
  ctx: ServiceContext,
  input: ReplyInput,
  now = new Date(),
): Promise<SentMessage> {
  assertCan(ctx, "conversations.takeover");
  const id = messageIdFor(ctx, input.conversationId, input.requestKey);
  const written = await ctx.db.transaction(async (tx) => {
    const facts = await readFacts(tx, ctx.merchantId, input.conversationId);
    const existing = await findMessage(tx, ctx.merchantId, id);
    if (existing) return { row: existing, duplicate: true, conversation: facts.conversation };
    decide(ctx, "reply", facts);
    const check = checkAgentSend({
      channel: facts.conversation.channel,
      text: input.text,
      lastCustomerMessageAt: facts.lastCustomerMessageAt,
      now,
    });
    if (!check.ok) throw new AppError(check.reason, 422, { text: [check.reason] });
    const row = await insertTeamMessage(
      tx,
      facts.conversation,
      id,
      {
        kind: "text",
        text: input.text,
        delivery: pendingSend(facts.conversation),
        author: authorOf(ctx),
      },
      now,
    );
    await announce(tx, facts.conversation);
    await auditAs(tx, ctx, {
      action: "conversation.message_sent",
      targetType: "conversation",
      targetId: facts.conversation.id,
      summary: `Replied to the customer (${input.text.length} characters)`,
      after: { messageId: id, channel: facts.conversation.channel },
    });
    return { row, duplicate: false, conversation: facts.conversation };
  });
  if (written.duplicate) {
    const body = OutboundBodySchema.safeParse(written.row.body);
    return {
      messageId: id,
      duplicate: true,
      delivery: (body.success && body.data.delivery) || { status: "not_needed" },
    };
  }
  const delivery = await deliver(ctx.db, written.conversation, written.row);
  return { messageId: id, duplicate: false, delivery };
}

export interface PaymentRequestOptions {
  connectionId: string;
  connectionLabel: string;
  provider: string;
  currency: string;
  methods: PaymentMethod[];
}

/**
 * The connection an agent's payment request goes through: the one the flow's pay step names,
 * else the merchant's active connection of the conversation's mode for the flow's currency (the
 * Sandbox first for test chats in a demo) — the bot's own choice. Never another mode's.
 */
export async function paymentRequestOptions(
  db: Db | Tx,
  conversation: Conversation,
): Promise<PaymentRequestOptions | null> {
  const env = await loadStepEnvironment(db, conversation);
  const payNode = env.graph.nodes.find((node) => node.type === "pay");
  const named = payNode?.type === "pay" ? payNode.data.connectionId : undefined;
  const choice = {
    mode: conversation.mode,
    currency: env.graph.currency,
    methods: [] as PaymentMethod[],
    preferSandbox: conversation.isSimulation || isDemoMode(),
  };
  const offer =
    (named ? pickConnection(env.connections, { ...choice, connectionId: named }) : undefined) ??
    pickConnection(env.connections, { ...choice, methods: ["card"] }) ??
    env.connections.find((c) => c.status === "active" && c.currencies.includes(choice.currency));
  if (!offer) return null;
  const [label] = await db
    .select({ label: connections.label })
    .from(connections)
    .where(and(eq(connections.merchantId, conversation.merchantId), eq(connections.id, offer.id)));
  return {
    connectionId: offer.id,
    connectionLabel: label?.label ?? offer.provider,
    provider: offer.provider,
    currency: env.graph.currency,
    methods: [...offer.methods],
  };
}

export interface RequestedPayment extends SentMessage {
  paymentId: string;
}

export async function requestPayment(
  ctx: ServiceContext,
  input: PaymentRequestInput,
  now = new Date(),
): Promise<RequestedPayment> {
  assertCan(ctx, "conversations.takeover");
  const id = messageIdFor(ctx, input.conversationId, input.requestKey);
  // Checked before anything is created; checked again when the link is written.
  const prepared = await ctx.db.transaction(async (tx) => {
    const facts = await readFacts(tx, ctx.merchantId, input.conversationId);
    const existing = await findMessage(tx, ctx.merchantId, id);
    if (existing) return { existing, facts, options: null };
    decide(ctx, "request_payment", facts);
    const window = checkAgentSend({
      channel: facts.conversation.channel,
      text: input.description || "payment",
      lastCustomerMessageAt: facts.lastCustomerMessageAt,
      now,
    });
    if (!window.ok) throw new AppError(window.reason, 422);
    const options = await paymentRequestOptions(tx, facts.conversation);
    if (!options)
      throw new AppError(
        `No active ${facts.conversation.mode} connection can take this flow's currency; connect one first.`,
        422,
      );
    return { existing: null, facts, options };
  });
  if (prepared.existing) {
    const body = OutboundBodySchema.safeParse(prepared.existing.body);
    const data = body.success ? body.data : null;
    return {
      messageId: id,
      paymentId: data?.kind === "payment_link" ? (data.paymentId ?? "") : "",
      duplicate: true,
      delivery: data?.delivery ?? { status: "not_needed" },
    };
  }
  const { facts, options } = prepared as { facts: Facts; options: PaymentRequestOptions };
  const conversation = facts.conversation;
  let amountMinor: number;
  try {
    amountMinor = parseMajorAmount(input.amount, options.currency);
  } catch (error) {
    const message = error instanceof Error ? error.message : "Not an amount";
    throw new AppError("The amount is not valid.", 422, { amount: [message] });
  }
  const methods = input.methods.filter((m) => options.methods.includes(m));
  if (methods.length !== input.methods.length)
    throw new AppError(`${options.connectionLabel} cannot offer every method you chose.`, 422, {
      methods: [`Choose among ${options.methods.join(", ")}`],
    });
  const lang = readState(conversation).lang ?? (conversation.lang as Lang);
  const payment = await createCheckout(ctx.db, ctx.merchantId, {
    connectionId: options.connectionId,
    amountMinor,
    currency: options.currency,
    methods,
    description: input.description,
    idempotencyKey: `agent:${conversation.id}:${id}`,
    conversationId: conversation.id,
    flowId: conversation.flowId,
    channel: conversation.channel,
    mode: conversation.mode,
    locale: lang,
    expiresAt: new Date(now.getTime() + input.expiresInMinutes * 60_000),
    origin: "agent",
    createdByUserId: ctx.user.id,
  });
  if (!payment.checkoutUrl) throw new AppError("The provider returned no payment link.", 502);

  const amountText = formatAmount(payment.amountMinor, payment.currency, lang);
  const lead = interpolate(phrase("payment_link", lang), (name) =>
    name === "amount" ? amountText : "",
  );
  const text = input.description ? `${input.description}\n${lead}` : lead;
  const written = await ctx.db.transaction(async (tx) => {
    const again = await readFacts(tx, ctx.merchantId, conversation.id);
    const existing = await findMessage(tx, ctx.merchantId, id);
    if (existing) return { row: existing, duplicate: true };
    decide(ctx, "request_payment", again);
    const check = checkAgentSend({
      channel: conversation.channel,
      text: `${text}\n${payment.checkoutUrl}`,
      lastCustomerMessageAt: again.lastCustomerMessageAt,
      now,
    });
    if (!check.ok) throw new AppError(check.reason, 422, { description: [check.reason] });
    const row = await insertTeamMessage(
      tx,
      again.conversation,
      id,
      {
        kind: "payment_link",
        text,
        url: payment.checkoutUrl!,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        methods,
        delivery: pendingSend(again.conversation),
        author: authorOf(ctx),
        paymentId: payment.id,
      },
      now,
    );
    await announce(tx, again.conversation);
    await auditAs(tx, ctx, {
      action: "conversation.payment_requested",
      targetType: "payment",
      targetId: payment.id,
      summary: `Sent a payment request of ${amountText} in the conversation`,
      after: {
        conversationId: conversation.id,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        methods,
        connectionId: options.connectionId,
        expiresAt: payment.expiresAt?.toISOString() ?? null,
      },
    });
    return { row, duplicate: false };
  });
  const delivery = written.duplicate
    ? { status: "not_needed" as const }
    : await deliver(ctx.db, conversation, written.row);
  return { messageId: id, paymentId: payment.id, duplicate: written.duplicate, delivery };
}

function parseMajorAmount(amount: string, currency: string): number {
  const minor = parseMajorToMinor(amount, currency);
  if (minor <= 0) throw new RangeError("The amount must be above zero");
  return minor;
}

export async function handBackConversation(
  ctx: ServiceContext,
  input: HandBackInput,
  now = new Date(),
): Promise<void> {
  assertCan(ctx, "conversations.takeover");
  const conversation = await ctx.db.transaction(async (tx) => {
    const facts = await readFacts(tx, ctx.merchantId, input.conversationId);
    decide(ctx, "hand_back", facts);
    const env = await loadStepEnvironment(tx, facts.conversation);
    const node = env.graph.nodes.find((n) => n.id === input.nodeId);
    if (!node || node.type === "start")
      throw new AppError("Choose a step of this conversation's flow.", 422, {
        nodeId: ["Not a step of this flow"],
      });
    await endHandoff(tx, ctx, facts, "returned", now);
    await announce(tx, facts.conversation);
    await auditAs(tx, ctx, {
      action: "conversation.handed_back",
      targetType: "conversation",
      targetId: facts.conversation.id,
      summary: `Handed the conversation back to the bot at "${node.data.label || node.id}"`,
      before: { handoff: "assigned" },
      after: { handoff: "returned", nodeId: node.id },
    });
    return facts.conversation;
  });
  await stepConversation(
    ctx.db,
    ctx.merchantId,
    conversation.id,
    { kind: "agent", action: "hand_back", nodeId: input.nodeId },
    { now },
  );
}

export async function closeConversation(
  ctx: ServiceContext,
  input: CloseInput,
  now = new Date(),
): Promise<void> {
  assertCan(ctx, "conversations.takeover");
  const conversation = await ctx.db.transaction(async (tx) => {
    const facts = await readFacts(tx, ctx.merchantId, input.conversationId);
    decide(ctx, "close", facts);
    await endHandoff(tx, ctx, facts, "closed", now);
    await announce(tx, facts.conversation);
    await auditAs(tx, ctx, {
      action: "conversation.closed",
      targetType: "conversation",
      targetId: facts.conversation.id,
      summary: "Closed the conversation",
      before: { handoff: "assigned", conversation: facts.conversation.status },
      after: { handoff: "closed" },
    });
    return facts.conversation;
  });
  await stepConversation(
    ctx.db,
    ctx.merchantId,
    conversation.id,
    { kind: "agent", action: "close" },
    { now },
  );
}

async function endHandoff(
  tx: Tx,
  ctx: ServiceContext,
  facts: Facts,
  status: "returned" | "closed",
  now: Date,
): Promise<void> {
  const [ended] = await tx
    .update(conversationHandoffs)
    .set({ status, endedAt: now, updatedAt: now })
    .where(
      and(
        eq(conversationHandoffs.merchantId, ctx.merchantId),
        eq(conversationHandoffs.conversationId, facts.conversation.id),
        eq(conversationHandoffs.status, "assigned"),
        eq(conversationHandoffs.assignedUserId, ctx.user.id),
      ),
    )
    .returning({ status: conversationHandoffs.status });
  if (!ended) throw new ConflictError("You no longer hold this conversation.");
}
