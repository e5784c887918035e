// A customer's message as it arrives: size limits and text hygiene before anything else touches
// it, card data redacted before it can be stored, and the runtime input it becomes.
import {
  cleanInboundText,
  MAX_INBOUND_BODY_BYTES,
  sanitizeInboundText,
  truncateText,
} from "@/lib/channels/platforms/sanitize";
import { AppError } from "@/lib/errors";
import { type Lang, LANGS } from "@/lib/flows/graph";
import { redactInboundMessage } from "@/lib/flows/redact";
import type { ConversationInput } from "@/lib/flows/runtime/types";
import type { InboundToStore } from "./step-runner";

export const MAX_CHOICE_VALUE_LENGTH = 2_000;

export interface InboundText {
  /** The platform's id for this delivery; a redelivery repeats it. */
  platformMessageId: string;
  text: string;
  /** The tapped button's value, when the customer tapped one. */
  choiceValue?: string;
  /** The platform's idea of the customer's language (a BCP 47 tag). */
  lang?: string;
}

/** The platform's language tag as one of the bot's languages, when it is one. */
export function langFromTag(tag: string | undefined): Lang | undefined {
  const primary = tag?.toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(primary ?? "") ? (primary as Lang) : undefined;
}

interface CleanInbound {
  platformMessageId: string;
  text: string;
  choiceValue?: string;
}

/** Size limits and text hygiene, before anything else touches the message. */
function cleanInbound(message: InboundText): CleanInbound {
  const raw = message.text ?? "";
  if (
    raw.length * 3 > MAX_INBOUND_BODY_BYTES &&
    Buffer.byteLength(raw, "utf8") > MAX_INBOUND_BODY_BYTES
  ) {
    throw new AppError("This message is too large.", 413);
  }
  const platformMessageId = String(message.platformMessageId ?? "").slice(0, 200);
  if (!platformMessageId) throw new AppError("The message has no id.", 400);
  const text = sanitizeInboundText(raw);
  const choice =
    message.choiceValue === undefined
      ? ""
      : truncateText(cleanInboundText(message.choiceValue), MAX_CHOICE_VALUE_LENGTH);
  if (!text && !choice) throw new AppError("The message is empty.", 400);
  return { platformMessageId, text: text || choice, ...(choice ? { choiceValue: choice } : {}) };
}

/** The message as the step stores it (redacted without context) and as the runtime reads it. */
export function prepareInbound(message: InboundText): {
  inbound: InboundToStore;
  input: ConversationInput;
} {
  const clean = cleanInbound(message);
  // Redacted before anything is stored: card data never reaches a row or a log, whether typed
  // or carried in a tapped button's value (which a customer's client can set to anything).
  const stored = redactInboundMessage(clean);
  return {
    inbound: {
      platformMessageId: clean.platformMessageId,
      body: {
        kind: "text",
        text: stored.text.text,
        ...(stored.choiceValue ? { choiceValue: stored.choiceValue.text } : {}),
      },
      redacted: stored.redacted,
    },
    input: {
      kind: "message",
      text: clean.choiceValue ?? clean.text,
      messageId: clean.platformMessageId,
    },
  };
}
