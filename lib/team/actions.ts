"use server";

import { defineAction } from "@/lib/action";
import { appUrl } from "@/lib/env";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import {
  changeRoleSchema,
  createInviteSchema,
  removeMemberSchema,
  requireTwoFactorSchema,
  resetTwoFactorSchema,
  revokeInviteSchema,
} from "./schemas";
import * as team from "./service";
import { resetMemberTwoFactor, setRequireTwoFactor } from "./two-factor";

// Thin wrappers: lib/action.ts resolves the user, merchant and role and validates; the service
// re-checks the permission, scopes by merchant and audits inside its own transaction.

export const changeMemberRole = defineAction({
  permission: "team.manage",
  stepUp: true,
  schema: changeRoleSchema,
  handler: async (input, ctx) => {
    const result = await team.changeMemberRole(ctx, input);
    revalidatePath("/team");
    return result;
  },
});

export const removeMember = defineAction({
  permission: "team.manage",
  schema: removeMemberSchema,
  handler: async (input, ctx) => {
    const result = await team.removeMember(ctx, input);
    revalidatePath("/team");
    return result;
  },
});

export const createInvite = defineAction({
  permission: "team.invite",
  schema: createInviteSchema,
  handler: async (input, ctx) => {
    const invite = await team.createInvite(ctx, input);
    revalidatePath("/team");
    // lib/action.ts has already checked that Origin matches Host, so it is safe to link to.
    const origin = (await headers()).get("origin") ?? appUrl();
    return {
      inviteId: invite.inviteId,
      email: invite.email,
      role: invite.role,
      expiresAt: invite.expiresAt.toISOString(),
      link: `${origin}/invite/${invite.token}`,
    };
  },
});

export const revokeInvite = defineAction({
  permission: "team.invite",
  schema: revokeInviteSchema,
  handler: async (input, ctx) => {
    const result = await team.revokeInvite(ctx, input);
    revalidatePath("/team");
    return result;
  },
});

export const setRequireTwoFactorAction = defineAction({
  permission: "team.security",
  stepUp: true,
  schema: requireTwoFactorSchema,
  handler: async (input, ctx) => {
    const result = await setRequireTwoFactor(ctx, input);
    revalidatePath("/team");
    return result;
  },
});

export const resetMemberTwoFactorAction = defineAction({
  permission: "team.security",
  stepUp: true,
  schema: resetTwoFactorSchema,
  handler: async (input, ctx) => {
    const result = await resetMemberTwoFactor(ctx, input);
    revalidatePath("/team");
    return result;
  },
});
