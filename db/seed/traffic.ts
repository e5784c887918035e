// The shape of demo traffic over time: a growth trend, busier Fridays and Saturdays, lunch and
// dinner peaks in the merchant's local time, a few payments still in flight at `now`, and (for
// Lumière) a burst of failing Adyen payments three days ago for alerts and charts to show.
import type { ConversationEvent } from "@/db/schema/conversations";
import { CHANNEL_WEIGHTS, LANG_WEIGHTS } from "./catalog";
import {
  buildConversation,
  type ConversationContext,
  type ConversationRequest,
  type SeededConversation,
  type SeededFlow,
} from "./conversation";
import type { AttemptOutcome } from "./payment-plan";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface TrafficPlan {
  days: number;
  /** Conversations per day at the start and at the end of the period (before weekly shape). */
  dailyStart: number;
  dailyEnd: number;
  /** Relative traffic per local hour 0..23. */
  hourWeights: readonly number[];
  /** Relative traffic per local weekday, Sunday first. */
  weekdayWeights: readonly number[];
  flowWeights: Record<string, number>;
  liveOutcomes: readonly AttemptOutcome[];
  spike?: { daysAgo: number; localHour: number; conversations: number; failureRate: number };
}

export const RESTAURANT_HOURS = [
  0.2, 0.1, 0.05, 0.03, 0.03, 0.05, 0.2, 0.6, 1.1, 1.3, 1.8, 4.2, 6, 4.2, 1.6, 1, 1.1, 1.6, 3.2,
  4.6, 4.4, 2.8, 1.3, 0.5,
];
export const SHOP_HOURS = [
  0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1, 1.8, 2.6, 3, 3.2, 3.3, 3, 3, 3, 2.8, 2.6, 2.5, 2.8, 3.3, 3.6, 3,
  1.8, 0.8,
];

export interface Traffic {
  conversations: SeededConversation[];
  events: ConversationEvent[];
  /** The failure burst's window, when there is one (for the alert that reports it). */
  spikeWindow?: { start: Date; end: Date };
}

function localMidnight(at: number, offsetHours: number): number {
  const local = at + offsetHours * HOUR;
  return local - (local % DAY) - offsetHours * HOUR;
}

export function generateTraffic(
  ctx: ConversationContext,
  flows: SeededFlow[],
  plan: TrafficPlan,
): Traffic {
  const { rng, now, merchant } = ctx;
  const nowMs = now.getTime();
  const conversations: SeededConversation[] = [];
  const events: ConversationEvent[] = [];
  const langWeights = LANG_WEIGHTS[merchant.key];
  const flowByKey = new Map(flows.map((f) => [f.spec.key, f]));
  const hourTable = Object.fromEntries(plan.hourWeights.map((w, h) => [String(h), w])) as Record<
    string,
    number
  >;

  const add = (
    flow: SeededFlow,
    startedAt: Date,
    overrides: Partial<
      Pick<
        ConversationRequest,
        "lang" | "channel" | "route" | "outcome" | "failureRates" | "reachPay"
      >
    > = {},
  ) => {
    const lang = overrides.lang ?? rng.weighted(langWeights);
    const channel = overrides.channel ?? rng.weighted(CHANNEL_WEIGHTS[flow.spec.key] ?? { web: 1 });
    const built = buildConversation(ctx, { flow, startedAt, lang, channel, ...overrides });
    conversations.push(built.conversation);
    events.push(...built.events);
  };

  const today = localMidnight(nowMs, merchant.utcOffsetHours);
  const spike = plan.spike;
  const spikeStart = spike
    ? today - spike.daysAgo * DAY + spike.localHour * HOUR + 5 * MINUTE
    : undefined;
  const spikeEnd = spikeStart === undefined ? undefined : spikeStart + 45 * MINUTE;

  for (let d = plan.days - 1; d >= 0; d--) {
    const dayStart = today - d * DAY;
    const progress = (plan.days - 1 - d) / Math.max(1, plan.days - 1);
    const trend = plan.dailyStart + (plan.dailyEnd - plan.dailyStart) * progress;
    const weekday = new Date(dayStart + merchant.utcOffsetHours * HOUR + HOUR).getUTCDay();
    const expected = trend * plan.weekdayWeights[weekday] * (0.9 + rng.next() * 0.2);
    const count = Math.max(0, Math.round(expected));
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const hour = Number(rng.weighted(hourTable));
      const at = dayStart + hour * HOUR + rng.int(0, HOUR / 1000 - 1) * 1000;
      // The last few minutes belong to the live conversations added below.
      if (at < nowMs - 50 * MINUTE) times.push(at);
    }
    times.sort((a, b) => a - b);
    for (const at of times) {
      const flowKey = rng.weighted(plan.flowWeights);
      const flow = flowByKey.get(flowKey as SeededFlow["spec"]["key"]);
      if (!flow) throw new Error(`Traffic plan names a flow the merchant has not got: ${flowKey}`);
      const inSpike = spikeStart !== undefined && at >= spikeStart - HOUR && at <= spikeEnd! + HOUR;
      add(
        flow,
        new Date(at),
        inSpike && spike ? { failureRates: { adyen: spike.failureRate } } : {},
      );
    }
  }

  // A tour group paying with Alipay / WeChat Pay through Adyen while its acquirer was failing:
  // on a live flow (the menu when it is live), since test conversations pay on Sandbox.
  if (spike && spikeStart !== undefined && spikeStart < nowMs) {
    const liveFlows = flows.filter((f) => f.mode === "live" && f.spec.status === "published");
    const menu =
      liveFlows.find((f) => f.spec.key === "menu") ??
      liveFlows[0] ??
      flowByKey.get("menu") ??
      flows[0];
    for (let i = 0; i < spike.conversations; i++) {
      const at =
        spikeStart + Math.floor((i * 45 * MINUTE) / spike.conversations) + rng.int(0, 50) * 1000;
      const method = rng.weighted({ alipay: 55, wechat_pay: 35, card: 10 } as const);
      add(menu, new Date(at), {
        lang: rng.weighted({ zh: 85, en: 15 }),
        channel: rng.weighted({ web: 60, messenger: 40 }),
        route: { provider: "adyen", method, currency: method === "card" ? "EUR" : "CNY" },
        failureRates: { adyen: spike.failureRate },
        reachPay: true,
      });
    }
  }

  // Customers mid-payment at `now`, so pending / requires_action / created rows always exist.
  const published = flows.filter((f) => f.spec.status === "published");
  plan.liveOutcomes.forEach((outcome, i) => {
    const at = nowMs - (plan.liveOutcomes.length - i) * 6 * MINUTE - rng.int(0, 120) * 1000;
    add(published[i % published.length], new Date(at), { outcome, reachPay: true });
  });

  conversations.sort((a, b) => a.row.startedAt.getTime() - b.row.startedAt.getTime());
  return {
    conversations,
    events,
    ...(spikeStart !== undefined &&
      spikeEnd !== undefined &&
      spikeStart < nowMs && {
        spikeWindow: { start: new Date(spikeStart), end: new Date(spikeEnd) },
      }),
  };
}
