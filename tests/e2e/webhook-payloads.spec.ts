import { expect, test, type Page } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";

/** Opens the first seeded delivery of the first connection that has one; returns its path. */
async function openFirstDelivery(page: Page): Promise<string> {
  await page.goto("/connections");
  const hrefs = await page
    .getByRole("list", { name: "Connections" })
    .locator('a[href^="/connections/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  for (const href of hrefs) {
    await page.goto(href);
    const delivery = page.locator(`a[href^="${href}/deliveries/"]`).first();
    if ((await delivery.count()) > 0) {
      const path = (await delivery.getAttribute("href"))!;
      await page.goto(path);
      return path;
    }
  }
  throw new Error("The demo seed has no webhook deliveries");
}

test("support sees a delivery's metadata but not its payload; the owner sees the payload", async ({
  browser,
}) => {
  const support = await (await browser.newContext()).newPage();
  await signIn(support, ROLE_LOGINS.support);
  const path = await openFirstDelivery(support);
  await expect(support.getByRole("heading", { name: "Webhook delivery" })).toBeVisible();
  await expect(support.getByText("Received", { exact: true }).first()).toBeVisible();
  await expect(support.getByTestId("payload-hidden")).toContainText("Payload hidden for your role");
  await expect(support.getByLabel("Raw body")).toHaveCount(0);

  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, ROLE_LOGINS.owner);
  await owner.goto(path);
  await expect(owner.getByLabel("Raw body")).toBeVisible();
  await expect(owner.getByTestId("payload-hidden")).toHaveCount(0);
});
