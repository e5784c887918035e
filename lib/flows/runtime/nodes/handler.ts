// The shape every node type implements. `enter` runs when the conversation reaches the node;
// the `on…` hooks run when an input arrives while the conversation rests there.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import type { NodeOf, NodeType } from "../../graph";
import type { Run, Transition } from "../run";
import type { ConversationInput } from "../types";

export type PaymentEventStatus = Extract<ConversationInput, { kind: "payment_event" }>["status"];
export type CheckoutCreated = Extract<ConversationInput, { kind: "checkout_created" }>;

export interface NodeHandler<T extends NodeType> {
  enter(run: Run, node: NodeOf<T>): Transition;
  onMessage?(run: Run, node: NodeOf<T>, text: string): Transition;
  onChooseMethod?(run: Run, node: NodeOf<T>, method: PaymentMethod): Transition;
  onPayment?(run: Run, node: NodeOf<T>, status: PaymentEventStatus): Transition;
  onTimer?(run: Run, node: NodeOf<T>, fired: "reminder" | "payment_timeout"): Transition;
  onCheckoutCreated?(run: Run, node: NodeOf<T>, input: CheckoutCreated): Transition;
}
