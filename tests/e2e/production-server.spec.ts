import { expect, test } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// The production server (`npm start`, scripts/server.ts) as Playwright serves it, on both engines:
// on one port, a provider's delivery is answered in front of Next (none of Next's answer headers)
// while pages are Next's; the Sandbox's signed delivery, sent to this same server's URL, is
// applied to the database Next's pages read — on the embedded PGlite that holds only if the
// front and Next's bundle share the process's one handle.
test("webhooks are answered in front of Next, on the port that serves the pages, into one database", async ({
  page,
  browser,
  request,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  const connectionPath = await addSandboxConnection(page, uniqueLabel("Sandbox front"));
  const connectionId = connectionPath.split("/").pop()!;
  const { checkoutUrl, paymentPath } = await createTestPayment(page, "7.25", "EUR");

  // Next's pipeline marks its answers (Vary: rsc, …); the front's answer is the route's alone.
  const pageAnswer = await request.get("/sign-in");
  expect(pageAnswer.status()).toBe(200);
  expect(pageAnswer.headers()["vary"] ?? "").toContain("rsc");
  const unsigned = await request.post(`/api/webhooks/${connectionId}`, {
    data: { type: "payment.succeeded" },
  });
  expect(unsigned.status()).toBe(400);
  expect(unsigned.headers()["vary"]).toBeUndefined();
  expect(unsigned.headers()["x-content-type-options"]).toBe("nosniff");
  expect(unsigned.headers()["x-parley-delivery"]).toMatch(/^whk/);

  const customer = await browser.newContext();
  const checkout = await customer.newPage();
  await checkout.goto(checkoutUrl);
  await checkout.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(checkout.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await customer.close();

  await page.goto(paymentPath);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded", { timeout: 15_000 });
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("payment.succeeded");
});
