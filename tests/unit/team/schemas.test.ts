import { randomToken } from "@/lib/crypto/tokens";
import { newId } from "@/lib/ids";
import {
  changeRoleSchema,
  createInviteSchema,
  emailSchema,
  inviteTokenSchema,
  newAccountSchema,
  newPasswordSchema,
  revokeInviteSchema,
} from "@/lib/team/schemas";
import { describe, expect, it } from "vitest";

describe("team schemas", () => {
  it("normalises emails and rejects what is not one", () => {
    expect(emailSchema.parse("  Ana.Ruiz@Example.COM ")).toBe("ana.ruiz@example.com");
    for (const bad of [
      "",
      "ana",
      "ana@",
      "@example.com",
      "ana ruiz@example.com",
      `${"a".repeat(250)}@x.io`,
    ]) {
      expect(emailSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("accepts exactly the four roles", () => {
    for (const role of ["owner", "admin", "support", "analyst"]) {
      expect(createInviteSchema.safeParse({ email: "a@b.co", role }).success).toBe(true);
    }
    for (const role of ["Owner", "superuser", "", undefined]) {
      const result = createInviteSchema.safeParse({ email: "a@b.co", role });
      expect(result.success, String(role)).toBe(false);
    }
    expect(changeRoleSchema.safeParse({ userId: "usr_x", role: "root" }).success).toBe(false);
  });

  it("requires new passwords of 10 characters up to bcrypt's 72 bytes", () => {
    expect(newPasswordSchema.safeParse("123456789").success).toBe(false);
    expect(newPasswordSchema.safeParse("1234567890").success).toBe(true);
    expect(newPasswordSchema.safeParse("x".repeat(72)).success).toBe(true);
    expect(newPasswordSchema.safeParse("x".repeat(73)).success).toBe(false);
    // 19 emoji are 38 UTF-16 units but 76 UTF-8 bytes: bcrypt would silently drop the tail.
    expect(newPasswordSchema.safeParse("😀".repeat(19)).success).toBe(false);
    expect(newPasswordSchema.safeParse(" ".repeat(12)).success).toBe(false);
  });

  it("puts account errors on the fields that caused them", () => {
    const result = newAccountSchema.safeParse({ name: "   ", password: "short" });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("name");
    expect(paths).toContain("password");
    expect(newAccountSchema.parse({ name: "  Ana  ", password: "long enough!" }).name).toBe("Ana");
  });

  it("recognises invite tokens and ids by shape", () => {
    expect(inviteTokenSchema.safeParse(randomToken(32)).success).toBe(true);
    expect(inviteTokenSchema.safeParse(randomToken(16)).success).toBe(false);
    expect(inviteTokenSchema.safeParse(`${randomToken(32).slice(0, 42)}/`).success).toBe(false);
    expect(revokeInviteSchema.safeParse({ inviteId: newId("invite") }).success).toBe(true);
    expect(revokeInviteSchema.safeParse({ inviteId: newId("user") }).success).toBe(false);
  });
});
