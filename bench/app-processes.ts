// N processes of this worktree's production build on one Postgres database, for the benchmarks
// that go through the real app (bench/monitoring.ts; the webhook → row-visible bench needs two):
// the production server `npm start` runs (.next/parley-server.mjs, scripts/server.ts), or plain
// `next start` when a bench compares the two. Each gets a free port, the bench's fixed keys
// (bench/seed-payments.ts seals credentials with them) and no migration of its own: the database
// is migrated before they start.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BENCH_AUTH_SECRET, BENCH_MASTER_KEYS } from "./bench-env";

export interface AppProcess {
  /** http://localhost:PORT — Auth.js wants localhost, not 127.0.0.1 (its cookies and redirects). */
  url: string;
  port: number;
  pid: number;
  /** What the process printed last (for error messages). */
  output(): string;
}

export interface AppProcesses {
  apps: AppProcess[];
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The production server `npm start` runs, as `npm run build` compiles it. */
const SERVER_BUILD = path.join(".next", "parley-server.mjs");

/** Builds what is missing of the production build: Next's (`npm run build`), or only the server. */
export async function ensureProductionBuild(log: (line: string) => void): Promise<void> {
  const nextBuilt = existsSync(path.join(ROOT, ".next", "BUILD_ID"));
  if (nextBuilt && existsSync(path.join(ROOT, SERVER_BUILD))) return;
  log(
    nextBuilt
      ? `no ${SERVER_BUILD}: compiling the production server`
      : "no production build in .next: running `npm run build` first (about a minute)",
  );
  const child = nextBuilt
    ? spawn(process.execPath, ["scripts/build-server.mjs"], {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
      })
    : spawn("npm", ["run", "build"], {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the production build failed (exit ${code})`);
}

/** What serves the build: Parley's production server (`npm start`), or Next's own `next start`. */
export type AppServer = "parley" | "next-start";

function serverCommand(server: AppServer, port: number): string[] {
  return server === "parley"
    ? ["--enable-source-maps", SERVER_BUILD, "-p", String(port)]
    : ["node_modules/next/dist/bin/next", "start", "-p", String(port)];
}

async function waitUntilServing(app: AppProcess, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the app on ${app.url} exited (${child.exitCode}):\n${app.output()}`);
    try {
      const response = await fetch(`${app.url}/sign-in`, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the app on ${app.url} did not answer within ${timeoutMs} ms:\n${app.output()}`);
}

/**
 * Starts `count` production servers on `databaseUrl` and waits until each serves /sign-in.
 * `env` adds to (or overrides) what they get; stop() sends SIGTERM and waits for them to exit.
 */
export async function startAppProcesses(options: {
  databaseUrl: string;
  count?: number;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Default: the production server, as `npm start` runs it. */
  server?: AppServer;
}): Promise<AppProcesses> {
  const count = options.count ?? 1;
  const children: ChildProcess[] = [];
  const apps: AppProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await once(child, "exit");
        clearTimeout(timer);
      }),
    );
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const url = `http://localhost:${port}`;
      const child = spawn(process.execPath, serverCommand(options.server ?? "parley", port), {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: options.databaseUrl,
          AUTH_SECRET: BENCH_AUTH_SECRET,
          AUTH_TRUST_HOST: "true",
          // The key ring this process sealed the connections' credentials with: a bench that ran
          // earlier in `npm run bench` may have set it before configureBenchEnv.
          PARLEY_MASTER_KEYS: process.env.PARLEY_MASTER_KEYS ?? BENCH_MASTER_KEYS,
          PARLEY_APP_URL: url,
          PORT: String(port),
          // All interfaces: a container's HOSTNAME would narrow the server to that address.
          HOSTNAME: undefined,
          // The benches sign in as the demo owner, who is exempt from two-factor only in demo
          // mode (otherwise every page sends them to /two-factor/setup).
          PARLEY_DEMO: "1",
          ...options.env,
        },
      });
      children.push(child);
      let tail = "";
      const keep = (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4_000);
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      apps.push({ url, port, pid: child.pid!, output: () => tail });
    }
    await Promise.all(
      apps.map((app, i) => waitUntilServing(app, children[i], options.timeoutMs ?? 60_000)),
    );
    return { apps, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Signs in through Auth.js' credentials flow; returns the Cookie header for later requests. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/overview` }),
  });
  keep(response);
  await response.arrayBuffer();
  if (![...jar.keys()].some((name) => name.endsWith("authjs.session-token")))
    throw new Error(
      `sign-in as ${email} failed (${response.status} ${response.headers.get("location")})`,
    );
  return cookie();
}
