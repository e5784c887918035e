// A connection's health in one word and its reasons in the merchant's words: green, amber or red
// from the last hour's and last day's figures. Pure (no database): the rules are unit-tested in
// tests/unit/connections/health-status.test.ts, and the figures come from lib/connections/health.ts.
import type { ConnectionStatus } from "@/db/schema";

export type HealthLevel = "green" | "amber" | "red";

export interface HealthWindowFigures {
  /** Payments created in the window. */
  volume: number;
  /** Of those, captured (later refunds and disputes still count as paid). */
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed); null when neither happened. */
  successRate: number | null;
  /** Median of succeeded_at − created_at over the window's paid payments; null with none. */
  medianTimeToPayMs: number | null;
  /** Deliveries refused for their signature, repeats included. */
  signatureFailures: number;
  /** Verified deliveries Parley failed to apply. */
  errors: number;
}

export interface HealthInputs {
  status: ConnectionStatus;
  hour: HealthWindowFigures;
  day: HealthWindowFigures;
  /** Payments of the last day still waiting for the provider for longer than PENDING_GRACE_MS. */
  pending: number;
  lastWebhookAt: Date | null;
}

export interface HealthVerdict {
  level: HealthLevel;
  /** Every problem found, worst first; empty when green. */
  problems: { level: Exclude<HealthLevel, "green">; text: string }[];
  /** One sentence: "Amber: 3 signature failures in the last hour". */
  summary: string;
}

/** Below this many decided payments a success rate says little. */
export const MIN_DECIDED_HOUR = 5;
export const MIN_DECIDED_DAY = 10;
export const RED_SUCCESS_RATE = 0.5;
export const AMBER_SUCCESS_RATE = 0.8;
/** A checkout younger than this has not had time to hear back. */
export const PENDING_GRACE_MS = 10 * 60_000;
/** With payments pending, this long without a webhook is an outage, not a lull. */
export const WEBHOOK_SILENCE_MS = 60 * 60_000;

const LEVEL_WORD: Record<HealthLevel, string> = { green: "Green", amber: "Amber", red: "Red" };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** "45 min", "2 h", "3 days": how long, in the words the reasons use. */
export function durationWords(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

function rateProblem(
  w: HealthWindowFigures,
  minDecided: number,
  span: string,
): HealthVerdict["problems"][number] | null {
  const decided = w.succeeded + w.failed;
  if (decided < minDecided || w.successRate === null) return null;
  const text = `${percent(w.successRate)} of payments succeeded in the last ${span} (${w.succeeded} of ${decided})`;
  if (w.successRate < RED_SUCCESS_RATE) return { level: "red", text };
  if (w.successRate < AMBER_SUCCESS_RATE) return { level: "amber", text };
  return null;
}

export function classifyHealth(input: HealthInputs, now: Date): HealthVerdict {
  const problems: HealthVerdict["problems"] = [];

  if (input.status === "error") {
    problems.push({ level: "red", text: "the connection is marked in error" });
  }
  if (input.pending > 0) {
    const silentFor = input.lastWebhookAt ? now.getTime() - input.lastWebhookAt.getTime() : null;
    const payments = `${plural(input.pending, "payment")} ${input.pending === 1 ? "is" : "are"} pending`;
    if (silentFor === null) {
      problems.push({ level: "red", text: `no webhook received yet while ${payments}` });
    } else if (silentFor >= WEBHOOK_SILENCE_MS) {
      problems.push({
        level: "red",
        text: `no webhook for ${durationWords(silentFor)} while ${payments}`,
      });
    }
  }
  const hourRate = rateProblem(input.hour, MIN_DECIDED_HOUR, "hour");
  if (hourRate) problems.push(hourRate);
  if (input.hour.signatureFailures > 0) {
    problems.push({
      level: "amber",
      text: `${plural(input.hour.signatureFailures, "signature failure")} in the last hour`,
    });
  }
  if (input.hour.errors > 0) {
    problems.push({
      level: "amber",
      text: `${plural(input.hour.errors, "webhook delivery", "webhook deliveries")} failed to apply in the last hour`,
    });
  }
  // The day's rate only speaks when the hour's did not already.
  const dayRate = hourRate ? null : rateProblem(input.day, MIN_DECIDED_DAY, "day");
  if (dayRate) problems.push(dayRate);
  if (input.status === "disabled") {
    problems.push({ level: "amber", text: "disabled — it takes no new payments" });
  }

  problems.sort((a, b) => (a.level === b.level ? 0 : a.level === "red" ? -1 : 1));
  const worstLevel = problems[0]?.level;
  if (worstLevel) {
    const worst = problems.filter((p) => p.level === worstLevel).map((p) => p.text);
    return {
      level: worstLevel,
      problems,
      summary: `${LEVEL_WORD[worstLevel]}: ${worst.join("; ")}`,
    };
  }
  const decided = input.day.succeeded + input.day.failed;
  const summary =
    input.day.volume === 0
      ? "Green: no problems, and no payments in the last day"
      : decided === 0 || input.day.successRate === null
        ? `Green: ${plural(input.day.volume, "payment")} in the last day, none decided yet`
        : `Green: ${percent(input.day.successRate)} of ${plural(decided, "payment")} succeeded in the last day`;
  return { level: "green", problems, summary };
}
