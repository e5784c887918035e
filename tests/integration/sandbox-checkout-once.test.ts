import { submitSandboxChoice } from "@/app/pay/sandbox/[checkoutId]/submit";
import type { Db, DbHandle } from "@/db/client";
import { jobs, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import {
  MAX_PENDING_SANDBOX_DELIVERIES,
  SANDBOX_DELIVERY_JOB,
  SandboxCheckoutCompletedError,
} from "@/lib/connections/sandbox-completions";
import { completeSandboxCheckout, type SandboxTransport } from "@/lib/connections/sandbox-emitter";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { createCheckout } from "@/lib/payments/checkout";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  eventsOf,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

// The Sandbox checkout completes once: a second submit, even a concurrent one, answers with the
// outcome the checkout already has and sends no webhook; delayed webhooks are capped.
describe.each(ENGINES)("Sandbox checkout completes once on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let counter = 0;
  let sent: string[] = [];

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db, "Warung Sari"));
    ({ id: connectionId } = await sandboxConnection(owner));
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(async () => {
    sent = [];
    await resetRateLimits();
  });

  /** Delivers in-process to the webhook route and remembers each event type sent. */
  const toRoute: SandboxTransport = async (url, init) => {
    sent.push((JSON.parse(String(init.body)) as { type: string }).type);
    const target = new URL(url).pathname.split("/").at(-1)!;
    return handleWebhookRequest(db, target, new Request(url, init));
  };

  async function newPayment(): Promise<Payment> {
    counter += 1;
    return createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 45_000,
      currency: "IDR",
      description: "Nasi goreng ×2",
      idempotencyKey: `once-${engine}-${counter}`,
    });
  }

  const choice = (checkoutId: string, outcome: string, delaySeconds = 0) => ({
    checkoutId,
    choice: outcome === "declined" ? { outcome, declineCode: "card_declined" } : { outcome },
    delivery: { delaySeconds, duplicate: false, outOfOrder: false },
  });

  async function completionJobs(checkoutId: string) {
    const rows = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, merchantId), eq(jobs.kind, SANDBOX_DELIVERY_JOB)));
    return rows.filter((r) => (r.payload as { checkoutId?: string }).checkoutId === checkoutId);
  }

  it("two concurrent completions: one outcome, one set of webhooks", async () => {
    const payment = await newPayment();
    const checkoutId = payment.providerCheckoutId!;
    const headers = new Headers();
    const [a, b] = await Promise.all([
      submitSandboxChoice(db, headers, choice(checkoutId, "succeeded"), toRoute),
      submitSandboxChoice(db, headers, choice(checkoutId, "declined"), toRoute),
    ]);
    expect(a.ok && b.ok).toBe(true);
    const results = [a, b] as Extract<typeof a, { ok: true }>[];
    const first = results.find((r) => !r.alreadyCompleted)!;
    const second = results.find((r) => r.alreadyCompleted)!;
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    // The loser is told the winner's outcome, not its own.
    expect(second.outcome).toBe(first.outcome);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBe("payment.pending");
    const provider = (await eventsOf(db, merchantId, payment.id)).filter(
      (e) => e.source === "provider",
    );
    expect(provider).toHaveLength(2);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe(
      first.outcome === "succeeded" ? "succeeded" : "failed",
    );
    expect(await completionJobs(checkoutId)).toHaveLength(1);
  });

  it("concurrent completions at the emitter: one resolves, the other names the outcome", async () => {
    const payment = await newPayment();
    const checkoutId = payment.providerCheckoutId!;
    const settled = await Promise.allSettled([
      completeSandboxCheckout(db, checkoutId, { outcome: "timeout" }, toRoute),
      completeSandboxCheckout(db, checkoutId, { outcome: "timeout" }, toRoute),
      completeSandboxCheckout(db, checkoutId, { outcome: "succeeded" }, toRoute),
    ]);
    const fulfilled = settled.filter((s) => s.status === "fulfilled");
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(SandboxCheckoutCompletedError);
    expect(sent).toHaveLength(2);
  });

  it("a later submit answers with the outcome already recorded and sends nothing", async () => {
    const payment = await newPayment();
    const checkoutId = payment.providerCheckoutId!;
    const headers = new Headers();
    expect(await submitSandboxChoice(db, headers, choice(checkoutId, "declined"), toRoute)).toEqual(
      {
        ok: true,
        outcome: "declined",
        declineCode: "card_declined",
      },
    );
    sent = [];
    expect(
      await submitSandboxChoice(db, headers, choice(checkoutId, "succeeded"), toRoute),
    ).toEqual({
      ok: true,
      outcome: "declined",
      declineCode: "card_declined",
      alreadyCompleted: true,
    });
    expect(sent).toEqual([]);
  });

  it("a 3-D Secure challenge completes once after requires_action", async () => {
    const payment = await newPayment();
    const checkoutId = payment.providerCheckoutId!;
    await completeSandboxCheckout(db, checkoutId, { outcome: "requires_action" }, toRoute);
    sent = [];
    const [a, b] = await Promise.allSettled([
      completeSandboxCheckout(db, checkoutId, { outcome: "succeeded" }, toRoute),
      completeSandboxCheckout(db, checkoutId, { outcome: "succeeded" }, toRoute),
    ]);
    expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    expect(sent).toEqual(["payment.pending", "payment.succeeded"]);
    await expect(
      completeSandboxCheckout(db, checkoutId, { outcome: "requires_action" }, toRoute),
    ).rejects.toBeInstanceOf(SandboxCheckoutCompletedError);
    expect(await completionJobs(checkoutId)).toHaveLength(2);
  });

  it("a delayed delivery submitted twice is queued once", async () => {
    const payment = await newPayment();
    const checkoutId = payment.providerCheckoutId!;
    const headers = new Headers();
    const [a, b] = await Promise.all([
      submitSandboxChoice(db, headers, choice(checkoutId, "succeeded", 600), toRoute),
      submitSandboxChoice(db, headers, choice(checkoutId, "succeeded", 600), toRoute),
    ]);
    expect([a, b].filter((r) => r.ok && r.alreadyCompleted)).toHaveLength(1);
    const queued = await completionJobs(checkoutId);
    expect(queued).toHaveLength(1);
    expect(queued[0].status).toBe("pending");
    expect(sent).toEqual([]);
  });

  it("caps the delayed deliveries waiting on one connection", async () => {
    const waiting = await db
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.merchantId, merchantId),
          eq(jobs.kind, SANDBOX_DELIVERY_JOB),
          eq(jobs.status, "pending"),
        ),
      );
    const headers = new Headers();
    for (let i = waiting.length; i < MAX_PENDING_SANDBOX_DELIVERIES; i++) {
      const payment = await newPayment();
      await resetRateLimits();
      const result = await submitSandboxChoice(
        db,
        headers,
        choice(payment.providerCheckoutId!, "succeeded", 600),
        toRoute,
      );
      expect(result).toMatchObject({ ok: true, outcome: "succeeded" });
    }
    const over = await newPayment();
    const refused = await submitSandboxChoice(
      db,
      headers,
      choice(over.providerCheckoutId!, "succeeded", 600),
      toRoute,
    );
    expect(refused).toEqual({
      ok: false,
      error: expect.stringMatching(/delayed webhooks waiting/),
    });
    expect(await completionJobs(over.providerCheckoutId!)).toHaveLength(0);
    // No delay still works: only waiting deliveries are capped.
    expect(
      await submitSandboxChoice(
        db,
        headers,
        choice(over.providerCheckoutId!, "succeeded"),
        toRoute,
      ),
    ).toMatchObject({ ok: true, outcome: "succeeded" });
    expect(sent).toEqual(["payment.pending", "payment.succeeded"]);
  });

  it("rate-limits submits per client and checkout", async () => {
    const payment = await newPayment();
    const checkoutId = payment.providerCheckoutId!;
    const headers = new Headers();
    const results = [];
    for (let i = 0; i < 21; i++) {
      results.push(await submitSandboxChoice(db, headers, { checkoutId, bad: true }, toRoute));
    }
    // Invalid input is refused before counting; a valid submit is counted.
    expect(results.every((r) => !r.ok)).toBe(true);
    for (let i = 0; i < 20; i++)
      await submitSandboxChoice(db, headers, choice(checkoutId, "timeout"), toRoute);
    const limited = await submitSandboxChoice(db, headers, choice(checkoutId, "timeout"), toRoute);
    expect(limited).toEqual({ ok: false, error: expect.stringMatching(/Too many requests/) });
  });
});
