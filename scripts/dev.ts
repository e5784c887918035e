// npm run dev — the one command that starts Parley on a fresh machine: migrate, seed the demo
// merchants on first start (demo mode), then run Next. Migrations run before the server opens
// the database, never beside it (one process per PGlite folder).
import { openConfiguredDatabase } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { env, isDemoMode } from "@/lib/env";
import { spawn } from "node:child_process";
import { printLogins } from "./lib/banner";

// --prod serves the production build (`npm run build`) with the production server, as `npm start`.
const production = process.argv.includes("--prod");
const handle = openConfiguredDatabase();
console.log(
  `[parley] database: ${handle.kind === "pglite" ? `embedded PGlite in ${env().PARLEY_DATA_DIR}/pglite` : "Postgres (DATABASE_URL)"}`,
);
await handle.migrate();
if (isDemoMode()) {
  const summary = await seedDemo(handle.db);
  if (summary.created) console.log(`[parley] seeded demo data in ${summary.ms} ms`);
}
await handle.close();

const child = spawn(
  process.execPath,
  production
    ? ["--enable-source-maps", ".next/parley-server.mjs", "-p", String(env().PORT)]
    : ["node_modules/next/dist/bin/next", "dev", "-p", String(env().PORT)],
  {
    stdio: ["inherit", "pipe", "inherit"],
    // All interfaces (a container's HOSTNAME would narrow the production server to its address).
    env: { ...process.env, HOSTNAME: undefined },
  },
);
let announced = false;
child.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /Ready|started server|Local:|ready on/i.test(chunk.toString())) {
    announced = true;
    if (isDemoMode()) printLogins();
  }
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code) => process.exit(code ?? 0));
