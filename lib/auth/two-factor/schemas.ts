import { z } from "zod";

/** A six-digit code from the app, or a recovery code (`xxxxx-xxxxx`); spaces allowed. */
export const codeSchema = z.object({
  code: z
    .string({ error: "Enter the code from your authenticator app." })
    .trim()
    .min(1, "Enter the code from your authenticator app.")
    .max(24, "That is longer than any code."),
});
