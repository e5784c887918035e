// A PgBouncer in transaction mode in front of the test Postgres, started by the tests themselves
// (Debian's pgbouncer, 1.18 here: it cannot keep named prepared statements across transactions).
// One per test worker, on a free port, with a generated ini and userlist (trust auth, as the
// local server has); stopped when the worker exits. The "pgbouncer" engine of test-db.ts runs
// Parley through it the way PARLEY_DB_POOLER=transaction does in production.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

const CANDIDATES = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"];

/** The pgbouncer binary, if this machine has one (`apt-get install pgbouncer`). */
export function pgbouncerBinary(): string | undefined {
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (found) return found;
  const which = spawnSync("which", ["pgbouncer"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

export interface Pgbouncer {
  /** `serverUrl` with its host and port replaced by the bouncer's. */
  urlFor(serverUrl: string): string;
}

function freePort(): Promise<number> {
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

let started: Promise<Pgbouncer> | undefined;

/** The worker's bouncer in front of `adminUrl`'s server, started on first use. */
export function pgbouncerFor(adminUrl: string): Promise<Pgbouncer> {
  started ??= start(adminUrl);
  return started;
}

async function start(adminUrl: string): Promise<Pgbouncer> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error("pgbouncer is not installed (apt-get install -y pgbouncer)");
  const server = new URL(adminUrl);
  const user = decodeURIComponent(server.username || "postgres");
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-pgbouncer-"));
  fs.chmodSync(dir, 0o755);
  const userlist = path.join(dir, "userlist.txt");
  fs.writeFileSync(userlist, `"${user}" ""\n`, { mode: 0o644 });
  const ini = path.join(dir, "pgbouncer.ini");
  fs.writeFileSync(
    ini,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${userlist}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      "default_pool_size = 20",
      "server_reset_query =",
      "ignore_startup_parameters = extra_float_digits",
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  // It refuses to run as root; -u switches to the database's own system user.
  const args = process.getuid?.() === 0 ? ["-u", "postgres", ini] : [ini];
  // Under a watchdog: a test worker can be ended without its exit handlers running, and the
  // bouncer must not outlive it. The shell stops it (and removes its folder) once this process
  // is gone, or when it is itself told to stop.
  const watchdog = [
    `"$0" "$@" & bouncer=$!`,
    `stop() { kill $bouncer 2>/dev/null; wait $bouncer 2>/dev/null; rm -rf '${dir}'; exit 0; }`,
    `trap stop INT TERM`,
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $bouncer 2>/dev/null; do sleep 0.5; done`,
    `stop`,
  ].join("\n");
  const child: ChildProcess = spawn("bash", ["-c", watchdog, binary, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  process.once("exit", () => child.kill("SIGTERM"));

  const urlFor = (serverUrl: string) => {
    const url = new URL(serverUrl);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    return url.toString();
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}):\n${log}`);
    const client = new pg.Client({ connectionString: urlFor(adminUrl) });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("select 1");
      await client.end();
      return { urlFor };
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`pgbouncer did not answer: ${(error as Error).message}\n${log}`);
      await sleep(100);
    }
  }
}
