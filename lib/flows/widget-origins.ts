// The sites a flow's chat widget may be embedded on. Each entry is an origin (scheme, host and
// port, nothing else), https only — plain http is accepted for localhost, where a merchant tries
// the widget on their own machine. Stored normalised (lower-case host, default port dropped) so
// the Content-Security-Policy built from them is exactly what browsers compare.
import { z } from "zod";

export const MAX_WIDGET_ORIGINS = 20;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const widgetOriginSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `“${value}” is not a site address: write it like https://shop.example.com`,
      });
      return z.NEVER;
    }
    const local = LOCAL_HOSTS.has(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
      ctx.addIssue({
        code: "custom",
        message: `“${value}” must start with https:// (plain http only for localhost)`,
      });
      return z.NEVER;
    }
    if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username) {
      ctx.addIssue({
        code: "custom",
        message: `“${value}” has a path or query: give the site only, like ${url.origin}`,
      });
      return z.NEVER;
    }
    if (url.hostname.includes("*")) {
      ctx.addIssue({
        code: "custom",
        message: `“${value}”: list each site, wildcards are not allowed`,
      });
      return z.NEVER;
    }
    return url.origin;
  });

export const widgetOriginsSchema = z
  .array(widgetOriginSchema)
  .max(MAX_WIDGET_ORIGINS, `At most ${MAX_WIDGET_ORIGINS} sites.`)
  .transform((origins) => [...new Set(origins)]);

/** One origin per line (or separated by commas / spaces), as a person pastes them. */
export function splitOrigins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
