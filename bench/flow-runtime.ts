// Flow runtime throughput on one core: a 20-node order flow driven through whole
// conversations (questions, cart, confirmation, method, checkout, reminder, payment, receipt, survey).
// Run: npx tsx bench/flow-runtime.ts  → one JSON line. A bench runner can import run().
import { type FlowGraph, FlowGraphSchema } from "@/lib/flows/graph";
import {
  type ConversationInput,
  createInitialState,
  type RuntimeContext,
  step,
} from "@/lib/flows/runtime";
import { pathToFileURL } from "node:url";

const TARGET_STEPS_PER_SECOND = 50_000;

const text = (en: string, fr: string) => ({ en, fr });

export function benchFlow(): FlowGraph {
  const nodes: [string, string, Record<string, unknown>][] = [
    ["start", "start", {}],
    ["welcome", "message", { text: text("Welcome to the shop!", "Bienvenue dans la boutique !") }],
    [
      "name",
      "ask",
      { variable: "name", kind: "text", prompt: text("Your name?", "Votre nom ?"), retry: {} },
    ],
    [
      "email",
      "ask",
      {
        variable: "email",
        kind: "email",
        prompt: text("Your email, {{name}}?", "Votre e-mail, {{name}} ?"),
        retry: {},
      },
    ],
    ["has_email", "condition", { variable: "email", operator: "set" }],
    [
      "shop",
      "product_choice",
      {
        prompt: text("What would you like?", "Que souhaitez-vous ?"),
        allowMultiple: true,
        products: [
          { sku: "A", name: text("Coffee", "Café"), priceMinor: 1290 },
          { sku: "B", name: text("Mug", "Tasse"), priceMinor: 1500 },
          { sku: "C", name: text("Gift card", "Carte cadeau"), priceMinor: 2500 },
        ],
      },
    ],
    // The customer confirms the cart and total before anything is charged.
    ["summary", "confirm", { amountFrom: "cart" }],
    ["big_order", "condition", { variable: "total", operator: "gt", value: 100000 }],
    [
      "review",
      "handoff",
      {
        text: text(
          "A colleague will confirm this large order.",
          "Un collègue va confirmer cette grosse commande.",
        ),
      },
    ],
    [
      "method",
      "choose_method",
      { prompt: text("How would you like to pay?", "Comment souhaitez-vous payer ?") },
    ],
    [
      "pay",
      "pay",
      {
        amountFrom: "cart",
        description: text("Order for {{name}}", "Commande de {{name}}"),
        expiresInMinutes: 120,
      },
    ],
    [
      "remind",
      "reminder",
      {
        afterMinutes: 15,
        maxTimes: 1,
        text: text("Still waiting: {{payment_url}}", "Toujours en attente : {{payment_url}}"),
      },
    ],
    ["wait", "wait_payment", { timeoutMinutes: 90 }],
    [
      "receipt",
      "receipt",
      { text: text("Paid {{total}}, ref {{reference}}", "Payé {{total}}, réf. {{reference}}") },
    ],
    [
      "survey",
      "ask",
      {
        variable: "rating",
        kind: "choice",
        prompt: text("How was it?", "C'était comment ?"),
        retry: {},
        choices: [
          { value: "good", label: text("Good", "Bien") },
          { value: "bad", label: text("Bad", "Mauvais") },
        ],
      },
    ],
    ["liked", "condition", { variable: "rating", operator: "eq", value: "good" }],
    ["thanks", "message", { text: text("Thank you, {{name}}!", "Merci, {{name}} !") }],
    ["sorry", "message", { text: text("Sorry to hear that.", "Désolé de l'apprendre.") }],
    ["end", "end", { text: text("Bye", "Au revoir") }],
    ["expired", "end", { text: text("The link expired.", "Le lien a expiré.") }],
  ];
  const edges: [string, string, string][] = [
    ["start", "next", "welcome"],
    ["welcome", "next", "name"],
    ["name", "next", "email"],
    ["email", "next", "has_email"],
    ["has_email", "true", "shop"],
    ["has_email", "false", "shop"],
    ["shop", "next", "summary"],
    ["summary", "next", "big_order"],
    ["big_order", "true", "review"],
    ["big_order", "false", "method"],
    ["method", "next", "pay"],
    ["pay", "next", "remind"],
    ["remind", "paid", "receipt"],
    ["remind", "unpaid", "wait"],
    ["wait", "succeeded", "receipt"],
    ["wait", "expired", "expired"],
    ["receipt", "next", "survey"],
    ["survey", "next", "liked"],
    ["liked", "true", "thanks"],
    ["liked", "false", "sorry"],
    ["thanks", "next", "end"],
    ["sorry", "next", "end"],
  ];
  return FlowGraphSchema.parse({
    defaultLanguage: "en",
    languages: ["en", "fr"],
    currency: "EUR",
    nodes: nodes.map(([id, type, data], i) => ({ id, type, position: { x: 0, y: i * 120 }, data })),
    edges: edges.map(([source, sourceHandle, target], i) => ({
      id: `e${i}`,
      source,
      sourceHandle,
      target,
    })),
  });
}

/** One conversation, start to survey: the steps taken and whether it reached the end. */
function converse(
  graph: FlowGraph,
  n: number,
  ctx: RuntimeContext,
): { steps: number; completed: boolean } {
  let state = createInitialState(graph, `bench_${n}`, n % 2 === 0 ? "en" : "fr");
  let steps = 0;
  const send = (input: ConversationInput) => {
    state = step(graph, state, input, ctx).state;
    steps++;
  };
  const message = (text: string) => send({ kind: "message", text, messageId: `m${steps}` });
  send({ kind: "start" });
  message("Ada");
  message("not an email");
  message("ada@example.com");
  message("1 x2, 2");
  message("done");
  message("1"); // Confirm
  message("2");
  const amountMinor = state.payment?.amountMinor ?? 0;
  send({
    kind: "checkout_created",
    paymentId: `pay_${n}`,
    url: `https://pay.test/${n}`,
    amountMinor,
    currency: "EUR",
  });
  message("status?");
  if (state.timer) send({ kind: "timer", timerId: state.timer.timerId, fired: state.timer.kind });
  send({ kind: "payment_event", status: "opened", paymentId: `pay_${n}` });
  send({ kind: "payment_event", status: "succeeded", paymentId: `pay_${n}` });
  message(n % 3 === 0 ? "bad" : "1");
  return { steps, completed: state.status === "completed" };
}

export interface FlowRuntimeBenchResult {
  name: "flow-runtime";
  nodes: number;
  steps: number;
  conversations: number;
  stepsPerConversation: number;
  /** Conversations that went all the way to the end node (all of them, or the bench is broken). */
  completed: number;
  durationMs: number;
  stepsPerSecond: number;
  microsecondsPerStep: number;
  targetStepsPerSecond: number;
  meetsTarget: boolean;
}

export function run(
  options: { durationMs?: number; warmupMs?: number } = {},
): FlowRuntimeBenchResult {
  const graph = benchFlow();
  const ctx: RuntimeContext = {
    now: "2025-03-01T09:00:00.000Z",
    availableMethods: ["card", "paypal", "apple_pay"],
    channelCapabilities: { buttons: true, wallets: true, richCards: true },
  };
  const durationMs = options.durationMs ?? 2000;
  const warmupMs = options.warmupMs ?? 300;
  let n = 0;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) converse(graph, n++, ctx);

  let steps = 0;
  let conversations = 0;
  let completed = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    const outcome = converse(graph, n++, ctx);
    steps += outcome.steps;
    if (outcome.completed) completed++;
    conversations++;
    elapsed = performance.now() - started;
  }
  const stepsPerSecond = Math.round((steps / elapsed) * 1000);
  return {
    name: "flow-runtime",
    nodes: graph.nodes.length,
    steps,
    conversations,
    stepsPerConversation: Math.round((steps / conversations) * 10) / 10,
    completed,
    durationMs: Math.round(elapsed),
    stepsPerSecond,
    microsecondsPerStep: Math.round((elapsed * 1000 * 100) / steps) / 100,
    targetStepsPerSecond: TARGET_STEPS_PER_SECOND,
    meetsTarget: stepsPerSecond >= TARGET_STEPS_PER_SECOND,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(run()));
}
