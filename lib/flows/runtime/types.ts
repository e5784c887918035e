// What goes in and out of one runtime step. Inputs cross a boundary (webhooks, channels,
// timers), so they have zod schemas; everything the runtime returns is plain JSON.
import { PAYMENT_METHODS, type PaymentMethod } from "@/lib/connections/providers/types";
import { z } from "zod";
import { LangSchema, type Lang, type NodeType } from "../graph";

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const ConversationInputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("start"),
    lang: LangSchema.optional(),
    /** Values for the flow's declared `inputs`, supplied by the merchant's side, never the customer. */
    variables: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
  z.object({ kind: z.literal("message"), text: z.string().max(10_000), messageId: z.string() }),
  z.object({
    kind: z.literal("payment_event"),
    status: z.enum(["succeeded", "failed", "expired", "opened"]),
    paymentId: z.string(),
  }),
  z.object({
    kind: z.literal("timer"),
    timerId: z.string(),
    fired: z.enum(["reminder", "payment_timeout"]),
  }),
  z.object({
    kind: z.literal("checkout_created"),
    paymentId: z.string().min(1),
    url: z.string().min(1),
    amountMinor: z.number().int(),
    currency: z.string(),
  }),
  z.object({ kind: z.literal("choose_method"), method: z.enum(PAYMENT_METHODS) }),
  // A support agent in the Inbox: takes the chat from the bot, hands it back at a node, closes it.
  z.object({
    kind: z.literal("agent"),
    action: z.enum(["take_over", "hand_back", "close"]),
    nodeId: z.string().min(1).max(100).optional(),
  }),
]);
export type ConversationInput = z.infer<typeof ConversationInputSchema>;

export interface ChannelCapabilities {
  buttons: boolean;
  wallets: boolean;
  richCards: boolean;
}

/** Facts about the channel a reminder would go out on; the host reads them, the runtime decides. */
export interface ReminderFacts {
  channel: "web" | "telegram" | "messenger" | "whatsapp" | "slack";
  /** When the customer last wrote (the 24-hour windows count from it); null if never. */
  lastCustomerMessageAt: string | null;
  /** The channel has an approved message template for reminders (WhatsApp). */
  templateAvailable: boolean;
  /** The customer said "stop" on this channel, in this or an earlier conversation. */
  optedOut: boolean;
}

export interface RuntimeContext {
  /** The moment of this step; the runtime never reads the clock itself. */
  now: Date | string;
  /** Methods of enabled connections for this flow's currency/country, as the host computed them. */
  availableMethods: readonly PaymentMethod[];
  channelCapabilities: ChannelCapabilities;
  /** A test-mode conversation (published in test mode, or simulated): receipts say no money moved. */
  testMode?: boolean;
  /** Shown on the confirmation step ("Paying: Café Lumière"). */
  merchantName?: string;
  /** The merchant's IANA time zone: quiet hours are read in it (UTC when absent). */
  timeZone?: string;
  /** Given with timer inputs: what the channel allows a reminder right now. */
  reminders?: ReminderFacts;
}

export interface ChoiceOption {
  value: string;
  label: string;
}

export type OutboundMessage =
  | { kind: "text"; text: string }
  | { kind: "choices"; text: string; options: ChoiceOption[] }
  | {
      kind: "payment_link";
      text: string;
      url: string;
      amountMinor: number;
      currency: string;
      methods: PaymentMethod[];
      /** Outside WhatsApp's 24-hour window: goes out as the channel's approved template. */
      viaTemplate?: boolean;
    }
  | { kind: "receipt"; text: string; amountMinor: number; currency: string; reference: string };

export type TimerKind = "reminder" | "payment_timeout";

export type RuntimeAction =
  | {
      type: "create_checkout";
      idempotencyKey: string;
      amountMinor: number;
      currency: string;
      method?: PaymentMethod;
      methods: PaymentMethod[];
      connectionId?: string;
      description: string;
      expiresAt: string;
      /** The confirmation this amount was accepted under (see confirmation.ts). */
      confirmationHash?: string;
    }
  | { type: "schedule_timer"; timerId: string; kind: TimerKind; runAt: string }
  | { type: "cancel_timer"; timerId: string }
  | { type: "handoff" }
  | { type: "complete" };

export const STEP_EVENT_KINDS = [
  "entered",
  "completed",
  "input_accepted",
  "input_invalid",
  "input_redacted",
  "language_detected",
  "cart_updated",
  "method_chosen",
  "checkout_requested",
  "checkout_reused",
  "checkout_mismatch",
  "payment_link_sent",
  "payment_opened",
  "payment_succeeded",
  "payment_failed",
  "payment_expired",
  "confirmation_shown",
  "amount_confirmed",
  "confirmation_changed",
  "confirmation_stale",
  "checkout_unconfirmed",
  "reminder_sent",
  "reminder_skipped",
  "reminder_deferred",
  "reminders_opted_out",
  "status_replied",
  "handed_off",
  "conversation_completed",
  "conversation_expired",
  "loop_guard",
  "runtime_error",
  "input_ignored",
  "agent_took_over",
  "agent_handed_back",
  "agent_closed",
] as const;
export type StepEventKind = (typeof STEP_EVENT_KINDS)[number];

export interface StepEvent {
  /** Empty when the conversation is not at a node yet. */
  nodeId: string;
  nodeType: NodeType | "none";
  kind: StepEventKind;
  at: string;
  /** Output taken, validation reason, payment id…: short and free of customer data. */
  detail?: string;
}

export const CONVERSATION_STATUSES = [
  "active",
  "waiting_input",
  "waiting_payment",
  "completed",
  "handed_off",
  "expired",
  /** The customer went quiet for good; never set by the runtime, closed for the open-chat lookup. */
  "abandoned",
] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ConversationStatus[] = [
  "completed",
  "handed_off",
  "expired",
];

/** Where the conversation's current checkout stands, in the customer's terms. */
export type PaymentProgress =
  "creating" | "link_sent" | "opened" | "succeeded" | "failed" | "expired";

export interface PaymentRecord {
  paymentId?: string;
  status: PaymentProgress;
  /** Checkouts created in this conversation so far, this one included. */
  attempts: number;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  payNodeId: string;
  method?: PaymentMethod;
  methods: PaymentMethod[];
  url?: string;
  expiresAt: string;
  confirmationHash?: string;
}

export interface CartItem {
  sku: string;
  quantity: number;
  unitMinor: number;
}

export interface Cart {
  items: CartItem[];
  totalMinor: number;
  currency: string;
}

/** What the customer was shown on a confirm node, and whether they accepted it. */
export interface Confirmation {
  nodeId: string;
  status: "shown" | "confirmed";
  items: CartItem[];
  amountMinor: number;
  currency: string;
  /** Digest of items, amount and currency: a checkout is only created under an equal one. */
  hash: string;
  at: string;
}

export interface ConversationState {
  version: 1;
  /** Stable id of the conversation; idempotency keys and timer ids derive from it. */
  conversationKey: string;
  currentNodeId: string | null;
  status: ConversationStatus;
  lang: Lang;
  /** True when the channel told us the language, so detection must not override it. */
  langFixed: boolean;
  variables: Record<string, JsonValue>;
  cart?: Cart;
  /** The last confirmation shown; the pay node charges only what it holds, confirmed. */
  confirmation?: Confirmation;
  /** The customer asked for no more reminders ("stop"). */
  remindersOptedOut?: boolean;
  payment?: PaymentRecord;
  /** Methods the customer was offered at the last choose_method (what the link shows). */
  offeredMethods?: PaymentMethod[];
  reminderCount: number;
  /** Invalid answers at the current node. */
  retries: number;
  /** Node ids visited, oldest first (capped), for highlighting on the canvas. */
  path: string[];
  waitingSince?: string;
  timer?: { timerId: string; kind: TimerKind };
  /** Counter that keeps timer ids unique within the conversation. */
  timerSeq: number;
  /** The previous customer message carried a card number (a bare 3–4 digits next is a CVV). */
  lastHadCard: boolean;
}

export interface StepResult {
  state: ConversationState;
  outbound: OutboundMessage[];
  actions: RuntimeAction[];
  events: StepEvent[];
  /** The customer's message as it may be stored: card data removed. Only for message inputs. */
  inbound?: { text: string; redacted: boolean; kinds: ("pan" | "cvv" | "expiry")[] };
}
