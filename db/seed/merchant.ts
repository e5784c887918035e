// Everything one demo merchant is made of, built in memory before anything is written: the
// merchant, its connections and flows, its traffic and what followed it, and its operations.
import type { Invite, Membership, Merchant } from "@/db/schema/auth";
import type { Connection } from "@/db/schema/connections";
import type { ConversationEvent, ConversationMessage } from "@/db/schema/conversations";
import type { Dispute, DisputeEvidence } from "@/db/schema/disputes";
import type { Flow, FlowVersion } from "@/db/schema/flows";
import type { Alert, AlertRule, AuditEntry } from "@/db/schema/ops";
import type { Payment, Refund, WebhookDelivery } from "@/db/schema/payments";
import type { ProviderKind } from "@/lib/connections/providers/types";
import { generateAftermath } from "./aftermath";
import { buildAlertRules, buildAlerts } from "./alerts";
import { buildAuditLog, buildPendingInvite } from "./audit";
import { MERCHANTS, PENDING_INVITE, type MerchantKey, type Staff } from "./catalog";
import { buildConnections } from "./connections";
import type { SeededConversation } from "./conversation";
import { buildFlowRows } from "./flow-rows";
import { buildTranscript } from "./messages";
import type { PaymentEventRow } from "./payment-plan";
import { PLANS } from "./plans";
import type { SeededRandom } from "./random";
import { generateTraffic } from "./traffic";
import { generateWebhooks } from "./webhooks";

const DAY = 86_400_000;

export interface MerchantRows {
  merchant: Merchant;
  memberships: Membership[];
  invites: Invite[];
  connections: Connection[];
  flows: Flow[];
  flowVersions: FlowVersion[];
  conversations: SeededConversation["row"][];
  conversationEvents: ConversationEvent[];
  conversationMessages: ConversationMessage[];
  payments: Payment[];
  paymentEvents: PaymentEventRow[];
  webhookInbox: WebhookDelivery[];
  refunds: Refund[];
  disputes: Dispute[];
  disputeEvidence: DisputeEvidence[];
  alertRules: AlertRule[];
  alerts: Alert[];
  auditLog: AuditEntry[];
}

export interface MerchantTeam {
  owner: Staff;
  /** Lumière's full team; Nusantara has only its owner (and Camille as an analyst). */
  admin?: Staff;
  support?: Staff;
  analyst?: Staff;
  /** Members beyond the owner, with their roles. */
  members: { staff: Staff; role: Membership["role"] }[];
}

export function buildMerchant(
  root: SeededRandom,
  key: MerchantKey,
  now: Date,
  team: MerchantTeam,
  appOrigin: string,
): MerchantRows {
  const spec = MERCHANTS[key];
  const plan = PLANS[key];
  const rng = root.fork(`${key}:setup`);
  const merchantId = rng.id("merchant");
  const createdAt = new Date(now.getTime() - plan.ageDays * DAY);
  const merchant: Merchant = {
    id: merchantId,
    name: spec.name,
    slug: spec.slug,
    country: spec.country,
    defaultCurrency: spec.defaultCurrency,
    timezone: spec.timezone,
    // The demo logins are exempt from two-factor in demo mode (lib/auth/two-factor/policy.ts);
    // the policy stays off so invited demo members are not sent to enrolment either.
    requireTwoFactor: false,
    createdAt,
  };
  const memberships: Membership[] = [
    { merchantId, userId: team.owner.id, role: "owner", createdAt, updatedAt: createdAt },
    ...team.members.map((m, i) => {
      const joined = new Date(createdAt.getTime() + (i + 1) * 2 * DAY);
      return { merchantId, userId: m.staff.id, role: m.role, createdAt: joined, updatedAt: joined };
    }),
  ];

  const connections = buildConnections(
    rng,
    key,
    merchantId,
    now,
    new Date(createdAt.getTime() + DAY),
  );
  const connectionIds: Partial<Record<ProviderKind, string>> = {};
  for (const c of connections) connectionIds[c.row.provider] ??= c.row.id;
  const flows = buildFlowRows(rng, key, merchantId, now, team);
  const published = flows.seeded.filter((f) => f.spec.status === "published");

  const invoiceNumbers = new Map<number, number>();
  const traffic = generateTraffic(
    {
      rng: root.fork(`${key}:traffic`),
      now,
      merchant: spec,
      merchantId,
      connectionIds,
      appOrigin,
      nextInvoiceNumber: (year) => {
        const next = (invoiceNumbers.get(year) ?? 140) + 1;
        invoiceNumbers.set(year, next);
        return next;
      },
    },
    published,
    plan.traffic,
  );
  const payments = traffic.conversations.flatMap((c) => (c.payment ? [c.payment] : []));

  const aftermath = generateAftermath({
    rng: root.fork(`${key}:aftermath`),
    now,
    merchantId,
    payments,
    refundRate: plan.refundRate,
    disputeRate: plan.disputeRate,
    disputePlan: plan.disputePlan,
    refunderUserIds: [team.owner, team.admin, team.support].flatMap((s) => (s ? [s.id] : [])),
    assigneeUserId: team.support?.id ?? null,
  });

  const webhookInbox = generateWebhooks({
    rng: root.fork(`${key}:webhooks`),
    now,
    merchantId,
    payments,
    merchantAccounts: new Map(
      connections.flatMap((c) =>
        c.hint.merchantAccount ? [[c.row.id, c.hint.merchantAccount] as const] : [],
      ),
    ),
    rejected: plan.rejectedWebhooks,
    failed: plan.failedWebhooks,
  });
  for (const c of connections) {
    const times = payments
      .flatMap((p) => p.events)
      .filter((e) => e.connectionId === c.row.id && e.source === "provider")
      .map((e) => e.occurredAt.getTime());
    c.row.lastEventAt = times.length > 0 ? new Date(Math.max(...times)) : null;
    c.row.signatureFailures = webhookInbox.filter(
      (w) => w.connectionId === c.row.id && w.status === "rejected",
    ).length;
  }

  // Transcripts for the newest conversations only; one of them shows card-data redaction.
  const messageRng = root.fork(`${key}:messages`);
  const eventsByConversation = new Map<string, ConversationEvent[]>();
  for (const e of traffic.events) {
    const list = eventsByConversation.get(e.conversationId);
    if (list) list.push(e);
    else eventsByConversation.set(e.conversationId, [e]);
  }
  const recent = traffic.conversations.slice(-plan.transcripts);
  const leakAt = recent.length - 3;
  const conversationMessages = recent.flatMap((conversation, i) =>
    buildTranscript({
      rng: messageRng,
      merchantId,
      conversation,
      events: eventsByConversation.get(conversation.row.id) ?? [],
      graph: flows.graphs.get(`${conversation.row.flowId}:${conversation.flowVersion}`)!,
      withCardLeak: key === "lumiere" && i === leakAt,
    }),
  );

  const opsRng = root.fork(`${key}:ops`);
  const alertRules = buildAlertRules(opsRng, merchantId, new Date(createdAt.getTime() + 2 * DAY));
  const spikeConnection = connections.find((c) => c.row.provider === "adyen");
  const alerts =
    key === "lumiere"
      ? buildAlerts({
          rng: opsRng,
          now,
          merchantId,
          rules: alertRules,
          payments,
          disputes: aftermath.disputes,
          ...(traffic.spikeWindow && { spikeWindow: traffic.spikeWindow }),
          ...(spikeConnection && { spikeConnection }),
          acknowledger: team.support ?? team.owner,
        })
      : [];
  const invites =
    key === "lumiere" && team.admin
      ? [
          buildPendingInvite(
            opsRng,
            merchantId,
            now,
            PENDING_INVITE.email,
            PENDING_INVITE.role,
            team.admin,
            PENDING_INVITE.expiresInDays,
          ),
        ]
      : [];
  const auditLog = buildAuditLog({
    rng: opsRng,
    now,
    merchantId,
    owner: team.owner,
    signIns:
      key === "lumiere"
        ? [
            [team.owner, 9],
            ...[team.admin, team.support, team.analyst].flatMap((s, i): [Staff, number][] =>
              s ? [[s, [7, 12, 4][i]]] : [],
            ),
          ]
        : [[team.owner, 6], ...team.members.map((m): [Staff, number] => [m.staff, 3])],
    connections,
    flows: flows.seeded,
    refunds: aftermath.refunds,
    disputes: aftermath.disputes,
    evidence: aftermath.evidence,
    alerts,
    ...(team.admin &&
      team.support &&
      team.analyst &&
      invites[0] && {
        team: {
          admin: team.admin,
          support: team.support,
          analyst: team.analyst,
          invite: invites[0],
        },
      }),
  });

  return {
    merchant,
    memberships,
    invites,
    connections: connections.map((c) => c.row),
    flows: flows.flows,
    flowVersions: flows.versions,
    conversations: traffic.conversations.map((c) => c.row),
    conversationEvents: traffic.events,
    conversationMessages,
    payments: payments.map((p) => p.row),
    paymentEvents: payments.flatMap((p) => p.events),
    webhookInbox,
    refunds: aftermath.refunds,
    disputes: aftermath.disputes,
    disputeEvidence: aftermath.evidence,
    alertRules,
    alerts,
    auditLog,
  };
}
