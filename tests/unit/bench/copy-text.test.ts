// The bench seeder writes rows in COPY's text format (bench/copy-writer.ts): a value that is not
// escaped shifts every later column of its row, or splits the row in two.
import { copyText } from "@/bench/copy-writer";
import { describe, expect, it } from "vitest";

describe("copyText", () => {
  it("writes null and undefined as \\N", () => {
    expect(copyText(null)).toBe("\\N");
    expect(copyText(undefined)).toBe("\\N");
  });

  it("escapes backslash, tab, newline and carriage return", () => {
    expect(copyText("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
    expect(copyText("Menu du jour — Lumière Bistro #1234567")).toBe(
      "Menu du jour — Lumière Bistro #1234567",
    );
  });

  it("writes instants as ISO 8601, numbers and booleans as they are", () => {
    expect(copyText(new Date("2026-12-02T07:00:00.123Z"))).toBe("2026-12-02T07:00:00.123Z");
    expect(copyText(4500)).toBe("4500");
    expect(copyText(false)).toBe("false");
  });

  it("writes objects and arrays as JSON, escaped like any text", () => {
    expect(copyText([])).toBe("[]");
    expect(copyText({ failure: { code: "card_declined" } })).toBe(
      '{"failure":{"code":"card_declined"}}',
    );
    // JSON.stringify turns a newline into the two characters \n; COPY must then double the backslash.
    expect(copyText({ note: "two\nlines" })).toBe('{"note":"two\\\\nlines"}');
  });
});
