// Security headers on every page (lib/http/security-headers.ts; a chat page's framing from its
// flow's widget sites, lib/conversations/web-chat/frame-policy.ts), and the rate limit on the public
// Sandbox checkout page (lib/http/rate-limit.ts: a page cannot answer 429 itself). Not an
// authorization boundary: pages, actions and route handlers check the session and role themselves.
import { getDb } from "@/db/client";
import { chatFrameAncestors, widgetOriginsFor } from "@/lib/conversations/web-chat/frame-policy";
import { env } from "@/lib/env";
import { limitPublicEndpoint, RateLimitedError } from "@/lib/http/rate-limit";
import { securityHeaders } from "@/lib/http/security-headers";
import { NextResponse, type NextRequest } from "next/server";

const SANDBOX_CHECKOUT_PAGE = /^\/pay\/sandbox\/([^/]+)\/?$/;

/** A 429 for a page load past its limit; null when the request may go on. */
async function limitPublicPage(request: NextRequest): Promise<NextResponse | null> {
  const checkout = SANDBOX_CHECKOUT_PAGE.exec(request.nextUrl.pathname);
  // Server actions post to the page's URL; the action counts those itself.
  if (!checkout || request.method !== "GET" || request.headers.has("next-action")) return null;
  try {
    await limitPublicEndpoint(request.headers, "checkoutPage", checkout[1]);
    return null;
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    return new NextResponse(`${error.message}\n`, {
      status: 429,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "retry-after": String(error.retryAfterSeconds),
        "cache-control": "no-store",
      },
    });
  }
}

const CHAT_PAGE = /^\/chat\/([A-Za-z0-9_-]{1,64})\/?$/;

/** A chat page may be framed by its flow's widget sites; a lookup that fails allows none. */
async function chatAncestorsFor(pathname: string): Promise<string[] | undefined> {
  const installation = env().PARLEY_CHAT_FRAME_ANCESTORS;
  const chat = CHAT_PAGE.exec(pathname);
  if (!chat) return installation;
  try {
    return chatFrameAncestors(await widgetOriginsFor(getDb(), chat[1]), installation);
  } catch (error) {
    console.error("[proxy] widget origins lookup failed", error);
    return installation;
  }
}

export async function proxy(request: NextRequest) {
  const e = env();
  const response = (await limitPublicPage(request)) ?? NextResponse.next();
  const headers = securityHeaders(request.nextUrl.pathname, {
    development: e.NODE_ENV === "development",
    chatFrameAncestors: await chatAncestorsFor(request.nextUrl.pathname),
  });
  headers.forEach((value, key) => response.headers.set(key, value));
  return response;
}

export const config = {
  // Pages only: API responses, static assets and the widget script need no page policy.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico|widget.js).*)"],
};
