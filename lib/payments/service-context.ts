// What the dashboard services need from a request: who, for which merchant, with which role.
// Defined once in lib/auth/context.ts; re-exported for the payments services that import it here.
export type { ServiceContext } from "@/lib/auth/context";

/** Audit entries by this context's user: the one helper every service uses. */
export { auditAs } from "@/lib/audit/record";
