// npm run db:seed — seeds the demo merchants into the configured database (demo mode only).
import { openConfiguredDatabase } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { isDemoMode } from "@/lib/env";
import { printLogins } from "./lib/banner";

if (!isDemoMode()) {
  console.error(
    "[parley] refusing to seed demo logins outside demo mode (set PARLEY_DEMO=1 on a demo database).",
  );
  process.exit(1);
}
const handle = openConfiguredDatabase();
await handle.migrate();
const summary = await seedDemo(handle.db);
await handle.close();
console.log(
  summary.created
    ? `[parley] demo data seeded in ${summary.ms} ms`
    : "[parley] demo data already present",
);
printLogins();
