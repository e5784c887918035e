// Security headers on every page (lib/http/security-headers.ts). Not an authorization
// boundary: pages, actions and route handlers check the session and role themselves.
import { env } from "@/lib/env";
import { securityHeaders } from "@/lib/http/security-headers";
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  const e = env();
  const response = NextResponse.next();
  const headers = securityHeaders(request.nextUrl.pathname, {
    development: e.NODE_ENV === "development",
    chatFrameAncestors: e.PARLEY_CHAT_FRAME_ANCESTORS,
  });
  headers.forEach((value, key) => response.headers.set(key, value));
  return response;
}

export const config = {
  // Pages only: API responses, static assets and the widget script need no page policy.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico|widget.js).*)"],
};
