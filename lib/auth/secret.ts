import { env } from "@/lib/env";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * AUTH_SECRET from the environment; on the embedded default a secret is generated once into
 * the data folder so a fresh clone needs no configuration. Production must set it.
 */
export function authSecret(): string {
  const e = env();
  if (e.AUTH_SECRET) return e.AUTH_SECRET;
  if (e.NODE_ENV === "production" && e.DATABASE_URL) {
    throw new Error("AUTH_SECRET must be set in production (openssl rand -base64 32).");
  }
  const file = path.join(e.PARLEY_DATA_DIR, "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(e.PARLEY_DATA_DIR, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    console.warn(`[parley] AUTH_SECRET not set: generated one in ${file}`);
    return fs.readFileSync(file, "utf8").trim();
  }
}
