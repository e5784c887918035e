import { BlockList, isIP } from "node:net";
import { z } from "zod";

// The only place that reads process.env. Validated once, at first use, with clear messages.
const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    // A session connection to the same database when DATABASE_URL goes through a pooler in
    // transaction mode: the event bus LISTENs on it, and `npm run db:migrate` locks through it.
    DATABASE_DIRECT_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_DIRECT_URL must be a postgres:// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    // What sits between Parley and Postgres: "none" (direct, or a session-mode pooler) or
    // "transaction" (PgBouncer pool_mode=transaction): then no named prepared statements.
    PARLEY_DB_POOLER: z.enum(["none", "session", "transaction"]).default("none"),
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
    // The end-to-end test server only (scripts/e2e-server.ts): with PARLEY_DEMO on, lets a
    // production build's connections point at local fake providers. Never set in a deployment.
    PARLEY_E2E_OPEN_API_BASE_URL: z
      .enum(["0", "1", "true", "false"])
      .optional()
      .transform((v) => v === "1" || v === "true"),
    // How long a code counts as fresh for refunds, key and role changes (lib/auth/two-factor).
    PARLEY_STEP_UP_MAX_AGE_S: z.coerce.number().int().min(10).max(3600).default(300),
    PARLEY_RECONCILE_AFTER_MINUTES: z.coerce.number().int().positive().default(30),
    // Multiplies every public endpoint's per-minute limit (lib/http/rate-limit.ts): 2 doubles
    // them, 0.5 halves them. For a deployment without a trusted proxy, where all clients share one.
    PARLEY_RATE_LIMIT_SCALE: z.coerce
      .number()
      .positive("PARLEY_RATE_LIMIT_SCALE must be greater than 0")
      .max(1000)
      .default(1),
    // The proxies in front of Parley, as IPs or CIDRs ("10.0.0.0/8,2001:db8::/32"): X-Forwarded-For
    // is read from its right end, skipping these. Unset (and no hop count) = no proxy is trusted.
    PARLEY_TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const entries = (v ?? "")
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean);
        for (const entry of entries) {
          if (!isIpOrCidr(entry))
            ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address or CIDR` });
        }
        return entries.length > 0 ? entries : undefined;
      }),
    // Or: how many proxies append to X-Forwarded-For (1 = one load balancer in front of Parley).
    PARLEY_TRUSTED_PROXY_HOPS: z.coerce
      .number()
      .int("PARLEY_TRUSTED_PROXY_HOPS must be a whole number")
      .min(1, "PARLEY_TRUSTED_PROXY_HOPS must be at least 1 (unset it for no proxy)")
      .max(10)
      .optional(),
    // Which sites may frame every flow's hosted chat (/chat), on top of each flow's own widget
    // sites: space-separated origins or "*" for any site. Unset: each flow's list alone.
    PARLEY_CHAT_FRAME_ANCESTORS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const entries = (v ?? "").split(/[\s,]+/).filter(Boolean);
        for (const entry of entries) {
          if (entry !== "*" && !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(entry))
            ctx.addIssue({
              code: "custom",
              message: `"${entry}" is not an origin like https://shop.example`,
            });
        }
        return entries.length > 0 ? entries : undefined;
      }),
  })
  .refine((e) => e.PARLEY_DB_POOLER !== "transaction" || !e.DATABASE_URL || e.DATABASE_DIRECT_URL, {
    message:
      "PARLEY_DB_POOLER=transaction needs DATABASE_DIRECT_URL (a session connection for LISTEN and migrations)",
    path: ["DATABASE_DIRECT_URL"],
  })
  .refine((e) => !(e.PARLEY_TRUSTED_PROXIES && e.PARLEY_TRUSTED_PROXY_HOPS), {
    message: "Set PARLEY_TRUSTED_PROXIES or PARLEY_TRUSTED_PROXY_HOPS, not both",
    path: ["PARLEY_TRUSTED_PROXY_HOPS"],
  });

function isIpOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split("/");
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** The trusted proxies as a BlockList (node:net matches IPv4, IPv6 and CIDRs for us). */
export function trustedProxyList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/") as [string, string | undefined];
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

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
