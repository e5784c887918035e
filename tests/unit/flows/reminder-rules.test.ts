// Reminders that follow the channel: the windows as a table, quiet hours across time zones and
// DST changes, the opt-out words, and the reminder node applying all of them.
import {
  isOptOutMessage,
  quietHoursEnd,
  reminderDelivery,
} from "@/lib/flows/runtime/reminder-rules";
import type { ReminderFacts } from "@/lib/flows/runtime/types";
import { describe, expect, it } from "vitest";
import { Conversation, en, flow, nodes } from "./helpers";

const NOW = Date.parse("2025-06-10T12:00:00.000Z");
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();

describe("channel windows", () => {
  const table: [
    ReminderFacts["channel"],
    lastMessage: string | null,
    template: boolean,
    expected: ReturnType<typeof reminderDelivery>,
  ][] = [
    ["web", hoursAgo(100), false, { send: "free_form" }],
    ["telegram", hoursAgo(100), false, { send: "free_form" }],
    ["slack", null, false, { send: "free_form" }],
    ["whatsapp", hoursAgo(2), false, { send: "free_form" }],
    ["whatsapp", hoursAgo(23.9), true, { send: "free_form" }],
    ["whatsapp", hoursAgo(24), true, { send: "template" }],
    ["whatsapp", hoursAgo(30), false, { send: "none", reason: "whatsapp_24h_window_no_template" }],
    ["whatsapp", null, true, { send: "template" }],
    ["messenger", hoursAgo(5), false, { send: "free_form" }],
    ["messenger", hoursAgo(25), true, { send: "none", reason: "messenger_24h_window" }],
    ["messenger", null, false, { send: "none", reason: "messenger_24h_window" }],
  ];
  it.each(table)("%s, last message %s, template %s", (channel, last, template, expected) => {
    expect(
      reminderDelivery(
        { channel, lastCustomerMessageAt: last, templateAvailable: template, optedOut: false },
        NOW,
      ),
    ).toEqual(expected);
  });

  it("an opted-out customer gets nothing on any channel", () => {
    for (const channel of ["web", "telegram", "slack", "whatsapp", "messenger"] as const) {
      expect(
        reminderDelivery(
          { channel, lastCustomerMessageAt: hoursAgo(1), templateAvailable: true, optedOut: true },
          NOW,
        ),
      ).toEqual({ send: "none", reason: "opted_out" });
    }
  });
});

describe("quiet hours", () => {
  const night = { start: "21:00", end: "08:00" };
  const at = (iso: string) => Date.parse(iso);
  const end = (iso: string, tz: string, quiet = night) => {
    const ms = quietHoursEnd(at(iso), quiet, tz);
    return ms === null ? null : new Date(ms).toISOString();
  };

  it("outside quiet hours nothing waits", () => {
    expect(end("2025-06-10T10:00:00Z", "Europe/Paris")).toBeNull(); // 12:00 in Paris
    expect(
      end("2025-06-10T10:00:00Z", "Europe/Paris", { start: "08:00", end: "08:00" }),
    ).toBeNull();
  });

  it("defers to the end of the night in the merchant's time zone, not UTC", () => {
    // 23:30 in Paris (UTC+2 in June): wait until 08:00 Paris = 06:00 UTC the next day.
    expect(end("2025-06-10T21:30:00Z", "Europe/Paris")).toBe("2025-06-11T06:00:00.000Z");
    // 02:00 in Jakarta (UTC+7): until 08:00 the same local day = 01:00 UTC.
    expect(end("2025-06-10T19:00:00Z", "Asia/Jakarta")).toBe("2025-06-11T01:00:00.000Z");
    // The same instant is 15:00 in New York: not quiet there.
    expect(end("2025-06-10T19:00:00Z", "America/New_York")).toBeNull();
    // A window that does not wrap midnight (13:00–14:00 in Shanghai).
    expect(end("2025-06-10T05:30:00Z", "Asia/Shanghai", { start: "13:00", end: "14:00" })).toBe(
      "2025-06-10T06:00:00.000Z",
    );
  });

  it("lands on the right instant across a DST change", () => {
    // Paris springs forward on 2025-03-30 (02:00 → 03:00): 23:00 on the 29th is UTC+1, 08:00 on
    // the 30th is UTC+2.
    expect(end("2025-03-29T22:00:00Z", "Europe/Paris")).toBe("2025-03-30T06:00:00.000Z");
    // …and falls back on 2025-10-26: 22:00 on the 25th is UTC+2, 08:00 on the 26th is UTC+1.
    expect(end("2025-10-25T20:00:00Z", "Europe/Paris")).toBe("2025-10-26T07:00:00.000Z");
    // New York springs forward on 2025-03-09.
    expect(end("2025-03-09T04:00:00Z", "America/New_York")).toBe("2025-03-09T12:00:00.000Z");
  });

  it("reads an unknown time zone as UTC instead of failing", () => {
    expect(end("2025-06-10T22:00:00Z", "Not/AZone")).toBe("2025-06-11T08:00:00.000Z");
  });
});

describe("opt-out words", () => {
  it.each([
    "stop",
    "STOP",
    "Stop.",
    " stop! ",
    "stop please",
    "please stop",
    "arrête",
    "Arrête !",
    "arrete",
    "ARRÊTEZ",
    "stop rappels",
    "停止",
    "停止。",
    "退订",
    "berhenti",
    "Berhenti",
    "unsubscribe",
  ])("%s opts out", (text) => {
    expect(isOptOutMessage(text)).toBe(true);
  });

  it.each(["don't stop", "stopwatch", "1", "bus stop near me", "arrêt de bus", "", "tidak"])(
    "%s does not",
    (text) => {
      expect(isOptOutMessage(text)).toBe(false);
    },
  );
});

function reminderFlow(quiet?: { start: string; end: string }) {
  return flow(
    [
      nodes.start(),
      nodes.pay("pay", { amountVariable: "amount_due" }),
      [
        "remind",
        "reminder",
        {
          afterMinutes: 60,
          maxTimes: 2,
          text: en("Still open: {{total}}"),
          ...(quiet ? { quietHours: quiet } : {}),
        },
      ],
      nodes.wait("wait", 600),
      nodes.receipt(),
      nodes.end(),
    ],
    [
      ["start", "next", "pay"],
      ["pay", "next", "remind"],
      ["remind", "paid", "receipt"],
      ["remind", "unpaid", "wait"],
      ["wait", "succeeded", "receipt"],
      ["receipt", "next", "end"],
    ],
    { inputs: [{ name: "amount_due", kind: "amount" }] },
  );
}

function linkOut(convo: Conversation) {
  convo.start("en", { amount_due: 4200 });
  convo.checkoutCreated();
  return convo;
}

const facts = (over: Partial<ReminderFacts> = {}): ReminderFacts => ({
  channel: "whatsapp",
  lastCustomerMessageAt: null,
  templateAvailable: false,
  optedOut: false,
  ...over,
});

describe("the reminder node follows the channel", () => {
  it("sends free-form inside the window and the template outside it", () => {
    const inside = linkOut(
      new Conversation(reminderFlow(), {
        reminders: facts({
          lastCustomerMessageAt: new Date(Date.parse("2025-03-01T09:00:00Z")).toISOString(),
        }),
      }),
    );
    const sent = inside.advance(60).fireTimer();
    expect(sent.outbound[0]).toMatchObject({ kind: "payment_link" });
    expect(sent.outbound[0]).not.toHaveProperty("viaTemplate");

    const outside = linkOut(
      new Conversation(reminderFlow(), { reminders: facts({ templateAvailable: true }) }),
    );
    const templated = outside.advance(60).fireTimer();
    expect(templated.outbound[0]).toMatchObject({ kind: "payment_link", viaTemplate: true });
    expect(templated.events.find((e) => e.kind === "reminder_sent")?.detail).toBe("1:template");
  });

  it("skips with the reason outside Messenger's window, and still stops after maxTimes", () => {
    const convo = linkOut(
      new Conversation(reminderFlow(), { reminders: facts({ channel: "messenger" }) }),
    );
    const first = convo.advance(60).fireTimer();
    expect(first.outbound).toEqual([]);
    expect(first.events.find((e) => e.kind === "reminder_skipped")?.detail).toBe(
      "messenger_24h_window",
    );
    convo.advance(60).fireTimer();
    const last = convo.advance(60).fireTimer();
    expect(last.state.currentNodeId).toBe("wait");
  });

  it("sends at most maxTimes reminders", () => {
    const convo = linkOut(
      new Conversation(reminderFlow(), { reminders: facts({ channel: "telegram" }) }),
    );
    const sent = [1, 2, 3].map(() => convo.advance(60).fireTimer());
    expect(sent.map((r) => r.events.filter((e) => e.kind === "reminder_sent").length)).toEqual([
      1, 1, 0,
    ]);
    expect(convo.state.currentNodeId).toBe("wait");
  });

  it("defers a reminder due in quiet hours to their end, without counting it", () => {
    // T0 is 09:00 UTC; quiet 10:00–12:00 UTC: a reminder due at 10:00 waits until 12:00.
    const convo = linkOut(
      new Conversation(reminderFlow({ start: "10:00", end: "12:00" }), { timeZone: "UTC" }),
    );
    const deferred = convo.advance(60).fireTimer();
    expect(deferred.outbound).toEqual([]);
    expect(deferred.events.find((e) => e.kind === "reminder_deferred")?.detail).toBe(
      "quiet_hours_until:2025-03-01T12:00:00.000Z",
    );
    expect(deferred.actions).toContainEqual(
      expect.objectContaining({ type: "schedule_timer", runAt: "2025-03-01T12:00:00.000Z" }),
    );
    expect(convo.state.reminderCount).toBe(0);
    const sent = convo.advance(120).fireTimer();
    expect(sent.events.find((e) => e.kind === "reminder_sent")?.detail).toBe("1");
  });

  it("'stop' ends reminders for good: acknowledged, timer cancelled, recorded", () => {
    const convo = linkOut(
      new Conversation(reminderFlow(), { reminders: facts({ channel: "web" }) }),
    );
    const stop = convo.say("STOP");
    expect(stop.events.map((e) => e.kind)).toContain("reminders_opted_out");
    expect(stop.outbound[0].text).toContain("won't send you any more reminders");
    expect(stop.state.remindersOptedOut).toBe(true);
    expect(stop.state.currentNodeId).toBe("wait");
    expect(stop.actions.some((a) => a.type === "cancel_timer")).toBe(true);
  });

  it("a customer who opted out in an earlier conversation gets no reminder", () => {
    const convo = linkOut(
      new Conversation(reminderFlow(), { reminders: facts({ channel: "web", optedOut: true }) }),
    );
    const skipped = convo.advance(60).fireTimer();
    expect(skipped.outbound).toEqual([]);
    expect(skipped.events.find((e) => e.kind === "reminder_skipped")?.detail).toBe("opted_out");
    expect(skipped.state.currentNodeId).toBe("wait");
  });
});
