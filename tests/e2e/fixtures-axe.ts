import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** Serious and critical violations, one readable line per rule (with a few of its elements). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const shown = v.nodes.slice(0, 3).map((n) => `\n      at ${n.target.join(" ")}`);
      const more = v.nodes.length > 3 ? `\n      … and ${v.nodes.length - 3} more` : "";
      const why = v.nodes[0]?.failureSummary?.split("\n").slice(1, 2).join("").trim() ?? "";
      return `[${v.impact}] ${v.id} (${v.nodes.length}×): ${v.help}${why ? ` — ${why}` : ""}${shown.join("")}${more}`;
    });
}
