// The deterministic demo seed: two merchants with ~90 days of chat payments. The same `now`
// always gives the same rows and ids (only bcrypt salts, sealed credentials and the invite
// token are random), and a database that already holds the demo merchant is left untouched.
import type { Db, Tx } from "@/db/client";
import {
  alertRules,
  alerts,
  auditLog,
  connections,
  conversationEvents,
  conversationMessages,
  conversations,
  disputeEvidence,
  disputes,
  flows,
  flowVersions,
  invites,
  memberships,
  merchants,
  paymentEvents,
  payments,
  refunds,
  users,
  webhookInbox,
} from "@/db/schema";
import type { User } from "@/db/schema/auth";
import { rebuildRollups } from "@/lib/analytics/rollup-job";
import { hashPassword } from "@/lib/auth/password";
import { appUrl } from "@/lib/env";
import { flowLookups, inviteLookups, recordGlobalLookups } from "@/lib/global-lookups";
import { eq, inArray } from "drizzle-orm";
import {
  DEMO_LOGINS,
  DEMO_MERCHANT_SLUG,
  DEMO_PASSWORD,
  DEMO_USERS,
  type DemoLogin,
  SECOND_MERCHANT_SLUG,
  type Staff,
} from "./catalog";
import { insertInChunks } from "./insert";
import { buildMerchant, type MerchantRows } from "./merchant";
import { hashSeed, SeededRandom } from "./random";

export { DEMO_LOGINS, DEMO_MERCHANT_SLUG, DEMO_PASSWORD, SECOND_MERCHANT_SLUG, type DemoLogin };

export interface SeedSummary {
  created: boolean;
  merchants: { id: string; slug: string; name: string }[];
  logins: DemoLogin[];
  /** Rows written per table (empty when nothing was created). */
  counts: Record<string, number>;
  ms: number;
}

/** Thrown inside the transaction when another seed got there first, to roll back quietly. */
class AlreadySeeded extends Error {}

async function existingMerchants(db: Db) {
  return db
    .select({ id: merchants.id, slug: merchants.slug, name: merchants.name })
    .from(merchants)
    .where(inArray(merchants.slug, [DEMO_MERCHANT_SLUG, SECOND_MERCHANT_SLUG]))
    .orderBy(merchants.slug);
}

function buildUsers(
  rng: SeededRandom,
  passwordHash: string,
  now: Date,
): { rows: User[]; staff: Map<string, Staff> } {
  const rows: User[] = [];
  const staff = new Map<string, Staff>();
  for (const spec of DEMO_USERS) {
    const id = rng.id("user");
    rows.push({
      id,
      email: spec.email,
      name: spec.name,
      passwordHash,
      sessionVersion: 0,
      lastSignInAt: null,
      createdAt: new Date(now.getTime() - 130 * 86_400_000),
    });
    staff.set(spec.key, { id, email: spec.email, name: spec.name });
  }
  return { rows, staff };
}

async function writeMerchant(
  tx: Tx,
  rows: MerchantRows,
  counts: Record<string, number>,
): Promise<void> {
  const add = (name: string, n: number) => {
    counts[name] = (counts[name] ?? 0) + n;
  };
  add("memberships", await insertInChunks(tx, memberships, rows.memberships));
  add("invites", await insertInChunks(tx, invites, rows.invites));
  add("connections", await insertInChunks(tx, connections, rows.connections));
  add("flows", await insertInChunks(tx, flows, rows.flows));
  const lookups = [...inviteLookups(rows.invites), ...flowLookups(rows.flows)];
  await recordGlobalLookups(tx, lookups);
  add("global_lookups", lookups.length);
  add("flow_versions", await insertInChunks(tx, flowVersions, rows.flowVersions));
  add("conversations", await insertInChunks(tx, conversations, rows.conversations));
  add("conversation_events", await insertInChunks(tx, conversationEvents, rows.conversationEvents));
  add(
    "conversation_messages",
    await insertInChunks(tx, conversationMessages, rows.conversationMessages),
  );
  add("payments", await insertInChunks(tx, payments, rows.payments));
  add("payment_events", await insertInChunks(tx, paymentEvents, rows.paymentEvents));
  add("webhook_inbox", await insertInChunks(tx, webhookInbox, rows.webhookInbox));
  add("refunds", await insertInChunks(tx, refunds, rows.refunds));
  add("disputes", await insertInChunks(tx, disputes, rows.disputes));
  add("dispute_evidence", await insertInChunks(tx, disputeEvidence, rows.disputeEvidence));
  add("alert_rules", await insertInChunks(tx, alertRules, rows.alertRules));
  add("alerts", await insertInChunks(tx, alerts, rows.alerts));
  add("audit_log", await insertInChunks(tx, auditLog, rows.auditLog));
}

/**
 * Seeds the two demo merchants, their team and ~90 days of activity ending at `now`, in one
 * transaction. Returns created:false (and writes nothing) when the demo merchant exists.
 */
export async function seedDemo(db: Db, options: { now?: Date } = {}): Promise<SeedSummary> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const logins = DEMO_LOGINS.map((login) => ({ ...login }));
  const unchanged = async (): Promise<SeedSummary> => ({
    created: false,
    merchants: await existingMerchants(db),
    logins,
    counts: {},
    ms: Math.round(performance.now() - started),
  });

  const [existing] = await db
    .select({ id: merchants.id })
    .from(merchants)
    .where(eq(merchants.slug, DEMO_MERCHANT_SLUG))
    .limit(1);
  if (existing) return unchanged();

  // One bcrypt hash shared by every demo account: hashing each would cost ~70 ms apiece.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const root = new SeededRandom(hashSeed(now.toISOString()));
  const people = buildUsers(root.fork("users"), passwordHash, now);
  const origin = appUrl();
  const staff = (key: string) => people.staff.get(key)!;
  const lumiere = buildMerchant(
    root,
    "lumiere",
    now,
    {
      owner: staff("camille"),
      admin: staff("hugo"),
      support: staff("siti"),
      analyst: staff("wei"),
      members: [
        { staff: staff("hugo"), role: "admin" },
        { staff: staff("siti"), role: "support" },
        { staff: staff("wei"), role: "analyst" },
      ],
    },
    origin,
  );
  // Camille (Lumière's owner) is also an analyst at Nusantara: the merchant switcher and
  // cross-merchant role checks have something to show.
  const nusantara = buildMerchant(
    root,
    "nusantara",
    now,
    { owner: staff("dewi"), members: [{ staff: staff("camille"), role: "analyst" }] },
    origin,
  );

  // Each user's last sign-in is their latest sign-in in the audit log.
  for (const user of people.rows) {
    const times = [...lumiere.auditLog, ...nusantara.auditLog]
      .filter((e) => e.action === "auth.sign_in" && e.actorUserId === user.id)
      .map((e) => e.createdAt.getTime());
    user.lastSignInAt = times.length > 0 ? new Date(Math.max(...times)) : null;
  }

  const counts: Record<string, number> = {};
  try {
    await db.transaction(async (tx) => {
      // Merchants first: a concurrent seed blocks here until the other one commits, then
      // finds the slugs taken and backs out before touching anything else.
      const inserted = await tx
        .insert(merchants)
        .values([lumiere.merchant, nusantara.merchant])
        .onConflictDoNothing({ target: merchants.slug })
        .returning({ id: merchants.id });
      if (inserted.length < 2) throw new AlreadySeeded();
      counts.merchants = 2;
      await tx.insert(users).values(people.rows);
      counts.users = people.rows.length;
      await writeMerchant(tx, lumiere, counts);
      await writeMerchant(tx, nusantara, counts);
      // The Analytics page and the Flows list read rollups: build them before anyone signs in.
      for (const m of [lumiere.merchant, nusantara.merchant])
        await rebuildRollups(tx, { merchantId: m.id, now });
    });
  } catch (error) {
    // A concurrent seed got there first: the rollback kept nothing of ours.
    if (error instanceof AlreadySeeded) return unchanged();
    throw error;
  }

  return {
    created: true,
    merchants: [lumiere.merchant, nusantara.merchant].map((m) => ({
      id: m.id,
      slug: m.slug,
      name: m.name,
    })),
    logins,
    counts,
    ms: Math.round(performance.now() - started),
  };
}
