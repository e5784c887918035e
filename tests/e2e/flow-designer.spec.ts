import { expect, type Page, test } from "@playwright/test";
import { ROLE_LOGINS, signIn } from "./fixtures";

const inspector = (page: Page) => page.getByRole("region", { name: "Inspector" });
const errorCount = (page: Page) => page.getByTestId("error-count");
const saveStatus = (page: Page) => page.getByTestId("save-status");

async function createFlow(page: Page, template: string, name: string): Promise<void> {
  await page.goto("/flows");
  await page.getByRole("button", { name: "New flow" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New flow" });
  await dialog.getByText(template, { exact: true }).click();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(/\/flows\/flow_/);
  await expect(page.getByTestId("flow-name")).toHaveText(name);
}

test("owner builds an Order and pay flow, watches validation, and publishes it", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  const name = `Lunch orders ${Date.now().toString(36)}`;
  await createFlow(page, "Order and pay", name);
  await expect(errorCount(page)).toHaveText("No errors");
  await expect(page.getByTestId("flow-node-catalogue")).toBeVisible();

  // A new message step from the palette starts with its texts missing: an error on the canvas.
  await page.getByRole("button", { name: "Add Message node" }).click();
  await expect(inspector(page).getByRole("heading", { name: "message_1" })).toBeVisible();
  await expect(page.getByTestId("flow-node-message_1")).toHaveAttribute(
    "data-error-count",
    /[1-9]/,
  );
  await expect(errorCount(page)).not.toHaveText("No errors");

  const texts: [string, string][] = [
    ["EN", "Thank you, see you soon!"],
    ["FR", "Merci, à bientôt !"],
    ["中文", "谢谢，再见！"],
    ["ID", "Terima kasih, sampai jumpa!"],
  ];
  for (const [tab, text] of texts) {
    await inspector(page).getByRole("tab", { name: tab }).click();
    await inspector(page).getByLabel(`Text (${tab})`).fill(text);
  }
  // Wire it in without dragging: receipt → message_1 → end.
  await inspector(page).getByLabel("Next step", { exact: true }).selectOption("end");
  await page.getByTestId("flow-node-receipt").click();
  await expect(inspector(page).getByRole("heading", { name: "receipt" })).toBeVisible();
  await inspector(page).getByLabel("Next step", { exact: true }).selectOption("message_1");
  await expect(errorCount(page)).toHaveText("No errors");
  await expect(page.getByTestId("flow-node-message_1")).toHaveAttribute("data-error-count", "0");

  // Edit an existing French text; the canvas shows the language the inspector is on.
  await page.getByTestId("flow-node-confirm").click();
  await inspector(page).getByRole("tab", { name: "FR" }).click();
  await inspector(page)
    .getByLabel("Lead line (FR)")
    .fill("Votre commande : {{cart}}. À régler : {{total}}.");
  await expect(page.getByTestId("flow-node-confirm")).toContainText("À régler");
  await expect(saveStatus(page)).toHaveText("Saved");

  // Cutting a required output is an error naming the node; undo restores it.
  await page.getByTestId("flow-node-wait_payment").click();
  await inspector(page).getByLabel("Next step: Succeeded").selectOption("");
  await expect(errorCount(page)).toHaveText("1 error");
  await expect(page.getByRole("region", { name: "Checks" })).toContainText(
    'Output "succeeded" of node "wait_payment"',
  );
  await expect(page.getByTestId("flow-node-wait_payment")).toHaveAttribute("data-error-count", "1");
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  // Keyboard undo works once focus is off the text fields; the buttons undo and redo too.
  await page.locator(".react-flow__pane").click({ position: { x: 8, y: 8 } });
  await page.keyboard.press("Control+z");
  await expect(errorCount(page)).toHaveText("No errors");
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(errorCount(page)).toHaveText("1 error");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(errorCount(page)).toHaveText("No errors");
  await page.getByTestId("flow-node-wait_payment").click();
  await expect(inspector(page).getByLabel("Next step: Succeeded")).toHaveValue("receipt");
  await expect(saveStatus(page)).toHaveText("Saved");

  // What was saved is what a reload shows.
  await page.reload();
  await expect(page.getByTestId("flow-node-message_1")).toBeVisible();
  await page.getByTestId("flow-node-confirm").click();
  await inspector(page).getByRole("tab", { name: "FR" }).click();
  await expect(inspector(page).getByLabel("Lead line (FR)")).toHaveValue(
    "Votre commande : {{cart}}. À régler : {{total}}.",
  );

  await page.getByRole("button", { name: "Test in simulator" }).click();
  await expect(page.getByTestId("simulator")).toBeVisible();
  await page
    .getByRole("complementary", { name: "Test in simulator" })
    .getByRole("button", { name: "Close", exact: true })
    .click();

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Publish version 1" });
  await dialog.getByLabel("Note (optional)").fill("First menu");
  await dialog.getByRole("button", { name: "Publish version 1" }).click();
  await expect(page.getByText("Live: version 1")).toBeVisible();
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  await expect(page.getByText("Version 1 is up to date")).toBeVisible();
  await page.getByRole("button", { name: "Versions", exact: true }).click();
  await expect(page.getByRole("complementary", { name: "Versions" })).toContainText("First menu");

  await page.goto("/flows");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(row).toContainText("Published");
  await expect(row).toContainText("v1");
});

test("support and analysts see flows read-only", async ({ page }) => {
  for (const login of [ROLE_LOGINS.support, ROLE_LOGINS.analyst]) {
    await signIn(page, login);
    await page.goto("/flows");
    await expect(page.getByRole("heading", { name: "Flows" })).toBeVisible();
    await expect(page.getByRole("button", { name: "New flow" })).toHaveCount(0);
    const firstFlow = page.getByRole("table").getByRole("link").first();
    await firstFlow.click();
    await expect(
      page.getByText("only owners and admins can change, test or publish it"),
    ).toBeVisible();
    await expect(page.getByRole("button", { name: "Add Message node" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Publish", exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Test in simulator" })).toHaveCount(0);
    await expect(page.getByLabel("Flow name")).toBeDisabled();
    await page.getByRole("button", { name: "Sign out" }).click();
    // Wait for the sign-out to finish: going to /sign-in while it is in flight lands a
    // still-signed-in member on the Overview, and the next sign-in finds no form.
    await expect(page).toHaveURL(/\/sign-in/);
  }
});

test("a flow id that is not the merchant's shows not found", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/flows/flow_doesnotexist0000000000");
  await expect(page.getByRole("heading", { name: "This flow was not found" })).toBeVisible();
});

test("owner lists the websites that may embed the chat: a bad address is refused beside the field", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await createFlow(page, "Donation", `Widget sites ${Date.now().toString(36)}`);
  const form = page.getByRole("form", { name: "Websites that may embed the chat" });
  const sites = form.getByLabel("Websites that may embed the chat");
  await expect(form).toContainText("None yet");

  await sites.fill("https://Shop.Example.com\nhttp://shop.example.com");
  await form.getByRole("button", { name: "Save sites" }).click();
  await expect(form.getByRole("alert")).toContainText("must start with https://");

  await sites.fill("https://Shop.Example.com\nhttps://blog.example.com:8443/");
  await form.getByRole("button", { name: "Save sites" }).click();
  await expect(form.getByRole("status")).toHaveText("Sites saved");
  await expect(sites).toHaveValue("https://shop.example.com\nhttps://blog.example.com:8443");
  await expect(form).toContainText("The chat can be framed on 2 sites only.");

  await page.reload();
  await expect(
    page
      .getByRole("form", { name: "Websites that may embed the chat" })
      .getByLabel("Websites that may embed the chat"),
  ).toHaveValue("https://shop.example.com\nhttps://blog.example.com:8443");
});

test("the flow page shows the same 30-day conversion as the Flows list, with a link to its funnel", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.analyst);
  await page.goto("/flows");
  const row = page
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: "Pay an invoice", exact: true }) });
  const cells = row.getByRole("cell");
  const listed = {
    conversations: await cells.nth(4).innerText(),
    rate: await cells.nth(5).innerText(),
  };
  expect(listed.conversations).toMatch(/^[1-9][\d,]*$/);

  await row.getByRole("link", { name: "Pay an invoice", exact: true }).click();
  const strip = page.getByLabel("Last 30 days");
  await expect(strip.getByTestId("flow-conversations")).toHaveText(listed.conversations);
  await expect(strip.getByTestId("flow-conversion-rate")).toHaveText(listed.rate);
  await page.getByRole("link", { name: "Funnel and drop-off →" }).click();
  await expect(
    page.getByRole("region", { name: "Chat-to-pay funnel: Pay an invoice" }),
  ).toBeVisible();
});
