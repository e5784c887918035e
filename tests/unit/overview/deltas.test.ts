import { countDelta, rateDelta } from "@/lib/overview/deltas";
import { describe, expect, it } from "vitest";

describe("overview deltas", () => {
  it("words a count going up or down, with the percentage when there is a base", () => {
    expect(countDelta(5, 4)).toEqual({
      direction: "up",
      words: "up 1 (+25%) on yesterday",
      tone: "good",
    });
    expect(countDelta(3, 4)).toEqual({
      direction: "down",
      words: "down 1 (-25%) on yesterday",
      tone: "bad",
    });
    expect(countDelta(3, 0).words).toBe("up 3 on yesterday");
    expect(countDelta(2, 2)).toEqual({
      direction: "same",
      words: "same as yesterday",
      tone: "neutral",
    });
  });

  it("more failures is bad", () => {
    expect(countDelta(4, 1, { higherIsBetter: false }).tone).toBe("bad");
    expect(countDelta(0, 1, { higherIsBetter: false }).tone).toBe("good");
  });

  it("formats amounts with the caller's formatter", () => {
    expect(countDelta(1500, 1000, { format: (n) => `€${(n / 100).toFixed(2)}` }).words).toBe(
      "up €5.00 (+50%) on yesterday",
    );
  });

  it("rates move in points", () => {
    expect(rateDelta(0.9, 0.75)).toEqual({
      direction: "up",
      words: "up 15 points on yesterday",
      tone: "good",
    });
    expect(rateDelta(0.74, 0.75).words).toBe("down 1 point on yesterday");
    expect(rateDelta(null, 0.5).words).toBe("nothing to compare with yesterday");
    expect(rateDelta(0.5, 0.5).words).toBe("same as yesterday");
  });
});
