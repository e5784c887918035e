"use server";
// The designer's simulator, as server actions. Thin: lib/action.ts resolves the member and
// checks flows.edit; lib/conversations/simulator/ scopes everything to the merchant.
import { defineAction } from "@/lib/action";
import {
  getSimulatorInfo,
  pollSimulation,
  sendSimulationMessage,
  startSimulation,
} from "@/lib/conversations/simulator";
import {
  SimulatorMessageSchema,
  SimulatorPollSchema,
  SimulatorStartSchema,
} from "@/lib/conversations/simulator/schemas";
import { z } from "zod";

export const simulatorInfoAction = defineAction({
  permission: "flows.edit",
  schema: z.object({ flowId: z.string().trim().min(1).max(80) }),
  handler: (input, ctx) => getSimulatorInfo(ctx, input.flowId),
});

export const startSimulationAction = defineAction({
  permission: "flows.edit",
  schema: SimulatorStartSchema,
  handler: (input, ctx) => startSimulation(ctx, input),
});

export const sendSimulationAction = defineAction({
  permission: "flows.edit",
  schema: SimulatorMessageSchema.and(
    z.object({ after: z.iso.datetime({ offset: true }).optional() }),
  ),
  handler: (input, ctx) => sendSimulationMessage(ctx, input),
});

export const pollSimulationAction = defineAction({
  permission: "flows.edit",
  schema: SimulatorPollSchema,
  handler: (input, ctx) => pollSimulation(ctx, input),
});
