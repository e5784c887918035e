// The alert rules a merchant starts with (DEFAULT_RULES in lib/alerts/schemas.ts), as rows for
// both modes: written by the evaluator's first pass for a merchant without rules, and by the seed.
import type { AlertRule } from "@/db/schema";
import { newId } from "@/lib/ids";
import { DEFAULT_RULES, MODES_WATCHED } from "./schemas";

export function defaultRuleRows(
  merchantId: string,
  now: Date,
  id: () => string = () => newId("alertRule"),
): AlertRule[] {
  return MODES_WATCHED.flatMap((mode) =>
    DEFAULT_RULES.map((rule) => ({
      merchantId,
      id: id(),
      mode,
      kind: rule.kind,
      name: rule.name,
      config: rule.config,
      enabled: true,
      createdAt: now,
      updatedAt: now,
    })),
  );
}
