// Inputs of the simulator's server actions (lib/flows/simulator-actions.ts).
import { CursorSchema } from "@/lib/conversations/web-chat/schemas";
import { LangSchema } from "@/lib/flows/graph";
import { z } from "zod";

const id = z.string().trim().min(1).max(80);

export const SimulatorStartSchema = z.object({
  flowId: id,
  lang: LangSchema.optional(),
});

export const SimulatorMessageSchema = z
  .object({
    flowId: id,
    conversationId: id,
    messageId: z.uuid(),
    text: z.string().max(4_000).optional(),
    choice: z.string().min(1).max(2_000).optional(),
  })
  .refine(
    (m) => (m.text?.trim() ?? "") !== "" || m.choice !== undefined,
    "Type a message or pick an option",
  );

export const SimulatorPollSchema = z.object({
  flowId: id,
  conversationId: id,
  after: CursorSchema,
});
