// What an evidence file is (read from its first bytes, never its name) and how big each provider
// lets it be. Pure: the upload route, the submit path and the unit tests share it.
import type { ProviderKind } from "@/lib/connections/providers/types";

export type EvidenceContentType = "application/pdf" | "image/png" | "image/jpeg";

const MB = 1024 * 1024;

/** The type the bytes say they are (magic numbers), or null for anything else. */
export function sniffContentType(head: Uint8Array): EvidenceContentType | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf"; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  return null;
}

const EXTENSIONS: Record<EvidenceContentType, string[]> = {
  "application/pdf": ["pdf"],
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg"],
};

/** True when the name's extension (if any) agrees with what the bytes are. */
export function nameMatchesContent(fileName: string, type: EvidenceContentType): boolean {
  const dot = fileName.lastIndexOf(".");
  if (dot < 0) return true;
  return EXTENSIONS[type].includes(fileName.slice(dot + 1).toLowerCase());
}

export interface ProviderFileRules {
  /** The types the provider takes as evidence. */
  types: EvidenceContentType[];
  /** Per file, by type. */
  maxFileBytes: Record<EvidenceContentType, number>;
  /** All files of one submission together (null: no documented total). */
  maxTotalBytes: number | null;
  source: string;
}

export const PROVIDER_FILE_RULES: Record<ProviderKind, ProviderFileRules> = {
  // Stripe Files API, purpose dispute_evidence: PDF, JPEG or PNG, 5 MB per file; the combined
  // evidence is limited too (Stripe documents 4.5 MB for card networks' packs).
  stripe: {
    types: ["application/pdf", "image/png", "image/jpeg"],
    maxFileBytes: { "application/pdf": 5 * MB, "image/png": 5 * MB, "image/jpeg": 5 * MB },
    maxTotalBytes: null,
    source: "Stripe: 5 MB per file",
  },
  // PayPal Disputes provide-evidence: 10 MB per file and 50 MB per call.
  paypal: {
    types: ["application/pdf", "image/png", "image/jpeg"],
    maxFileBytes: { "application/pdf": 10 * MB, "image/png": 10 * MB, "image/jpeg": 10 * MB },
    maxTotalBytes: 50 * MB,
    source: "PayPal: 10 MB per file, 50 MB per submission",
  },
  // Adyen defense documents: PDF up to 2 MB, JPEG (and TIFF) up to 10 MB; PNG is not taken.
  adyen: {
    types: ["application/pdf", "image/jpeg"],
    maxFileBytes: { "application/pdf": 2 * MB, "image/png": 0, "image/jpeg": 10 * MB },
    maxTotalBytes: null,
    source: "Adyen: PDF up to 2 MB, JPEG up to 10 MB, no PNG",
  },
  // The Sandbox takes what the strictest real provider takes per file.
  sandbox: {
    types: ["application/pdf", "image/png", "image/jpeg"],
    maxFileBytes: { "application/pdf": 5 * MB, "image/png": 5 * MB, "image/jpeg": 5 * MB },
    maxTotalBytes: 50 * MB,
    source: "Sandbox: 5 MB per file",
  },
  // Crypto payments have no chargebacks, so nothing is ever uploaded for one.
  coinbase: {
    types: [],
    maxFileBytes: { "application/pdf": 0, "image/png": 0, "image/jpeg": 0 },
    maxTotalBytes: 0,
    source: "Coinbase Commerce: no disputes",
  },
};

/** The largest body an upload to this provider can need: anything above is refused unread. */
export function maxUploadBytes(provider: ProviderKind): number {
  return Math.max(...Object.values(PROVIDER_FILE_RULES[provider].maxFileBytes));
}

const TYPE_NAMES: Record<EvidenceContentType, string> = {
  "application/pdf": "PDF",
  "image/png": "PNG",
  "image/jpeg": "JPEG",
};

export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(bytes % MB === 0 ? 0 : 1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export type FileCheck =
  { ok: true; contentType: EvidenceContentType } | { ok: false; message: string };

/** Checks one file's bytes and name against the provider, plus what is already attached. */
export function checkEvidenceFile(
  provider: ProviderKind,
  file: { name: string; head: Uint8Array; sizeBytes: number },
  attachedBytes = 0,
): FileCheck {
  const rules = PROVIDER_FILE_RULES[provider];
  const type = sniffContentType(file.head);
  if (!type) return { ok: false, message: `${file.name} is not a PDF, PNG or JPEG file.` };
  if (!nameMatchesContent(file.name, type))
    return {
      ok: false,
      message: `${file.name} is a ${TYPE_NAMES[type]} file whose name says otherwise: rename it or choose the right file.`,
    };
  if (!rules.types.includes(type))
    return {
      ok: false,
      message: `This provider does not take ${TYPE_NAMES[type]} evidence (${rules.source}).`,
    };
  const max = rules.maxFileBytes[type];
  if (file.sizeBytes > max)
    return {
      ok: false,
      message: `${file.name} is ${formatBytes(file.sizeBytes)}; the limit is ${formatBytes(max)} (${rules.source}).`,
    };
  if (rules.maxTotalBytes !== null && attachedBytes + file.sizeBytes > rules.maxTotalBytes)
    return {
      ok: false,
      message: `All files together would be ${formatBytes(attachedBytes + file.sizeBytes)}; the limit is ${formatBytes(rules.maxTotalBytes)} (${rules.source}).`,
    };
  return { ok: true, contentType: type };
}
