import type { Conversation } from "@/db/schema";
import { PAYMENT_METHODS } from "@/lib/connections/providers/types";
import { capabilitiesOf } from "@/lib/conversations/engine/environment";
import {
  nextMessageAt,
  planStep,
  type StepEnvironment,
} from "@/lib/conversations/engine/step-runner";
import type { FlowGraph } from "@/lib/flows/graph";
import { redactCardData } from "@/lib/flows/redact";
import { createInitialState } from "@/lib/flows/runtime";
import type { ConversationInput, ConversationState } from "@/lib/flows/runtime/types";
import { buildFlowTemplate } from "@/lib/flows/templates";
import { describe, expect, it } from "vitest";

const graph: FlowGraph = buildFlowTemplate("order_and_pay", {
  currency: "EUR",
  languages: ["en"],
  defaultLanguage: "en",
});
const env: StepEnvironment = {
  graph,
  capabilities: capabilitiesOf("web"),
  connections: [
    {
      id: "con_sbx",
      provider: "sandbox",
      mode: "test",
      status: "active",
      methods: [...PAYMENT_METHODS],
      currencies: ["EUR"],
    },
  ],
};
const T0 = new Date("2026-03-01T10:00:00.000Z");

function conversation(state: ConversationState, revision = 4): Conversation {
  return {
    merchantId: "mer_a",
    id: state.conversationKey,
    flowId: "flow_a",
    flowVersionId: "fv_a",
    channel: "web",
    channelId: null,
    externalUserId: "sess_a",
    externalChatId: "sess_a",
    mode: "test",
    lang: state.lang,
    status: state.status,
    isSimulation: false,
    state,
    revision,
    startedAt: T0,
    updatedAt: T0,
    completedAt: null,
  };
}

/** Runs steps in memory the way the engine chains them, returning the last plan. */
function chat(inputs: ConversationInput[]) {
  let row = conversation(createInitialState(graph, "cnv_a"), 0);
  let last: Date | null = null;
  let plan = planStep(row, env, { kind: "start" }, { now: T0, lastMessageAt: last });
  for (const input of inputs) {
    row = plan.conversation;
    last = plan.lastMessageAt;
    plan = planStep(row, env, input, { now: T0, lastMessageAt: last });
  }
  return plan;
}

function message(text: string, id = text): ConversationInput {
  return { kind: "message", text, messageId: id };
}

describe("nextMessageAt", () => {
  it("is now, unless the last message is as late or later: then a millisecond after it", () => {
    expect(nextMessageAt(T0, null)).toEqual(T0);
    expect(nextMessageAt(T0, new Date(T0.getTime() - 5))).toEqual(T0);
    expect(nextMessageAt(T0, T0)).toEqual(new Date(T0.getTime() + 1));
    expect(nextMessageAt(T0, new Date(T0.getTime() + 50))).toEqual(new Date(T0.getTime() + 51));
  });
});

describe("planStep", () => {
  it("moves the row one revision on and writes messages strictly after the last one", () => {
    const started = chat([]);
    const lastMessageAt = new Date(T0.getTime() + 1_000);
    const redacted = redactCardData("1 x2");
    const plan = planStep(started.conversation, env, message("1 x2", "m1"), {
      now: T0,
      lastMessageAt,
      inbound: {
        platformMessageId: "m1",
        body: { kind: "text", text: redacted.text },
        redacted: redacted.redacted,
      },
    });
    expect(plan.before).toBe(started.conversation);
    expect(plan.conversation.revision).toBe(started.conversation.revision + 1);
    expect(plan.conversation.state).toBe(plan.result.state);
    expect(plan.inbound).toMatchObject({
      direction: "inbound",
      platformMessageId: "m1",
      body: { kind: "text", text: "1 x2" },
      createdAt: new Date(lastMessageAt.getTime() + 1),
    });
    const times = [plan.inbound!, ...plan.outbound].map((m) => m.createdAt.getTime());
    expect(plan.outbound.length).toBeGreaterThan(0);
    expect(times.every((t, i) => i === 0 || t === times[i - 1] + 1)).toBe(true);
    expect(plan.lastMessageAt?.getTime()).toBe(times.at(-1));
    // The web widget reads replies from the database: nothing to deliver.
    expect(
      plan.outbound.every(
        (m) => (m.body as { delivery?: { status: string } }).delivery?.status === "not_needed",
      ),
    ).toBe(true);
    expect(plan.events.length).toBe(plan.result.events.length);
    expect(
      plan.events.every((e) => e.conversationId === "cnv_a" && e.flowVersionId === "fv_a"),
    ).toBe(true);
  });

  it("stores the customer's text as the runtime redacted it in context (a bare CVV after a card)", () => {
    const afterCard = chat([message("my card 4242 4242 4242 4242 exp 12/29", "m1")]);
    expect((afterCard.conversation.state as ConversationState).lastHadCard).toBe(true);
    const plain = redactCardData("123");
    expect(plain.redacted).toBe(false);
    const plan = planStep(afterCard.conversation, env, message("123", "m2"), {
      now: T0,
      lastMessageAt: afterCard.lastMessageAt,
      inbound: {
        platformMessageId: "m2",
        body: { kind: "text", text: plain.text },
        redacted: false,
      },
    });
    expect(plan.inbound?.redacted).toBe(true);
    expect(JSON.stringify(plan.inbound?.body)).not.toContain("123");
  });

  it("turns the checkout request into a job and a checkout, and adds the caller's jobs and events", () => {
    const plan = chat([message("1 x2"), message("done"), message("Confirm"), message("card")]);
    expect(plan.checkouts).toHaveLength(1);
    const request = plan.checkouts[0];
    expect(request.amountMinor).toBe(2 * 1290);
    expect(plan.jobs).toContainEqual(request);

    const next = planStep(
      plan.conversation,
      env,
      {
        kind: "payment_event",
        status: "failed",
        paymentId: `checkout_failed:${request.idempotencyKey}`,
      },
      {
        now: T0,
        lastMessageAt: plan.lastMessageAt,
        extraEvents: [
          {
            nodeId: "pay",
            nodeType: "pay",
            kind: "checkout_failed",
            at: T0.toISOString(),
            detail: "no_connection",
          },
        ],
        extraJobs: [{ type: "cancel_checkout_recovery", idempotencyKey: request.idempotencyKey }],
      },
    );
    expect(next.jobs.at(-1)).toEqual({
      type: "cancel_checkout_recovery",
      idempotencyKey: request.idempotencyKey,
    });
    expect(next.events.at(-1)).toMatchObject({
      kind: "checkout_failed",
      detail: { detail: "no_connection" },
    });
    expect(next.inbound).toBeNull();
  });

  it("sets completedAt when the conversation ends, and keeps the first one", () => {
    const ordered = chat([message("1 x2"), message("done"), message("Confirm"), message("card")]);
    const request = ordered.checkouts[0];
    const linked = planStep(
      ordered.conversation,
      env,
      {
        kind: "checkout_created",
        paymentId: "pay_1",
        url: "https://pay.example/1",
        amountMinor: request.amountMinor,
        currency: "EUR",
      },
      { now: T0, lastMessageAt: ordered.lastMessageAt },
    );
    expect(linked.conversation.status).toBe("waiting_payment");
    expect(linked.conversation.completedAt).toBeNull();
    const paidAt = new Date(T0.getTime() + 60_000);
    const paid = planStep(
      linked.conversation,
      env,
      { kind: "payment_event", status: "succeeded", paymentId: "pay_1" },
      { now: paidAt, lastMessageAt: linked.lastMessageAt },
    );
    expect(paid.conversation.status).toBe("completed");
    expect(paid.conversation.completedAt).toEqual(paidAt);

    const later = planStep(paid.conversation, env, message("thanks!"), {
      now: new Date(paidAt.getTime() + 60_000),
      lastMessageAt: paid.lastMessageAt,
    });
    expect(later.conversation.status).toBe("completed");
    expect(later.conversation.completedAt).toEqual(paidAt);
  });
});
