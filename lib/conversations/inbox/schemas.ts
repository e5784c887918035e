// What the Inbox's actions take, shared by the actions, the forms and the tests.
import { PAYMENT_METHODS } from "@/lib/connections/providers/types";
import { z } from "zod";

const conversationId = z.string().trim().min(1).max(100);
/** A fresh key per form submission: a double click sends the same key, so one message, one payment. */
const requestKey = z.string().trim().min(8).max(100);

export const takeOverSchema = z.object({ conversationId });
export type TakeOverInput = z.infer<typeof takeOverSchema>;

export const replySchema = z.object({
  conversationId,
  text: z.string().trim().min(1, "Write a message first").max(40_000),
  requestKey,
});
export type ReplyInput = z.infer<typeof replySchema>;

export const PAYMENT_REQUEST_EXPIRY_MINUTES = [15, 60, 240, 1440] as const;

export const paymentRequestSchema = z.object({
  conversationId,
  /** Major units as typed ("12.50", "12,50"); the currency's exponent makes it minor units. */
  amount: z.string().trim().min(1, "Enter an amount").max(30),
  description: z.string().trim().max(300).default(""),
  methods: z
    .preprocess(
      (value: unknown): unknown[] =>
        value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
      z.array(z.enum(PAYMENT_METHODS)),
    )
    .pipe(z.array(z.enum(PAYMENT_METHODS)).min(1, "Choose at least one method")),
  expiresInMinutes: z.coerce
    .number()
    .int()
    .refine(
      (m) => (PAYMENT_REQUEST_EXPIRY_MINUTES as readonly number[]).includes(m),
      "Choose one of the offered time limits",
    ),
  requestKey,
});
export type PaymentRequestInput = z.infer<typeof paymentRequestSchema>;

export const handBackSchema = z.object({
  conversationId,
  nodeId: z.string().trim().min(1).max(100),
});
export type HandBackInput = z.infer<typeof handBackSchema>;

export const reassignSchema = z.object({
  conversationId,
  /** The member who holds it next: another teammate, or the one reassigning. */
  assigneeUserId: z.string().trim().min(1, "Choose a member").max(100),
});
export type ReassignInput = z.infer<typeof reassignSchema>;

export const closeSchema = z.object({ conversationId });
export type CloseInput = z.infer<typeof closeSchema>;
