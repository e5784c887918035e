import { Badge, type Tone } from "@/components/ui/badge";
import type { ConversationStatus } from "@/db/schema/conversations";

export const CONVERSATION_STATUS_DISPLAY: Record<
  ConversationStatus,
  { label: string; tone: Tone; description: string }
> = {
  active: { label: "Active", tone: "blue", description: "The bot is working on a step." },
  waiting_input: {
    label: "Waiting for input",
    tone: "amber",
    description: "The bot asked something and waits for the customer.",
  },
  waiting_payment: {
    label: "Waiting for payment",
    tone: "violet",
    description: "A payment link was sent; the provider has not confirmed a payment yet.",
  },
  completed: { label: "Completed", tone: "green", description: "The flow reached its end." },
  handed_off: {
    label: "Handed off",
    tone: "slate",
    description: "Passed to a person on the team.",
  },
  expired: {
    label: "Expired",
    tone: "red",
    description: "The customer did not answer or pay in time.",
  },
  abandoned: {
    label: "Abandoned",
    tone: "red",
    description: "The customer left before the flow finished.",
  },
};

export function ConversationStatusBadge({ status }: { status: ConversationStatus }) {
  const display = CONVERSATION_STATUS_DISPLAY[status];
  if (!display) return <Badge>{status}</Badge>;
  return (
    <span title={display.description} data-testid="conversation-status">
      <Badge tone={display.tone}>{display.label}</Badge>
    </span>
  );
}
