// npm run analytics:rebuild [merchant id] — recounts every analytics rollup from raw facts
// (payments, refunds, disputes, conversation events) in the configured database: for
// migrations and repairs. Safe beside a running app: each merchant is rebuilt in one
// transaction under the same lock the rollup job takes.
import { openConfiguredDatabase } from "@/db/client";
import { rebuildRollups } from "@/lib/analytics/rollup-job";

const merchantId = process.argv[2];
const handle = openConfiguredDatabase();
await handle.migrate();
const started = Date.now();
const summary = await rebuildRollups(handle.db, merchantId ? { merchantId } : {});
await handle.close();
console.log(
  `[parley] analytics rollups rebuilt for ${summary.merchants} merchant(s): ${summary.rows} rows in ${Date.now() - started} ms`,
);
