// The demo's provider connections: Sandbox (test) and live provider accounts with obviously fake
// keys, sealed exactly as the connections screen seals real ones. The live ones say truthfully
// that the provider cannot be reached with them, and stand in "error": a live chat is never
// offered a method that only an unverified connection could take.
import type { Connection } from "@/db/schema/connections";
import { sealCredentials } from "@/lib/connections/credentials";
import { CONNECTIONS, type MerchantKey } from "./catalog";
import type { SeededRandom } from "./random";

const DAY = 86_400_000;

const ACCOUNT_LABELS: Record<string, string> = {
  sandbox: "Parley Sandbox",
  stripe: "Stripe account acct_1ParleyDemoEU",
  paypal: 'PayPal app "Parley demo"',
  adyen: "Adyen merchant account",
};

export interface SeededConnection {
  row: Connection;
  /** The plaintext credentials, kept only in memory so a rotation can be described in the audit log. */
  hint: Record<string, string>;
}

export function buildConnections(
  rng: SeededRandom,
  merchantKey: MerchantKey,
  merchantId: string,
  now: Date,
  createdAt: Date,
): SeededConnection[] {
  return CONNECTIONS[merchantKey].map((spec, i) => {
    const id = rng.id("connection");
    const sealed = sealCredentials(spec.provider, spec.credentials(rng), id);
    const verifiedAt = new Date(now.getTime() - rng.int(1, 20) * DAY - rng.int(0, 23) * 3_600_000);
    const row: Connection = {
      merchantId,
      id,
      provider: spec.provider,
      label: spec.label,
      mode: spec.mode,
      // Never verified, and unverifiable from here: not offered to customers (lib/connections/service.ts
      // testConnection turns a connection active once a test reaches the provider).
      status: spec.mode === "test" ? "active" : "error",
      credentialsEncrypted: sealed.credentialsEncrypted,
      keyVersion: sealed.keyVersion,
      credentialsHint: sealed.credentialsHint,
      apiBaseUrl: null,
      methods: [...spec.methods],
      currencies: [...spec.currencies],
      lastVerification:
        spec.mode === "test"
          ? {
              ok: true,
              message: `Connected: ${ACCOUNT_LABELS[spec.provider]}`,
              at: verifiedAt.toISOString(),
            }
          : {
              ok: false,
              reason: "unreachable",
              message: `Demo keys: ${ACCOUNT_LABELS[spec.provider]} cannot be reached with these fake live credentials`,
              at: verifiedAt.toISOString(),
            },
      credentialsVerifiedAt: spec.mode === "test" ? verifiedAt : null,
      // Filled in from the payment events once traffic is generated.
      lastEventAt: null,
      signatureFailures: 0,
      refusedWindowStart: null,
      refusedWindowCount: 0,
      lastError: null,
      lastErrorAt: null,
      createdAt: new Date(createdAt.getTime() + i * 3_600_000),
      updatedAt: verifiedAt,
    };
    return { row, hint: sealed.credentialsHint };
  });
}
