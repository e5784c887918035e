"use server";

import { defineAction } from "@/lib/action";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { connectionStatusSchema, createConnectionSchema, rotateCredentialsSchema } from "./schemas";
import * as connections from "./service";

// Thin wrappers: lib/action.ts resolves user, merchant and role, checks the named permission
// and validates the shape; the service re-checks, scopes by merchant, validates credentials per
// provider and writes the audit entry in its own transaction (so nothing here audits again).

const id = z.string().trim().min(1).max(80);

export const createConnectionAction = defineAction({
  permission: "connections.manage",
  stepUp: true,
  schema: createConnectionSchema,
  handler: async (input, ctx) => {
    const created = await connections.createConnection(ctx, input);
    revalidatePath("/connections");
    return { id: created.id };
  },
});

export const rotateCredentialsAction = defineAction({
  permission: "connections.manage",
  stepUp: true,
  schema: rotateCredentialsSchema,
  handler: async ({ connectionId, credentials }, ctx) => {
    await connections.rotateCredentials(ctx, connectionId, credentials);
    revalidatePath(`/connections/${connectionId}`);
    return { connectionId };
  },
});

export const testConnectionAction = defineAction({
  permission: "connections.manage",
  schema: z.object({ connectionId: id }),
  handler: async ({ connectionId }, ctx) => {
    const result = await connections.testConnection(ctx, connectionId);
    revalidatePath("/connections");
    return result;
  },
});

export const setConnectionStatusAction = defineAction({
  permission: "connections.manage",
  schema: connectionStatusSchema,
  handler: async ({ connectionId, status }, ctx) => {
    await connections.setConnectionStatus(ctx, connectionId, status);
    revalidatePath("/connections");
    revalidatePath(`/connections/${connectionId}`);
    return { connectionId, status };
  },
});

export const reapplyDeliveryAction = defineAction({
  permission: "webhooks.reapply",
  schema: z.object({ connectionId: id, deliveryId: id }),
  handler: async ({ connectionId, deliveryId }, ctx) => {
    const result = await connections.reapplyDelivery(ctx, connectionId, deliveryId);
    revalidatePath(`/connections/${connectionId}`);
    return result;
  },
});
