// The environment the bench seeder and the app processes it starts share: fixed, bench-only keys
// (the seeder seals connection credentials with the key ring, the app opens them).
import { resetEnvCache } from "@/lib/env";

export const BENCH_MASTER_KEYS = "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
export const BENCH_AUTH_SECRET = "bench-only-secret-not-for-production-use";

/** Sets the keys and the app URL for this process, unless they are set already. */
export function configureBenchEnv(appUrl = "http://localhost:3000"): void {
  process.env.PARLEY_MASTER_KEYS ??= BENCH_MASTER_KEYS;
  process.env.AUTH_SECRET ??= BENCH_AUTH_SECRET;
  process.env.PARLEY_APP_URL ??= appUrl;
  resetEnvCache();
}
