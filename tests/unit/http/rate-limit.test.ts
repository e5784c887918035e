import { GET as widgetRoute } from "@/app/widget.js/route";
import type { Db } from "@/db/client";
import {
  chatErrorResponse,
  readWebChat,
  sendWebChatMessage,
  startWebChat,
} from "@/lib/conversations/web-chat";
import { openChatStream } from "@/lib/conversations/web-chat/stream";
import { resetEnvCache } from "@/lib/env";
import {
  checkRateLimit,
  limitPublicEndpoint,
  publicLimit,
  RateLimitedError,
  resetRateLimits,
  type PublicEndpoint,
} from "@/lib/http/rate-limit";
import { proxy } from "@/proxy";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Every public endpoint counts its calls in the one limiter and answers 429 with Retry-After.
// The database is never reached past the limit, so a stub stands in for it.
const noDb = {} as Db;
const ORIGIN = "http://localhost:3000";

async function exhaust(endpoint: PublicEndpoint, headers: Headers, scope?: string) {
  for (let i = 0; i < publicLimit(endpoint).limit; i++)
    await limitPublicEndpoint(headers, endpoint, scope);
}

async function statusOf(run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
    throw new Error("expected a refusal");
  } catch (error) {
    return chatErrorResponse(error);
  }
}

beforeEach(() => resetRateLimits());
afterEach(() => {
  delete process.env.PARLEY_RATE_LIMIT_SCALE;
  delete process.env.PARLEY_TRUSTED_PROXY_HOPS;
  resetEnvCache();
});

describe("checkRateLimit", () => {
  it("says how long to wait once the window is full", async () => {
    const rule = { limit: 2, windowMs: 60_000 };
    expect(await checkRateLimit("k", rule, 1_000)).toEqual({
      allowed: true,
      retryAfterSeconds: 60,
    });
    expect((await checkRateLimit("k", rule, 2_000)).allowed).toBe(true);
    expect(await checkRateLimit("k", rule, 31_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 30,
    });
    expect((await checkRateLimit("k", rule, 61_000)).allowed).toBe(true);
  });

  it("keeps the limits generous and scales them from lib/env.ts", () => {
    // bench/conversations.ts: 50 customers, each its own address; e2e: everyone is "direct".
    expect(publicLimit("chatRead").limit).toBeGreaterThanOrEqual(300);
    process.env.PARLEY_RATE_LIMIT_SCALE = "0.5";
    resetEnvCache();
    expect(publicLimit("chatRead").limit).toBe(300);
  });
});

describe("public endpoints past their limit", () => {
  it("chat read: 429 with Retry-After, per flow", async () => {
    const request = new Request(`${ORIGIN}/api/chat/fpk_a/conv_1?session=s1`);
    await exhaust("chatRead", request.headers, "fpk_a");
    const response = await statusOf(() => readWebChat(noDb, "fpk_a", "conv_1", request));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: string }).error).toMatch(/Too many requests/);
    // Another flow's widget has its own window.
    const other = await statusOf(() => readWebChat(noDb, "fpk_b", "conv_1", request));
    expect(other.status).not.toBe(429);
  });

  it("chat stream: 429 with Retry-After", async () => {
    const request = new Request(`${ORIGIN}/api/chat/fpk_a/conv_1/stream?session=s1`);
    await exhaust("chatStream", request.headers, "fpk_a");
    const response = await statusOf(() => openChatStream(noDb, "fpk_a", "conv_1", request));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("chat start and message share the limiter", async () => {
    const post = (path: string, body: unknown) =>
      new Request(`${ORIGIN}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify(body),
      });
    await exhaust("chatStart", new Headers());
    const start = await statusOf(() =>
      startWebChat(
        noDb,
        "fpk_a",
        post("/api/chat/fpk_a", { sessionId: "s_123456789", lang: "en" }),
      ),
    );
    expect(start.status).toBe(429);
    expect(start.headers.get("retry-after")).not.toBeNull();
    await exhaust("chatMessage", new Headers());
    const message = await statusOf(() =>
      sendWebChatMessage(
        noDb,
        "fpk_a",
        "conv_1",
        post("/api/chat/fpk_a/conv_1", {
          sessionId: "s_123456789",
          messageId: "00000000-0000-4000-8000-000000000000",
          text: "hi",
        }),
      ),
    );
    expect(message.status).toBe(429);
  });

  it("widget.js: 429 with Retry-After", async () => {
    const request = new Request(`${ORIGIN}/widget.js`);
    for (let i = 0; i < publicLimit("widget").limit; i++) {
      expect((await widgetRoute(request)).status).toBe(200);
    }
    const response = await widgetRoute(request);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("the Sandbox checkout page: 429 from the proxy, per checkout; actions counted apart", async () => {
    const url = `${ORIGIN}/pay/sandbox/sbxcs_000000000000000000000001`;
    for (let i = 0; i < publicLimit("checkoutPage").limit; i++) {
      expect((await proxy(new NextRequest(url))).status).toBe(200);
    }
    const refused = await proxy(new NextRequest(url));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.text()).toMatch(/Too many requests/);
    // Still never framed, even when refused.
    expect(refused.headers.get("x-frame-options")).toBe("DENY");
    expect((await proxy(new NextRequest(`${url.slice(0, -1)}2`))).status).toBe(200);
    const action = new NextRequest(url, { method: "POST", headers: { "next-action": "x" } });
    expect((await proxy(action)).status).toBe(200);
    expect((await proxy(new NextRequest(`${ORIGIN}/overview`))).status).toBe(200);
  });

  it("keys by the trusted client address: a forged X-Forwarded-For is one client", async () => {
    const forged = (ip: string) => new Headers({ "x-forwarded-for": ip });
    await exhaust("widget", forged("198.51.100.1"));
    await expect(limitPublicEndpoint(forged("198.51.100.2"), "widget")).rejects.toThrow(
      RateLimitedError,
    );
    process.env.PARLEY_TRUSTED_PROXY_HOPS = "1";
    resetEnvCache();
    await resetRateLimits();
    await exhaust("widget", forged("198.51.100.1"));
    await expect(limitPublicEndpoint(forged("198.51.100.1"), "widget")).rejects.toThrow(
      RateLimitedError,
    );
    await expect(limitPublicEndpoint(forged("198.51.100.2"), "widget")).resolves.toBeUndefined();
  });
});
