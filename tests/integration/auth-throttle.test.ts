import type { Db, DbHandle } from "@/db/client";
import { auditLog, memberships, merchants, signInThrottle, users } from "@/db/schema";
import { authenticate } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { isSessionLive, revokeAllSessions, revokeSession } from "@/lib/auth/sessions";
import { THROTTLE_POLICY } from "@/lib/auth/throttle";
import { trustedProxyList } from "@/lib/env";
import { clientIp, type TrustedProxyConfig } from "@/lib/http/client-ip";
import { newId } from "@/lib/ids";
import { acceptInvite } from "@/lib/team/accept-invite";
import { and, asc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

const PASSWORD = "correct horse battery";
const FREE = THROTTLE_POLICY.accountAddress.freeAttempts;
const NO_PROXY: TrustedProxyConfig = { kind: "none" };
const BEHIND_LB: TrustedProxyConfig = { kind: "list", proxies: trustedProxyList(["10.0.0.0/8"]) };

describe.each(ENGINES)("sign-in throttle and sessions on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let passwordHash: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    passwordHash = await hashPassword(PASSWORD);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function addUser(label: string) {
    const id = newId("user");
    const email = `${label}.${id.slice(-6).toLowerCase()}@example.test`;
    await db.insert(users).values({ id, email, name: label, passwordHash });
    return { id, email };
  }

  /** One sign-in as a request would make it: the address comes from its headers. */
  function attempt(
    email: string,
    password: string,
    forwardedFor: string,
    proxy: TrustedProxyConfig,
  ) {
    const headers = new Headers({ "x-forwarded-for": forwardedFor });
    return authenticate(db, { email, password }, { ip: clientIp(headers, proxy), userAgent: "t" });
  }

  it("without a trusted proxy, rotating X-Forwarded-For does not reset the count", async () => {
    const victim = await addUser("rotate");
    for (let i = 0; i < FREE; i++) {
      const r = await attempt(victim.email, "wrong", `198.51.100.${i}`, NO_PROXY);
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    const reasons = [];
    for (let i = 0; i < 2; i++) {
      const r = await attempt(victim.email, PASSWORD, `203.0.113.${i}`, NO_PROXY);
      reasons.push(r.ok ? "ok" : r.reason);
    }
    // Locked for this account from the (unknown, shared) address, whatever the header said.
    expect(reasons).toEqual(["rate_limited", "rate_limited"]);
    const [row] = await db
      .select()
      .from(signInThrottle)
      .where(like(signInThrottle.key, `acct-ip:${victim.email}|%`));
    expect(row).toMatchObject({ key: `acct-ip:${victim.email}|direct`, failures: FREE });
  });

  it("behind a trusted proxy, the client's part counts: its forged prefix does not", async () => {
    const victim = await addUser("proxied");
    for (let i = 0; i < FREE; i++) {
      const r = await attempt(
        victim.email,
        "wrong",
        `1.1.1.${i}, 203.0.113.7, 10.0.0.1`,
        BEHIND_LB,
      );
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    const again = await attempt(
      victim.email,
      PASSWORD,
      `9.9.9.9, 203.0.113.7, 10.0.0.1`,
      BEHIND_LB,
    );
    expect(again).toMatchObject({ ok: false, reason: "rate_limited" });

    // The attacker's lock is theirs: the owner, from their own address, still signs in.
    const owner = await attempt(victim.email, PASSWORD, `198.51.100.20, 10.0.0.2`, BEHIND_LB);
    expect(owner.ok).toBe(true);
    // ...and the backstop counted every guess against the account.
    const [backstop] = await db
      .select()
      .from(signInThrottle)
      .where(eq(signInThrottle.key, `acct:${victim.email}`));
    expect(backstop.failures).toBe(FREE);
  });

  it("counts concurrent attempts exactly: no more guesses than the allowance get through", async () => {
    const victim = await addUser("parallel");
    const results = await Promise.all(
      Array.from({ length: FREE * 3 }, () =>
        attempt(victim.email, "wrong", "203.0.113.50, 10.0.0.1", BEHIND_LB),
      ),
    );
    const checked = results.filter((r) => !r.ok && r.reason === "invalid");
    const refused = results.filter((r) => !r.ok && r.reason === "rate_limited");
    expect(checked).toHaveLength(FREE);
    expect(refused).toHaveLength(FREE * 2);
    const rows = await db
      .select({ key: signInThrottle.key, failures: signInThrottle.failures })
      .from(signInThrottle)
      .where(like(signInThrottle.key, `%${victim.email}%`));
    expect(Object.fromEntries(rows.map((r) => [r.key, r.failures]))).toEqual({
      [`acct-ip:${victim.email}|203.0.113.50`]: FREE,
      [`acct:${victim.email}`]: FREE,
    });
    const [perAddress] = await db
      .select()
      .from(signInThrottle)
      .where(eq(signInThrottle.key, "ip:203.0.113.50"));
    expect(perAddress.failures).toBe(FREE);
  });

  it("locks an account across addresses only at the much higher backstop", async () => {
    const victim = await addUser("distributed");
    const backstop = THROTTLE_POLICY.account.freeAttempts;
    expect(backstop).toBeGreaterThanOrEqual(FREE * 10);
    // Pretend a botnet already spent the backstop from many addresses.
    await db.insert(signInThrottle).values({
      key: `acct:${victim.email}`,
      failures: backstop,
      windowStartedAt: new Date(),
      lockedUntil: new Date(Date.now() + 60_000),
    });
    const r = await attempt(victim.email, PASSWORD, "198.51.100.77, 10.0.0.1", BEHIND_LB);
    expect(r).toMatchObject({ ok: false, reason: "rate_limited" });
    // A refused attempt costs the address-level counters nothing.
    const rows = await db
      .select()
      .from(signInThrottle)
      .where(eq(signInThrottle.key, `acct-ip:${victim.email}|198.51.100.77`));
    expect(rows[0]?.failures ?? 0).toBe(0);
  });

  it("a session ends on the server: sign-out revokes one, sign out everywhere all", async () => {
    const person = await addUser("sessions");
    const a = await authenticate(
      db,
      { email: person.email, password: PASSWORD },
      { ip: null, userAgent: "A" },
    );
    const b = await authenticate(
      db,
      { email: person.email, password: PASSWORD },
      { ip: null, userAgent: "B" },
    );
    if (!a.ok || !b.ok) throw new Error("sign-in failed");
    expect(a.sessionId).not.toBe(b.sessionId);
    const claimsA = { userId: person.id, sessionId: a.sessionId };
    const claimsB = { userId: person.id, sessionId: b.sessionId };
    expect(await isSessionLive(db, claimsA)).toBe(true);
    expect(await isSessionLive(db, { userId: "usr_other", sessionId: a.sessionId })).toBe(false);
    expect(await isSessionLive(db, { userId: person.id })).toBe(false);

    await revokeSession(db, claimsA);
    expect(await isSessionLive(db, claimsA)).toBe(false);
    expect(await isSessionLive(db, claimsB)).toBe(true);

    const [before] = await db.select().from(users).where(eq(users.id, person.id));
    expect(await revokeAllSessions(db, person.id)).toBe(1);
    expect(await isSessionLive(db, claimsB)).toBe(false);
    const [after] = await db.select().from(users).where(eq(users.id, person.id));
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);

    const expired = await authenticate(
      db,
      { email: person.email, password: PASSWORD },
      { ip: null, userAgent: "C" },
    );
    if (!expired.ok) throw new Error("sign-in failed");
    const later = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    expect(
      await isSessionLive(db, { userId: person.id, sessionId: expired.sessionId }, later),
    ).toBe(false);
  });

  it("sign-out and sign out everywhere are audited in each of the person's merchants, once", async () => {
    const person = await addUser("audited");
    const merchantIds = [newId("merchant"), newId("merchant")];
    for (const id of merchantIds) {
      await db.insert(merchants).values({ id, name: id, slug: id.toLowerCase() });
      await db.insert(memberships).values({ merchantId: id, userId: person.id, role: "support" });
    }
    const client = { ip: "203.0.113.5", userAgent: "Phone" };
    const signIns = [];
    for (let i = 0; i < 3; i++) {
      const r = await authenticate(db, { email: person.email, password: PASSWORD }, client);
      if (!r.ok) throw new Error("sign-in failed");
      signIns.push(r.sessionId);
    }
    const claims = { userId: person.id, sessionId: signIns[0] };
    expect(await revokeSession(db, claims, client)).toBe(true);
    // The same cookie replayed: nothing left to end, nothing written.
    expect(await revokeSession(db, claims, client)).toBe(false);
    expect(await revokeAllSessions(db, person.id, client)).toBe(2);

    for (const merchantId of merchantIds) {
      const entries = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.actorUserId, person.id)))
        .orderBy(asc(auditLog.createdAt), asc(auditLog.id));
      const exits = entries.filter((e) => e.action !== "auth.sign_in");
      expect(exits.map((e) => e.action)).toEqual(["auth.sign_out", "auth.sign_out_everywhere"]);
      expect(exits[1].after).toEqual({ sessionsEnded: 2 });
      for (const e of exits) expect(e).toMatchObject({ ip: "203.0.113.5", userAgent: "Phone" });
    }
  });

  it("throttles invitation attempts per address", async () => {
    const ip = "203.0.113.99";
    const limit = THROTTLE_POLICY.invite.freeAttempts;
    const outcomes: number[] = [];
    for (let i = 0; i < limit + 2; i++) {
      const status = await acceptInvite(
        db,
        { token: "A".repeat(43) },
        { ip, userAgent: null },
      ).then(
        () => 200,
        (e: { status?: number }) => e.status ?? 500,
      );
      outcomes.push(status);
    }
    expect(outcomes.slice(0, limit).every((s) => s === 410)).toBe(true);
    expect(outcomes.slice(limit)).toEqual([429, 429]);
  });
});
