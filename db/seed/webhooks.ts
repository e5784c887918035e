// The webhook inbox for the last two days: one verified, applied delivery per provider event,
// plus the deliveries an operator should notice (bad signatures, one that failed to apply).
// Bodies follow each provider's envelope (webhook-bodies.ts) so the raw view reads like the real thing.
import type { WebhookDelivery } from "@/db/schema/payments";
import { createHash } from "node:crypto";
import type { SeededPayment } from "./payment";
import type { PaymentEventRow } from "./payment-plan";
import type { SeededRandom } from "./random";
import { webhookBody, webhookHeaders } from "./webhook-bodies";

const HOUR = 3_600_000;

export interface WebhookInput {
  rng: SeededRandom;
  now: Date;
  merchantId: string;
  payments: SeededPayment[];
  /** Adyen merchant account per connection id (Adyen names it in every notification). */
  merchantAccounts: ReadonlyMap<string, string>;
  /** How many deliveries to turn into bad-signature rejections and failed applications. */
  rejected: number;
  failed: number;
}

/** Creates the inbox rows and links each applied provider event to its delivery. */
export function generateWebhooks(input: WebhookInput): WebhookDelivery[] {
  const { rng, now, merchantId } = input;
  const since = now.getTime() - 48 * HOUR;
  const rows: WebhookDelivery[] = [];
  const recent: { event: PaymentEventRow; payment: SeededPayment }[] = [];
  for (const payment of input.payments) {
    for (const event of payment.events) {
      if (
        event.source === "provider" &&
        event.providerEventId &&
        event.occurredAt.getTime() >= since
      )
        recent.push({ event, payment });
    }
  }
  recent.sort(
    (a, b) =>
      a.event.occurredAt.getTime() - b.event.occurredAt.getTime() ||
      (a.event.id < b.event.id ? -1 : 1),
  );

  for (const { event, payment } of recent) {
    const receivedAt = new Date(
      Math.min(event.occurredAt.getTime() + rng.int(300, 3000), now.getTime()),
    );
    const rawBody = webhookBody(
      event,
      payment.row,
      rng,
      input.merchantAccounts.get(payment.row.connectionId) ?? "",
    );
    const id = rng.id("webhook");
    event.webhookId = id;
    event.recordedAt = new Date(receivedAt.getTime() + rng.int(20, 200));
    rows.push({
      merchantId,
      id,
      connectionId: payment.row.connectionId,
      provider: payment.row.provider,
      headers: webhookHeaders(payment.row.provider, receivedAt, rng, rawBody),
      rawBody,
      bodyBytes: null,
      bodyHash: null,
      repeatCount: 1,
      lastReceivedAt: null,
      verified: true,
      status: "applied",
      providerEventIds: [event.providerEventId!],
      eventTypes: [event.rawType ?? event.type],
      attempts: 1,
      error: null,
      receivedAt,
      appliedAt: event.recordedAt,
    });
  }

  // Deliveries that never became events: replays signed with an old secret, and one that
  // verified but could not be applied (it names a payment Parley does not know).
  const templates = rows.filter((r) => r.provider === "stripe" || r.provider === "paypal");
  for (let i = 0; i < input.rejected && templates.length > 0; i++) {
    const source = templates[rng.int(0, templates.length - 1)];
    const receivedAt = new Date(now.getTime() - rng.int(1, 40) * HOUR);
    rows.push({
      ...source,
      id: rng.id("webhook"),
      bodyBytes: Buffer.byteLength(source.rawBody, "utf8"),
      bodyHash: createHash("sha256").update(source.rawBody).digest("hex"),
      lastReceivedAt: receivedAt,
      verified: false,
      status: "rejected",
      providerEventIds: [],
      eventTypes: [],
      error: "bad_signature: no signature matched the connection's webhook secret",
      receivedAt,
      appliedAt: null,
    });
  }
  for (let i = 0; i < input.failed && rows.length > 0; i++) {
    const receivedAt = new Date(now.getTime() - rng.int(2, 30) * HOUR);
    const source = rows.find((r) => r.status === "applied" && r.provider === "stripe") ?? rows[0];
    const eventId = `evt_3${rng.base62(23)}`;
    const body = JSON.parse(source.rawBody) as Record<string, unknown>;
    body.id = eventId;
    body.type = "charge.refund.updated";
    body.data = {
      object: {
        id: `re_3${rng.base62(23)}`,
        object: "refund",
        payment_intent: `pi_3${rng.base62(23)}`,
        status: "failed",
      },
    };
    const rawBody = JSON.stringify(body);
    rows.push({
      ...source,
      id: rng.id("webhook"),
      headers: { ...source.headers, "content-length": String(Buffer.byteLength(rawBody)) },
      rawBody,
      status: "failed",
      providerEventIds: [eventId],
      eventTypes: ["charge.refund.updated"],
      attempts: 3,
      error: "No payment matches provider payment id for this connection",
      receivedAt,
      appliedAt: null,
    });
  }
  return rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}
