import type { Db, DbHandle } from "@/db/client";
import type { ServiceContext } from "@/lib/auth/context";
import { openCredentials } from "@/lib/connections/credentials";
import {
  createConnection,
  getConnection,
  listConnections,
  listDeliveries,
  rotateCredentials,
  setConnectionStatus,
  testConnection,
} from "@/lib/connections/service";
import { AppError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { createCheckout } from "@/lib/payments/checkout";
import { applyEvents } from "@/lib/webhooks/apply/events";
import { closedPortUrl } from "@/tests/fakes/http-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  auditRows,
  configurePipelineEnv,
  connectionRow,
  merchantWithRoles,
  useFakeProviders,
  type FakeProvider,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const fakes = useFakeProviders();
let deadUrl: string;

beforeAll(async () => {
  deadUrl = await closedPortUrl();
});

interface ProviderCase {
  provider: FakeProvider;
  credentials(): Record<string, string>;
  wrong(): Record<string, string>;
  invalid: { credentials: Record<string, string>; field: string };
  secretFields: string[];
}

const CASES: ProviderCase[] = [
  {
    provider: "stripe",
    credentials: () => fakes.credentials("stripe", "whsec_connection_test_secret"),
    wrong: () => ({ secretKey: "sk_test_not_a_key_stripe_knows", webhookSecret: "whsec_x" }),
    invalid: {
      credentials: { secretKey: "pk_test_123", webhookSecret: "whsec_x" },
      field: "credentials.secretKey",
    },
    secretFields: ["secretKey", "webhookSecret"],
  },
  {
    provider: "paypal",
    credentials: () => fakes.credentials("paypal"),
    wrong: () => ({ ...fakes.credentials("paypal"), clientSecret: "not-the-secret" }),
    invalid: {
      credentials: { clientId: "abc", clientSecret: "", webhookId: "WH-1" },
      field: "credentials.clientSecret",
    },
    secretFields: ["clientSecret"],
  },
  {
    provider: "adyen",
    credentials: () => fakes.credentials("adyen"),
    wrong: () => ({ ...fakes.credentials("adyen"), apiKey: "AQE-wrong-key" }),
    invalid: {
      credentials: { apiKey: "k", merchantAccount: "M", hmacKey: "abc" },
      field: "credentials.hmacKey",
    },
    secretFields: ["apiKey", "hmacKey"],
  },
];

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(ENGINES)("connections on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let merchantId: string;
  let stranger: ServiceContext;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    const merchant = await merchantWithRoles(db);
    ({ owner, support, analyst, merchantId } = merchant);
    stranger = (await merchantWithRoles(db, "Somebody Else")).owner;
  });
  afterAll(async () => {
    await handle?.close();
  });

  describe.each(CASES)("$provider", (c) => {
    it("refuses bad credentials with field errors, and stores nothing", async () => {
      const before = (await listConnections(owner, "test")).length;
      const error = await rejection(
        createConnection(owner, {
          provider: c.provider,
          label: "Bad",
          mode: "test",
          credentials: c.invalid.credentials,
        }),
      );
      expect(error.status).toBe(422);
      expect(Object.keys(error.fieldErrors ?? {})).toContain(c.invalid.field);
      expect(Object.keys(error.fieldErrors ?? {}).every((k) => k.startsWith("credentials."))).toBe(
        true,
      );
      expect(await listConnections(owner, "test")).toHaveLength(before);
    });

    it("creates a connection that never shows its secrets, and audits it with hints only", async () => {
      const credentials = c.credentials();
      const { id } = await createConnection(owner, {
        provider: c.provider,
        label: `${c.provider} main`,
        mode: "test",
        credentials,
        apiBaseUrl: fakes[c.provider].url,
      });
      const summary = await getConnection(owner, id);
      expect(summary).toMatchObject({
        id,
        provider: c.provider,
        status: "active",
        mode: "test",
        apiBaseUrl: fakes[c.provider].url,
      });
      expect(summary.webhookUrl).toBe(`${APP_URL}/api/webhooks/${id}`);
      expect(summary.methods.length).toBeGreaterThan(0);
      expect(summary.currencies).toContain("EUR");
      expect(summary.health).toMatchObject({
        day: { volume: 0, successRate: null, signatureFailures: 0 },
        lastWebhookAt: null,
        verdict: { level: "green" },
      });
      const visible = JSON.stringify(await listConnections(analyst, "test"));
      const [audit] = await auditRows(db, merchantId, "connection.created").then((rows) =>
        rows.filter((r) => r.targetId === id),
      );
      for (const field of c.secretFields) {
        expect(visible).not.toContain(credentials[field]);
        expect(JSON.stringify(audit)).not.toContain(credentials[field]);
        expect(summary.credentialsHint[field]).toBeTruthy();
      }
      expect(audit.after).toMatchObject({
        provider: c.provider,
        credentialsHint: summary.credentialsHint,
      });
      // Stored encrypted, bound to the connection id.
      const row = await connectionRow(db, merchantId, id);
      expect(row.credentialsEncrypted).not.toContain(credentials[c.secretFields[0]]);
      expect(openCredentials(row.credentialsEncrypted, id)).toMatchObject(credentials);
    });

    it("records connection tests truthfully: ok, wrong key, unreachable", async () => {
      const { id } = await createConnection(owner, {
        provider: c.provider,
        label: "Tested",
        mode: "test",
        credentials: c.credentials(),
        apiBaseUrl: fakes[c.provider].url,
      });
      const ok = await testConnection(owner, id);
      expect(ok.ok).toBe(true);
      const afterOk = await getConnection(owner, id);
      expect(afterOk.lastVerification).toMatchObject({ ok: true });
      expect(afterOk.credentialsVerifiedAt).toBeInstanceOf(Date);

      const { id: wrongId } = await createConnection(owner, {
        provider: c.provider,
        label: "Wrong key",
        mode: "test",
        credentials: c.wrong(),
        apiBaseUrl: fakes[c.provider].url,
      });
      const wrong = await testConnection(owner, wrongId);
      expect(wrong).toMatchObject({ ok: false, reason: "invalid_credentials" });
      const afterWrong = await getConnection(owner, wrongId);
      expect(afterWrong.credentialsVerifiedAt).toBeNull();
      expect(afterWrong.health.lastError).toMatch(/Connection test failed/);
      // Refused keys take it out of checkout until a test passes.
      expect(afterWrong.status).toBe("error");

      const { id: deadId } = await createConnection(owner, {
        provider: c.provider,
        label: "Unreachable",
        mode: "test",
        credentials: c.credentials(),
        apiBaseUrl: deadUrl,
      });
      expect(await testConnection(owner, deadId)).toMatchObject({
        ok: false,
        reason: "unreachable",
      });
      const afterDead = await getConnection(owner, deadId);
      expect(afterDead.lastVerification).toMatchObject({ ok: false, reason: "unreachable" });
      // An unreachable provider says nothing about the keys.
      expect(afterDead.status).toBe("active");

      const tested = (await auditRows(db, merchantId, "connection.tested")).filter((r) =>
        [id, wrongId, deadId].includes(r.targetId!),
      );
      expect(tested.map((r) => (r.after as { ok: boolean }).ok).sort()).toEqual([
        false,
        false,
        true,
      ]);
    });

    it("rotates credentials: new secrets sealed, verification reset, audited with hints", async () => {
      const { id } = await createConnection(owner, {
        provider: c.provider,
        label: "Rotated",
        mode: "test",
        credentials: c.wrong(),
        apiBaseUrl: fakes[c.provider].url,
      });
      await testConnection(owner, id);
      const before = await getConnection(owner, id);
      expect(before.status).toBe("error");
      const error = await rejection(rotateCredentials(owner, id, c.invalid.credentials));
      expect(error.status).toBe(422);
      const after = await rotateCredentials(owner, id, c.credentials());
      expect(after.lastVerification).toBeNull();
      const row = await connectionRow(db, merchantId, id);
      expect(openCredentials(row.credentialsEncrypted, id)).toMatchObject(c.credentials());
      expect(await testConnection(owner, id)).toMatchObject({ ok: true });
      // The working keys bring it back into checkout.
      expect((await getConnection(owner, id)).status).toBe("active");
      const [audit] = (await auditRows(db, merchantId, "connection.credentials_rotated")).filter(
        (r) => r.targetId === id,
      );
      expect(audit).toMatchObject({
        before: { credentialsHint: before.credentialsHint },
        after: { credentialsHint: after.credentialsHint },
      });
      for (const field of c.secretFields)
        expect(JSON.stringify(audit)).not.toContain(c.credentials()[field]);
    });
  });

  it("creates a Sandbox connection with a generated secret, test mode only", async () => {
    const error = await rejection(
      createConnection(owner, { provider: "sandbox", label: "Live sandbox", mode: "live" }),
    );
    expect(error.fieldErrors?.mode).toBeDefined();
    const { id } = await createConnection(owner, {
      provider: "sandbox",
      label: "Sandbox",
      mode: "test",
      credentials: { webhookSecret: "mine" },
    });
    const row = await connectionRow(db, merchantId, id);
    const secret = openCredentials(row.credentialsEncrypted, id).webhookSecret;
    expect(secret).toMatch(/^whsec_sbx_/);
    expect(JSON.stringify(await getConnection(owner, id))).not.toContain(secret);
    expect(await testConnection(owner, id)).toMatchObject({ ok: true });
  });

  it("disables and enables with an audit entry each, and refuses checkouts while disabled", async () => {
    const { id } = await createConnection(owner, {
      provider: "sandbox",
      label: "Toggle",
      mode: "test",
    });
    expect((await setConnectionStatus(owner, id, "disabled")).status).toBe("disabled");
    const refused = await rejection(
      createCheckout(db, merchantId, {
        connectionId: id,
        amountMinor: 100,
        currency: "EUR",
        idempotencyKey: "while-disabled",
      }),
    );
    expect(refused.status).toBe(409);
    expect((await setConnectionStatus(owner, id, "active")).status).toBe("active");
    await setConnectionStatus(owner, id, "active"); // no change, no entry
    const entries = (await auditRows(db, merchantId, "connection.disabled"))
      .concat(await auditRows(db, merchantId, "connection.enabled"))
      .filter((r) => r.targetId === id);
    expect(entries.map((e) => e.action).sort()).toEqual([
      "connection.disabled",
      "connection.enabled",
    ]);
    expect(entries.find((e) => e.action === "connection.disabled")).toMatchObject({
      before: { status: "active" },
      after: { status: "disabled" },
    });
  });

  it("lets only owners and admins manage; everyone can look", async () => {
    const { id } = await createConnection(owner, {
      provider: "sandbox",
      label: "Perms",
      mode: "test",
    });
    for (const ctx of [support, analyst]) {
      await expect(
        createConnection(ctx, { provider: "sandbox", label: "x", mode: "test" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(testConnection(ctx, id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(rotateCredentials(ctx, id, {})).rejects.toBeInstanceOf(ForbiddenError);
      await expect(setConnectionStatus(ctx, id, "disabled")).rejects.toBeInstanceOf(ForbiddenError);
      expect((await getConnection(ctx, id)).id).toBe(id);
    }
  });

  it("treats another merchant's connection as not found everywhere", async () => {
    const { id } = await createConnection(owner, {
      provider: "sandbox",
      label: "Mine",
      mode: "test",
    });
    await expect(getConnection(stranger, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(testConnection(stranger, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rotateCredentials(stranger, id, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(setConnectionStatus(stranger, id, "disabled")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(listDeliveries(stranger, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createCheckout(db, stranger.merchantId, {
        connectionId: id,
        amountMinor: 100,
        currency: "EUR",
        idempotencyKey: "theirs",
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await listConnections(stranger, "test")).map((c) => c.id)).not.toContain(id);
    expect((await getConnection(owner, id)).status).toBe("active");
  });

  it("reports health: success rate over succeeded and failed payments", async () => {
    const { id } = await createConnection(owner, {
      provider: "sandbox",
      label: "Health",
      mode: "test",
    });
    const outcomes = [
      "payment.succeeded",
      "payment.succeeded",
      "payment.succeeded",
      "payment.failed",
    ] as const;
    for (const [i, type] of outcomes.entries()) {
      const payment = await createCheckout(db, merchantId, {
        connectionId: id,
        amountMinor: 500,
        currency: "EUR",
        idempotencyKey: `health-${i}`,
      });
      const connection = await connectionRow(db, merchantId, id);
      await db.transaction((tx) =>
        applyEvents(tx, connection, [
          {
            providerEventId: `evt_sbx_health_${i}`,
            type,
            rawType: type,
            occurredAt: new Date(),
            paymentId: payment.id,
            ...(type === "payment.failed" && {
              failure: { code: "card_declined", message: "Declined" },
            }),
          },
        ]),
      );
    }
    await createCheckout(db, merchantId, {
      connectionId: id,
      amountMinor: 500,
      currency: "EUR",
      idempotencyKey: "health-open",
    });
    const { health } = await getConnection(owner, id);
    expect(health.day.volume).toBe(5);
    expect(health.hour.volume).toBe(5);
    expect(health.day.successRate).toBeCloseTo(0.75);
  });
});
