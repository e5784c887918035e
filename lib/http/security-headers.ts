// Content-Security-Policy and framing rules per page, applied by proxy.ts.
//
// Scripts: Next's App Router streams inline <script> tags (the RSC payload) on every page. With
// `next start` those carry a nonce only on dynamically rendered pages, and some of Parley's pages
// are prerendered, so a nonce policy would stop them hydrating. The policy therefore allows
// 'unsafe-inline' scripts from this origin only: no other host, no eval in production, no
// plugins, no <base> rewriting. Tightening to nonces needs every page dynamic (a follow-up).
//
// Framing: the console and /pay are never framed. /chat is framed by the widget on a merchant's
// site: by Parley itself, the sites listed on the flow (its widget origins), and any the
// installation allows everywhere (PARLEY_CHAT_FRAME_ANCESTORS: origins, or "*").

export interface SecurityHeaderOptions {
  development: boolean;
  chatFrameAncestors: string[] | undefined;
}

export function securityHeaders(pathname: string, options: SecurityHeaderOptions): Headers {
  const isChat = pathname === "/chat" || pathname.startsWith("/chat/");
  const chatAncestors = options.chatFrameAncestors ?? ["'self'"];
  // "*" means any site; CSP's own * would still refuse an about:blank or file: parent page.
  const frameAncestors = !isChat
    ? "'none'"
    : chatAncestors.includes("*")
      ? null
      : chatAncestors.join(" ");
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    ...(frameAncestors ? [`frame-ancestors ${frameAncestors}`] : []),
  ].join("; ");
  const headers = new Headers({ "Content-Security-Policy": csp });
  // X-Frame-Options has no list form: it is sent only where nothing may frame the page.
  if (!isChat) headers.set("X-Frame-Options", "DENY");
  return headers;
}
