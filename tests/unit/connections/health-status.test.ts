import {
  classifyHealth,
  durationWords,
  type HealthInputs,
  type HealthWindowFigures,
} from "@/lib/connections/health-status";
import { describe, expect, it } from "vitest";

const NOW = new Date("2026-12-02T12:00:00Z");
const MIN = 60_000;

function w(over: Partial<HealthWindowFigures> = {}): HealthWindowFigures {
  const succeeded = over.succeeded ?? 0;
  const failed = over.failed ?? 0;
  return {
    volume: succeeded + failed,
    succeeded,
    failed,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    medianTimeToPayMs: null,
    signatureFailures: 0,
    errors: 0,
    ...over,
  };
}

function inputs(over: Partial<HealthInputs> = {}): HealthInputs {
  return {
    status: "active",
    hour: w(),
    day: w(),
    pending: 0,
    lastWebhookAt: new Date(NOW.getTime() - 5 * MIN),
    ...over,
  };
}

describe("connection health classification", () => {
  it("is green with no payments and says so", () => {
    const v = classifyHealth(inputs(), NOW);
    expect(v.level).toBe("green");
    expect(v.problems).toEqual([]);
    expect(v.summary).toBe("Green: no problems, and no payments in the last day");
  });

  it("is green with a healthy day and gives its rate", () => {
    const v = classifyHealth(inputs({ day: w({ succeeded: 19, failed: 1 }) }), NOW);
    expect(v.summary).toBe("Green: 95% of 20 payments succeeded in the last day");
  });

  it("is amber on signature failures in the last hour, counted in words", () => {
    const v = classifyHealth(inputs({ hour: w({ signatureFailures: 3 }) }), NOW);
    expect(v.level).toBe("amber");
    expect(v.summary).toBe("Amber: 3 signature failures in the last hour");
    const one = classifyHealth(inputs({ hour: w({ signatureFailures: 1 }) }), NOW);
    expect(one.summary).toBe("Amber: 1 signature failure in the last hour");
  });

  it("signature failures earlier in the day alone leave it green", () => {
    const v = classifyHealth(inputs({ day: w({ signatureFailures: 9 }) }), NOW);
    expect(v.level).toBe("green");
  });

  it("is red when no webhook came for an hour or more while payments are pending", () => {
    const v = classifyHealth(
      inputs({ pending: 4, lastWebhookAt: new Date(NOW.getTime() - 125 * MIN) }),
      NOW,
    );
    expect(v.level).toBe("red");
    expect(v.summary).toBe("Red: no webhook for 2 h while 4 payments are pending");
  });

  it("a quiet connection with nothing pending is not red (near miss)", () => {
    expect(
      classifyHealth(
        inputs({ pending: 0, lastWebhookAt: new Date(NOW.getTime() - 300 * MIN) }),
        NOW,
      ).level,
    ).toBe("green");
    // Pending, but a webhook came 59 minutes ago: not yet an outage.
    expect(
      classifyHealth(inputs({ pending: 2, lastWebhookAt: new Date(NOW.getTime() - 59 * MIN) }), NOW)
        .level,
    ).toBe("green");
  });

  it("is red when no webhook ever came while a payment is pending", () => {
    const v = classifyHealth(inputs({ pending: 1, lastWebhookAt: null }), NOW);
    expect(v.summary).toBe("Red: no webhook received yet while 1 payment is pending");
  });

  it("grades the hour's success rate once enough payments decided", () => {
    expect(classifyHealth(inputs({ hour: w({ succeeded: 2, failed: 3 }) }), NOW).summary).toBe(
      "Red: 40% of payments succeeded in the last hour (2 of 5)",
    );
    expect(classifyHealth(inputs({ hour: w({ succeeded: 7, failed: 3 }) }), NOW).summary).toBe(
      "Amber: 70% of payments succeeded in the last hour (7 of 10)",
    );
    // 4 decided is too few to speak (near miss), and 80% exactly is fine.
    expect(classifyHealth(inputs({ hour: w({ succeeded: 0, failed: 4 }) }), NOW).level).toBe(
      "green",
    );
    expect(classifyHealth(inputs({ hour: w({ succeeded: 8, failed: 2 }) }), NOW).level).toBe(
      "green",
    );
  });

  it("grades the day's rate with at least 10 decided", () => {
    expect(classifyHealth(inputs({ day: w({ succeeded: 7, failed: 3 }) }), NOW).summary).toBe(
      "Amber: 70% of payments succeeded in the last day (7 of 10)",
    );
    expect(classifyHealth(inputs({ day: w({ succeeded: 6, failed: 3 }) }), NOW).level).toBe(
      "green",
    );
  });

  it("is amber when deliveries failed to apply in the last hour", () => {
    expect(classifyHealth(inputs({ hour: w({ errors: 2 }) }), NOW).summary).toBe(
      "Amber: 2 webhook deliveries failed to apply in the last hour",
    );
  });

  it("names every reason of the worst level, and keeps the lesser ones as problems", () => {
    const v = classifyHealth(
      inputs({
        status: "error",
        pending: 3,
        lastWebhookAt: new Date(NOW.getTime() - 3 * 60 * MIN),
        hour: w({ signatureFailures: 2 }),
      }),
      NOW,
    );
    expect(v.level).toBe("red");
    expect(v.summary).toBe(
      "Red: the connection is marked in error; no webhook for 3 h while 3 payments are pending",
    );
    expect(v.problems.map((p) => p.level)).toEqual(["red", "red", "amber"]);
  });

  it("a disabled connection is amber and says why", () => {
    expect(classifyHealth(inputs({ status: "disabled" }), NOW).summary).toBe(
      "Amber: disabled — it takes no new payments",
    );
  });

  it("words durations", () => {
    expect(durationWords(30_000)).toBe("1 min");
    expect(durationWords(45 * MIN)).toBe("45 min");
    expect(durationWords(60 * MIN)).toBe("1 h");
    expect(durationWords(47 * 60 * MIN)).toBe("47 h");
    expect(durationWords(72 * 60 * MIN)).toBe("3 days");
  });
});
