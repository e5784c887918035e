import {
  bucketDeltas,
  cardTestingFirings,
  disputesTodayFirings,
  failureRateFirings,
  scopesOf,
  startOfUtcDay,
  webhookSilenceFirings,
  windowStart,
  type FoldableEvent,
} from "@/lib/alerts/rules";
import {
  configOf,
  parseRuleConfig,
  ruleInput,
  snoozeAlertInput,
  updateRuleInput,
} from "@/lib/alerts/schemas";
import { describe, expect, it } from "vitest";

const at = (iso: string) => new Date(iso);

function event(overrides: Partial<FoldableEvent> = {}): FoldableEvent {
  return {
    type: "payment.failed",
    mode: "live",
    connectionId: "con_a",
    recordedAt: at("2026-12-02T10:00:30Z"),
    customerEmail: null,
    detail: {},
    ...overrides,
  };
}

describe("windows", () => {
  it("a window of N minutes holds N buckets, the current minute included", () => {
    const now = at("2026-12-02T10:14:59.900Z");
    expect(windowStart(now, 1).toISOString()).toBe("2026-12-02T10:14:00.000Z");
    expect(windowStart(now, 15).toISOString()).toBe("2026-12-02T10:00:00.000Z");
  });
  it("today starts at midnight UTC", () => {
    expect(startOfUtcDay(at("2026-12-02T23:59:59Z")).toISOString()).toBe(
      "2026-12-02T00:00:00.000Z",
    );
  });
});

describe("which buckets an event counts in", () => {
  it("an outcome counts overall and per connection; a decline also per email, IP and card", () => {
    const scopes = scopesOf(
      event({
        customerEmail: " Ana@Example.test ",
        detail: { clientIp: "198.51.100.4", cardFingerprint: "fp123" },
      }),
    );
    expect(scopes.map((s) => s.scopeKey)).toEqual([
      "all",
      "conn:con_a",
      "email:ana@example.test",
      "ip:198.51.100.4",
      "fp:fp123",
    ]);
    expect(scopes.every((s) => s.failure)).toBe(true);
  });
  it("a success is an attempt, not a decline for the customer", () => {
    const scopes = scopesOf(event({ type: "payment.succeeded", customerEmail: "a@b.test" }));
    expect(scopes).toEqual([
      { scopeKey: "all", failure: false },
      { scopeKey: "conn:con_a", failure: false },
    ]);
  });
  it("pending, refunds and late events the state machine ignored count nowhere", () => {
    expect(scopesOf(event({ type: "payment.pending" }))).toEqual([]);
    expect(scopesOf(event({ type: "refund.succeeded" }))).toEqual([]);
    expect(scopesOf(event({ detail: { flags: ["late_event_ignored"] } }))).toEqual([]);
  });
  it("a dispute opened counts in the disputes scope", () => {
    expect(scopesOf(event({ type: "dispute.opened" }))).toEqual([
      { scopeKey: "disputes", failure: false },
    ]);
  });
  it("deltas are summed per mode, minute and scope", () => {
    const deltas = bucketDeltas([
      event(),
      event({ type: "payment.succeeded", recordedAt: at("2026-12-02T10:00:59Z") }),
      event({ recordedAt: at("2026-12-02T10:01:00Z") }),
      event({ mode: "test" }),
    ]);
    const all = deltas.filter((d) => d.scopeKey === "all");
    expect(all.map((d) => [d.mode, d.minute.toISOString(), d.attempts, d.failures]).sort()).toEqual(
      [
        ["live", "2026-12-02T10:00:00.000Z", 2, 1],
        ["live", "2026-12-02T10:01:00.000Z", 1, 1],
        ["test", "2026-12-02T10:00:00.000Z", 1, 1],
      ],
    );
  });
});

describe("failure rate", () => {
  const config = {
    scope: "overall" as const,
    failureRateAbovePercent: 25,
    windowMinutes: 15,
    minAttempts: 20,
  };
  it("fires above the threshold with enough attempts", () => {
    const [f] = failureRateFirings(config, [{ scopeKey: "all", attempts: 20, failures: 6 }]);
    expect(f).toMatchObject({ scopeKey: "all", severity: "critical" });
    expect(f.detail).toMatchObject({ attempts: 20, failed: 6, failureRatePercent: 30 });
  });
  it("stays silent exactly at the threshold (above means above)", () => {
    expect(failureRateFirings(config, [{ scopeKey: "all", attempts: 20, failures: 5 }])).toEqual(
      [],
    );
  });
  it("stays silent with one attempt too few, however bad the rate", () => {
    expect(failureRateFirings(config, [{ scopeKey: "all", attempts: 19, failures: 19 }])).toEqual(
      [],
    );
  });
  it("per connection fires for the failing connection only, named by its label", () => {
    const firings = failureRateFirings(
      { ...config, scope: "per_connection", minAttempts: 4 },
      [
        { scopeKey: "all", attempts: 10, failures: 5 },
        { scopeKey: "conn:con_a", attempts: 5, failures: 5 },
        { scopeKey: "conn:con_b", attempts: 5, failures: 0 },
      ],
      new Map([["con_a", "Adyen EU"]]),
    );
    expect(firings.map((f) => f.scopeKey)).toEqual(["conn:con_a"]);
    expect(firings[0].title).toContain("Adyen EU");
  });
});

describe("card testing", () => {
  const config = { key: "email" as const, declinesAbove: 5, windowMinutes: 10 };
  it("fires per email with more declines than the limit, not at the limit", () => {
    const firings = cardTestingFirings(config, [
      { scopeKey: "email:a@x.test", attempts: 6, failures: 6 },
      { scopeKey: "email:b@x.test", attempts: 5, failures: 5 },
      { scopeKey: "fp:abc", attempts: 9, failures: 9 },
    ]);
    expect(firings.map((f) => f.scopeKey)).toEqual(["email:a@x.test"]);
    expect(firings[0].detail).toMatchObject({ value: "a@x.test", declines: 6 });
  });
  it("reads only the key it watches", () => {
    const firings = cardTestingFirings({ ...config, key: "card_fingerprint" }, [
      { scopeKey: "email:a@x.test", attempts: 9, failures: 9 },
      { scopeKey: "fp:abc", attempts: 6, failures: 6 },
    ]);
    expect(firings.map((f) => f.scopeKey)).toEqual(["fp:abc"]);
  });
});

describe("webhook silence", () => {
  const now = at("2026-12-02T10:00:00Z");
  const config = { silentMinutes: 30 };
  const base = { id: "con_a", label: "Stripe", waitingPayments: 2 };
  it("fires when silent for longer than the limit while payments wait", () => {
    expect(
      webhookSilenceFirings(config, [{ ...base, lastWebhookAt: at("2026-12-02T09:29:59Z") }], now),
    ).toHaveLength(1);
    expect(webhookSilenceFirings(config, [{ ...base, lastWebhookAt: null }], now)).toHaveLength(1);
  });
  it("stays silent inside the limit, or with nothing waiting", () => {
    expect(
      webhookSilenceFirings(config, [{ ...base, lastWebhookAt: at("2026-12-02T09:30:00Z") }], now),
    ).toEqual([]);
    expect(
      webhookSilenceFirings(config, [{ ...base, waitingPayments: 0, lastWebhookAt: null }], now),
    ).toEqual([]);
  });
});

describe("disputes today", () => {
  it("fires above the limit only", () => {
    expect(disputesTodayFirings({ disputesAbove: 3 }, 3)).toEqual([]);
    expect(disputesTodayFirings({ disputesAbove: 3 }, 4)[0]).toMatchObject({
      scopeKey: "disputes",
      title: "4 disputes opened today",
    });
  });
});

describe("rule input", () => {
  it("a form's strings become a typed rule", () => {
    const parsed = ruleInput.parse({
      kind: "failure_rate",
      name: " Spike ",
      mode: "test",
      enabled: "on",
      scope: "overall",
      failureRateAbovePercent: "50",
      windowMinutes: "15",
      minAttempts: "2",
    });
    expect(parsed).toMatchObject({ name: "Spike", enabled: true, failureRateAbovePercent: 50 });
  });
  it("bad thresholds are refused field by field", () => {
    const result = ruleInput.safeParse({
      kind: "failure_rate",
      name: "",
      mode: "live",
      scope: "overall",
      failureRateAbovePercent: "150",
      windowMinutes: "abc",
      minAttempts: "-1",
    });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => i.path.join("."));
    expect(fields.sort()).toEqual([
      "failureRateAbovePercent",
      "minAttempts",
      "name",
      "windowMinutes",
    ]);
  });
  it("an unknown kind is refused; a stored config that no longer parses is skipped", () => {
    expect(ruleInput.safeParse({ kind: "weather", name: "x", mode: "live" }).success).toBe(false);
    expect(parseRuleConfig("card_testing", { key: "shoe size" })).toBeNull();
    expect(parseRuleConfig("disputes_today", { disputesAbove: 3 })).toEqual({
      kind: "disputes_today",
      config: { disputesAbove: 3 },
    });
  });
  it("an edit names its rule, and its errors are keyed by field too", () => {
    const bad = updateRuleInput.safeParse({
      ruleId: "alr_1",
      kind: "card_testing",
      name: "Cards",
      mode: "live",
      key: "email",
      declinesAbove: "0",
      windowMinutes: "10",
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(["declinesAbove"]);
    const good = updateRuleInput.parse({
      ruleId: "alr_1",
      kind: "card_testing",
      name: "Cards",
      mode: "live",
      key: "ip",
      declinesAbove: "3",
      windowMinutes: "10",
      failureRateAbovePercent: "99",
    });
    expect(good.ruleId).toBe("alr_1");
    // Only the kind's own fields are stored as its config.
    expect(configOf(good)).toEqual({ key: "ip", declinesAbove: 3, windowMinutes: 10 });
  });
  it("a snooze lasts between 5 minutes and a week", () => {
    expect(snoozeAlertInput.safeParse({ alertId: "alt_1", minutes: "4" }).success).toBe(false);
    expect(snoozeAlertInput.safeParse({ alertId: "alt_1", minutes: "60" }).success).toBe(true);
    expect(snoozeAlertInput.safeParse({ alertId: "pay_1", minutes: "60" }).success).toBe(false);
  });
});
