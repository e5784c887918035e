import { LANGS } from "@/lib/flows/graph";
import { buildFlowTemplate, FLOW_TEMPLATES, TEMPLATE_IDS } from "@/lib/flows/templates";
import { validateFlow } from "@/lib/flows/validate";
import { describe, expect, it } from "vitest";
import { Conversation, SANDBOX } from "./helpers";

describe("flow templates", () => {
  it("lists every template with a name and description in every language", () => {
    expect(FLOW_TEMPLATES.map((t) => t.id)).toEqual([...TEMPLATE_IDS]);
    for (const template of FLOW_TEMPLATES) {
      for (const lang of LANGS) {
        expect(template.name[lang]).toBeTruthy();
        expect(template.description[lang]).toBeTruthy();
      }
    }
  });

  it.each(
    TEMPLATE_IDS.flatMap((id) => ["EUR", "IDR", "JPY"].map((currency) => [id, currency] as const)),
  )(
    "%s in %s passes validation with a Sandbox connection, in all four languages",
    (id, currency) => {
      const graph = buildFlowTemplate(id, { currency });
      expect(graph.languages).toEqual([...LANGS]);
      expect(validateFlow(graph, SANDBOX)).toEqual([]);
    },
  );

  it("refuses a currency Parley doesn't support", () => {
    expect(() => buildFlowTemplate("donation", { currency: "XYZ" })).toThrow(RangeError);
  });

  it("keeps the requested languages and default", () => {
    const graph = buildFlowTemplate("pay_invoice", {
      languages: ["fr", "en"],
      defaultLanguage: "en",
    });
    expect(graph.languages).toEqual(["fr", "en"]);
    expect(graph.defaultLanguage).toBe("en");
  });

  it("pay an invoice: runs from question to receipt in Chinese", () => {
    const convo = new Conversation(buildFlowTemplate("pay_invoice", { currency: "EUR" }));
    convo.start("zh");
    expect(convo.texts()).toEqual([
      "您好！我可以帮您几步完成发票付款。",
      "请问您的发票号码是多少？",
    ]);
    convo.say("INV-2041");
    convo.say("120");
    // The customer sees what they pay, in their language, before any checkout exists.
    expect(convo.texts()[0]).toContain("付款前请核对您的订单");
    expect(convo.texts()[0]).toContain("发票 INV-2041");
    expect(convo.texts()[0]).toContain("合计：€120.00");
    expect(convo.last.actions.some((a) => a.type === "create_checkout")).toBe(false);
    convo.say("确认");
    convo.say("银行卡");
    expect(convo.checkout()).toMatchObject({
      amountMinor: 12000,
      method: "card",
      description: "发票 INV-2041",
    });
    convo.checkoutCreated("pay_9");
    const paid = convo.payment("succeeded", "pay_9");
    expect(paid.outbound[0]).toMatchObject({
      kind: "receipt",
      reference: "pay_9",
      amountMinor: 12000,
    });
    expect(paid.outbound[0].text).toContain("INV-2041");
    expect(paid.state.status).toBe("completed");
  });

  it("order and pay: charges the cart total from the catalogue", () => {
    const graph = buildFlowTemplate("order_and_pay", { currency: "EUR" });
    const convo = new Conversation(graph);
    convo.start("fr");
    convo.say("1 x2, 2");
    convo.say("terminé");
    // Intl puts a no-break space before the euro sign in French.
    expect(convo.texts()[0].replace(/\s/g, " ")).toBe(
      [
        "Vérifiez votre commande avant de payer :",
        "2 × Café en grains (250 g) — 25,80 €",
        "1 × Mug en céramique — 15,00 €",
        "Total : 40,80 €",
        "Confirmez pour recevoir votre lien de paiement, ou modifiez votre commande.",
      ].join(" "),
    );
    convo.say("Confirmer");
    convo.say("1");
    expect(convo.checkout().amountMinor).toBe(2 * 1290 + 1500);
  });

  it("donation: a preset or a custom amount in Indonesian rupiah", () => {
    const graph = buildFlowTemplate("donation", { currency: "IDR" });
    const preset = new Conversation(graph);
    preset.start("id");
    preset.say("100000");
    preset.say("1");
    preset.say("kartu");
    expect(preset.checkout().amountMinor).toBe(100_000_00);
    const custom = new Conversation(graph);
    custom.start("id");
    custom.say("Rp 75.000");
    custom.say("ya");
    custom.say("1");
    expect(custom.checkout().amountMinor).toBe(75_000_00);
  });

  it("reminder link: charges the amount the merchant supplied and reminds", () => {
    const convo = new Conversation(buildFlowTemplate("reminder_link", { currency: "EUR" }));
    convo.start("en", { amount_due: 4990, invoice_number: "F-77" });
    expect(convo.texts()[0]).toBe("Hello! A payment of €49.90 is due for invoice F-77.");
    expect(convo.texts()[1]).toContain("Total: €49.90");
    convo.say("Confirm");
    expect(convo.checkout()).toMatchObject({ amountMinor: 4990, description: "Invoice F-77" });
    convo.checkoutCreated();
    const reminder = convo.advance(1440).fireTimer();
    expect(reminder.outbound[0]).toMatchObject({
      kind: "payment_link",
      text: expect.stringContaining("€49.90 for invoice F-77 is still unpaid"),
    });
  });

  it("blank: start straight to end", () => {
    const convo = new Conversation(buildFlowTemplate("blank"));
    convo.start();
    expect(convo.state.status).toBe("completed");
  });
});
