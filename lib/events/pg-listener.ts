// One dedicated LISTEN connection per Postgres handle (outside the pool: a pooled client would be
// handed to queries and lose its LISTEN). It re-connects with a growing back-off after the server
// restarts or drops it, re-LISTENs, and then tells the bus so readers can re-read what they may
// have missed while it was away.
import pg from "pg";

export type NotificationHandler = (payload: string) => void;

export interface ChannelListener {
  /** Resolves once the first connection attempt has finished (listening, or failed and retrying). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

/** The channel name is ours (a constant), never user input: it is quoted as an identifier anyway. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function listenOnPostgres(
  url: string,
  channel: string,
  onPayload: NotificationHandler,
  onReconnect: () => void,
): ChannelListener {
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = FIRST_RETRY_MS;
  let timer: NodeJS.Timeout | null = null;
  let connectedOnce = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const scheduleReconnect = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retryMs);
    timer.unref?.();
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: url, keepAlive: true });
    let failed = false;
    const fail = (error?: Error) => {
      if (failed) return;
      failed = true;
      if (error && !closed) console.error("[events] listener connection lost:", error.message);
      if (client === next) client = null;
      next.removeAllListeners("notification");
      void next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on("error", fail);
    next.on("end", () => fail());
    next.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${quoteIdentifier(channel)}`);
      if (closed) {
        await next.end().catch(() => {});
        return;
      }
      client = next;
      retryMs = FIRST_RETRY_MS;
      if (connectedOnce) onReconnect();
      connectedOnce = true;
    } catch (error) {
      fail(error as Error);
    } finally {
      markReady();
    }
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners();
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
