// Inputs at the conversation domain's boundaries: the chat widget's API, the simulator's
// actions and the channel form. One file, shared by routes, actions and forms.
import { LangSchema } from "@/lib/flows/graph";
import { z } from "zod";

const id = z.string().trim().min(1).max(80);

export const CreateChannelSchema = z.object({
  flowId: id,
  kind: z.enum(["telegram", "messenger", "whatsapp", "slack"], { error: "Pick a chat platform" }),
  label: z.string().trim().min(1).max(120).optional(),
  /** Points the channel at another API origin (local fakes in tests and demos). */
  apiBaseUrl: z.url().optional(),
});

/** The widget's visitor session: random, kept in the browser, proves the chat is theirs. */
export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,128}$/, "8-128 characters: letters, digits, _ and -");

export const StartChatSchema = z.object({
  sessionId: SessionIdSchema,
  lang: LangSchema.optional(),
});
export type StartChatInput = z.infer<typeof StartChatSchema>;

/** "after" cursors are the ISO time of the last message the client has. */
export const CursorSchema = z.iso.datetime({ offset: true }).optional();

export const ReadChatSchema = z.object({
  session: SessionIdSchema,
  after: CursorSchema,
});

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
