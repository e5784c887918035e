// Who may do what to a conversation in the Inbox, as one pure decision: take it (only if nobody
// else holds it), reply, request a payment, hand it back to the bot or close it (only the person
// who holds it). The database write repeats the holder condition, so the decision and the write
// agree even when two agents click at once (lib/conversations/inbox/service.ts).
import type { ConversationStatus, HandoffStatus } from "@/db/schema";

export const INBOX_COMMANDS = ["take", "reply", "request_payment", "hand_back", "close"] as const;
export type InboxCommand = (typeof INBOX_COMMANDS)[number];

export interface HandoffFacts {
  /** Null: the conversation was never in the Inbox. */
  status: HandoffStatus | null;
  assignedUserId: string | null;
  /** The holder's name, for the refusal. */
  assignedName?: string | null;
}

export interface ConversationFacts {
  status: ConversationStatus;
  isSimulation: boolean;
}

export type InboxRefusal = "simulation" | "ended" | "held_by_other" | "not_held";

export type InboxDecision =
  | { ok: true; next: HandoffStatus; changed: boolean }
  | { ok: false; code: InboxRefusal; reason: string };

const ENDED: readonly ConversationStatus[] = ["completed", "expired", "abandoned"];

const VERBS: Record<InboxCommand, string> = {
  take: "take it over",
  reply: "reply",
  request_payment: "send a payment request",
  hand_back: "hand it back to the bot",
  close: "close it",
};

export type ReassignDecision =
  { ok: true; changed: boolean } | { ok: false; code: InboxRefusal; reason: string };

/**
 * An owner or admin moving a held conversation to another member (or to themselves). Only a
 * held one: a waiting chat is anyone's to take, and the bot's own chats are taken over first.
 */
export function decideReassign(facts: {
  conversation: ConversationFacts;
  handoff: HandoffFacts;
  assigneeUserId: string;
}): ReassignDecision {
  const { conversation, handoff, assigneeUserId } = facts;
  if (conversation.isSimulation)
    return {
      ok: false,
      code: "simulation",
      reason: "This is a simulator test; there is no customer to answer.",
    };
  if (ENDED.includes(conversation.status) || handoff.status === "closed")
    return {
      ok: false,
      code: "ended",
      reason: "This conversation is closed, so it can no longer be reassigned.",
    };
  if (handoff.status !== "assigned")
    return {
      ok: false,
      code: "not_held",
      reason: "Nobody holds this conversation: take it over instead of reassigning it.",
    };
  return { ok: true, changed: handoff.assignedUserId !== assigneeUserId };
}

export function decideInbox(
  command: InboxCommand,
  facts: { conversation: ConversationFacts; handoff: HandoffFacts; actorUserId: string },
): InboxDecision {
  const { conversation, handoff, actorUserId } = facts;
  if (conversation.isSimulation)
    return {
      ok: false,
      code: "simulation",
      reason: "This is a simulator test; there is no customer to answer.",
    };
  if (ENDED.includes(conversation.status) || (handoff.status === "closed" && command !== "take"))
    return {
      ok: false,
      code: "ended",
      reason: `This conversation is closed, so you can no longer ${VERBS[command]}.`,
    };
  const held = handoff.status === "assigned";
  const mine = held && handoff.assignedUserId === actorUserId;
  if (held && !mine) {
    const who = handoff.assignedName || "another member of the team";
    return {
      ok: false,
      code: "held_by_other",
      reason: `${who} is handling this conversation; only they can ${VERBS[command]}.`,
    };
  }
  if (command === "take") return { ok: true, next: "assigned", changed: !mine };
  if (!mine)
    return {
      ok: false,
      code: "not_held",
      reason: `Take over the conversation first: you can ${VERBS[command]} only while you hold it.`,
    };
  switch (command) {
    case "reply":
    case "request_payment":
      return { ok: true, next: "assigned", changed: false };
    case "hand_back":
      return { ok: true, next: "returned", changed: true };
    case "close":
      return { ok: true, next: "closed", changed: true };
  }
}
