import { securityHeaders } from "@/lib/http/security-headers";
import { describe, expect, it } from "vitest";

const prod = { development: false, chatFrameAncestors: undefined };

describe("securityHeaders", () => {
  it.each(["/overview", "/team", "/pay/sandbox/chk_1", "/pay/return", "/sign-in", "/invite/x"])(
    "%s is never framed",
    (path) => {
      const h = securityHeaders(path, prod);
      expect(h.get("X-Frame-Options")).toBe("DENY");
      expect(h.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    },
  );

  it("sets a policy without eval or foreign hosts in production", () => {
    const csp = securityHeaders("/overview", prod).get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/https?:/);
    expect(
      securityHeaders("/overview", { ...prod, development: true }).get("Content-Security-Policy"),
    ).toContain("'unsafe-eval'");
  });

  it("frames /chat only where the setting allows", () => {
    const own = securityHeaders("/chat/fpk_1", prod);
    expect(own.get("X-Frame-Options")).toBeNull();
    expect(own.get("Content-Security-Policy")).toContain("frame-ancestors 'self'");
    const listed = securityHeaders("/chat/fpk_1", {
      ...prod,
      chatFrameAncestors: ["https://shop.example", "https://www.shop.example"],
    });
    expect(listed.get("Content-Security-Policy")).toContain(
      "frame-ancestors https://shop.example https://www.shop.example",
    );
    const any = securityHeaders("/chat/fpk_1", { ...prod, chatFrameAncestors: ["*"] });
    expect(any.get("Content-Security-Policy")).not.toContain("frame-ancestors");
    expect(securityHeaders("/chatter", prod).get("X-Frame-Options")).toBe("DENY");
  });
});
