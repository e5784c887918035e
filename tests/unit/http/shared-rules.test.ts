import { AppError } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/error-answer";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

const refused = (headers: Record<string, string>, fallbackHost?: string) => {
  try {
    assertSameOrigin(new Headers(headers), fallbackHost);
    return null;
  } catch (error) {
    return error instanceof AppError ? error.status : "other";
  }
};

describe("assertSameOrigin", () => {
  it("lets same-origin and origin-less requests through", () => {
    expect(refused({})).toBeNull();
    expect(refused({ host: "parley.test", origin: "https://parley.test" })).toBeNull();
    expect(
      refused({ "x-forwarded-host": "a.test", host: "b", origin: "https://a.test" }),
    ).toBeNull();
    expect(refused({ origin: "http://localhost:3000" }, "localhost:3000")).toBeNull();
  });

  it("refuses cross-site requests, foreign or malformed origins with 403", () => {
    expect(refused({ "sec-fetch-site": "cross-site" })).toBe(403);
    expect(refused({ host: "parley.test", origin: "https://evil.test" })).toBe(403);
    expect(refused({ host: "parley.test", origin: "null" })).toBe(403);
    expect(refused({ origin: "https://parley.test" })).toBe(403);
  });
});

describe("errorAnswer", () => {
  it("keeps an AppError's status, message and field errors", () => {
    expect(errorAnswer(new AppError("Nope", 409, { name: ["taken"] }), "t", "x")).toEqual({
      status: 409,
      error: "Nope",
      fieldErrors: { name: ["taken"] },
    });
  });

  it("answers a ZodError with 422 and field errors", () => {
    const parsed = z.object({ name: z.string() }).safeParse({});
    expect(errorAnswer(parsed.error, "t", "x")).toMatchObject({
      status: 422,
      error: "Please fix the highlighted fields.",
      fieldErrors: { name: [expect.any(String)] },
    });
  });

  it("logs anything else under its scope and answers 500 with the caller's message", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(errorAnswer(new Error("boom"), "chat", "Try again.")).toEqual({
      status: 500,
      error: "Try again.",
    });
    expect(log).toHaveBeenCalledWith("[chat] unexpected error", expect.any(Error));
    log.mockRestore();
  });
});
