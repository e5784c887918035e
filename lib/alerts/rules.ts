// The rule math, pure: which payment events count into which per-minute bucket, where a rule's
// window starts, and which scopes a rule fires for given the bucket sums inside its window.
// No database here: lib/alerts/evaluate.ts reads and writes, this decides.
import type { AlertSeverity, Mode } from "@/db/schema";
import {
  DECLINE_KEY_LABELS,
  type CardTestingConfig,
  type DeclineKey,
  type DisputesTodayConfig,
  type FailureRateConfig,
  type WebhookSilenceConfig,
} from "./schemas";

const MINUTE = 60_000;

export interface Firing {
  scopeKey: string;
  severity: AlertSeverity;
  title: string;
  detail: Record<string, unknown>;
}

/** A payment event as the evaluator reads it: the event joined to its payment. */
export interface FoldableEvent {
  type: string;
  mode: Mode;
  connectionId: string;
  recordedAt: Date;
  customerEmail: string | null;
  detail: Record<string, unknown> | null;
}

export interface BucketDelta {
  mode: Mode;
  minute: Date;
  scopeKey: string;
  attempts: number;
  failures: number;
}

export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE) * MINUTE);
}

/** The first bucket inside a window of `minutes` ending now (the current minute included). */
export function windowStart(now: Date, minutes: number): Date {
  return new Date(minuteOf(now).getTime() - (minutes - 1) * MINUTE);
}

/** Midnight UTC of `now`'s day: "today" for the disputes rule. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export const DECLINE_SCOPE_PREFIX: Record<DeclineKey, string> = {
  email: "email:",
  ip: "ip:",
  card_fingerprint: "fp:",
};

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** The scopes one event counts in, and whether it counts as an attempt and a failure. */
export function scopesOf(event: FoldableEvent): { scopeKey: string; failure: boolean }[] {
  if (event.type === "dispute.opened") return [{ scopeKey: "disputes", failure: false }];
  if (event.type !== "payment.succeeded" && event.type !== "payment.failed") return [];
  const flags = Array.isArray(event.detail?.flags) ? (event.detail.flags as unknown[]) : [];
  // A late event the state machine ignored changed nothing: not an attempt.
  if (flags.includes("late_event_ignored")) return [];
  const failure = event.type === "payment.failed";
  const scopes = [
    { scopeKey: "all", failure },
    { scopeKey: `conn:${event.connectionId}`, failure },
  ];
  if (!failure) return scopes;
  const email = text(event.customerEmail)?.toLowerCase();
  const ip = text(event.detail?.clientIp);
  const fingerprint = text(event.detail?.cardFingerprint);
  if (email) scopes.push({ scopeKey: `${DECLINE_SCOPE_PREFIX.email}${email}`, failure });
  if (ip) scopes.push({ scopeKey: `${DECLINE_SCOPE_PREFIX.ip}${ip}`, failure });
  if (fingerprint)
    scopes.push({ scopeKey: `${DECLINE_SCOPE_PREFIX.card_fingerprint}${fingerprint}`, failure });
  return scopes;
}

/** New events → one delta per (mode, minute, scope), summed. */
export function bucketDeltas(events: FoldableEvent[]): BucketDelta[] {
  const out = new Map<string, BucketDelta>();
  for (const event of events) {
    const minute = minuteOf(event.recordedAt);
    for (const { scopeKey, failure } of scopesOf(event)) {
      const key = `${event.mode}|${minute.getTime()}|${scopeKey}`;
      const delta = out.get(key) ?? {
        mode: event.mode,
        minute,
        scopeKey,
        attempts: 0,
        failures: 0,
      };
      delta.attempts += 1;
      if (failure) delta.failures += 1;
      out.set(key, delta);
    }
  }
  return [...out.values()];
}

export interface ScopeSum {
  scopeKey: string;
  attempts: number;
  failures: number;
}

function percent(failures: number, attempts: number): number {
  return attempts === 0 ? 0 : Math.round((failures / attempts) * 1000) / 10;
}

/**
 * Fires when, inside the window, at least `minAttempts` payments ended and the share that failed
 * is strictly above the threshold. `sums` holds the window's "all" and "conn:…" scopes.
 */
export function failureRateFirings(
  config: FailureRateConfig,
  sums: ScopeSum[],
  connectionLabels: ReadonlyMap<string, string> = new Map(),
): Firing[] {
  const wanted = sums.filter((s) =>
    config.scope === "overall" ? s.scopeKey === "all" : s.scopeKey.startsWith("conn:"),
  );
  return wanted
    .filter(
      (s) =>
        s.attempts >= config.minAttempts &&
        s.failures * 100 > config.failureRateAbovePercent * s.attempts,
    )
    .map((s) => {
      const connectionId = s.scopeKey.startsWith("conn:") ? s.scopeKey.slice(5) : null;
      const where = connectionId
        ? (connectionLabels.get(connectionId) ?? connectionId)
        : "All connections";
      return {
        scopeKey: s.scopeKey,
        severity: "critical" as const,
        title: `${where}: ${percent(s.failures, s.attempts)}% of payments failed in ${config.windowMinutes} min`,
        detail: {
          ...(connectionId && { connectionId }),
          attempts: s.attempts,
          failed: s.failures,
          failureRatePercent: percent(s.failures, s.attempts),
          thresholdPercent: config.failureRateAbovePercent,
          windowMinutes: config.windowMinutes,
        },
      };
    });
}

/** Fires per email / IP / card whose declines inside the window are strictly above the limit. */
export function cardTestingFirings(config: CardTestingConfig, sums: ScopeSum[]): Firing[] {
  const prefix = DECLINE_SCOPE_PREFIX[config.key];
  return sums
    .filter((s) => s.scopeKey.startsWith(prefix) && s.failures > config.declinesAbove)
    .map((s) => {
      const value = s.scopeKey.slice(prefix.length);
      return {
        scopeKey: s.scopeKey,
        severity: "critical" as const,
        title: `${s.failures} declines for one ${DECLINE_KEY_LABELS[config.key]} in ${config.windowMinutes} min`,
        detail: {
          key: config.key,
          value,
          declines: s.failures,
          limit: config.declinesAbove,
          windowMinutes: config.windowMinutes,
        },
      };
    });
}

export interface ConnectionWatch {
  id: string;
  label: string;
  /** The last webhook delivery received from this connection (null: never). */
  lastWebhookAt: Date | null;
  /** Payments waiting for the provider that were created before the silence began. */
  waitingPayments: number;
}

/**
 * Fires per active connection that has been silent for `silentMinutes` while payments created
 * before that are still waiting for the provider.
 */
export function webhookSilenceFirings(
  config: WebhookSilenceConfig,
  connections: ConnectionWatch[],
  now: Date,
): Firing[] {
  const since = now.getTime() - config.silentMinutes * MINUTE;
  return connections
    .filter(
      (c) =>
        c.waitingPayments > 0 && (c.lastWebhookAt === null || c.lastWebhookAt.getTime() < since),
    )
    .map((c) => ({
      scopeKey: `conn:${c.id}`,
      severity: "warning" as const,
      title: `${c.label}: no webhook for ${config.silentMinutes} min while ${c.waitingPayments} payment${c.waitingPayments === 1 ? " waits" : "s wait"}`,
      detail: {
        connectionId: c.id,
        lastWebhookAt: c.lastWebhookAt?.toISOString() ?? null,
        waitingPayments: c.waitingPayments,
        silentMinutes: config.silentMinutes,
      },
    }));
}

/** Fires when the disputes opened since midnight UTC are strictly above the limit. */
export function disputesTodayFirings(config: DisputesTodayConfig, openedToday: number): Firing[] {
  if (openedToday <= config.disputesAbove) return [];
  return [
    {
      scopeKey: "disputes",
      severity: "warning",
      title: `${openedToday} disputes opened today`,
      detail: { disputes: openedToday, limit: config.disputesAbove },
    },
  ];
}
