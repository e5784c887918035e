import { defineConfig } from "@playwright/test";

// One Next production build, served twice: on the embedded PGlite default and on Postgres.
// scripts/test.ts builds first and sets PARLEY_E2E_DATABASE_URL for the Postgres server.
// PARLEY_E2E_PORT moves both servers (two checkouts can run their suites side by side).
const PGLITE_PORT = Number(process.env.PARLEY_E2E_PORT ?? 3101);
const POSTGRES_PORT = PGLITE_PORT + 1;
const pgUrl = process.env.PARLEY_E2E_DATABASE_URL;

// With both servers up, every spec runs on Postgres (the production engine) and the embedded
// default runs the journeys a first-time `npm run dev` user clicks through. Engine differences
// are the integration suite's job (every file on both engines); running all of Playwright twice
// cost CI about seven minutes for no extra coverage of them. Without Postgres, PGlite runs all.
const PGLITE_JOURNEYS = [
  "auth",
  "team",
  "two-factor",
  "sandbox-payment",
  "journey",
  "order-and-pay",
  "production-server",
].map((name) => `**/${name}.spec.ts`);

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

const server = (port: number, extraEnv: Record<string, string>) => ({
  command: `npx tsx scripts/e2e-server.ts`,
  url: `http://localhost:${port}/sign-in`,
  timeout: 120_000,
  reuseExistingServer: false,
  gracefulShutdown: { signal: "SIGTERM" as const, timeout: 5_000 },
  stdout: "pipe" as const,
  env: {
    PORT: String(port),
    PARLEY_APP_URL: `http://localhost:${port}`,
    // The widget test frames /chat from an arbitrary page: the documented opt-in for any site.
    PARLEY_CHAT_FRAME_ANCESTORS: "*",
    ...extraEnv,
  },
});

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One spec at a time per server (specs share its demo data), but the two servers side by side:
  // the PGlite journeys run while the Postgres project does.
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: { trace: "retain-on-failure", ...chromium },
  projects: [
    {
      name: "pglite",
      workers: 1,
      use: { baseURL: `http://localhost:${PGLITE_PORT}` },
      ...(pgUrl ? { testMatch: PGLITE_JOURNEYS } : {}),
    },
    ...(pgUrl
      ? [
          {
            name: "postgres",
            workers: 1,
            use: { baseURL: `http://localhost:${POSTGRES_PORT}` },
          },
        ]
      : []),
  ],
  webServer: [
    server(PGLITE_PORT, { PARLEY_E2E_ENGINE: "pglite" }),
    ...(pgUrl
      ? [server(POSTGRES_PORT, { PARLEY_E2E_ENGINE: "postgres", DATABASE_URL: pgUrl })]
      : []),
  ],
});
