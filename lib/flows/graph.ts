// The flow graph a merchant designs on the canvas and stores as JSON in flow_versions.
// Shapes stay React Flow compatible ({ id, type, position, data } nodes and
// { id, source, sourceHandle, target } edges) so the editor can load them as they are.
import { PAYMENT_METHODS } from "@/lib/connections/providers/types";
import { z } from "zod";

/** Languages the bot speaks. Adding one makes the compiler ask for its built-in phrases. */
export const LANGS = ["en", "fr", "zh", "id"] as const;
export const LangSchema = z.enum(LANGS);
export type Lang = z.infer<typeof LangSchema>;

export const LocalizedTextSchema = z.partialRecord(LangSchema, z.string());
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

export const PaymentMethodSchema = z.enum(PAYMENT_METHODS);

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const VariableNameSchema = z
  .string()
  .regex(VARIABLE_NAME, "Use letters, digits and _ (not starting with a digit)");

/**
 * Variables the runtime sets itself. "total", "reference", "payment_status" and
 * "payment_url" come from the pay node, "cart" and "total" from product_choice, "method"
 * from choose_method. Merchants cannot reuse these names for their own answers.
 */
export const BUILTIN_VARIABLES = [
  "cart",
  "total",
  "reference",
  "payment_status",
  "payment_url",
  "method",
] as const;
export type BuiltinVariable = (typeof BUILTIN_VARIABLES)[number];
export function isBuiltinVariable(name: string): name is BuiltinVariable {
  return (BUILTIN_VARIABLES as readonly string[]).includes(name);
}

const PositionSchema = z.object({ x: z.number(), y: z.number() });
/** Every node may carry a label the merchant reads on the canvas and in validation messages. */
const labelField = { label: z.string().max(120).optional() };

const minutes = (max: number) => z.number().int().min(1).max(max);
const MONTH_MINUTES = 60 * 24 * 31;

export const StartDataSchema = z.object({ ...labelField });
export const MessageDataSchema = z.object({ ...labelField, text: LocalizedTextSchema });

export const ASK_KINDS = ["text", "number", "amount", "email", "phone", "choice"] as const;
export type AskKind = (typeof ASK_KINDS)[number];
export const ChoiceSchema = z.object({
  value: z.string().min(1).max(100),
  label: LocalizedTextSchema,
});
export const AskDataSchema = z.object({
  ...labelField,
  variable: VariableNameSchema,
  kind: z.enum(ASK_KINDS),
  prompt: LocalizedTextSchema,
  retry: LocalizedTextSchema,
  /** For "choice": the options. For "amount": preset amounts (value = major units, e.g. "10"). */
  choices: z.array(ChoiceSchema).max(20).optional(),
  /** text: length; number: value; amount: minor units of the flow currency. */
  min: z.number().optional(),
  max: z.number().optional(),
});

export const ProductSchema = z.object({
  sku: z.string().min(1).max(64),
  name: LocalizedTextSchema,
  priceMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  maxQuantity: z.number().int().min(1).max(999).optional(),
});
export const ProductChoiceDataSchema = z.object({
  ...labelField,
  prompt: LocalizedTextSchema,
  products: z.array(ProductSchema).max(50),
  allowMultiple: z.boolean(),
  variable: z.literal("cart").default("cart"),
});

export const ChooseMethodDataSchema = z.object({
  ...labelField,
  prompt: LocalizedTextSchema.default({}),
  methods: z.array(PaymentMethodSchema).optional(),
});

export const PayDataSchema = z.object({
  ...labelField,
  connectionId: z.string().min(1).optional(),
  amountFrom: z.enum(["cart", "variable"]),
  amountVariable: VariableNameSchema.optional(),
  description: LocalizedTextSchema,
  expiresInMinutes: minutes(MONTH_MINUTES),
});

/**
 * Shows the customer what they are about to pay (items, quantities, total, merchant) and waits
 * for Confirm or Change. Its amount source must be the pay node's: the pay node only charges
 * an amount confirmed here.
 */
export const ConfirmDataSchema = z.object({
  ...labelField,
  /** Optional lead line; the built-in "Please check your order" is used when empty. */
  prompt: LocalizedTextSchema.default({}),
  amountFrom: z.enum(["cart", "variable"]),
  amountVariable: VariableNameSchema.optional(),
  /** What a variable amount pays for ("Invoice {{invoice_number}}"), shown above the total. */
  description: LocalizedTextSchema.default({}),
});

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const QuietHoursSchema = z.object({
  /** "21:00": reminders due from then on wait until `end`, in the merchant's time zone. */
  start: z.string().regex(CLOCK_TIME, "A time like 21:00"),
  end: z.string().regex(CLOCK_TIME, "A time like 08:00"),
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

export const WaitPaymentDataSchema = z.object({
  ...labelField,
  timeoutMinutes: minutes(MONTH_MINUTES),
});
export const ReceiptDataSchema = z.object({ ...labelField, text: LocalizedTextSchema });
export const ReminderDataSchema = z.object({
  ...labelField,
  afterMinutes: minutes(MONTH_MINUTES),
  maxTimes: z.number().int().min(0).max(10),
  text: LocalizedTextSchema,
  /** No reminder goes out in these hours (merchant's time zone): it is sent when they end. */
  quietHours: QuietHoursSchema.optional(),
});

export const CONDITION_OPERATORS = ["eq", "neq", "gt", "lt", "contains", "set"] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];
export const ConditionDataSchema = z.object({
  ...labelField,
  variable: VariableNameSchema,
  operator: z.enum(CONDITION_OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const HandoffDataSchema = z.object({ ...labelField, text: LocalizedTextSchema.default({}) });
export const EndDataSchema = z.object({ ...labelField, text: LocalizedTextSchema.optional() });

function nodeSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    id: z.string().min(1).max(100),
    type: z.literal(type),
    position: PositionSchema,
    data,
  });
}

export const FlowNodeSchema = z.discriminatedUnion("type", [
  nodeSchema("start", StartDataSchema),
  nodeSchema("message", MessageDataSchema),
  nodeSchema("ask", AskDataSchema),
  nodeSchema("product_choice", ProductChoiceDataSchema),
  nodeSchema("choose_method", ChooseMethodDataSchema),
  nodeSchema("confirm", ConfirmDataSchema),
  nodeSchema("pay", PayDataSchema),
  nodeSchema("wait_payment", WaitPaymentDataSchema),
  nodeSchema("receipt", ReceiptDataSchema),
  nodeSchema("reminder", ReminderDataSchema),
  nodeSchema("condition", ConditionDataSchema),
  nodeSchema("handoff", HandoffDataSchema),
  nodeSchema("end", EndDataSchema),
]);
export type FlowNode = z.infer<typeof FlowNodeSchema>;
export type NodeType = FlowNode["type"];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;
export const NODE_TYPES = FlowNodeSchema.options.map<NodeType>((o) => o.shape.type.value);

export const FlowEdgeSchema = z.object({
  id: z.string().min(1).max(100),
  source: z.string().min(1),
  /** The output the edge leaves from. React Flow writes null for a node's single handle. */
  sourceHandle: z.string().min(1).nullish(),
  target: z.string().min(1),
});
export type FlowEdge = z.infer<typeof FlowEdgeSchema>;

/** Values the host supplies when the conversation starts (e.g. an invoice's amount due). */
export const FlowInputSchema = z.object({
  name: VariableNameSchema,
  kind: z.enum(["text", "number", "amount"]),
  label: z.string().max(120).optional(),
});
export type FlowInput = z.infer<typeof FlowInputSchema>;

export const FlowGraphSchema = z.object({
  defaultLanguage: LangSchema,
  languages: z.array(LangSchema).min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. EUR"),
  inputs: z.array(FlowInputSchema).default([]),
  nodes: z.array(FlowNodeSchema),
  edges: z.array(FlowEdgeSchema),
});
export type FlowGraph = z.infer<typeof FlowGraphSchema>;
export type FlowGraphInput = z.input<typeof FlowGraphSchema>;

export function parseFlowGraph(json: unknown): FlowGraph {
  return FlowGraphSchema.parse(json);
}

export function edgeHandle(edge: FlowEdge): string {
  return edge.sourceHandle ?? "next";
}

/** Outputs per node type: required ones must be connected before publishing. */
export const NODE_OUTPUTS: Record<
  NodeType,
  { required: readonly string[]; optional: readonly string[] }
> = {
  start: { required: ["next"], optional: [] },
  message: { required: ["next"], optional: [] },
  ask: { required: ["next"], optional: ["invalid"] },
  product_choice: { required: ["next"], optional: ["invalid"] },
  choose_method: { required: ["next"], optional: ["invalid"] },
  confirm: { required: ["next"], optional: ["change", "invalid"] },
  pay: { required: ["next"], optional: [] },
  wait_payment: {
    required: ["succeeded"],
    optional: ["failed", "expired", "retry", "other_method"],
  },
  receipt: { required: ["next"], optional: [] },
  reminder: { required: ["paid", "unpaid"], optional: [] },
  condition: { required: ["true", "false"], optional: [] },
  handoff: { required: [], optional: [] },
  end: { required: [], optional: [] },
};

export function nodeOutputs(type: NodeType): readonly string[] {
  const outputs = NODE_OUTPUTS[type];
  return [...outputs.required, ...outputs.optional];
}

/** Nodes where the conversation rests for the customer or the payment provider. */
export const WAITING_NODE_TYPES: readonly NodeType[] = [
  "ask",
  "product_choice",
  "choose_method",
  "confirm",
  "pay",
  "wait_payment",
  "reminder",
];
export const TERMINAL_NODE_TYPES: readonly NodeType[] = ["end", "handoff"];

export function describeNode(node: FlowNode): string {
  const label = node.data.label ? `: ${node.data.label}` : "";
  return `"${node.id}" (${node.type}${label})`;
}
