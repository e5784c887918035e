// A rule's condition in the merchant's words, for the rules list.
import type { AlertKind } from "@/db/schema";
import { DECLINE_KEY_LABELS, parseRuleConfig } from "./schemas";

export function describeRule(kind: AlertKind, config: unknown): string {
  const parsed = parseRuleConfig(kind, config);
  if (!parsed) return "This rule's settings are not valid any more: edit it to fix them.";
  switch (parsed.kind) {
    case "failure_rate": {
      const c = parsed.config;
      const where = c.scope === "overall" ? "across all connections" : "on any one connection";
      return `More than ${c.failureRateAbovePercent}% of payments fail ${where} within ${c.windowMinutes} min (at least ${c.minAttempts} attempts)`;
    }
    case "card_testing": {
      const c = parsed.config;
      return `More than ${c.declinesAbove} declines for one ${DECLINE_KEY_LABELS[c.key]} within ${c.windowMinutes} min`;
    }
    case "webhook_silence":
      return `An active connection sends no webhook for ${parsed.config.silentMinutes} min while payments wait`;
    case "disputes_today":
      return `More than ${parsed.config.disputesAbove} disputes opened today (UTC)`;
  }
}
