// The flow runtime's public surface. Pure TypeScript: no Next.js, database or clock.
export { step, MAX_STEPS_PER_INPUT } from "./step";
export { createInitialState, livePayment, isTerminal } from "./state";
export { MAX_INVALID_ANSWERS } from "./nodes/shared";
export { MAX_PAYMENT_ATTEMPTS } from "./nodes/wait-payment";
export { MAX_CHECKOUTS_PER_CONVERSATION } from "./nodes/pay";
export { evaluateCondition } from "./nodes/condition";
export { parseAnswer, parseAmount, normalizeAmountText } from "./answers";
export { interpolate, templateVariables, formatAmount } from "./text";
export * from "./types";
