// Shows the customer exactly what they are about to pay — items and quantities, the total in
// the currency's own format, the merchant — and waits for Confirm or Change. What was shown is
// stored with a digest (confirmation.ts); the pay node charges only a confirmed, unchanged one.
// The Confirm button carries the digest, so a button from an older summary cannot confirm a
// cart that changed since: the customer is shown the new one instead.
import type { NodeOf } from "../../graph";
import { KEYWORDS, localize, PHRASES } from "../../i18n";
import {
  CHANGE_VALUE,
  type ChargeSummary,
  chargeSummary,
  CONFIRM_VALUE_PREFIX,
  confirmationHash,
  confirmValue,
} from "../confirmation";
import { matchesKeyword, matchOption, normalizeReply } from "../matching";
import { go, jump, type Run, type Transition, waitInput } from "../run";
import { formatAmount } from "../text";
import type { NodeHandler } from "./handler";
import { rejectAnswer } from "./shared";

type ConfirmNode = NodeOf<"confirm">;

function summaryOf(run: Run, node: ConfirmNode): ChargeSummary | null {
  return chargeSummary(run.state, run.graph.currency, node.data);
}

function summaryLines(run: Run, node: ConfirmNode, summary: ChargeSummary): string[] {
  const lang = run.state.lang;
  const lines = summary.items.map((item) => {
    const name =
      localize(run.index.productNames.get(item.sku), lang, run.graph.defaultLanguage) || item.sku;
    const lineTotal = formatAmount(item.unitMinor * item.quantity, summary.currency, lang);
    return `${item.quantity} × ${name} — ${lineTotal}`;
  });
  const description = run.text(node.data.description);
  if (description) lines.push(description);
  lines.push(
    run.phrase("confirm_total", {
      amount: formatAmount(summary.amountMinor, summary.currency, lang),
    }),
  );
  if (run.merchantName) lines.push(run.phrase("confirm_merchant", { merchant: run.merchantName }));
  return lines;
}

/** Stores what is shown (replacing any earlier summary) and asks Confirm / Change. */
function present(run: Run, node: ConfirmNode, summary: ChargeSummary, lead?: string): void {
  const hash = confirmationHash(summary);
  run.state.confirmation = {
    nodeId: node.id,
    status: "shown",
    items: summary.items.map((item) => ({ ...item })),
    amountMinor: summary.amountMinor,
    currency: summary.currency,
    hash,
    at: run.nowIso,
  };
  const text = [
    lead ?? (run.text(node.data.prompt) || run.phrase("confirm_intro")),
    ...summaryLines(run, node, summary),
    run.phrase("confirm_question"),
  ].join("\n");
  run.offer(text, [
    { value: confirmValue(hash), label: run.phrase("option_confirm") },
    { value: CHANGE_VALUE, label: run.phrase("option_change") },
  ]);
  run.event("confirmation_shown", String(summary.amountMinor));
}

/** Where "Change" goes without a drawn output: back to what set the amount. */
function changeTarget(run: Run, node: ConfirmNode): string | undefined {
  for (let i = run.state.path.length - 1; i >= 0; i--) {
    const visited = run.index.nodes.get(run.state.path[i]);
    if (!visited || visited.id === node.id) continue;
    if (node.data.amountFrom === "cart" && visited.type === "product_choice") return visited.id;
    if (
      node.data.amountFrom === "variable" &&
      visited.type === "ask" &&
      visited.data.variable === node.data.amountVariable
    )
      return visited.id;
  }
  return undefined;
}

function change(run: Run, node: ConfirmNode): Transition {
  run.state.confirmation = undefined;
  run.event("confirmation_changed");
  if (run.hasOutput(node.id, "change")) return go("change");
  const target = changeTarget(run, node);
  if (target) return jump(target);
  return run.handOff("handoff", "nothing_to_change");
}

/** Confirms what was shown, if it is still what would be charged; else shows the new summary. */
function confirm(run: Run, node: ConfirmNode, token: string | null): Transition {
  const summary = summaryOf(run, node);
  if (!summary) return run.handOff("amount_unavailable", "amount_unavailable");
  const hash = confirmationHash(summary);
  const shown = run.state.confirmation;
  const stale =
    !shown || shown.nodeId !== node.id || shown.hash !== hash || (token !== null && token !== hash);
  if (stale) {
    run.event("confirmation_stale");
    present(run, node, summary, run.phrase("confirm_changed"));
    return waitInput;
  }
  shown.status = "confirmed";
  shown.at = run.nowIso;
  run.event("amount_confirmed", String(summary.amountMinor));
  return go("next");
}

/** A button's label in every language, so "Confirmer" works in an English chat too. */
const OPTION_LABELS = {
  option_confirm: Object.values(PHRASES.option_confirm),
  option_change: Object.values(PHRASES.option_change),
};

export const confirmNode: NodeHandler<"confirm"> = {
  enter(run, node) {
    const summary = summaryOf(run, node);
    if (!summary) return run.handOff("amount_unavailable", "amount_unavailable");
    present(run, node, summary);
    return waitInput;
  },

  onMessage(run, node, text) {
    const reply = text.trim();
    if (reply.startsWith(CONFIRM_VALUE_PREFIX))
      return confirm(run, node, reply.slice(CONFIRM_VALUE_PREFIX.length));
    if (reply === CHANGE_VALUE) return change(run, node);
    const index = matchOption(text, [
      { value: "confirm", labels: OPTION_LABELS.option_confirm },
      { value: CHANGE_VALUE, labels: OPTION_LABELS.option_change },
    ]);
    const saysConfirm = matchesKeyword(text, KEYWORDS.confirm);
    const saysChange = matchesKeyword(text, KEYWORDS.change);
    if (index === 0 || (index < 0 && saysConfirm && !saysChange)) return confirm(run, node, null);
    if (index === 1 || (index < 0 && saysChange && !saysConfirm)) return change(run, node);
    return rejectAnswer(run, "invalid_choice", () => {
      const summary = summaryOf(run, node);
      if (summary) present(run, node, summary, run.phrase("invalid_choice"));
    });
  },
};

/** A Confirm tap that arrives after the conversation moved on (a double tap): nothing to do. */
export function isConfirmTap(text: string): boolean {
  return normalizeReply(text).startsWith(CONFIRM_VALUE_PREFIX);
}
