// What the dashboard services need from a request: who, for which merchant, with which role.
import type { MerchantContext } from "@/lib/auth/context";

export type ServiceContext = Pick<
  MerchantContext,
  "db" | "merchantId" | "role" | "user" | "ip" | "userAgent"
>;

/** Audit entries by this context's user: the one helper every service uses. */
export { auditAs } from "@/lib/audit/record";
