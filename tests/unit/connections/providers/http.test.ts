import {
  fetchWithTimeout,
  joinUrl,
  readJsonBody,
  verifyResultFromError,
} from "@/lib/connections/providers/http";
import { ProviderError } from "@/lib/connections/providers/types";
import { closedPortUrl, listenLocal, type LocalServer } from "@/tests/fakes/http-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: LocalServer;
let origin: string;

beforeAll(async () => {
  server = await listenLocal(
    async (req, res) => {
      if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 2_000).unref();
        return;
      }
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("down for maintenance");
    },
    (res) => res.destroy(),
  );
  origin = server.url;
});

afterAll(() => server.close());

describe("fetchWithTimeout", () => {
  it("returns HTTP error statuses untouched for the connector to read", async () => {
    const response = await fetchWithTimeout(`${origin}/anything`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("down for maintenance");
  });

  it("turns a refused connection into ProviderError(unreachable)", async () => {
    const error = await fetchWithTimeout(`${await closedPortUrl()}/x`, {
      providerName: "PayPal",
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toContain("PayPal refused the connection");
  });

  it("turns a missed deadline into ProviderError(unreachable)", async () => {
    const started = Date.now();
    const error = await fetchWithTimeout(`${origin}/slow`, { timeoutMs: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toContain("100 ms");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("rethrows the caller's own abort instead of calling it unreachable", async () => {
    const controller = new AbortController();
    const pending = fetchWithTimeout(`${origin}/slow`, {
      signal: controller.signal,
      timeoutMs: 5_000,
    });
    controller.abort();
    const error = await pending.catch((e) => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(error.name).toBe("AbortError");
  });
});

describe("fetchWithTimeout, failures of fetch itself", () => {
  it("calls any other failure to get an answer unreachable too, naming the provider", async () => {
    const failing: typeof fetch = () => Promise.reject(new Error("socket hang up"));
    const error = await fetchWithTimeout("http://h/x", {
      fetch: failing,
      providerName: "Adyen",
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe("Adyen could not be reached: socket hang up");
  });
});

describe("readJsonBody", () => {
  it("reads JSON, an empty body as {}, and keeps the start of a body that is not JSON", async () => {
    expect(await readJsonBody(new Response('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJsonBody(new Response(""))).toEqual({});
    expect(await readJsonBody(new Response(`<html>${"x".repeat(300)}`))).toEqual({
      message: `<html>${"x".repeat(194)}`,
    });
  });
});

describe("helpers", () => {
  it("joins URLs without doubling or dropping slashes", () => {
    expect(joinUrl("http://h:1/", "/v1/x")).toBe("http://h:1/v1/x");
    expect(joinUrl("http://h:1/prefix", "v1/x")).toBe("http://h:1/prefix/v1/x");
  });

  it("maps errors to verifyCredentials results", () => {
    expect(verifyResultFromError(new ProviderError("bad key", "invalid_credentials", 401))).toEqual(
      {
        ok: false,
        reason: "invalid_credentials",
        message: "bad key",
      },
    );
    expect(verifyResultFromError(new ProviderError("boom", "invalid_request", 400)).ok).toBe(false);
    expect(verifyResultFromError(new ProviderError("boom", "invalid_request", 400))).toMatchObject({
      reason: "provider_error",
    });
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
    });
    expect(verifyResultFromError(refused, "Adyen")).toMatchObject({ reason: "unreachable" });
  });
});
