// The flow runtime's public surface. Pure TypeScript: no Next.js, database or clock.
export { normalizeAmountText, parseAmount, parseAnswer } from "./answers";
export { evaluateCondition } from "./nodes/condition";
export { MAX_CHECKOUTS_PER_CONVERSATION } from "./nodes/pay";
export { MAX_INVALID_ANSWERS } from "./nodes/shared";
export { MAX_PAYMENT_ATTEMPTS } from "./nodes/wait-payment";
export { createInitialState, isTerminal, livePayment } from "./state";
export { MAX_STEPS_PER_INPUT, step } from "./step";
export { formatAmount, interpolate, templateVariables } from "./text";
export * from "./types";
