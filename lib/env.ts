import { z } from "zod";

// The only place that reads process.env. Validated once, at first use, with clear messages.
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PARLEY_DATA_DIR: z.string().default(".data"),
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  // Comma-separated key ring, newest first: "v2:<base64 32 bytes>,v1:<base64 32 bytes>".
  PARLEY_MASTER_KEYS: z.string().optional(),
  PARLEY_APP_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  PARLEY_DEMO: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
  // Lets production connections (and channels) keep an API base URL override, public https only.
  PARLEY_ALLOW_API_BASE_URL: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
  PARLEY_RECONCILE_AFTER_MINUTES: z.coerce.number().int().positive().default(30),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Parley configuration:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change the environment between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function appUrl(): string {
  const e = env();
  return (e.PARLEY_APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
}

/** Demo data (and the fixed demo logins) only ever go into a demo database. */
export function isDemoMode(): boolean {
  const e = env();
  return e.PARLEY_DEMO ?? e.NODE_ENV !== "production";
}
