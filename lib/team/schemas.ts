import { ROLES } from "@/lib/auth/permissions";
import { z } from "zod";

// One zod file for the team domain: the actions, the service and the forms share these.

export const roleSchema = z.enum(ROLES, { error: "Choose a role" });

export const emailSchema = z
  .string({ error: "Enter an email address" })
  .trim()
  .toLowerCase()
  .email("Enter a valid email address")
  .max(254, "Email addresses are at most 254 characters");

const userIdSchema = z.string().min(1).max(64);
const inviteIdSchema = z.string().regex(/^inv_[A-Za-z0-9]{22}$/, "Unknown invite");

// randomToken(32) from lib/crypto/tokens.ts: 32 bytes as base64url.
export const inviteTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "This invitation link is not valid");

// bcrypt reads only the first 72 bytes of a password; a longer one would be silently truncated.
const BCRYPT_MAX_BYTES = 72;

export const newPasswordSchema = z
  .string({ error: "Choose a password" })
  .min(10, "Use at least 10 characters")
  .refine(
    (p) => new TextEncoder().encode(p).length <= BCRYPT_MAX_BYTES,
    "Use at most 72 bytes (about 72 letters)",
  )
  .refine((p) => p.trim().length > 0, "A password cannot be only spaces");

export const personNameSchema = z
  .string({ error: "Enter your name" })
  .trim()
  .min(1, "Enter your name")
  .max(100, "Names are at most 100 characters");

export const changeRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });
export const removeMemberSchema = z.object({ userId: userIdSchema });
export const createInviteSchema = z.object({ email: emailSchema, role: roleSchema });
export const revokeInviteSchema = z.object({ inviteId: inviteIdSchema });

/** What the accept form posts; which fields are required depends on whether the account exists. */
export const acceptInviteFormSchema = z.object({
  token: z.string().max(100),
  name: z.string().max(200).optional(),
  password: z.string().max(200).default(""),
});
export const newAccountSchema = z.object({ name: personNameSchema, password: newPasswordSchema });

export type ChangeRoleInput = z.input<typeof changeRoleSchema>;
export type RemoveMemberInput = z.input<typeof removeMemberSchema>;
export type CreateInviteInput = z.input<typeof createInviteSchema>;
export type RevokeInviteInput = z.input<typeof revokeInviteSchema>;
export type AcceptInviteInput = z.input<typeof acceptInviteFormSchema>;

export const requireTwoFactorSchema = z.object({
  required: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()),
});
export type RequireTwoFactorInput = z.input<typeof requireTwoFactorSchema>;

export const resetTwoFactorSchema = z.object({ userId: userIdSchema });
export type ResetTwoFactorInput = z.infer<typeof resetTwoFactorSchema>;
