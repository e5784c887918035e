import {
  assertInboundBodySize,
  cleanInboundText,
  escapeSlackText,
  escapeTelegramHtml,
  inboundBodyTooLarge,
  MAX_INBOUND_BODY_BYTES,
  sanitizeInboundText,
  truncateEscaped,
  truncateText,
  unescapeSlackText,
} from "@/lib/channels/platforms/sanitize";
import { InboundRejectedError } from "@/lib/channels/platforms/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../fakes/telegram-server";
import { caught } from "./helpers";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

describe("inbound text hygiene", () => {
  it("strips control characters but keeps newlines and tabs", () => {
    expect(sanitizeInboundText("a\u0000b\u0007c\u001b[31md\u007f\u0085e")).toBe("abc[31mde");
    expect(sanitizeInboundText("line 1\nline\t2")).toBe("line 1\nline\t2");
    expect(sanitizeInboundText("windows\r\nline\rmac")).toBe("windows\nline\nmac");
  });

  it("normalizes to NFC", () => {
    const decomposed = "Cafe\u0301";
    expect(sanitizeInboundText(decomposed)).toBe("Caf\u00e9");
  });

  it("caps text at 4,000 characters", () => {
    const capped = sanitizeInboundText("y".repeat(10_000));
    expect(capped.length).toBe(4_000);
    expect(capped.endsWith("…")).toBe(true);
  });

  it("always yields clean, NFC, capped, stable text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 5_000 }), (raw) => {
        const clean = sanitizeInboundText(raw);
        expect(clean).not.toMatch(FORBIDDEN_CONTROLS);
        expect(clean.length).toBeLessThanOrEqual(4_000);
        expect(clean).toBe(clean.normalize("NFC"));
        expect(sanitizeInboundText(clean)).toBe(clean);
      }),
    );
  });

  it("refuses bodies over 100 KB, counting UTF-8 bytes", () => {
    expect(inboundBodyTooLarge("a".repeat(MAX_INBOUND_BODY_BYTES))).toBe(false);
    expect(inboundBodyTooLarge("a".repeat(MAX_INBOUND_BODY_BYTES + 1))).toBe(true);
    // 60,000 characters but 120,000 bytes.
    expect(inboundBodyTooLarge("é".repeat(60_000))).toBe(true);
  });

  it("throws a 413 rejection for an oversized body", async () => {
    const error = await caught(() => assertInboundBodySize("x".repeat(MAX_INBOUND_BODY_BYTES + 1)));
    expect(error).toBeInstanceOf(InboundRejectedError);
    expect((error as InboundRejectedError).status).toBe(413);
  });

  it("cleanInboundText trims but does not cap", () => {
    expect(cleanInboundText("  hi  ")).toBe("hi");
    expect(cleanInboundText("z".repeat(5_000)).length).toBe(5_000);
  });
});

describe("truncation", () => {
  it("never splits an emoji in half", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        (text, max) => {
          const cut = truncateText(text, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          expect(cut).not.toMatch(LONE_SURROGATE);
        },
      ),
    );
  });

  it("keeps escaped text within the limit", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 5, max: 300 }), (text, max) => {
        const escaped = truncateEscaped(text, max, escapeSlackText);
        expect(escaped.length).toBeLessThanOrEqual(max);
        // Cut before escaping: what remains is a prefix of the text plus "…", never half an entity.
        const plain = unescapeSlackText(escaped);
        if (plain !== text) expect(text.startsWith(plain.slice(0, -1))).toBe(true);
      }),
    );
    const ampersands = truncateEscaped("&".repeat(100), 20, escapeSlackText);
    expect(ampersands.length).toBeLessThanOrEqual(20);
    expect(ampersands).toMatch(/^(&amp;)+…?$/);
  });
});

describe("outbound escaping", () => {
  it("Telegram: any customer text survives HTML parse_mode as literal text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parseTelegramHtml(escapeTelegramHtml(text));
        expect(parsed).toEqual({ ok: true, plain: text });
      }),
    );
    expect(escapeTelegramHtml('<a href="https://evil.test">win</a> & co')).toBe(
      "&lt;a href=&quot;https://evil.test&quot;&gt;win&lt;/a&gt; &amp; co",
    );
  });

  it("Slack: escapes &, < and > so mentions and links cannot be injected", () => {
    expect(escapeSlackText("<!channel> pay <https://evil.test|here> & now")).toBe(
      "&lt;!channel&gt; pay &lt;https://evil.test|here&gt; &amp; now",
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const escaped = escapeSlackText(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(unescapeSlackText(escaped)).toBe(text);
      }),
    );
  });
});
