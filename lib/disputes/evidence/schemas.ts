// The evidence form's one zod schema, shared by the server actions and the form in the browser.
import { EVIDENCE_FILE_SLOTS } from "@/db/schema/disputes";
import { z } from "zod";

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `At most ${max} characters` });
const optionalDate = z
  .string()
  .trim()
  .refine((v) => v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v), {
    error: "Use a date like 2026-11-30",
  });

/** The text fields providers take (Stripe's evidence names, mapped per provider). */
export const evidenceFieldsSchema = z.object({
  productDescription: text(20_000),
  customerName: text(5_000),
  customerEmail: z
    .string()
    .trim()
    .max(5_000)
    .refine((v) => v === "" || z.email().safeParse(v).success, { error: "Enter an email address" }),
  customerPurchaseIp: z
    .string()
    .trim()
    .refine((v) => v === "" || z.union([z.ipv4(), z.ipv6()]).safeParse(v).success, {
      error: "Enter an IPv4 or IPv6 address",
    }),
  customerCommunication: text(20_000),
  receiptText: text(20_000),
  serviceDate: optionalDate,
  serviceDocumentation: text(20_000),
  shippingCarrier: text(5_000),
  shippingTrackingNumber: text(5_000),
  shippingDate: optionalDate,
  refundPolicy: text(20_000),
  refundPolicyDisclosure: text(20_000),
  cancellationPolicy: text(20_000),
  cancellationPolicyDisclosure: text(20_000),
  duplicateChargeExplanation: text(20_000),
  uncategorizedText: text(20_000),
});
export type EvidenceFields = z.infer<typeof evidenceFieldsSchema>;
export const EVIDENCE_FIELD_NAMES = Object.keys(
  evidenceFieldsSchema.shape,
) as (keyof EvidenceFields)[];

export const emptyEvidenceFields = (): EvidenceFields =>
  Object.fromEntries(EVIDENCE_FIELD_NAMES.map((name) => [name, ""])) as EvidenceFields;

/** What the form sends: the fields plus the version it was loaded at (a stale form is refused). */
export const saveEvidenceSchema = evidenceFieldsSchema.extend({
  disputeId: z.string().trim().min(1).max(100),
  version: z.coerce.number().int().min(0),
});

export const submitEvidenceSchema = saveEvidenceSchema;

export const disputeRefSchema = z.object({
  disputeId: z.string().trim().min(1).max(100),
  version: z.coerce.number().int().min(0),
});

export const evidenceFileSlotSchema = z.enum(EVIDENCE_FILE_SLOTS, {
  error: "Choose what the file shows",
});

export const removeEvidenceFileSchema = z.object({
  disputeId: z.string().trim().min(1).max(100),
  fileId: z.string().trim().min(1).max(100),
});

export const EVIDENCE_FIELD_LABELS: Record<keyof EvidenceFields, string> = {
  productDescription: "Product or service description",
  customerName: "Customer name",
  customerEmail: "Customer email",
  customerPurchaseIp: "Customer purchase IP",
  customerCommunication: "Customer communication",
  receiptText: "Receipt",
  serviceDate: "Service date",
  serviceDocumentation: "Service documentation",
  shippingCarrier: "Shipping carrier",
  shippingTrackingNumber: "Tracking number",
  shippingDate: "Shipping date",
  refundPolicy: "Refund policy",
  refundPolicyDisclosure: "Refund policy disclosure",
  cancellationPolicy: "Cancellation policy",
  cancellationPolicyDisclosure: "Cancellation policy disclosure",
  duplicateChargeExplanation: "Duplicate charge explanation",
  uncategorizedText: "Anything else",
};

export const EVIDENCE_SLOT_LABELS: Record<(typeof EVIDENCE_FILE_SLOTS)[number], string> = {
  receipt: "Receipt",
  customer_communication: "Customer communication",
  service_documentation: "Service documentation",
  shipping_documentation: "Shipping documentation",
  refund_policy: "Refund policy",
  cancellation_policy: "Cancellation policy",
  uncategorized: "Other",
};
