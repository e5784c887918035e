import { randomBytes } from "node:crypto";

// Prefixed ids make logs and URLs readable (pay_…, dsp_…). 16 random bytes → 22 base62 chars.
export const ID_PREFIXES = {
  merchant: "mer",
  user: "usr",
  invite: "inv",
  connection: "con",
  flow: "flow",
  flowVersion: "flv",
  channel: "chn",
  conversation: "cnv",
  message: "msg",
  conversationEvent: "cev",
  payment: "pay",
  paymentEvent: "pev",
  webhook: "whk",
  refund: "ref",
  refundRequest: "rfq",
  dispute: "dsp",
  evidence: "dev",
  disputeEvent: "dse",
  alertRule: "alr",
  alert: "alt",
  audit: "aud",
  job: "job",
  session: "ses",
  notification: "ntf",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomBase62(length = 22): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i];
    if (b < 248) out += ALPHABET[b % 62];
  }
  while (out.length < length) out += ALPHABET[randomBytes(1)[0] % 62];
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62()}`;
}
