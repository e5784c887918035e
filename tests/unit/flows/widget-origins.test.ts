import { chatFrameAncestors } from "@/lib/conversations/web-chat/frame-policy";
import { splitOrigins, widgetOriginsSchema } from "@/lib/flows/widget-origins";
import { describe, expect, it } from "vitest";

describe("widget origins", () => {
  it("normalises sites to the origin browsers compare, once each", () => {
    expect(
      widgetOriginsSchema.parse([
        "https://Shop.Example.com",
        "https://shop.example.com:443/",
        " https://shop.example.com:8443 ",
        "http://localhost:3000",
        "http://127.0.0.1:8080/",
      ]),
    ).toEqual([
      "https://shop.example.com",
      "https://shop.example.com:8443",
      "http://localhost:3000",
      "http://127.0.0.1:8080",
    ]);
  });

  it.each([
    ["http://shop.example.com", /https/],
    ["https://shop.example.com/widget", /path or query/],
    ["https://shop.example.com/?a=1", /path or query/],
    ["https://user@shop.example.com", /path or query/],
    ["javascript:alert(1)", /https/],
    ["data:text/html,x", /https/],
    ["shop.example.com", /not a site address/],
    ["https://*.example.com", /wildcards/],
    ["'self' https://a.example", /not a site address/],
  ])("refuses %s with a message that says what to write", (value, message) => {
    const result = widgetOriginsSchema.safeParse([value]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(message);
  });

  it("refuses more than twenty sites", () => {
    const many = Array.from({ length: 21 }, (_, i) => `https://s${i}.example.com`);
    expect(widgetOriginsSchema.safeParse(many).success).toBe(false);
  });

  it("splits pasted lists on lines, commas and spaces", () => {
    expect(splitOrigins("https://a.example\n\n https://b.example, https://c.example ")).toEqual([
      "https://a.example",
      "https://b.example",
      "https://c.example",
    ]);
  });

  it("frames the chat from Parley, the installation's list and the flow's sites", () => {
    expect(chatFrameAncestors(["https://shop.example"], undefined)).toEqual([
      "'self'",
      "https://shop.example",
    ]);
    expect(chatFrameAncestors(["https://shop.example"], ["https://all.example", "'self'"])).toEqual(
      ["'self'", "https://all.example", "https://shop.example"],
    );
  });
});
