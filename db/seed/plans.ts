// How much of everything each demo merchant gets: days of traffic and its shape, how many
// transcripts, refund and dispute rates, and the webhook deliveries that went wrong.
import type { DisputeStatus } from "@/db/schema/disputes";
import type { MerchantKey } from "./catalog";
import { RESTAURANT_HOURS, SHOP_HOURS, type TrafficPlan } from "./traffic";

export interface MerchantPlan {
  ageDays: number;
  traffic: TrafficPlan;
  transcripts: number;
  refundRate: number;
  disputeRate: number;
  disputePlan: DisputeStatus[];
  rejectedWebhooks: number;
  failedWebhooks: number;
}

export const PLANS: Record<MerchantKey, MerchantPlan> = {
  lumiere: {
    ageDays: 130,
    traffic: {
      days: 90,
      dailyStart: 48,
      dailyEnd: 96,
      hourWeights: RESTAURANT_HOURS,
      weekdayWeights: [0.8, 0.78, 0.95, 1, 1.05, 1.25, 1.3],
      flowWeights: { invoice: 30, menu: 70 },
      liveOutcomes: [
        "pending",
        "requires_action",
        "created",
        "pending",
        "requires_action",
        "pending",
      ],
      spike: { daysAgo: 3, localHour: 12, conversations: 34, failureRate: 0.7 },
    },
    transcripts: 200,
    refundRate: 0.03,
    disputeRate: 0.006,
    disputePlan: [
      "needs_response",
      "needs_response",
      "needs_response",
      "needs_response",
      "under_review",
      "under_review",
      "won",
      "lost",
      "accepted",
    ],
    rejectedWebhooks: 2,
    failedWebhooks: 1,
  },
  nusantara: {
    ageDays: 50,
    traffic: {
      days: 30,
      dailyStart: 12,
      dailyEnd: 22,
      hourWeights: SHOP_HOURS,
      weekdayWeights: [1.2, 0.9, 0.95, 0.95, 1, 1.05, 1.25],
      flowWeights: { batik: 100 },
      liveOutcomes: ["pending", "created"],
    },
    transcripts: 40,
    refundRate: 0.02,
    disputeRate: 0,
    disputePlan: ["needs_response"],
    rejectedWebhooks: 0,
    failedWebhooks: 0,
  },
};
