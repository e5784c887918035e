// The one same-origin rule, for server actions (lib/action.ts) and the public chat routes
// (lib/conversations/web-chat). Next already compares Origin with Host for server actions; we
// check again so the rule is ours.
import { AppError } from "@/lib/errors";

/**
 * Refuses requests a browser marks as coming from another site: `Sec-Fetch-Site: cross-site`,
 * or an Origin whose host is not ours. Same-origin navigations and server-side calls carry no
 * Origin and pass. `fallbackHost` is used when neither X-Forwarded-Host nor Host is present.
 */
export function assertSameOrigin(headers: Headers, fallbackHost?: string): void {
  if (headers.get("sec-fetch-site") === "cross-site") throw crossOrigin();
  const origin = headers.get("origin");
  if (!origin) return;
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? fallbackHost;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw crossOrigin();
  }
  if (originHost !== host) throw crossOrigin();
}

function crossOrigin(): AppError {
  return new AppError("Cross-origin request refused.", 403);
}
