// npm run db:migrate — applies the committed drizzle migrations to the configured database
// (DATABASE_URL, or the embedded PGlite folder).
import { openConfiguredDatabase } from "@/db/client";

const handle = openConfiguredDatabase();
const started = Date.now();
await handle.migrate();
await handle.close();
console.log(`[parley] migrations applied on ${handle.kind} in ${Date.now() - started} ms`);
