// Turns the runtime's OutboundMessage into what a channel can show: buttons where it has them
// (within the platform's limits), a numbered list or a plain link where it does not.
import { formatMoney } from "@/lib/money";
import { truncateText, utf8Length } from "./sanitize";
import type { ChannelCapabilities, ChoiceOption, OutboundMessage } from "./types";

export type RenderedMessage =
  | { kind: "text"; text: string }
  | { kind: "choices"; text: string; options: ChoiceOption[] }
  | { kind: "link"; text: string; url: string; label: string };

export interface RenderOptions {
  locale?: string;
}

export function payLabel(amountMinor: number, currency: string, locale = "en"): string {
  return `Pay ${formatMoney(amountMinor, currency, locale)}`;
}

export function renderForChannel(
  message: OutboundMessage,
  capabilities: ChannelCapabilities,
  options: RenderOptions = {},
): RenderedMessage {
  const max = capabilities.maxTextLength;
  const limits = capabilities.buttonLimits;
  const interactiveMax = Math.min(max, limits?.maxTextLength ?? max);

  switch (message.kind) {
    case "text":
      return { kind: "text", text: truncateText(message.text, max) };

    case "choices": {
      // A blank label would be an empty button, which every platform refuses.
      const choices = message.options.map((o) => ({
        value: o.value,
        label: o.label.trim() || o.value,
      }));
      const fitsButtons =
        capabilities.buttons &&
        message.options.length > 0 &&
        message.options.length <= (limits?.maxButtons ?? Infinity) &&
        message.options.every(
          (o) => o.value.length > 0 && utf8Length(o.value) <= (limits?.maxValueBytes ?? Infinity),
        ) &&
        message.text.length <= interactiveMax;
      if (fitsButtons) {
        return {
          kind: "choices",
          text: message.text.trim() || "Choose one:",
          options: choices,
        };
      }
      return { kind: "text", text: withSuffix(message.text, numberedList(choices), max) };
    }

    case "payment_link": {
      const label = payLabel(message.amountMinor, message.currency, options.locale);
      if (capabilities.buttons && message.text.length <= interactiveMax) {
        return { kind: "link", text: message.text.trim() || label, url: message.url, label };
      }
      // The URL must survive whole: the customer's text is what gets shortened.
      return { kind: "text", text: withSuffix(message.text, `${label}: ${message.url}`, max) };
    }

    case "receipt": {
      const amount = formatMoney(message.amountMinor, message.currency, options.locale);
      return {
        kind: "text",
        text: withSuffix(message.text, `Paid: ${amount}\nReference: ${message.reference}`, max),
      };
    }
  }
}

export function numberedList(options: readonly ChoiceOption[]): string {
  return options.map((option, index) => `${index + 1}. ${option.label}`).join("\n");
}

/** `text`, a blank line, then `suffix`; `text` is shortened first so the suffix stays whole. */
function withSuffix(text: string, suffix: string, max: number): string {
  const trimmed = text.trim();
  if (!trimmed) return truncateText(suffix, max);
  const room = max - suffix.length - 2;
  if (room <= 1) return truncateText(`${trimmed}\n\n${suffix}`, max);
  return `${truncateText(trimmed, room)}\n\n${suffix}`;
}

/**
 * Which option a typed answer picks: "2", "2.", "#2" or "(2)" by position, or the label
 * itself, "2. Label" as shown in the list, ignoring case, accents' composition and spacing.
 */
export function parseNumberedChoice(
  text: string,
  options: readonly ChoiceOption[],
): ChoiceOption | undefined {
  // NFKC folds full-width digits ("２") that some mobile keyboards produce.
  const answer = normalizeAnswer(text.normalize("NFKC"));
  if (!answer) return undefined;

  const byNumber = /^(?:#|no\.?\s*)?\(?(\d{1,3})\)?[.)]?$/.exec(answer);
  if (byNumber) {
    const index = Number(byNumber[1]) - 1;
    return options[index];
  }

  const byLabel = options.filter((o) => normalizeAnswer(o.label.normalize("NFKC")) === answer);
  if (byLabel.length === 1) return byLabel[0];

  const echoed = /^(\d{1,3})[.)]\s*(.+)$/.exec(answer);
  if (echoed) {
    const option = options[Number(echoed[1]) - 1];
    if (option && normalizeAnswer(option.label.normalize("NFKC")) === echoed[2]) return option;
  }
  return undefined;
}

function normalizeAnswer(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, " ")
    .replace(/[\s!?]+$/u, "")
    .toLocaleLowerCase();
}
