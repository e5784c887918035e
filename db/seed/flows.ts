// The demo's flows: name, status, channels, version history, and the funnel stages a
// conversation walks through. Node ids come from the templates (see graphs.ts), so
// conversation events line up into per-step funnels.
import type { Mode } from "@/db/schema";
import type { ChannelKind, FlowStatus } from "@/db/schema/flows";
import type { FlowGraph } from "@/lib/flows/graph";
import type { StepEventKind } from "@/lib/flows/runtime/types";
import type { TemplateId } from "@/lib/flows/templates";
import { batikGraph, donationGraph, invoiceGraph, menuGraph } from "./graphs";

export type FlowKey = "invoice" | "menu" | "donation" | "batik";

/**
 * One step of the funnel: the customer answers `answer` (if any) and the runtime then enters
 * `enter` in order. `reach` is the share of conversations that get this far.
 */
export interface FunnelStage {
  reach: number;
  answer?: { nodeId: string; kind: StepEventKind; detail?: string };
  enter: readonly string[];
}

export interface FlowSpec {
  key: FlowKey;
  name: string;
  description: string;
  template: TemplateId;
  status: FlowStatus;
  channels: ChannelKind[];
  /** The mode its versions were published in (default live): the demo has one test-mode flow. */
  publishMode?: Mode;
  /** Days before `now` each version was published (oldest first); empty for drafts. */
  versionAgesDays: number[];
  versionNotes: string[];
  graph(version: number): FlowGraph;
  /** Stages up to and including the pay step (the last stage enters pay and the waiting node). */
  funnel: readonly FunnelStage[];
  /** Where the conversation waits for the payment after the link is sent. */
  waitNode: "reminder" | "wait_payment";
  /** The pay node's link lifetime, as in the graph. */
  payExpiresInMinutes: number;
}

const orderFunnel: FunnelStage[] = [
  { reach: 1, enter: ["start", "catalogue"] },
  { reach: 0.85, answer: { nodeId: "catalogue", kind: "cart_updated", detail: "1" }, enter: [] },
  {
    reach: 0.6,
    answer: { nodeId: "catalogue", kind: "input_accepted", detail: "cart_done" },
    enter: ["confirm", "choose_method"],
  },
  {
    reach: 0.55,
    answer: { nodeId: "choose_method", kind: "method_chosen" },
    enter: ["pay", "wait_payment"],
  },
];

export const FLOWS: Record<"lumiere" | "nusantara", readonly FlowSpec[]> = {
  lumiere: [
    {
      key: "invoice",
      name: "Pay an invoice",
      description: "Customers settle a catering or private-dining invoice from a link or chat.",
      template: "pay_invoice",
      status: "published",
      channels: ["web", "whatsapp", "slack"],
      versionAgesDays: [120, 41, 9],
      versionNotes: ["First version", "Chinese for tourists", "Indonesian"],
      graph: invoiceGraph,
      funnel: [
        { reach: 1, enter: ["start", "welcome", "ask_invoice"] },
        {
          reach: 0.85,
          answer: { nodeId: "ask_invoice", kind: "input_accepted", detail: "text" },
          enter: ["ask_amount"],
        },
        {
          reach: 0.6,
          answer: { nodeId: "ask_amount", kind: "input_accepted", detail: "amount" },
          enter: ["choose_method"],
        },
        {
          reach: 0.55,
          answer: { nodeId: "choose_method", kind: "method_chosen" },
          enter: ["pay", "reminder"],
        },
      ],
      waitNode: "reminder",
      payExpiresInMinutes: 1440,
    },
    {
      key: "menu",
      name: "Order and pay — Menu du jour",
      description: "Take-away lunch orders from the daily menu, paid in the chat.",
      template: "order_and_pay",
      status: "published",
      // Published in test mode (tried on real phones before going live): its customers see
      // "Test mode — no money moves" and pay on the Sandbox page. The invoice flow is live.
      publishMode: "test",
      channels: ["web", "messenger", "telegram"],
      versionAgesDays: [100, 23],
      versionNotes: ["First version", "Chinese translation"],
      graph: menuGraph,
      funnel: orderFunnel,
      waitNode: "wait_payment",
      payExpiresInMinutes: 60,
    },
    {
      key: "donation",
      name: "Donation — Restos du Cœur",
      description: "Round up the bill or give to this month's charity.",
      template: "donation",
      status: "draft",
      channels: ["web"],
      versionAgesDays: [],
      versionNotes: [],
      graph: donationGraph,
      funnel: [
        { reach: 1, enter: ["start", "intro", "ask_amount"] },
        {
          reach: 0.7,
          answer: { nodeId: "ask_amount", kind: "input_accepted", detail: "amount" },
          enter: ["choose_method"],
        },
        {
          reach: 0.62,
          answer: { nodeId: "choose_method", kind: "method_chosen" },
          enter: ["pay", "wait_payment"],
        },
      ],
      waitNode: "wait_payment",
      payExpiresInMinutes: 60,
    },
  ],
  nusantara: [
    {
      key: "batik",
      name: "Pesan batik",
      description: "Order batik cloth and shirts over WhatsApp.",
      template: "order_and_pay",
      status: "published",
      channels: ["web", "whatsapp"],
      versionAgesDays: [45],
      versionNotes: ["Versi pertama"],
      graph: batikGraph,
      funnel: [
        { reach: 1, enter: ["start", "catalogue"] },
        {
          reach: 0.82,
          answer: { nodeId: "catalogue", kind: "cart_updated", detail: "1" },
          enter: [],
        },
        {
          reach: 0.56,
          answer: { nodeId: "catalogue", kind: "input_accepted", detail: "cart_done" },
          enter: ["confirm", "choose_method"],
        },
        {
          reach: 0.5,
          answer: { nodeId: "choose_method", kind: "method_chosen" },
          enter: ["pay", "wait_payment"],
        },
      ],
      waitNode: "wait_payment",
      payExpiresInMinutes: 60,
    },
  ],
};
