// One way to call a platform's HTTP API: JSON in, JSON out, a timeout, and failures turned
// into ChannelErrors whose messages never carry the URL (Telegram and Messenger put tokens in it).
import { ChannelError, type ChannelKind, type SendOptions } from "./types";

const DEFAULT_TIMEOUT_MS = 10_000;

export interface PlatformResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export function resolveBaseUrl(
  defaultBase: string,
  configBase?: string,
  optionBase?: string,
): string {
  return (optionBase ?? configBase ?? defaultBase).replace(/\/+$/, "");
}

export async function postJson(
  channel: ChannelKind,
  url: string,
  payload: unknown,
  opts: SendOptions & { headers?: Record<string, string> },
): Promise<PlatformResponse> {
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...opts.headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ChannelError(
      `${channelName(channel)} is unreachable (${describeFetchFailure(error)})`,
      channel,
      "unreachable",
    );
  }

  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ChannelError(
      `${channelName(channel)} answered HTTP ${response.status} with a non-JSON body`,
      channel,
      "platform_error",
      { status: response.status },
    );
  }
  return { status: response.status, headers: response.headers, body };
}

function describeFetchFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "timed out";
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === "string") return code;
    return error.name;
  }
  return "network error";
}

/** The platform answered, but not in the shape its API reference describes. */
export function unexpectedBodyError(channel: ChannelKind, status: number): ChannelError {
  return new ChannelError(
    `${channelName(channel)} answered HTTP ${status} with an unexpected body`,
    channel,
    "platform_error",
    { status },
  );
}

export function channelName(channel: ChannelKind): string {
  const names: Record<ChannelKind, string> = {
    web: "Web widget",
    telegram: "Telegram",
    messenger: "Messenger",
    whatsapp: "WhatsApp",
    slack: "Slack",
  };
  return names[channel];
}
