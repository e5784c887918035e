// Lets the customer pick how to pay among the methods that are really available: the
// node's list ∩ what enabled connections offer for this currency and channel.
import { type PaymentMethod, PAYMENT_METHODS } from "@/lib/connections/providers/types";
import type { NodeOf } from "../../graph";
import { METHOD_LABELS } from "../../i18n";
import { matchOption } from "../matching";
import { type Run, go, waitInput } from "../run";
import { methodLabel } from "../text";
import type { NodeHandler } from "./handler";
import { rejectAnswer } from "./shared";

type ChooseNode = NodeOf<"choose_method">;
const WALLETS: readonly PaymentMethod[] = ["apple_pay", "google_pay"];

/** Extra words customers use for a method beyond its label. */
const METHOD_ALIASES: Partial<Record<PaymentMethod, string[]>> = {
  card: [
    "card",
    "credit card",
    "debit card",
    "carte",
    "cb",
    "visa",
    "mastercard",
    "卡",
    "信用卡",
    "kartu",
    "kartu kredit",
  ],
  bank_transfer: ["transfer", "virement", "转账", "bank"],
  alipay: ["支付宝", "alipay"],
  wechat_pay: ["微信", "wechat", "weixin"],
  installments: ["installments", "plusieurs fois", "分期", "cicilan"],
  crypto: ["crypto", "bitcoin", "btc", "ether", "eth", "usdc", "stablecoin", "加密货币", "kripto"],
};

export function offeredMethods(run: Run, node: ChooseNode): PaymentMethod[] {
  const wanted = node.data.methods ?? PAYMENT_METHODS;
  return PAYMENT_METHODS.filter(
    (method) => wanted.includes(method) && run.availableMethods.includes(method),
  );
}

/** Wallet buttons only work where the channel can show them; the hosted page still offers them. */
function buttonMethods(run: Run, offered: PaymentMethod[]): PaymentMethod[] {
  return run.capabilities?.wallets
    ? offered
    : offered.filter((method) => !WALLETS.includes(method));
}

function present(run: Run, node: ChooseNode, methods: PaymentMethod[], lead?: string): void {
  const text = lead ?? (run.text(node.data.prompt) || run.phrase("choose_method"));
  run.offer(
    text,
    methods.map((method) => ({ value: method, label: methodLabel(method, run.state.lang) })),
  );
}

function choose(run: Run, method: PaymentMethod | undefined) {
  if (method) {
    run.state.variables.method = method;
    run.event("method_chosen", method);
  } else {
    delete run.state.variables.method;
  }
  return go("next");
}

export const chooseMethodNode: NodeHandler<"choose_method"> = {
  enter(run, node) {
    const offered = offeredMethods(run, node);
    run.state.offeredMethods = offered;
    if (offered.length === 0) return run.handOff("payments_unavailable", "no_methods");
    const buttons = buttonMethods(run, offered);
    // Nothing to ask: one method, or only wallets this channel can't show (the link will).
    if (offered.length === 1) return choose(run, offered[0]);
    if (buttons.length === 0) return choose(run, undefined);
    present(run, node, buttons);
    return waitInput;
  },

  onMessage(run, node, text) {
    const buttons = buttonMethods(run, run.state.offeredMethods ?? offeredMethods(run, node));
    const options = buttons.map((method) => ({
      value: method,
      labels: [...Object.values(METHOD_LABELS[method]), ...(METHOD_ALIASES[method] ?? [])],
    }));
    const index = matchOption(text, options);
    if (index >= 0) return choose(run, buttons[index]);
    return rejectAnswer(run, "invalid_choice", () =>
      present(run, node, buttons, run.phrase("invalid_choice")),
    );
  },

  onChooseMethod(run, node, method) {
    const offered = run.state.offeredMethods ?? offeredMethods(run, node);
    if (offered.includes(method)) return choose(run, method);
    const buttons = buttonMethods(run, offered);
    return rejectAnswer(run, "method_not_offered", () =>
      present(run, node, buttons, run.phrase("invalid_choice")),
    );
  },
};
