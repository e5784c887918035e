import { expect, test, type Page } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";

// Every figure the overview shows for one mode, keyed by what it is.
async function overviewFigures(page: Page): Promise<Record<string, string>> {
  await expect(page.getByTestId("overview-payments")).toBeVisible();
  const figures: Record<string, string> = {};
  for (const id of [
    "overview-payments",
    "overview-success-rate",
    "overview-failed",
    "overview-open-disputes",
  ]) {
    figures[id] = (await page.getByTestId(id).innerText()).trim();
  }
  const rows = page.getByTestId("overview-revenue").locator("tbody tr");
  for (const row of await rows.all()) {
    const currency = (await row.getAttribute("data-testid")) ?? "?";
    for (const cell of ["revenue-gross", "revenue-refunds", "revenue-net"]) {
      figures[`${currency}/${cell}`] = (await row.getByTestId(cell).innerText()).trim();
    }
  }
  return figures;
}

test("the test-data switch changes every figure on the overview, with a banner", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/overview");
  const toggle = page.getByRole("switch", { name: "Test data" });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(page.getByTestId("test-data-banner")).toHaveCount(0);
  const live = await overviewFigures(page);

  await setTestDataView(page, true);
  await expect(page.getByTestId("test-data-banner")).toHaveText(
    "Viewing test data — nothing here is real money.",
  );
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect
    .poll(async () => (await overviewFigures(page))["overview-payments"])
    .not.toBe(live["overview-payments"]);
  const test_ = await overviewFigures(page);
  expect(test_).not.toEqual(live);
  // Each volume figure, and each currency's gross and net, is the mode's own (the demo seeds
  // different traffic in each mode). Small counts may coincide by chance: a currency with no
  // refunds shows "—" in both, and open disputes can be equal (they are checked per mode by
  // tests/integration/mode-views.test.ts).
  for (const key of Object.keys(live).filter(
    (k) =>
      ["overview-payments", "overview-success-rate", "overview-failed"].includes(k) ||
      /\/revenue-(gross|net)$/.test(k),
  )) {
    expect(test_[key], key).not.toBe(live[key]);
  }

  // The view follows the member from page to page until they switch back.
  await page.goto("/transactions");
  await expect(page.getByTestId("test-data-banner")).toBeVisible();
  await page.goto("/overview");
  await setTestDataView(page, false);
  await expect.poll(() => overviewFigures(page)).toEqual(live);
});
