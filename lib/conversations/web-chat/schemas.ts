// Inputs of the chat widget's API (the /api/chat routes), shared by the routes and the stream.
import { LangSchema } from "@/lib/flows/graph";
import { z } from "zod";

/** The widget's visitor session: random, kept in the browser, proves the chat is theirs. */
export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,128}$/, "8-128 characters: letters, digits, _ and -");

export const StartChatSchema = z.object({
  sessionId: SessionIdSchema,
  lang: LangSchema.optional(),
});

/** "after" cursors are the ISO time of the last message the client has. */
export const CursorSchema = z.iso.datetime({ offset: true }).optional();

export const ReadChatSchema = z.object({
  session: SessionIdSchema,
  after: CursorSchema,
});
