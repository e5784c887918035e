import {
  numberedList,
  parseNumberedChoice,
  renderForChannel,
} from "@/lib/channels/platforms/render";
import type { ChannelCapabilities, ChoiceOption } from "@/lib/channels/platforms/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const withButtons: ChannelCapabilities = {
  buttons: true,
  wallets: false,
  richCards: true,
  maxTextLength: 500,
};
const textOnly: ChannelCapabilities = {
  buttons: false,
  wallets: false,
  richCards: false,
  maxTextLength: 500,
};
const sizes: ChoiceOption[] = [
  { value: "size_s", label: "Small" },
  { value: "size_m", label: "Medium" },
  { value: "size_l", label: "Large" },
];

describe("renderForChannel", () => {
  it("keeps choices as buttons where the channel has them", () => {
    const rendered = renderForChannel(
      { kind: "choices", text: "Which size?", options: sizes },
      withButtons,
    );
    expect(rendered).toEqual({ kind: "choices", text: "Which size?", options: sizes });
  });

  it("turns choices into a numbered list on a channel without buttons", () => {
    const rendered = renderForChannel(
      { kind: "choices", text: "Which size?", options: sizes },
      textOnly,
    );
    expect(rendered.kind).toBe("text");
    expect(rendered.text).toBe("Which size?\n\n1. Small\n2. Medium\n3. Large");
  });

  it("falls back to a numbered list when the options exceed the platform's button limits", () => {
    const limited = {
      ...withButtons,
      buttonLimits: { maxButtons: 2, maxValueBytes: 64, maxTextLength: 500 },
    };
    expect(renderForChannel({ kind: "choices", text: "Size?", options: sizes }, limited).kind).toBe(
      "text",
    );

    const longValue = [{ value: "x".repeat(65), label: "Big" }];
    expect(
      renderForChannel({ kind: "choices", text: "Size?", options: longValue }, limited).kind,
    ).toBe("text");
    // 22 two-byte characters are 44 bytes: within 64 although a naive check might count otherwise.
    const accented = [{ value: "é".repeat(22), label: "É" }];
    expect(
      renderForChannel({ kind: "choices", text: "Size?", options: accented }, limited).kind,
    ).toBe("choices");
    const accentedTooBig = [{ value: "é".repeat(33), label: "É" }];
    expect(
      renderForChannel({ kind: "choices", text: "Size?", options: accentedTooBig }, limited).kind,
    ).toBe("text");

    const shortInteractive = {
      ...withButtons,
      buttonLimits: { maxButtons: 10, maxValueBytes: 64, maxTextLength: 10 },
    };
    const long = renderForChannel(
      { kind: "choices", text: "A question longer than ten", options: sizes },
      shortInteractive,
    );
    expect(long.kind).toBe("text");
    expect(long.text).toContain("2. Medium");
  });

  it("renders a payment link as a button labelled with the formatted amount", () => {
    const rendered = renderForChannel(
      {
        kind: "payment_link",
        text: "Your order is ready.",
        url: "https://pay.test/s/1",
        amountMinor: 1250,
        currency: "EUR",
        methods: ["card"],
      },
      withButtons,
    );
    expect(rendered).toEqual({
      kind: "link",
      text: "Your order is ready.",
      url: "https://pay.test/s/1",
      label: "Pay €12.50",
    });
  });

  it("uses the currency's own exponent in amounts", () => {
    const yen = renderForChannel(
      {
        kind: "payment_link",
        text: "Total",
        url: "https://pay.test/y",
        amountMinor: 1200,
        currency: "JPY",
        methods: [],
      },
      withButtons,
    );
    expect(yen.kind === "link" && yen.label).toBe("Pay ¥1,200");
    const dinar = renderForChannel(
      { kind: "receipt", text: "Thanks!", amountMinor: 1250, currency: "KWD", reference: "pay_1" },
      withButtons,
    );
    expect(dinar.text).toContain("1.250");
  });

  it("renders a payment link as text plus the whole URL where there are no buttons, even when the text is long", () => {
    const url = "https://pay.test/s/" + "a".repeat(80);
    const rendered = renderForChannel(
      {
        kind: "payment_link",
        text: "word ".repeat(200),
        url,
        amountMinor: 999,
        currency: "USD",
        methods: ["card"],
      },
      textOnly,
    );
    expect(rendered.kind).toBe("text");
    expect(rendered.text.length).toBeLessThanOrEqual(textOnly.maxTextLength);
    expect(rendered.text.endsWith(`Pay $9.99: ${url}`)).toBe(true);
    expect(rendered.text).toContain("…");
  });

  it("puts amount and reference in a receipt", () => {
    const rendered = renderForChannel(
      {
        kind: "receipt",
        text: "Payment received, thank you.",
        amountMinor: 4200,
        currency: "GBP",
        reference: "pay_7Hx",
      },
      withButtons,
    );
    expect(rendered.kind).toBe("text");
    expect(rendered.text).toContain("Payment received, thank you.");
    expect(rendered.text).toContain("£42.00");
    expect(rendered.text).toContain("pay_7Hx");
  });

  it("truncates plain text to the channel's limit", () => {
    const rendered = renderForChannel({ kind: "text", text: "x".repeat(600) }, textOnly);
    expect(rendered.text.length).toBe(500);
    expect(rendered.text.endsWith("…")).toBe(true);
  });

  it("formats amounts in the requested locale", () => {
    const rendered = renderForChannel(
      {
        kind: "payment_link",
        text: "Total",
        url: "https://pay.test/x",
        amountMinor: 123456,
        currency: "EUR",
        methods: [],
      },
      withButtons,
      { locale: "de-DE" },
    );
    // Intl puts a no-break space before the euro sign.
    expect(rendered.kind === "link" && rendered.label.replace(/\s/g, " ")).toBe("Pay 1.234,56 €");
  });
});

describe("parseNumberedChoice", () => {
  it("picks by position in the forms people type", () => {
    for (const answer of ["2", " 2 ", "2.", "2)", "#2", "(2)", "２", "no. 2"]) {
      expect(parseNumberedChoice(answer, sizes), answer).toBe(sizes[1]);
    }
  });

  it("picks by label, ignoring case, spacing and a trailing exclamation", () => {
    expect(parseNumberedChoice("large", sizes)).toBe(sizes[2]);
    expect(parseNumberedChoice("  MEDIUM! ", sizes)).toBe(sizes[1]);
    expect(parseNumberedChoice("3. Large", sizes)).toBe(sizes[2]);
  });

  it("matches composed and decomposed accents alike", () => {
    const options = [{ value: "cafe", label: "Caf\u00e9" }];
    expect(parseNumberedChoice("cafe\u0301", options)).toBe(options[0]);
  });

  it("returns nothing for out-of-range numbers, other text, mismatched echoes and ambiguous labels", () => {
    expect(parseNumberedChoice("0", sizes)).toBeUndefined();
    expect(parseNumberedChoice("4", sizes)).toBeUndefined();
    expect(parseNumberedChoice("I want the big one", sizes)).toBeUndefined();
    expect(parseNumberedChoice("1. Large", sizes)).toBeUndefined();
    expect(parseNumberedChoice("", sizes)).toBeUndefined();
    const twins = [
      { value: "a", label: "Same" },
      { value: "b", label: "same" },
    ];
    expect(parseNumberedChoice("same", twins)).toBeUndefined();
  });

  it("inverts the numbered list: every listed line's number and label pick that option", () => {
    const label = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((s) => /[a-z]/i.test(s) && s.trim() === s);
    fc.assert(
      fc.property(
        fc.uniqueArray(label, { minLength: 1, maxLength: 12, selector: (s) => s.toLowerCase() }),
        (labels) => {
          const options = labels.map((l, i) => ({ value: `v${i}`, label: l }));
          const lines = numberedList(options).split("\n");
          options.forEach((option, i) => {
            expect(parseNumberedChoice(String(i + 1), options)).toBe(option);
            expect(parseNumberedChoice(lines[i], options)).toBe(option);
          });
        },
      ),
    );
  });
});

describe("renderForChannel with blank labels", () => {
  it("labels a blank option with its value rather than sending an empty button", () => {
    const options = [{ value: "later", label: "  " }];
    const rendered = renderForChannel({ kind: "choices", text: "When?", options }, withButtons);
    expect(rendered.kind === "choices" && rendered.options).toEqual([
      { value: "later", label: "later" },
    ]);
    expect(renderForChannel({ kind: "choices", text: "When?", options }, textOnly).text).toBe(
      "When?\n\n1. later",
    );
  });
});
