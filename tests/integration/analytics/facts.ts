// Raw facts for the analytics tests, written straight into the tables (payments, refunds,
// disputes, conversations, conversation events) the way the pipeline leaves them.
import type { Db } from "@/db/client";
import {
  conversationEvents,
  conversations,
  disputes,
  merchants,
  payments,
  type Mode,
} from "@/db/schema";
import type { DisputeStatus } from "@/db/schema/disputes";
import type { PaymentMethod, PaymentStatus, ProviderKind } from "@/lib/connections/providers/types";
import { newId } from "@/lib/ids";
import { and, eq } from "drizzle-orm";

export async function addMerchantInZone(db: Db, timeZone: string): Promise<string> {
  const id = newId("merchant");
  await db
    .insert(merchants)
    .values({ id, name: "Analytics Fixture", slug: id.toLowerCase(), timezone: timeZone });
  return id;
}

export interface PaymentFact {
  id?: string;
  mode?: Mode;
  connectionId?: string;
  provider?: ProviderKind;
  conversationId?: string | null;
  flowId?: string | null;
  amountMinor: number;
  currency: string;
  method?: PaymentMethod | null;
  status: PaymentStatus;
  failureCode?: string | null;
  refundedMinor?: number;
  createdAt: Date;
  updatedAt?: Date;
  succeededAt?: Date | null;
}

export async function addPayment(db: Db, merchantId: string, fact: PaymentFact): Promise<string> {
  const id = fact.id ?? newId("payment");
  await db.insert(payments).values({
    merchantId,
    id,
    connectionId: fact.connectionId ?? "conn_sandbox",
    provider: fact.provider ?? "sandbox",
    conversationId: fact.conversationId ?? null,
    flowId: fact.flowId ?? null,
    amountMinor: fact.amountMinor,
    currency: fact.currency,
    method: fact.method ?? "card",
    status: fact.status,
    idempotencyKey: `idem_${id}`,
    failureCode: fact.failureCode ?? null,
    refundedMinor: fact.refundedMinor ?? 0,
    mode: fact.mode ?? "live",
    createdAt: fact.createdAt,
    updatedAt: fact.updatedAt ?? fact.createdAt,
    succeededAt: fact.succeededAt ?? null,
  });
  return id;
}

export async function updatePayment(
  db: Db,
  merchantId: string,
  id: string,
  set: Partial<{
    status: PaymentStatus;
    refundedMinor: number;
    failureCode: string | null;
    succeededAt: Date | null;
  }>,
  updatedAt: Date,
): Promise<void> {
  await db
    .update(payments)
    .set({ ...set, updatedAt })
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, id)));
}

export async function addDispute(
  db: Db,
  merchantId: string,
  payment: {
    id: string;
    connectionId?: string;
    mode?: Mode;
    amountMinor: number;
    currency: string;
  },
  status: DisputeStatus,
  at: Date,
): Promise<string> {
  const id = newId("dispute");
  await db.insert(disputes).values({
    merchantId,
    id,
    paymentId: payment.id,
    connectionId: payment.connectionId ?? "conn_sandbox",
    mode: payment.mode ?? "live",
    providerDisputeId: `dp_${id}`,
    reason: "fraudulent",
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    status,
    openedAt: at,
    createdAt: at,
    updatedAt: at,
  });
  return id;
}

export interface ConversationFact {
  id?: string;
  mode?: Mode;
  flowId: string;
  flowVersionId?: string;
  channel?: "web" | "telegram" | "messenger" | "whatsapp" | "slack";
  startedAt: Date;
  /** When the row was last written (the engine stamps its own clock); startedAt by default. */
  updatedAt?: Date;
  /** Nodes entered in order, with extra event kinds after each (e.g. method_chosen). */
  path: { nodeId: string; nodeType: string; kinds?: string[] }[];
  isSimulation?: boolean;
}

export async function addConversation(
  db: Db,
  merchantId: string,
  fact: ConversationFact,
): Promise<string> {
  const id = fact.id ?? newId("conversation");
  await db.insert(conversations).values({
    merchantId,
    id,
    flowId: fact.flowId,
    flowVersionId: fact.flowVersionId ?? `${fact.flowId}_v1`,
    channel: fact.channel ?? "web",
    externalUserId: `u_${id}`,
    externalChatId: `c_${id}`,
    mode: fact.mode ?? "live",
    isSimulation: fact.isSimulation ?? false,
    startedAt: fact.startedAt,
    updatedAt: fact.updatedAt ?? fact.startedAt,
  });
  let t = fact.startedAt.getTime();
  for (const step of fact.path) {
    for (const kind of ["entered", ...(step.kinds ?? [])]) {
      t += 1000;
      await db.insert(conversationEvents).values({
        merchantId,
        id: newId("conversationEvent"),
        conversationId: id,
        flowId: fact.flowId,
        flowVersionId: fact.flowVersionId ?? `${fact.flowId}_v1`,
        nodeId: step.nodeId,
        nodeType: step.nodeType,
        kind,
        occurredAt: new Date(t),
      });
    }
  }
  return id;
}
