// Confirm before paying and reminders that follow the channel, end to end on both engines: a
// double tap on Confirm makes one checkout; on WhatsApp (against the fake Cloud API) reminders
// go free-form inside the 24-hour window, as the approved template after it (the wire payload
// checked), are deferred by quiet hours, capped, skipped with a reason, and stop for good on "STOP".
import type { Db, DbHandle } from "@/db/client";
import {
  channels,
  conversationEvents,
  conversations,
  flows,
  jobs,
  merchants,
  payments,
  reminderOptOuts,
  type Job,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { saveReminderTemplate } from "@/lib/channels/admin";
import { createChannel } from "@/lib/channels/records";
import { handleInbound, handlePaymentUpdate } from "@/lib/conversations/engine";
import { readState } from "@/lib/conversations/engine/step-runner";
import { runFlowTimerJob } from "@/lib/conversations/jobs";
import { reminderFactsFor, revenueRecoveredByReminders } from "@/lib/conversations/reminders";
import { buildFlowTemplate } from "@/lib/flows/templates";
import { and, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeMeta, type FakeMeta } from "../../fakes/meta-server";
import {
  insertMerchant,
  insertPublishedFlow,
  insertSandboxConnection,
  useTestMasterKey,
} from "../conversations.fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

const WHATSAPP = {
  accessToken: "EAAJwhatsappSystemUserToken",
  appSecret: "wa-app-secret-77",
  verifyToken: "parley-wa-verify",
  phoneNumberId: "106540352242922",
};
// 12:00 in Paris (UTC+2 in June): outside the 21:00–08:00 quiet hours of the template.
const T0 = new Date("2025-06-10T10:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(ENGINES)("confirmation and channel-aware reminders on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let meta: FakeMeta;
  let merchantId: string;
  let flowId: string;
  let channelId: string;
  let ctx: ServiceContext;

  beforeAll(async () => {
    useTestMasterKey();
    handle = await openTestDatabase(engine);
    db = handle.db;
    meta = await startFakeMeta({
      pageAccessToken: "unused",
      whatsappAccessToken: WHATSAPP.accessToken,
      phoneNumberId: WHATSAPP.phoneNumberId,
    });
    merchantId = await insertMerchant(db, "Café Lumière");
    await db
      .update(merchants)
      .set({ timezone: "Europe/Paris" })
      .where(eq(merchants.id, merchantId));
    // One method: the method question is skipped, so Confirm leads straight to the checkout.
    await insertSandboxConnection(db, merchantId, { methods: ["card"] });
    const graph = buildFlowTemplate("pay_invoice", { currency: "EUR", languages: ["en"] });
    ({ flowId } = await insertPublishedFlow(db, merchantId, graph, "Invoices"));
    ctx = {
      db,
      merchantId,
      role: "admin",
      user: { id: "usr_admin", email: "admin@shop.test", name: "Admin" },
      ip: null,
      userAgent: null,
    };
    channelId = (
      await createChannel(ctx, flowId, "whatsapp", WHATSAPP, { apiBaseUrl: meta.baseUrl })
    ).id;
  });
  afterAll(async () => {
    await meta?.close();
    await handle?.close();
  });

  function whatsappCustomer() {
    const waId = `33${Math.floor(Math.random() * 1e9)}`;
    const say = async (text: string, now: Date, choiceValue?: string) => {
      const [flow] = await db
        .select()
        .from(flows)
        .where(and(eq(flows.merchantId, merchantId), eq(flows.id, flowId)));
      return handleInbound(db, {
        flow,
        channel: "whatsapp",
        channelId,
        externalUserId: waId,
        externalChatId: waId,
        now,
        message: { platformMessageId: `wamid.${randomUUID()}`, text, choiceValue },
      });
    };
    return { waId, say };
  }

  async function conversationOf(id: string) {
    const [row] = await db
      .select()
      .from(conversations)
      .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, id)));
    return row;
  }

  async function fireReminder(conversationId: string, now: Date) {
    const state = readState(await conversationOf(conversationId));
    expect(state.timer?.kind).toBe("reminder");
    const job = {
      merchantId,
      payload: { conversationId, timerId: state.timer!.timerId, fired: "reminder" },
    } as unknown as Job;
    await runFlowTimerJob(job, { db, now });
    return conversationOf(conversationId);
  }

  async function eventsOf(conversationId: string, kind: string) {
    return db
      .select()
      .from(conversationEvents)
      .where(
        and(
          eq(conversationEvents.merchantId, merchantId),
          eq(conversationEvents.conversationId, conversationId),
          eq(conversationEvents.kind, kind),
        ),
      );
  }

  /** Invoice INV-7 for €120.00, confirmed, link sent; the reminder timer is running. */
  async function invoiceLinkSent(customer: ReturnType<typeof whatsappCustomer>) {
    const first = await customer.say("hello", T0);
    await customer.say("INV-7", T0);
    const shown = await customer.say("120", T0);
    const confirmation = shown.messages.find((m) => m.kind === "choices");
    expect(confirmation?.text).toContain("Invoice INV-7");
    expect(confirmation?.text).toContain("Total: €120.00");
    expect(confirmation?.text).toContain("Paid to: Café Lumière");
    const paid = await customer.say("Confirm", T0, confirmation?.options?.[0]?.value);
    expect(paid.messages.find((m) => m.kind === "payment_link")?.amountMinor).toBe(12000);
    return first.conversationId;
  }

  it("two taps on Confirm create one checkout, for the confirmed amount", async () => {
    const customer = whatsappCustomer();
    const started = await customer.say("hello", T0);
    await customer.say("INV-8", T0);
    const shown = await customer.say("75", T0);
    const tap = shown.messages.find((m) => m.kind === "choices")!.options![0].value;
    await Promise.all([customer.say("Confirm", T0, tap), customer.say("Confirm", T0, tap)]);
    const created = await db
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.merchantId, merchantId),
          eq(payments.conversationId, started.conversationId),
        ),
      );
    expect(created).toHaveLength(1);
    expect(created[0].amountMinor).toBe(7500);
    const state = readState(await conversationOf(started.conversationId));
    expect(state.confirmation).toMatchObject({ status: "confirmed", amountMinor: 7500 });
    expect(state.payment?.confirmationHash).toBe(state.confirmation?.hash);
    expect(await eventsOf(started.conversationId, "amount_confirmed")).toHaveLength(1);
  });

  it("inside 24 h free-form, after 24 h the approved template; deferred by quiet hours; capped", async () => {
    await saveReminderTemplate(ctx, {
      channelId,
      name: "payment_reminder",
      language: "en_US",
      parameters: "{{amount}}\n{{link}}\n{{merchant}}",
    });
    const customer = whatsappCustomer();
    const conversationId = await invoiceLinkSent(customer);
    const link = readState(await conversationOf(conversationId)).payment!.url!;
    const sentTo = () => meta.whatsapp.filter((m) => m.to === customer.waId);
    const before = sentTo().length;

    // 1 h later (13:00 Paris), within the window: a free-form message with the link button.
    await fireReminder(conversationId, minutes(61));
    expect(
      sentTo()
        .slice(before)
        .map((m) => m.type),
    ).toEqual(["interactive"]);

    // 23:30 Paris the next day — the window has closed and it is quiet: deferred to 08:00.
    const deferred = await fireReminder(conversationId, new Date("2025-06-11T21:30:00.000Z"));
    expect(sentTo().slice(before)).toHaveLength(1);
    const [deferral] = await eventsOf(conversationId, "reminder_deferred");
    expect(deferral.detail).toEqual({ detail: "quiet_hours_until:2025-06-12T06:00:00.000Z" });
    const timerId = readState(deferred).timer!.timerId;
    const [job] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, merchantId), eq(jobs.dedupeKey, timerId)));
    expect(job.runAt.toISOString()).toBe("2025-06-12T06:00:00.000Z");

    // 08:00 Paris: outside the 24-hour window, so the template goes out — checked on the wire.
    meta.closeCustomerWindow(customer.waId);
    await fireReminder(conversationId, new Date("2025-06-12T06:00:00.000Z"));
    const template = sentTo().at(-1)!;
    expect(template.type).toBe("template");
    expect(template.payload).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: customer.waId,
      type: "template",
      template: {
        name: "payment_reminder",
        language: { code: "en_US" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "€120.00" },
              { type: "text", text: link },
              { type: "text", text: "Café Lumière" },
            ],
          },
        ],
      },
    });
    expect((await eventsOf(conversationId, "reminder_sent")).map((e) => e.detail)).toEqual([
      { detail: "1" },
      { detail: "2:template" },
    ]);

    // The template's maxTimes is 2: the next timer leaves the reminder step without sending.
    const after = await fireReminder(conversationId, new Date("2025-06-12T07:01:00.000Z"));
    expect(sentTo().slice(before)).toHaveLength(2);
    expect(after.state).toMatchObject({ currentNodeId: "wait_payment" });

    // Paid after the reminders: recovered revenue, per currency, in this mode only.
    const [payment] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.conversationId, conversationId)));
    // What the payment pipeline writes when the provider says paid, then tells the chat.
    const paidAt = new Date("2025-06-12T08:00:00.000Z");
    await db
      .update(payments)
      .set({ status: "succeeded", succeededAt: paidAt, updatedAt: paidAt })
      .where(and(eq(payments.merchantId, merchantId), eq(payments.id, payment.id)));
    await handlePaymentUpdate(db, merchantId, payment.id, "succeeded", { now: paidAt });
    expect(await revenueRecoveredByReminders(db, merchantId, "test", { conversationId })).toEqual([
      { currency: "EUR", payments: 1, amountMinor: 12000 },
    ]);
    expect(await revenueRecoveredByReminders(db, merchantId, "live", { conversationId })).toEqual(
      [],
    );
  });

  it("without a template, a reminder after 24 h is skipped with the reason", async () => {
    await saveReminderTemplate(ctx, { channelId, name: "", language: "", parameters: "" });
    const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
    expect(row.settings).toEqual({});
    const customer = whatsappCustomer();
    const conversationId = await invoiceLinkSent(customer);
    const before = meta.whatsapp.filter((m) => m.to === customer.waId).length;
    await fireReminder(conversationId, new Date("2025-06-11T11:00:00.000Z"));
    expect(meta.whatsapp.filter((m) => m.to === customer.waId)).toHaveLength(before);
    const [skipped] = await eventsOf(conversationId, "reminder_skipped");
    expect(skipped.detail).toEqual({ detail: "whatsapp_24h_window_no_template" });
  });

  it("'STOP' is honoured for good: recorded per customer and channel, no reminder after", async () => {
    const customer = whatsappCustomer();
    const conversationId = await invoiceLinkSent(customer);
    const stop = await customer.say("STOP", minutes(5));
    expect(stop.messages.at(-1)?.text).toContain("won't send you any more reminders");
    const records = await db
      .select()
      .from(reminderOptOuts)
      .where(
        and(
          eq(reminderOptOuts.merchantId, merchantId),
          eq(reminderOptOuts.externalUserId, customer.waId),
        ),
      );
    expect(records).toMatchObject([{ channel: "whatsapp", channelId, conversationId }]);
    const row = await conversationOf(conversationId);
    expect(readState(row).timer?.kind).not.toBe("reminder");
    // A later conversation of the same customer on this channel knows it too.
    const facts = await reminderFactsFor(db, { ...row, id: "conv_later" });
    expect(facts.optedOut).toBe(true);
  });
});
