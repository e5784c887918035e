import type { ChannelRequest } from "@/lib/channels/types";

export function channelRequest(
  rawBody: string,
  headers: Record<string, string> = {},
  url = "https://parley.test/api/webhooks/conn_1",
  method = "POST",
): ChannelRequest {
  return { rawBody, headers: new Headers(headers), url, method };
}

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** A port nothing listens on: a server bound then closed. */
export async function deadBaseUrl(): Promise<string> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
