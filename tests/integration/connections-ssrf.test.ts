import type { Db, DbHandle } from "@/db/client";
import { auditLog, connections } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { createConnection, testConnection } from "@/lib/connections/service";
import { resetEnvCache } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { API_BASE_URL_NOT_PUBLIC, API_BASE_URL_REFUSED } from "@/lib/http/outbound-url";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  merchantWithRoles,
  useFakeProviders,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();
const fakes = useFakeProviders();

const originalNodeEnv = process.env.NODE_ENV;
const originalAllow = process.env.PARLEY_ALLOW_API_BASE_URL;

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function inProduction(allowOverride: boolean): void {
  setEnv("NODE_ENV", "production");
  setEnv("PARLEY_ALLOW_API_BASE_URL", allowOverride ? "1" : undefined);
  resetEnvCache();
}

afterEach(() => {
  setEnv("NODE_ENV", originalNodeEnv);
  setEnv("PARLEY_ALLOW_API_BASE_URL", originalAllow);
  resetEnvCache();
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const FORBIDDEN_BASES = [
  "http://127.0.0.1:4010",
  "https://127.0.0.1",
  "https://169.254.169.254/latest/meta-data",
  "https://2130706433/",
  "https://0x7f.1/",
  "https://[::ffff:127.0.0.1]/",
  "https://[fe80::1]/",
  "https://localhost/",
];

describe.each(ENGINES)("API base URL overrides on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db));
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function rowsWritten() {
    const conns = await db.select().from(connections).where(eq(connections.merchantId, merchantId));
    const audits = await db.select().from(auditLog).where(eq(auditLog.merchantId, merchantId));
    return { connections: conns.length, audits: audits.length };
  }

  describe.each([
    { allowOverride: false, message: API_BASE_URL_REFUSED },
    { allowOverride: true, message: API_BASE_URL_NOT_PUBLIC },
  ])("in production, PARLEY_ALLOW_API_BASE_URL=$allowOverride", ({ allowOverride, message }) => {
    it.each(FORBIDDEN_BASES)("refuses %s with a field error and writes nothing", async (base) => {
      const before = await rowsWritten();
      inProduction(allowOverride);
      const error = await refusal(
        createConnection(owner, {
          provider: "stripe",
          label: "Metadata",
          mode: "test",
          credentials: fakes.credentials("stripe"),
          apiBaseUrl: base,
        }),
      );
      expect(error.status).toBe(422);
      expect(error.fieldErrors).toEqual({ apiBaseUrl: [message] });
      expect(error.fieldErrors!.apiBaseUrl[0]).toMatch(
        /^API base URL can only point at a public https host/,
      );
      expect(await rowsWritten()).toEqual(before);
    });
  });

  it("keeps local fakes working in dev and tests", async () => {
    const id = await fakes.connect(owner, "paypal");
    expect((await testConnection(owner, id)).ok).toBe(true);
  });

  it("refuses, in production, to call an override stored before (no request leaves)", async () => {
    const id = await fakes.connect(owner, "adyen");
    inProduction(false);
    const record = await testConnection(owner, id);
    expect(record).toMatchObject({ ok: false, reason: "unreachable" });
    expect(record.message).toContain(API_BASE_URL_REFUSED);
    inProduction(true);
    const again = await testConnection(owner, id);
    expect(again.ok).toBe(false);
    expect(again.message).toContain(API_BASE_URL_NOT_PUBLIC);
  });
});
