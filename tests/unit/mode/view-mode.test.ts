import { parseViewMode, VIEW_MODE_COOKIE, viewModeFor } from "@/lib/mode";
import { describe, expect, it } from "vitest";

const store = (value?: string) => ({
  get: (name: string) => (name === VIEW_MODE_COOKIE && value !== undefined ? { value } : undefined),
});

describe("viewModeFor", () => {
  it("views live data when the cookie is absent", async () => {
    expect(await viewModeFor(store())).toBe("live");
  });

  it("views test data only when the cookie says exactly test", async () => {
    expect(await viewModeFor(store("test"))).toBe("test");
    expect(await viewModeFor(store("live"))).toBe("live");
  });

  it.each(["", "TEST", "Test", " test", "test ", "true", "1", "sandbox", "live,test", "%74est"])(
    "treats garbage %j as live",
    async (value) => {
      expect(await viewModeFor(store(value))).toBe("live");
    },
  );

  it("parses null and undefined as live", () => {
    expect(parseViewMode(null)).toBe("live");
    expect(parseViewMode(undefined)).toBe("live");
  });
});
