"use server";

import { defineAction } from "@/lib/action";
import { reassignConversation } from "./reassign";
import {
  closeSchema,
  handBackSchema,
  paymentRequestSchema,
  reassignSchema,
  replySchema,
  takeOverSchema,
} from "./schemas";
import * as service from "./service";

// Thin wrappers: lib/action.ts resolves the user, merchant and role and validates; the service
// re-checks the permission, scopes by merchant, decides who may and audits in its transaction.

export const takeOverAction = defineAction({
  permission: "conversations.takeover",
  schema: takeOverSchema,
  handler: (input, ctx) => service.takeOverConversation(ctx, input),
});

export const replyAction = defineAction({
  permission: "conversations.takeover",
  schema: replySchema,
  handler: (input, ctx) => service.replyToConversation(ctx, input),
});

export const requestPaymentAction = defineAction({
  permission: "conversations.takeover",
  schema: paymentRequestSchema,
  handler: (input, ctx) => service.requestPayment(ctx, input),
});

export const handBackAction = defineAction({
  permission: "conversations.takeover",
  schema: handBackSchema,
  handler: async (input, ctx) => {
    await service.handBackConversation(ctx, input);
    return { handedBack: true };
  },
});

export const closeConversationAction = defineAction({
  permission: "conversations.takeover",
  schema: closeSchema,
  handler: async (input, ctx) => {
    await service.closeConversation(ctx, input);
    return { closed: true };
  },
});

export const reassignAction = defineAction({
  permission: "conversations.reassign",
  schema: reassignSchema,
  handler: (input, ctx) => reassignConversation(ctx, input),
});
