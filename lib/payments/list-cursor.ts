// The transactions list's keyset cursor: a row's (created_at, id), with created_at at the
// database's microsecond precision (a JavaScript Date would drop the microseconds and skip rows),
// encoded as opaque base64url. A token that does not decode to exactly that shape is refused.
import { z } from "zod";

export interface PaymentCursor {
  /** created_at as UTC ISO text with microseconds: 2026-12-02T06:26:05.123456Z */
  createdAt: string;
  id: string;
}

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const paymentCursorSchema = z.object({
  createdAt: z
    .string()
    .regex(CREATED_AT)
    .refine((t) => !Number.isNaN(Date.parse(t))),
  id: z.string().regex(/^[A-Za-z0-9_]{1,80}$/),
});

export function encodePaymentCursor(cursor: PaymentCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor a token names, or undefined for anything forged, truncated or absurd. */
export function decodePaymentCursor(token: string): PaymentCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(token)) return undefined;
  const text = Buffer.from(token, "base64url").toString("utf8");
  const [createdAt, id, ...rest] = text.split("|");
  if (rest.length > 0) return undefined;
  const parsed = paymentCursorSchema.safeParse({ createdAt, id });
  return parsed.success ? parsed.data : undefined;
}
