// Next's start-up hook: in the Node.js server only, recover webhook deliveries a previous
// process left half-applied, then start the durable job poller (which keeps sweeping).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDb, sharesServer } = await import("@/db/client");
  const { recoverInbox } = await import("@/lib/webhooks/recovery");
  const { INBOX_STUCK_AFTER_MS, startJobPoller } = await import("@/lib/jobs/poller");
  const { registerConversationJobs } = await import("@/lib/conversations/jobs");
  // Handlers first: jobs left by a previous process (timers, payment events) run right away.
  registerConversationJobs();
  try {
    // On Postgres another process may be applying a delivery it has just stored: leave young
    // ones to it (the poller's first pass sweeps again). The embedded database is ours alone.
    const db = getDb();
    const summary = await recoverInbox(db, {
      olderThanMs: sharesServer(db) ? INBOX_STUCK_AFTER_MS : 0,
    });
    if (summary.found > 0) console.info("[webhooks] recovered deliveries at start-up", summary);
  } catch (error) {
    console.error("[webhooks] start-up recovery failed", error);
  }
  startJobPoller({ intervalMs: 2_000 });
}
