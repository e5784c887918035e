// PARLEY_DB_POOLER / DATABASE_DIRECT_URL (lib/env.ts): behind a transaction-mode pooler Parley
// needs a session connection for LISTEN and migrations, and says so at start-up.
import { env, resetEnvCache } from "@/lib/env";
import { afterEach, describe, expect, it } from "vitest";

const KEYS = ["DATABASE_URL", "DATABASE_DIRECT_URL", "PARLEY_DB_POOLER"] as const;

function withEnv(values: Partial<Record<(typeof KEYS)[number], string>>) {
  for (const key of KEYS) delete process.env[key];
  Object.assign(process.env, values);
  resetEnvCache();
  return () => env();
}

afterEach(() => {
  for (const key of KEYS) delete process.env[key];
  resetEnvCache();
});

describe("the pooler setting", () => {
  it("defaults to none: named statements, LISTEN on DATABASE_URL", () => {
    const read = withEnv({ DATABASE_URL: "postgres://pg.internal/parley" });
    expect(read().PARLEY_DB_POOLER).toBe("none");
    expect(read().DATABASE_DIRECT_URL).toBeUndefined();
  });

  it("refuses transaction pooling without a direct URL, naming what is missing", () => {
    const read = withEnv({
      DATABASE_URL: "postgres://bouncer:6432/parley",
      PARLEY_DB_POOLER: "transaction",
    });
    expect(read).toThrow(/PARLEY_DB_POOLER=transaction needs DATABASE_DIRECT_URL/);
  });

  it("takes transaction pooling with a direct URL, and refuses anything else", () => {
    expect(
      withEnv({
        DATABASE_URL: "postgres://bouncer:6432/parley",
        DATABASE_DIRECT_URL: "postgres://pg.internal:5432/parley",
        PARLEY_DB_POOLER: "transaction",
      })(),
    ).toMatchObject({ PARLEY_DB_POOLER: "transaction" });
    expect(withEnv({ PARLEY_DB_POOLER: "statement" })).toThrow(/PARLEY_DB_POOLER/);
    expect(withEnv({ DATABASE_DIRECT_URL: "mysql://pg.internal/parley" })).toThrow(
      /DATABASE_DIRECT_URL/,
    );
  });
});
