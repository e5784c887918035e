import type { ChannelRequest } from "@/lib/channels/platforms/types";

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
