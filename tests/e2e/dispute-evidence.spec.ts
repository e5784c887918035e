import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { seriousViolations } from "./fixtures-axe";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// A receipt that is a PDF by its bytes, as a support user would attach it.
const RECEIPT_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  "latin1",
);

test("a support user answers a Sandbox dispute: pre-filled evidence, pack, receipt, submit", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await addSandboxConnection(page, uniqueLabel("Sandbox dispute"));
  const { checkoutUrl, paymentPath } = await createTestPayment(page, "18.40", "EUR");
  await page.goto(checkoutUrl);
  await page.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(page.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();

  // Support staff open the dispute from the transaction page (the Sandbox's simulated bank).
  await page.context().clearCookies();
  await signIn(page, ROLE_LOGINS.support);
  await page.goto(paymentPath);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded", { timeout: 15_000 });
  // The desk, open in another tab on the test data, gets the new case without a reload.
  const desk = await (await page.context().browser()!.newContext()).newPage();
  await signIn(desk, ROLE_LOGINS.support);
  await desk.goto("/disputes");
  await setTestDataView(desk, true);
  await expect(desk.getByTestId("live-desk-state")).toHaveText("Live");
  await desk.evaluate(() => ((window as unknown as { deskMark: number }).deskMark = 1));
  await page.getByLabel("Dispute reason").selectOption("product_not_received");
  // An inquiry first (a retrieval request); the bank escalates it on the case page below.
  await page.getByRole("radio", { name: /^Inquiry/ }).check();
  await page.getByRole("button", { name: "Open a dispute" }).click();
  await expect(desk.getByRole("link", { name: "€18.40" })).toBeVisible({ timeout: 10_000 });
  expect(await desk.evaluate(() => (window as unknown as { deskMark?: number }).deskMark)).toBe(1);
  await desk.context().close();
  const evidenceLink = page.getByRole("link", { name: "Evidence and response" });
  await expect(async () => {
    await page.reload();
    await expect(evidenceLink).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await evidenceLink.click();
  await expect(page).toHaveURL(/\/disputes\/dsp_[^/]+\/evidence$/);
  await expect(page.getByText("Needs response")).toBeVisible();

  // Pre-filled from the payment: the receipt names it and its amount.
  const paymentId = paymentPath.split("/").pop()!;
  await expect(page.getByLabel("Receipt", { exact: true })).toHaveValue(new RegExp(paymentId));
  await expect(page.getByLabel("Receipt", { exact: true })).toHaveValue(/€18\.40/);
  await expect(page.getByLabel("Service date")).not.toHaveValue("");

  // The evidence pack downloads as a PDF.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download evidence pack (PDF)" }).click(),
  ]);
  const pack = await readFile(await download.path());
  expect(pack.subarray(0, 5).toString("latin1")).toBe("%PDF-");

  // A file whose name lies about its content is refused; a real PDF receipt is attached.
  await page.getByLabel("What the file shows").selectOption("receipt");
  await page.getByLabel("File (PDF, PNG or JPEG)").setInputFiles({
    name: "receipt.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("just text pretending to be a PDF"),
  });
  await page.getByRole("button", { name: "Upload file" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "is not a PDF, PNG or JPEG" }),
  ).toBeVisible();
  await page.getByLabel("File (PDF, PNG or JPEG)").setInputFiles({
    name: "receipt.pdf",
    mimeType: "application/pdf",
    buffer: RECEIPT_PDF,
  });
  await page.getByRole("button", { name: "Upload file" }).click();
  const files = page.getByRole("list", { name: "Evidence files" });
  await expect(files).toContainText("receipt.pdf");
  await expect(files).toContainText("application/pdf");

  await page.getByLabel("Shipping carrier").fill("Courier Co");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Draft saved/).first()).toBeVisible();

  await page.getByRole("button", { name: "Submit evidence to Sandbox" }).click();
  await expect(page.getByText("Under review").first()).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "locked" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Submit evidence to Sandbox" })).toHaveCount(0);
  await expect(page.getByLabel("Shipping carrier")).toBeDisabled();

  // The case page: the activity (the provider's events, then the team's note and assignment).
  const disputePath = new URL(page.url()).pathname.replace(/\/evidence$/, "");
  await page.goto(disputePath);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Product not received");
  const activity = page.getByRole("list", { name: "Case activity" });
  await expect(activity.getByText("Provider").first()).toBeVisible();
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByText("Write the note")).toBeVisible();
  await page.getByLabel("Internal note").fill("Customer called: parcel left with a neighbour");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(activity).toContainText("parcel left with a neighbour");
  await page.getByRole("button", { name: "Assign to me" }).click();
  await expect(activity).toContainText("Assigned to");
  // The provider's details name its dispute id; the customer's other payments say there are none.
  const stage = page.getByTestId("dispute-stage");
  await expect(stage).toHaveText("Inquiry");
  await expect(page.getByTestId("provider-dispute-id")).toHaveText(/^sbxdp_[0-9a-f]+$/);
  await expect(page.getByRole("heading", { name: "Other payments", exact: true })).toBeVisible();
  await expect(page.getByText("No other payments from this customer")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  // The Sandbox's simulated bank escalates the inquiry: the same case, open again as a chargeback.
  await page.getByRole("button", { name: "Escalate to chargeback" }).click();
  await expect(stage).toHaveText("Chargeback");
  await expect(page.getByRole("button", { name: "Bank decides: won" })).toBeVisible();
  // It decides: the outcome arrives by webhook and closes the case.
  await page.getByRole("button", { name: "Bank decides: won" }).click();
  await expect(page.getByText("Won").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Bank decides: won" })).toHaveCount(0);
  await expect(activity).toContainText("won");
  // The cardholder's bank appeals: pre-arbitration reopens the case, and goes no further.
  await page.getByRole("button", { name: "Escalate to pre-arbitration" }).click();
  await expect(stage).toHaveText("Pre-arbitration");
  await expect(page.getByRole("button", { name: "Bank decides: won" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Escalate/ })).toHaveCount(0);

  // The desk's "Assigned to me" view of the test data lists it.
  await page.goto("/disputes?mine=1");
  await setTestDataView(page, true);
  await expect(page.locator(`a[href="${disputePath}"]`)).toBeVisible();
});
