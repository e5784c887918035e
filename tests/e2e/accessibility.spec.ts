import { type Browser, expect, type Page, test } from "@playwright/test";
import { listsLoaded, ROLE_LOGINS, signIn } from "./fixtures";
import { seriousViolations } from "./fixtures-axe";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// Every console page, the public hosted chat and the Sandbox checkout, checked by axe at the
// default viewport and at a phone's width: no serious or critical violation, and nothing wider
// than the screen at 390 px.

const PUBLISHED_FLOW = "Order and pay — Menu du jour";
const PHONE = { width: 390, height: 844 };

type Target = { name: string; path: string; public?: boolean };

/** The links on `path` whose href matches `pattern`, in page order. */
async function hrefsOn(page: Page, path: string, pattern: RegExp): Promise<string[]> {
  await page.goto(path);
  await listsLoaded(page);
  const hrefs = await page
    .locator("main a[href]")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.filter((h) => pattern.test(h));
}

/** The first link on `path` whose href matches `pattern` (the seeded data provides one). */
async function firstHref(page: Page, path: string, pattern: RegExp): Promise<string> {
  const [href] = await hrefsOn(page, path, pattern);
  expect(href, `${path} links to a page matching ${pattern}`).toBeTruthy();
  return href;
}

/** A connection that has received webhook deliveries, and its first delivery. */
async function connectionWithDelivery(page: Page): Promise<[string, string]> {
  for (const connection of await hrefsOn(page, "/connections", /^\/connections\/con_[^/]+$/)) {
    const [delivery] = await hrefsOn(page, connection, /^\/connections\/[^/]+\/deliveries\//);
    if (delivery) return [connection, delivery];
  }
  throw new Error("no demo connection has a webhook delivery");
}

/** Finds one of each detail page in the demo data (and makes a Sandbox checkout). */
async function discoverTargets(page: Page): Promise<Target[]> {
  const transaction = await firstHref(page, "/transactions", /^\/transactions\/pay_/);
  const conversation = await firstHref(page, "/conversations", /^\/conversations\/cnv_/);
  await page.goto("/flows");
  await page.getByRole("link", { name: PUBLISHED_FLOW }).first().click();
  await expect(page).toHaveURL(/\/flows\/flow_/);
  const flow = new URL(page.url()).pathname;
  const chatHref = await page.getByTestId("hosted-chat-link").getAttribute("href");
  expect(chatHref).toMatch(/\/chat\/[A-Za-z0-9_-]+$/);
  const [connection, delivery] = await connectionWithDelivery(page);
  const disputed = await firstHref(page, "/transactions?status=disputed", /^\/transactions\/pay_/);
  const evidence = await firstHref(page, disputed, /^\/disputes\/dsp_[^/]+\/evidence$/);

  await addSandboxConnection(page, uniqueLabel("Axe checkout"));
  const { checkoutUrl } = await createTestPayment(page, "9.90", "EUR");

  return [
    { name: "overview", path: "/overview" },
    { name: "transactions", path: "/transactions" },
    { name: "transactions filtered", path: "/transactions?status=succeeded,failed&range=30d" },
    { name: "transaction detail", path: transaction },
    { name: "inbox", path: "/inbox" },
    { name: "conversations", path: "/conversations" },
    { name: "conversation detail", path: conversation },
    { name: "flows", path: "/flows" },
    { name: "flow designer", path: flow },
    { name: "connections", path: "/connections" },
    { name: "new connection", path: "/connections/new" },
    { name: "connection detail", path: connection },
    { name: "delivery detail", path: delivery },
    { name: "team", path: "/team" },
    { name: "account and security", path: "/account" },
    { name: "audit log", path: "/audit" },
    { name: "analytics", path: "/analytics" },
    { name: "disputes", path: "/disputes" },
    { name: "refund requests", path: "/refunds" },
    { name: "dispute case", path: evidence.replace(/\/evidence$/, "") },
    { name: "dispute evidence", path: evidence },
    { name: "alerts", path: "/alerts" },
    { name: "notifications", path: "/notifications" },
    { name: "hosted chat", path: new URL(chatHref!).pathname, public: true },
    { name: "sandbox checkout", path: new URL(checkoutUrl).pathname, public: true },
  ];
}

let targets: Target[] = [];

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ROLE_LOGINS.owner);
  targets = await discoverTargets(page);
  await context.close();
});

for (const viewport of [null, PHONE]) {
  const label = viewport ? `${viewport.width} px` : "default viewport";
  test.describe(label, () => {
    let owner: Page;
    let customer: Page;

    test.beforeAll(async ({ browser }: { browser: Browser }) => {
      const options = viewport ? { viewport } : {};
      owner = await (await browser.newContext(options)).newPage();
      await signIn(owner, ROLE_LOGINS.owner);
      // The customer's pages are public: checked without a Parley session.
      customer = await (await browser.newContext(options)).newPage();
    });

    test.afterAll(async () => {
      await owner.context().close();
      await customer.context().close();
    });

    test(`every page has no serious or critical axe violation at ${label}`, async () => {
      // Pages are found at run time, so the budget follows their number: ~7 s a page was seen
      // on the loaded 2-core CI machine, and a fixed 3 minutes ran out there.
      test.setTimeout(30_000 + targets.length * 15_000);
      for (const target of targets) {
        await test.step(`${target.name} (${target.path})`, async () => {
          const page = target.public ? customer : owner;
          const response = await page.goto(target.path);
          expect(response?.ok(), `${target.name} loads`).toBe(true);
          await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
          await listsLoaded(page);
          if (target.name === "hosted chat") {
            await expect(page.getByTestId("bot-message").first()).toBeVisible();
          }
          const violations = await seriousViolations(page);
          expect
            .soft(violations, `${target.name} at ${label}:\n  ${violations.join("\n  ")}`)
            .toEqual([]);
          if (viewport) {
            const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
            expect
              .soft(width, `${target.name} fits a ${viewport.width} px screen`)
              .toBeLessThanOrEqual(viewport.width + 1);
          }
        });
      }
    });
  });
}
