// The embeddable widget: <script src="https://…/widget.js" data-flow="<publicKey>" data-lang="fr">
// adds a chat bubble that opens the hosted chat page in an iframe on Parley's origin, so the
// chat API stays same-origin and the host page never sees the conversation. Served per request
// (not prerendered) so it can be rate-limited per client; browsers and CDNs still cache it.
import { limitPublicEndpoint, RateLimitedError, rateLimitedResponse } from "@/lib/http/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const SCRIPT = String.raw`(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var key = script.getAttribute("data-flow");
  if (!key || !/^[A-Za-z0-9_-]{1,100}$/.test(key)) {
    console.warn("[parley] widget.js needs data-flow=\"<flow public key>\"");
    return;
  }
  if (document.getElementById("parley-widget-" + key)) return;
  var origin = new URL(script.src, window.location.href).origin;
  var lang = script.getAttribute("data-lang") || "";
  var label = script.getAttribute("data-label") || "Chat";
  var src = origin + "/chat/" + encodeURIComponent(key) + "?embed=1" + (lang ? "&lang=" + encodeURIComponent(lang) : "");

  var root = document.createElement("div");
  root.id = "parley-widget-" + key;
  root.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;font-family:system-ui,sans-serif";

  var frame = document.createElement("iframe");
  frame.title = label;
  frame.src = "about:blank";
  frame.setAttribute("allow", "clipboard-write");
  frame.style.cssText = "display:none;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 100px));border:0;border-radius:14px;box-shadow:0 12px 40px rgba(15,23,42,.25);background:#f8fafc;margin-bottom:12px";

  var button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-label", label);
  button.textContent = "\uD83D\uDCAC";
  button.style.cssText = "display:block;margin-left:auto;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:#2a56d9;color:#fff;font-size:24px;box-shadow:0 6px 20px rgba(42,86,217,.45)";

  var loaded = false;
  button.addEventListener("click", function () {
    var open = frame.style.display !== "none";
    if (!open && !loaded) {
      frame.src = src;
      loaded = true;
    }
    frame.style.display = open ? "none" : "block";
    button.setAttribute("aria-expanded", open ? "false" : "true");
  });

  root.appendChild(frame);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(root);
})();
`;

// Next always passes the request; a caller without one (a test) has no client to count.
export async function GET(request?: Request) {
  try {
    if (request) await limitPublicEndpoint(request.headers, "widget");
  } catch (error) {
    if (error instanceof RateLimitedError) return rateLimitedResponse(error);
    throw error;
  }
  return new Response(SCRIPT, {
    headers: {
      "content-type": "application/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
    },
  });
}
