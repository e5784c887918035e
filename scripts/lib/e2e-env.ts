// The fixed, test-only secrets of the Playwright servers (scripts/e2e-server.ts), shared with
// specs that start another app process on the same database (tests/e2e/two-processes.spec.ts):
// sessions and sealed credentials must read the same in both.
export const E2E_AUTH_SECRET = "e2e-only-secret-not-for-production-use";
export const E2E_MASTER_KEYS = "e2e:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
