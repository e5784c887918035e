// Alert rules: one zod config per kind (what the rule editor, the actions and the evaluator all
// parse), the inputs of the alert actions, and the defaults a new merchant starts with.
import type { AlertKind, Mode } from "@/db/schema";
import { z } from "zod";

export const ALERT_KINDS = [
  "failure_rate",
  "card_testing",
  "webhook_silence",
  "disputes_today",
] as const satisfies readonly AlertKind[];

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  failure_rate: "Failure rate",
  card_testing: "Card testing (declines for one customer)",
  webhook_silence: "Webhooks stopped",
  disputes_today: "Disputes opened today",
};

/** Whole numbers typed into a form arrive as strings: coerce, then bound. */
const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be at least ${min}`)
    .max(max, `${label} must be at most ${max}`);

/** Buckets are kept for a day, so no window may be longer. */
export const MAX_WINDOW_MINUTES = 24 * 60;

export const failureRateConfig = z.object({
  scope: z.enum(["overall", "per_connection"], { error: "Choose overall or per connection" }),
  failureRateAbovePercent: whole("Failure rate", 1, 100),
  windowMinutes: whole("Window", 1, MAX_WINDOW_MINUTES),
  minAttempts: whole("Minimum attempts", 1, 100_000),
});

// Which declines are counted together. The email is the payment's; IP and card fingerprint are
// known only when the provider reports them with the decline (Stripe: the card fingerprint of
// last_payment_error.payment_method; Adyen: additionalData.shopperIP) — see NormalizedEvent.
export const DECLINE_KEYS = ["email", "ip", "card_fingerprint"] as const;
export type DeclineKey = (typeof DECLINE_KEYS)[number];
export const DECLINE_KEY_LABELS: Record<DeclineKey, string> = {
  email: "customer email",
  ip: "IP address",
  card_fingerprint: "card fingerprint",
};

export const cardTestingConfig = z.object({
  key: z.enum(DECLINE_KEYS, { error: "Choose email, IP address or card fingerprint" }),
  declinesAbove: whole("Declines", 1, 100_000),
  windowMinutes: whole("Window", 1, MAX_WINDOW_MINUTES),
});

export const webhookSilenceConfig = z.object({
  silentMinutes: whole("Silence", 1, MAX_WINDOW_MINUTES),
});

export const disputesTodayConfig = z.object({
  disputesAbove: whole("Disputes", 0, 100_000),
});

export type FailureRateConfig = z.infer<typeof failureRateConfig>;
export type CardTestingConfig = z.infer<typeof cardTestingConfig>;
export type WebhookSilenceConfig = z.infer<typeof webhookSilenceConfig>;
export type DisputesTodayConfig = z.infer<typeof disputesTodayConfig>;

export type RuleConfig =
  | { kind: "failure_rate"; config: FailureRateConfig }
  | { kind: "card_testing"; config: CardTestingConfig }
  | { kind: "webhook_silence"; config: WebhookSilenceConfig }
  | { kind: "disputes_today"; config: DisputesTodayConfig };

export const CONFIG_SCHEMAS = {
  failure_rate: failureRateConfig,
  card_testing: cardTestingConfig,
  webhook_silence: webhookSilenceConfig,
  disputes_today: disputesTodayConfig,
} as const;

/** A stored rule's config, or null when it no longer parses (such a rule is skipped). */
export function parseRuleConfig(kind: AlertKind, config: unknown): RuleConfig | null {
  const schema = CONFIG_SCHEMAS[kind];
  if (!schema) return null;
  const parsed = schema.safeParse(config);
  return parsed.success ? ({ kind, config: parsed.data } as RuleConfig) : null;
}

const ruleId = z
  .string()
  .trim()
  .regex(/^alr_[A-Za-z0-9_-]{1,60}$/, "Unknown rule");
const alertId = z
  .string()
  .trim()
  .regex(/^alt_[A-Za-z0-9_-]{1,60}$/, "Unknown alert");
const name = z
  .string()
  .trim()
  .min(1, "Give the rule a name")
  .max(80, "Keep the name under 80 characters");

// The rule form is flat (FormData): the kind picks which of the fields below are read.
const ruleFields = {
  name,
  mode: z.enum(["test", "live"], { error: "Choose test or live" }),
  enabled: z
    .union([z.boolean(), z.enum(["on", "true", "false"])])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
};

export const ruleInput = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("failure_rate"), ...ruleFields, ...failureRateConfig.shape }),
    z.object({ kind: z.literal("card_testing"), ...ruleFields, ...cardTestingConfig.shape }),
    z.object({ kind: z.literal("webhook_silence"), ...ruleFields, ...webhookSilenceConfig.shape }),
    z.object({ kind: z.literal("disputes_today"), ...ruleFields, ...disputesTodayConfig.shape }),
  ],
  { error: "Choose what the rule watches" },
);
export type RuleInput = z.output<typeof ruleInput>;

/** The config part of a rule form: only the fields the kind's schema names. */
export function configOf(input: RuleInput): Record<string, unknown> {
  const schema = CONFIG_SCHEMAS[input.kind];
  const keys = Object.keys(schema.shape) as (keyof RuleInput)[];
  return Object.fromEntries(keys.map((k) => [k, input[k]]));
}

export const createRuleInput = ruleInput;
export const updateRuleInput = z.intersection(z.object({ ruleId }), ruleInput);
export const setRuleEnabledInput = z.object({
  ruleId,
  enabled: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
});
export const deleteRuleInput = z.object({ ruleId });
export const acknowledgeAlertInput = z.object({ alertId });

/** How long a snooze may last: from 5 minutes to a week. */
export const SNOOZE_CHOICES_MINUTES = [15, 60, 240, 1440] as const;
export const snoozeAlertInput = z.object({
  alertId,
  minutes: whole("Snooze", 5, 7 * 24 * 60),
});

export interface DefaultRule {
  kind: AlertKind;
  name: string;
  config: Record<string, unknown>;
}

// What a new merchant watches from the start, in each mode.
export const DEFAULT_RULES: readonly DefaultRule[] = [
  {
    kind: "failure_rate",
    name: "Failure rate (overall)",
    config: { scope: "overall", failureRateAbovePercent: 25, windowMinutes: 15, minAttempts: 20 },
  },
  {
    kind: "failure_rate",
    name: "Failure rate (per connection)",
    config: {
      scope: "per_connection",
      failureRateAbovePercent: 50,
      windowMinutes: 15,
      minAttempts: 10,
    },
  },
  {
    kind: "card_testing",
    name: "Card testing (one email)",
    config: { key: "email", declinesAbove: 5, windowMinutes: 10 },
  },
  {
    kind: "card_testing",
    name: "Card testing (one card)",
    config: { key: "card_fingerprint", declinesAbove: 5, windowMinutes: 10 },
  },
  { kind: "webhook_silence", name: "Webhooks stopped", config: { silentMinutes: 30 } },
  { kind: "disputes_today", name: "Disputes opened today", config: { disputesAbove: 3 } },
];

export const MODES_WATCHED: readonly Mode[] = ["live", "test"];
