// The console's live feed as server-sent events (app/api/events/route.ts): every bus event of
// the member's merchant AND view mode, re-read under that scope and cut to the role. Event ids
// are milliseconds, strictly increasing per stream, so a reconnecting EventSource resumes with
// Last-Event-ID: the payments changed since then are replayed from the database (bounded).
import type { Mode } from "@/db/schema";
import type { ReadContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import {
  eventBusReady,
  onEventBusReconnect,
  subscribeEvents,
  type ConsoleEvent,
} from "@/lib/events/bus";
import {
  listPaymentsChangedSince,
  readConversationSummary,
  readPaymentSummary,
} from "@/lib/events/queries";
import { checkRateLimit, type RateLimit } from "@/lib/http/rate-limit";
import { isOwnNotification } from "@/lib/notifications/inbox";

export const HEARTBEAT_MS = 15_000;
/** A stream ends after this long; the browser reconnects, and the session is checked again. */
export const STREAM_LIFETIME_MS = 5 * 60_000;
/** Open streams per member (tabs); the next one is refused with 429. */
export const MAX_STREAMS_PER_USER = 6;
export const CONNECT_LIMIT: RateLimit = { limit: 60, windowMs: 60_000 };
/** At most this many payments are replayed on resume; older changes need a reload. */
export const REPLAY_LIMIT = 200;
// Changes committed a little before the last id was sent may not have been seen yet.
const RESUME_MARGIN_MS = 5_000;
const RESUME_WINDOW_MS = 24 * 60 * 60_000;

export interface ConsoleStreamScope extends ReadContext {
  userId: string;
  mode: Mode;
}

export interface ConsoleStreamOptions {
  heartbeatMs?: number;
  lifetimeMs?: number;
  connectLimit?: RateLimit;
}

/**
 * A Last-Event-ID we could have sent: digits only, within the last day and not in the future.
 * Anything else (garbage, forged, stale) is ignored and the stream starts fresh.
 */
export function parseLastEventId(
  value: string | null | undefined,
  now = Date.now(),
): number | null {
  if (!value || !/^\d{1,16}$/.test(value)) return null;
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id > now + 60_000 || id < now - RESUME_WINDOW_MS) return null;
  return id;
}

const globalForStreams = globalThis as unknown as { __parleyConsoleStreams?: Map<string, number> };
function openStreams(): Map<string, number> {
  return (globalForStreams.__parleyConsoleStreams ??= new Map<string, number>());
}

/** Open console streams in this process (the leak test reads it). */
export function openConsoleStreamCount(): number {
  let total = 0;
  for (const count of openStreams().values()) total += count;
  return total;
}

type Task = { kind: "event"; event: ConsoleEvent } | { kind: "replay"; since: number };

export async function openConsoleStream(
  scope: ConsoleStreamScope,
  request: Request,
  options: ConsoleStreamOptions = {},
): Promise<Response> {
  const limit = await checkRateLimit(
    `consoleEvents:${scope.userId}`,
    options.connectLimit ?? CONNECT_LIMIT,
  );
  if (!limit.allowed) {
    return tooMany("Too many reconnects to the live feed; wait a moment.", limit.retryAfterSeconds);
  }
  const streams = openStreams();
  const open = streams.get(scope.userId) ?? 0;
  if (open >= MAX_STREAMS_PER_USER) {
    return tooMany("Too many live views are open; close a tab and try again.", 10);
  }
  streams.set(scope.userId, open + 1);

  const resumeFrom = parseLastEventId(request.headers.get("last-event-id"));
  const encoder = new TextEncoder();
  let lastId = resumeFrom ?? 0;
  let closed = false;
  let release: () => void = () => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          release();
        }
      };
      const sendEvent = (name: string, data: unknown) => {
        lastId = Math.max(lastId + 1, Date.now());
        send(`id: ${lastId}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };

      // One task at a time, in order; an event already waiting is not read twice.
      const tasks: Task[] = [];
      const waiting = new Set<string>();
      let running = false;
      const run = async () => {
        if (running) return;
        running = true;
        try {
          while (!closed && tasks.length > 0) {
            const task = tasks.shift()!;
            if (task.kind === "event") {
              waiting.delete(`${task.event.kind}:${task.event.id}`);
              await deliver(task.event);
            } else {
              await replay(task.since);
            }
          }
        } catch (error) {
          if (!closed) console.error("[events] console stream failed", error);
        } finally {
          running = false;
        }
      };
      const enqueue = (task: Task) => {
        if (closed) return;
        if (task.kind === "event") {
          const key = `${task.event.kind}:${task.event.id}`;
          if (waiting.has(key)) return;
          waiting.add(key);
        }
        tasks.push(task);
        void run();
      };

      const deliver = async (event: ConsoleEvent) => {
        if (event.kind === "payment") {
          const payment = await readPaymentSummary(scope, scope.mode, event.id);
          if (payment) sendEvent("payment", payment);
        } else if (event.kind === "conversation") {
          const conversation = await readConversationSummary(scope, scope.mode, event.id);
          if (conversation) sendEvent("conversation", conversation);
        } else if (event.kind === "notification") {
          // Someone's reminder: only its owner hears of it (the badge re-reads the count).
          const scoped = { ...scope, user: { id: scope.userId, email: "", name: "" } };
          if (await isOwnNotification(scoped, scope.mode, event.id))
            sendEvent("notification", { id: event.id });
        } else if (can(scope.role, "alerts.view")) {
          // The alert's own reader belongs to the alerts domain; the id is enough to re-read it.
          sendEvent("alert", { id: event.id });
        }
      };
      const replay = async (since: number) => {
        const changed = await listPaymentsChangedSince(
          scope,
          scope.mode,
          new Date(since - RESUME_MARGIN_MS),
          REPLAY_LIMIT,
        );
        for (const payment of changed) sendEvent("payment", { ...payment, replayed: true });
      };

      const unsubscribe = subscribeEvents((event) => {
        // Scope first, before any read: another merchant's or the other mode's events stop here.
        if (event.merchantId !== scope.merchantId || event.mode !== scope.mode) return;
        enqueue({ kind: "event", event });
      });
      // Events may have been lost while the LISTEN connection was down: re-read since the last id.
      const offReconnect = onEventBusReconnect(() =>
        enqueue({ kind: "replay", since: lastId || Date.now() - RESUME_MARGIN_MS }),
      );
      const heartbeat = setInterval(
        () => send(`: heartbeat\n\n`),
        options.heartbeatMs ?? HEARTBEAT_MS,
      );
      const lifetime = setTimeout(() => release(), options.lifetimeMs ?? STREAM_LIFETIME_MS);
      heartbeat.unref?.();
      lifetime.unref?.();

      release = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        offReconnect();
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        request.signal.removeEventListener("abort", release);
        const left = (openStreams().get(scope.userId) ?? 1) - 1;
        if (left > 0) openStreams().set(scope.userId, left);
        else openStreams().delete(scope.userId);
        try {
          controller.close();
        } catch {
          /* the client went away first */
        }
      };
      if (request.signal.aborted) return release();
      request.signal.addEventListener("abort", release, { once: true });

      send(`retry: 3000\n\n`);
      void eventBusReady().then(() => {
        if (resumeFrom !== null) enqueue({ kind: "replay", since: resumeFrom });
        // No id: a ready event does not move the browser's Last-Event-ID.
        send(`event: ready\ndata: {}\n\n`);
      });
    },
    cancel() {
      release();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

function tooMany(message: string, retryAfterSeconds: number): Response {
  return Response.json(
    { error: message },
    { status: 429, headers: { "retry-after": String(retryAfterSeconds) } },
  );
}

/** The error answer for the route: a known error keeps its status, anything else is a 500. */
export function consoleStreamError(error: unknown): Response {
  if (error instanceof AppError)
    return Response.json({ error: error.message }, { status: error.status });
  console.error("[events] could not open the console stream", error);
  return Response.json({ error: "The live feed could not be opened." }, { status: 500 });
}
