import { expect, test } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, uniqueLabel } from "./fixtures-connections";

test("owner adds a Sandbox connection, tests it and sees its webhook URL", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/connections");
  await page.getByRole("link", { name: "Add connection" }).first().click();
  await expect(page).toHaveURL(/\/connections\/new$/);

  const label = uniqueLabel("Sandbox e2e");
  const path = await addSandboxConnection(page, label);
  const connectionId = path.split("/").pop()!;

  await expect(page.getByRole("textbox", { name: "Webhook URL" })).toHaveValue(
    new RegExp(`/api/webhooks/${connectionId}$`),
  );
  await expect(page.getByText("Test mode")).toBeVisible();

  await page.getByRole("button", { name: "Test connection" }).click();
  const result = page.getByRole("status", { name: "Connection test result" });
  await expect(result).toContainText("OK");
  await expect(result).toContainText("Tested");

  // The new connection is listed, with its health line (Sandbox is test: the test-data view).
  await page.goto("/connections");
  await setTestDataView(page, true);
  const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: label }) });
  await expect(card).toContainText("Active");
  await expect(card).toContainText("Credentials verified");
});

test("a malformed Stripe key is refused with the error beside the field", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/connections/new");
  await page.getByRole("radio", { name: /^Stripe/ }).check();
  await page.getByLabel("Label", { exact: true }).fill(uniqueLabel("Stripe e2e"));
  const secretKey = page.getByLabel("Secret key", { exact: true });
  await expect(secretKey).toHaveAttribute("type", "password");
  await secretKey.fill("pk_test_thisIsAPublishableKey");
  await page.getByLabel("Webhook signing secret", { exact: true }).fill("whsec_e2eSigningSecret");
  await page.getByRole("button", { name: "Add connection" }).click();

  await expect(secretKey).toHaveAttribute("aria-invalid", "true");
  const errorId = await secretKey.getAttribute("aria-describedby");
  expect(errorId).toBeTruthy();
  await expect(page.locator(`[id="${errorId}"]`)).toContainText("publishable key");
  await expect(page.getByLabel("Webhook signing secret", { exact: true })).not.toHaveAttribute(
    "aria-invalid",
    "true",
  );
  await expect(page).toHaveURL(/\/connections\/new$/);
});

test("support sees connections but no controls that change them, and the server refuses the form", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.support);
  await page.goto("/connections");
  const list = page.getByRole("list", { name: "Connections" });
  await expect(list).toBeVisible();
  await expect(page.getByRole("link", { name: "Add connection" })).toHaveCount(0);

  await list.getByRole("listitem").first().getByRole("link").first().click();
  await expect(page.getByRole("textbox", { name: "Webhook URL" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Health" })).toBeVisible();
  for (const name of [
    "Disable",
    "Enable",
    "Test connection",
    "Rotate credentials",
    "Create test payment",
  ]) {
    await expect(page.getByRole("button", { name })).toHaveCount(0);
  }

  await page.goto("/connections/new");
  await expect(
    page.getByRole("heading", { name: "Your role does not include this page" }),
  ).toBeVisible();
});

test("an unknown connection id is a not-found page", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/connections/con_doesNotExist0000000000");
  await expect(page.getByRole("heading", { name: "Connection not found" })).toBeVisible();
});

test("another merchant's connection and payment ids read as not found", async ({ browser }) => {
  // Camille (Lumière's owner) notes one of her connections and payments...
  const lumiere = await browser.newPage();
  await signIn(lumiere, ROLE_LOGINS.owner);
  await lumiere.goto("/connections");
  await lumiere
    .getByRole("list", { name: "Connections" })
    .getByRole("listitem")
    .first()
    .getByRole("link")
    .first()
    .click();
  await expect(lumiere.getByRole("textbox", { name: "Webhook URL" })).toBeVisible();
  const connectionPath = new URL(lumiere.url()).pathname;
  await lumiere.goto("/transactions");
  await lumiere
    .getByRole("link", { name: /^Payment pay_/ })
    .first()
    .click();
  await expect(
    lumiere.getByRole("list", { name: "Timeline" }).or(lumiere.getByText("No events yet")),
  ).toBeVisible();
  const paymentPath = new URL(lumiere.url()).pathname;
  await lumiere.close();

  // ...which Nusantara's owner cannot open, not even to learn that they exist.
  const nusantara = await browser.newPage();
  await signIn(nusantara, "owner@nusantara.test");
  await nusantara.goto(connectionPath);
  await expect(nusantara.getByRole("heading", { name: "Connection not found" })).toBeVisible();
  await nusantara.goto(paymentPath);
  await expect(nusantara.getByRole("heading", { name: "Payment not found" })).toBeVisible();
  await nusantara.close();
});
