import { reminderDue, reminderKey, timeLeftWords } from "@/lib/disputes/reminders";
import { describe, expect, it } from "vitest";

const NOW = new Date("2030-03-10T12:00:00.000Z");
const later = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe("reminderDue", () => {
  it.each([
    [10 * DAY, null],
    [5 * DAY + 1, null],
    [5 * DAY, "5d"],
    [2 * DAY, "5d"],
    [DAY + 1, "5d"],
    [DAY, "1d"],
    [HOUR, "1d"],
    [1, "1d"],
    [0, null],
    [-HOUR, null],
  ])("%i ms before the deadline → %s", (left, expected) => {
    expect(reminderDue(later(left), NOW)).toBe(expected);
  });
});

describe("timeLeftWords", () => {
  it.each([
    [4 * DAY + 5 * HOUR, "in 4 days"],
    [DAY, "in 1 day"],
    [19 * HOUR + 59 * 60_000, "in 19 hours"],
    [HOUR, "in 1 hour"],
    [40 * 60_000, "in 40 minutes"],
    [10_000, "in 1 minute"],
  ])("%i ms → %s", (left, words) => {
    expect(timeLeftWords(later(left), NOW)).toBe(words);
  });
});

it("keys a reminder by case, stage and threshold: an escalated case is reminded again", () => {
  expect(reminderKey("dsp_1", "chargeback", "5d")).toBe("dispute:dsp_1:chargeback:5d");
  expect(reminderKey("dsp_1", "pre_arbitration", "5d")).not.toBe(
    reminderKey("dsp_1", "chargeback", "5d"),
  );
});
