"use server";

import { defineAction } from "@/lib/action";
import { revalidatePath } from "next/cache";
import {
  acknowledgeAlertInput,
  createRuleInput,
  deleteRuleInput,
  setRuleEnabledInput,
  snoozeAlertInput,
  updateRuleInput,
} from "./schemas";
import {
  acknowledgeAlert,
  createRule,
  deleteRule,
  setRuleEnabled,
  snoozeAlert,
  updateRule,
} from "./service";

// Dashboard mutations on alerts (acknowledge, snooze: support too) and on alert rules
// (owner/admin). The wrapper checks the permission, validates and maps errors.

export const acknowledgeAlertAction = defineAction({
  permission: "alerts.acknowledge",
  schema: acknowledgeAlertInput,
  handler: async (input, ctx) => {
    const result = await acknowledgeAlert(ctx, input.alertId);
    revalidatePath("/alerts");
    return result;
  },
});

export const snoozeAlertAction = defineAction({
  permission: "alerts.acknowledge",
  schema: snoozeAlertInput,
  handler: async (input, ctx) => {
    const result = await snoozeAlert(ctx, input.alertId, input.minutes);
    revalidatePath("/alerts");
    return result;
  },
});

export const createAlertRuleAction = defineAction({
  permission: "alerts.manage",
  schema: createRuleInput,
  handler: async (input, ctx) => {
    const result = await createRule(ctx, input);
    revalidatePath("/alerts");
    return result;
  },
});

export const updateAlertRuleAction = defineAction({
  permission: "alerts.manage",
  schema: updateRuleInput,
  handler: async (input, ctx) => {
    const result = await updateRule(ctx, input.ruleId, input);
    revalidatePath("/alerts");
    return result;
  },
});

export const setAlertRuleEnabledAction = defineAction({
  permission: "alerts.manage",
  schema: setRuleEnabledInput,
  handler: async (input, ctx) => {
    const result = await setRuleEnabled(ctx, input.ruleId, input.enabled);
    revalidatePath("/alerts");
    return result;
  },
});

export const deleteAlertRuleAction = defineAction({
  permission: "alerts.manage",
  schema: deleteRuleInput,
  handler: async (input, ctx) => {
    const result = await deleteRule(ctx, input.ruleId);
    revalidatePath("/alerts");
    return result;
  },
});
