import { expect, test, type Page } from "@playwright/test";
import { startAppProcesses, type AppProcesses } from "../../bench/app-processes";
import { E2E_AUTH_SECRET, E2E_MASTER_KEYS } from "../../scripts/lib/e2e-env";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// Two production servers on one Postgres database: the Playwright server (A) and a second
// process of the same build started here (B). A change made through B reaches a live list open
// on A; a public endpoint's rate limit is one allowance across both. Postgres only: the embedded
// database belongs to one process.
test.describe.configure({ mode: "serial" });

let b: AppProcesses | undefined;

test.beforeAll(async ({}, testInfo) => {
  if (testInfo.project.name !== "postgres") return;
  testInfo.setTimeout(90_000);
  b = await startAppProcesses({
    databaseUrl: process.env.PARLEY_E2E_DATABASE_URL!,
    env: { AUTH_SECRET: E2E_AUTH_SECRET, PARLEY_MASTER_KEYS: E2E_MASTER_KEYS, PARLEY_DEMO: "1" },
  });
});
test.afterAll(async () => {
  await b?.stop();
});

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== "postgres", "several processes need a shared Postgres");
});

const paymentLink = (page: Page, paymentPath: string) =>
  page.getByRole("link", { name: new RegExp(`Payment ${paymentPath.split("/").pop()},`) });

test("a payment created and paid through one process appears and changes live on the other", async ({
  browser,
}) => {
  const processB = b!.apps[0];
  const watcher = await (await browser.newContext()).newPage();
  await signIn(watcher, ROLE_LOGINS.owner);
  await watcher.goto("/transactions");
  await setTestDataView(watcher, true);
  await expect(watcher.getByTestId("live-feed-state")).toHaveText("Live");
  await watcher.mouse.move(0, 0);

  // Everything the operator and the customer do goes to process B (and B's Sandbox sends its
  // webhook to B, its own PARLEY_APP_URL).
  const operator = await (await browser.newContext({ baseURL: processB.url })).newPage();
  await signIn(operator, ROLE_LOGINS.owner);
  await addSandboxConnection(operator, uniqueLabel("Sandbox on B"));
  const { checkoutUrl, paymentPath } = await createTestPayment(operator, "31.40", "EUR");
  expect(checkoutUrl.startsWith(processB.url)).toBe(true);

  const row = watcher.locator("tr", { has: paymentLink(watcher, paymentPath) });
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(row).toContainText("€31.40");

  const customer = await (await browser.newContext()).newPage();
  await customer.goto(checkoutUrl);
  await customer.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(customer.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await expect(row).toContainText("Succeeded", { timeout: 10_000 });
});

test("a public page's rate limit is one allowance across both processes", async ({
  request,
  baseURL,
}) => {
  const processes = [baseURL!, b!.apps[0].url];
  // A checkout id nobody else uses, so nothing else has counted against its window.
  const page = `/pay/sandbox/sbxcs_two_processes_${Date.now().toString(36)}`;
  let firstRefusal = -1;
  // The page allows 120 loads a minute per client and checkout: kept per process, alternating
  // between two would get 240 through.
  for (let i = 0; i < 200 && firstRefusal < 0; i++) {
    const response = await request.get(`${processes[i % 2]}${page}`, { maxRedirects: 0 });
    if (response.status() === 429) firstRefusal = i;
  }
  expect(firstRefusal).toBe(120);
  for (const origin of processes) {
    const response = await request.get(`${origin}${page}`, { maxRedirects: 0 });
    expect(response.status()).toBe(429);
    expect(response.headers()["retry-after"]).toMatch(/^\d+$/);
  }
});
