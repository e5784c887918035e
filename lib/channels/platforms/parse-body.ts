// Parsing a verified webhook body: size limit, JSON, then the envelope's schema. Only the
// envelope must match; each item inside is parsed on its own so that one unfamiliar event
// kind cannot make the route answer 400 (and the platform retry the whole batch forever).
import type { z } from "zod";
import { assertInboundBodySize } from "./sanitize";
import { InboundRejectedError } from "./types";

export function parseJsonBody<T>(rawBody: string, schema: z.ZodType<T>, what: string): T {
  assertInboundBodySize(rawBody);
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new InboundRejectedError(`${what} body is not JSON`, 400);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "body";
    throw new InboundRejectedError(`${what} body is malformed at ${where}`, 400);
  }
  return parsed.data;
}
