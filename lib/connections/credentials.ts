import type { ProviderKind } from "@/lib/connections/providers/types";
import { getMasterKeyRing } from "@/lib/crypto/keyring";
import { decryptSecret, encryptSecret, maskSecret } from "@/lib/crypto/secrets";

// Which credential fields are secrets (masked in hints) and which are plain identifiers.
const PLAIN_FIELDS = new Set(["merchantAccount", "liveUrlPrefix", "clientId", "webhookId"]);

function aadFor(connectionId: string): string {
  return `connection:${connectionId}`;
}

/** Encrypts a connection's credentials, bound to its id, and derives the browser-safe hint. */
export function sealCredentials(
  _provider: ProviderKind,
  credentials: Record<string, string>,
  connectionId: string,
): { credentialsEncrypted: string; keyVersion: string; credentialsHint: Record<string, string> } {
  const ring = getMasterKeyRing();
  const credentialsHint: Record<string, string> = {};
  for (const [field, value] of Object.entries(credentials)) {
    if (!value) continue;
    credentialsHint[field] = PLAIN_FIELDS.has(field) ? value : maskSecret(value);
  }
  return {
    credentialsEncrypted: encryptSecret(credentials, ring, aadFor(connectionId)),
    keyVersion: ring.current,
    credentialsHint,
  };
}

/** Server code that calls the provider is the only reader of decrypted credentials. */
export function openCredentials(envelope: string, connectionId: string): Record<string, string> {
  return decryptSecret(envelope, getMasterKeyRing(), aadFor(connectionId)) as Record<
    string,
    string
  >;
}
