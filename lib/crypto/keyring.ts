import { env } from "@/lib/env";
import fs from "node:fs";
import path from "node:path";
import { generateMasterKey, parseMasterKeys, type MasterKeyRing } from "./secrets";

let cached: { spec: string; ring: MasterKeyRing } | undefined;

/**
 * The master key ring: PARLEY_MASTER_KEYS, or on the embedded default a key generated once into
 * the data folder (with a warning — losing that file loses every stored provider secret).
 */
export function getMasterKeyRing(): MasterKeyRing {
  const spec = masterKeySpec();
  if (cached?.spec !== spec) cached = { spec, ring: parseMasterKeys(spec) };
  return cached.ring;
}

function masterKeySpec(): string {
  const e = env();
  if (e.PARLEY_MASTER_KEYS) return e.PARLEY_MASTER_KEYS;
  if (e.NODE_ENV === "production" && e.DATABASE_URL) {
    throw new Error(
      "PARLEY_MASTER_KEYS must be set in production (v1:<base64 of 32 random bytes>).",
    );
  }
  const file = path.join(e.PARLEY_DATA_DIR, "master-keys");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(e.PARLEY_DATA_DIR, { recursive: true });
    try {
      fs.writeFileSync(file, `v1:${generateMasterKey()}`, { mode: 0o600, flag: "wx" });
      console.warn(
        `[parley] PARLEY_MASTER_KEYS not set: generated a master key in ${file}. Back it up.`,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return fs.readFileSync(file, "utf8").trim();
  }
}
