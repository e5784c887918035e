import { can, ROLES } from "@/lib/auth/permissions";
import { describe, expect, it } from "vitest";

describe("webhooks.view_payloads", () => {
  it.each(ROLES.map((role) => [role, role === "owner" || role === "admin"] as const))(
    "%s may see raw webhook bodies: %s",
    (role, allowed) => expect(can(role, "webhooks.view_payloads")).toBe(allowed),
  );
});
