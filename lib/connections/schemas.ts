// Connection forms and service inputs, shared by the server actions and the forms. The
// provider-specific credential rules live with each connector (providers/<provider>/index.ts)
// and are applied by `credentialFieldErrors`, so the form and the service report the same messages.
import { adyenCredentialsSchemaFor } from "@/lib/connections/providers/adyen";
import { coinbaseCredentialsSchema } from "@/lib/connections/providers/coinbase";
import { paypalCredentialsSchema } from "@/lib/connections/providers/paypal";
import { validateStripeCredentials } from "@/lib/connections/providers/stripe";
import {
  PROVIDER_KINDS,
  type ConnectionMode,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import { z } from "zod";

const credentialsRecord = z.record(z.string(), z.string().max(4096));

const apiBaseUrl = z
  .string()
  .trim()
  .url("Enter a full URL such as https://api.example.com")
  .refine((url) => /^https?:\/\//.test(url), "Only http(s) URLs")
  .optional()
  .or(z.literal("").transform(() => undefined));

export const createConnectionSchema = z
  .object({
    provider: z.enum(PROVIDER_KINDS),
    label: z.string().trim().min(1, "Give the connection a name").max(80, "At most 80 characters"),
    mode: z.enum(["test", "live"]),
    credentials: credentialsRecord.default({}),
    apiBaseUrl,
  })
  .refine((input) => input.provider !== "sandbox" || input.mode === "test", {
    message: "Sandbox connections are test mode only",
    path: ["mode"],
  });
export type CreateConnectionInput = z.input<typeof createConnectionSchema>;

export const rotateCredentialsSchema = z.object({
  connectionId: z.string().min(1),
  credentials: credentialsRecord,
});
export type RotateCredentialsInput = z.input<typeof rotateCredentialsSchema>;

export const connectionStatusSchema = z.object({
  connectionId: z.string().min(1),
  status: z.enum(["active", "disabled"]),
});

export const DELIVERY_STATUSES = ["received", "applied", "ignored", "failed", "rejected"] as const;

export const listDeliveriesSchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  before: z.coerce.date().optional(),
});
export type ListDeliveriesOptions = z.input<typeof listDeliveriesSchema>;

export const testPaymentSchema = z.object({
  connectionId: z.string().min(1),
  amountMinor: z.number().int("Whole minor units only").positive("Enter an amount above zero"),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(SUPPORTED_CURRENCIES, "Parley does not support this currency")),
  description: z
    .string()
    .trim()
    .max(200)
    .default("")
    .transform((d) => d || "Test payment"),
});
export type TestPaymentInput = z.input<typeof testPaymentSchema>;

/**
 * Field errors for a provider's credentials, keyed `credentials.<field>`, or null when they are
 * acceptable. The Sandbox generates its own secret, so it takes none.
 */
export function credentialFieldErrors(
  provider: ProviderKind,
  mode: ConnectionMode,
  credentials: Record<string, string>,
): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => {
    (errors[`credentials.${field}`] ??= []).push(message);
  };
  if (provider === "stripe") {
    const check = validateStripeCredentials(credentials, mode);
    if (!check.ok)
      for (const [field, message] of Object.entries(check.fieldErrors)) add(field, message);
  } else if (provider === "paypal" || provider === "adyen" || provider === "coinbase") {
    const schema =
      provider === "paypal"
        ? paypalCredentialsSchema
        : provider === "coinbase"
          ? coinbaseCredentialsSchema
          : adyenCredentialsSchemaFor(mode);
    const parsed = schema.safeParse(credentials);
    if (!parsed.success)
      for (const issue of parsed.error.issues) add(String(issue.path[0] ?? "_form"), issue.message);
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** Keeps only the fields a provider's schema knows, trimmed (no stray secrets get stored). */
export function normalizeCredentials(
  provider: ProviderKind,
  mode: ConnectionMode,
  credentials: Record<string, string>,
): Record<string, string> {
  if (provider === "stripe") {
    const check = validateStripeCredentials(credentials, mode);
    return check.ok ? { ...check.credentials } : {};
  }
  if (provider === "paypal") return { ...paypalCredentialsSchema.parse(credentials) };
  if (provider === "coinbase") return { ...coinbaseCredentialsSchema.parse(credentials) };
  if (provider === "adyen") {
    const parsed = adyenCredentialsSchemaFor(mode).parse(credentials);
    return Object.fromEntries(
      Object.entries(parsed).filter(([, v]) => v !== undefined && v !== ""),
    );
  }
  return { ...credentials };
}
