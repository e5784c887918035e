import { PAYMENT_METHODS } from "@/lib/connections/providers/types";
import { LANGS } from "@/lib/flows/graph";
import {
  detectLanguage,
  hasTranslation,
  KEYWORDS,
  localize,
  METHOD_LABELS,
  phrase,
  PHRASES,
} from "@/lib/flows/i18n";
import { matchesKeyword } from "@/lib/flows/runtime/matching";
import { describe, expect, it } from "vitest";

describe("localize", () => {
  it("uses the customer's language when the merchant wrote it", () => {
    expect(localize({ en: "Hello", fr: "Bonjour" }, "fr", "en")).toBe("Bonjour");
  });

  it("falls back to the flow's default language, then to any language filled in", () => {
    expect(localize({ en: "Hello", fr: "Bonjour" }, "zh", "fr")).toBe("Bonjour");
    expect(localize({ id: "Halo" }, "zh", "en")).toBe("Halo");
    expect(localize({ en: "", fr: "Salut" }, "en", "en")).toBe("Salut");
    expect(localize({}, "en", "en")).toBe("");
    expect(localize(undefined, "en", "en")).toBe("");
  });

  it("hasTranslation ignores blank strings", () => {
    expect(hasTranslation({ en: "  " }, "en")).toBe(false);
    expect(hasTranslation({ en: "Hi" }, "en")).toBe(true);
    expect(hasTranslation({ en: "Hi" }, "fr")).toBe(false);
  });
});

describe("built-in phrases", () => {
  it("exist, non-empty, in every language, and keep the same placeholders", () => {
    for (const [key, texts] of Object.entries(PHRASES)) {
      const placeholders = (text: string) =>
        [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      for (const lang of LANGS) {
        expect(texts[lang].trim().length, `${key}.${lang}`).toBeGreaterThan(0);
        expect(placeholders(texts[lang]), `${key}.${lang}`).toEqual(placeholders(texts.en));
      }
    }
  });

  it("are really translated (the French, Chinese and Indonesian texts differ from the English)", () => {
    for (const key of [
      "card_warning",
      "status_reply",
      "numbered_hint",
      "invalid_number",
    ] as const) {
      const texts = new Set(LANGS.map((lang) => phrase(key, lang)));
      expect(texts.size).toBe(LANGS.length);
    }
  });

  it("name every payment method in every language", () => {
    for (const method of PAYMENT_METHODS)
      for (const lang of LANGS) expect(METHOD_LABELS[method][lang]).toBeTruthy();
  });
});

describe("detectLanguage", () => {
  it.each([
    ["你好，我想付款", "zh"],
    ["请问多少钱", "zh"],
    ["Bonjour, je voudrais payer ma facture", "fr"],
    ["merci beaucoup", "fr"],
    ["Halo, saya mau bayar tagihan", "id"],
    ["terima kasih kak", "id"],
    ["Hello, I want to pay my invoice", "en"],
  ])("%j → %s", (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it.each(["12", "ok", "", "4242", "👍"])("gives no opinion on %j", (text) => {
    expect(detectLanguage(text)).toBeNull();
  });
});

describe("status keywords", () => {
  it.each([
    "status",
    "Status?",
    "statut du paiement",
    "付款状态",
    "状态",
    "status pembayaran",
    "What's the status",
  ])("recognise %j", (text) => {
    expect(matchesKeyword(text, KEYWORDS.status)).toBe(true);
  });

  it.each(["statuses of my life", "hello", "statutory"])("ignore %j", (text) => {
    expect(matchesKeyword(text, KEYWORDS.status)).toBe(false);
  });
});
