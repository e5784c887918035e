import type { NodeType } from "../../graph";
import { askNode } from "./ask";
import { chooseMethodNode } from "./choose-method";
import { conditionNode } from "./condition";
import { confirmNode } from "./confirm";
import type { NodeHandler } from "./handler";
import { payNode } from "./pay";
import { productChoiceNode } from "./product-choice";
import { reminderNode } from "./reminder";
import { endNode, handoffNode, messageNode, receiptNode, startNode } from "./simple";
import { waitPaymentNode } from "./wait-payment";

export const NODE_HANDLERS: { [T in NodeType]: NodeHandler<T> } = {
  start: startNode,
  message: messageNode,
  ask: askNode,
  product_choice: productChoiceNode,
  choose_method: chooseMethodNode,
  confirm: confirmNode,
  pay: payNode,
  wait_payment: waitPaymentNode,
  receipt: receiptNode,
  reminder: reminderNode,
  condition: conditionNode,
  handoff: handoffNode,
  end: endNode,
};
