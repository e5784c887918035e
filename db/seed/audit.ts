// The audit trail of the team's own actions and the one pending invite, consistent with the
// connections, flows, refunds, disputes and alerts generated for the same merchant.
import type { Invite } from "@/db/schema/auth";
import type { Dispute, DisputeEvidence } from "@/db/schema/disputes";
import type { Alert, AuditEntry } from "@/db/schema/ops";
import type { Refund } from "@/db/schema/payments";
import { hashToken, randomToken } from "@/lib/crypto/tokens";
import { minorToMajorString } from "@/lib/money";
import type { Staff } from "./catalog";
import type { SeededConnection } from "./connections";
import type { SeededFlow } from "./conversation";
import type { SeededRandom } from "./random";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface AuditInput {
  rng: SeededRandom;
  now: Date;
  merchantId: string;
  owner: Staff;
  /** People who signed in over the last three weeks, and how often. */
  signIns: readonly [Staff, number][];
  connections: SeededConnection[];
  flows: SeededFlow[];
  refunds: Refund[];
  disputes: Dispute[];
  evidence: DisputeEvidence[];
  alerts: Alert[];
  /** Lumière's team story: a role change, a key rotation, an invite, dispute work. */
  team?: { admin: Staff; support: Staff; analyst: Staff; invite: Invite };
}

const AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
];

export function buildAuditLog(input: AuditInput): AuditEntry[] {
  const { rng, now, merchantId, owner, team } = input;
  const entries: AuditEntry[] = [];
  const people = [
    owner,
    ...input.signIns.map(([person]) => person),
    ...(team ? [team.admin, team.support, team.analyst] : []),
  ];
  const byId = new Map(people.map((p) => [p.id, p]));
  const ipOf = new Map([...byId.keys()].map((id, i) => [id, `203.0.113.${20 + i * 7}`]));
  const add = (
    actor: Staff,
    at: Date,
    action: string,
    target: { type: string; id: string | null },
    summary: string,
    before: Record<string, unknown> | null = null,
    after: Record<string, unknown> | null = null,
  ) => {
    entries.push({
      merchantId,
      id: rng.id("audit"),
      actorUserId: actor.id,
      actorEmail: actor.email,
      action,
      targetType: target.type,
      targetId: target.id,
      summary,
      before,
      after,
      ip: ipOf.get(actor.id) ?? null,
      userAgent: rng.pick(AGENTS),
      createdAt: at,
    });
  };

  for (const c of input.connections) {
    add(
      owner,
      c.row.createdAt,
      "connection.created",
      { type: "connection", id: c.row.id },
      `Connected ${c.row.label} (${c.row.mode})`,
      null,
      { provider: c.row.provider, label: c.row.label, mode: c.row.mode },
    );
  }
  for (const flow of input.flows) {
    for (const v of flow.versions) {
      const actor = team && v.version % 2 === 0 ? team.admin : owner;
      add(
        actor,
        v.publishedAt,
        "flow.published",
        { type: "flow", id: flow.id },
        `Published "${flow.spec.name}" version ${v.version}`,
        null,
        { versionId: v.id, version: v.version },
      );
    }
  }
  for (const [person, count] of input.signIns) {
    for (let i = 0; i < count; i++) {
      const at = new Date(now.getTime() - rng.int(1, 21 * 24) * HOUR - rng.int(0, 59) * 60_000);
      add(person, at, "auth.sign_in", { type: "user", id: person.id }, `${person.email} signed in`);
    }
  }
  for (const refund of input.refunds) {
    const actor = (refund.createdByUserId && byId.get(refund.createdByUserId)) || owner;
    add(
      actor,
      refund.createdAt,
      "refund.created",
      { type: "payment", id: refund.paymentId },
      `Refunded ${minorToMajorString(refund.amountMinor, refund.currency)} ${refund.currency}`,
      null,
      {
        refundId: refund.id,
        amountMinor: refund.amountMinor,
        currency: refund.currency,
        reason: refund.reason,
      },
    );
  }

  if (team) {
    const roleChangeAt = new Date(now.getTime() - 18 * DAY - 3 * HOUR);
    add(
      owner,
      roleChangeAt,
      "member.role_changed",
      { type: "user", id: team.analyst.id },
      `${team.analyst.email}: Support → Analyst`,
      { role: "support" },
      { role: "analyst" },
    );

    const stripe = input.connections.find((c) => c.row.provider === "stripe");
    if (stripe) {
      const at = stripe.row.credentialsVerifiedAt ?? new Date(now.getTime() - 12 * DAY);
      add(
        team.admin,
        at,
        "connection.credentials_rotated",
        { type: "connection", id: stripe.row.id },
        `Rotated the API keys of ${stripe.row.label}`,
        {
          keyVersion: stripe.row.keyVersion,
          credentialsHint: { secretKey: "sk_test_…9Qd1", webhookSecret: "whsec_…kT2w" },
        },
        { keyVersion: stripe.row.keyVersion, credentialsHint: stripe.hint },
      );
    }

    const invite = team.invite;
    add(
      team.admin,
      invite.createdAt,
      "invite.created",
      { type: "invite", id: invite.id },
      `Invited ${invite.email} as Support`,
      null,
      { email: invite.email, role: invite.role, expiresAt: invite.expiresAt.toISOString() },
    );

    for (const dispute of input.disputes) {
      if (!dispute.assigneeUserId) continue;
      add(
        team.admin,
        new Date(dispute.openedAt.getTime() + 2 * HOUR),
        "dispute.assigned",
        { type: "dispute", id: dispute.id },
        `Assigned the dispute to ${team.support.email}`,
        { assigneeUserId: null },
        { assigneeUserId: dispute.assigneeUserId },
      );
    }
    for (const item of input.evidence) {
      add(
        team.support,
        item.createdAt,
        "dispute.evidence_added",
        { type: "dispute", id: item.disputeId },
        `Added evidence "${item.title}"`,
        null,
        { evidenceId: item.id, kind: item.kind },
      );
    }
    for (const alert of input.alerts) {
      if (alert.status !== "acknowledged") continue;
      add(
        team.support,
        new Date(alert.openedAt.getTime() + 40 * 60_000),
        "alert.acknowledged",
        { type: "alert", id: alert.id },
        `Acknowledged "${alert.title}"`,
        { status: "open" },
        { status: "acknowledged" },
      );
    }
  }
  return entries
    .filter((e) => e.createdAt.getTime() <= now.getTime())
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/**
 * The pending invite. Its token is truly random (and thrown away): a token derived from the
 * seed would let anyone who knows `now` accept the invite.
 */
export function buildPendingInvite(
  rng: SeededRandom,
  merchantId: string,
  now: Date,
  email: string,
  role: Invite["role"],
  invitedBy: Staff,
  expiresInDays: number,
): Invite {
  const lifetimeDays = 7;
  const createdAt = new Date(now.getTime() - (lifetimeDays - expiresInDays) * DAY);
  return {
    merchantId,
    id: rng.id("invite"),
    email,
    role,
    tokenHash: hashToken(randomToken(32)),
    invitedByUserId: invitedBy.id,
    expiresAt: new Date(now.getTime() + expiresInDays * DAY),
    acceptedAt: null,
    acceptedByUserId: null,
    revokedAt: null,
    createdAt,
  };
}
