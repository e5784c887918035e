import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { formatMoney } from "../../lib/money";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";

// Every figure the overview shows for one mode, keyed by what it is.
async function overviewFigures(page: Page): Promise<Record<string, string>> {
  await expect(page.getByTestId("overview-payments")).toBeVisible();
  const figures: Record<string, string> = {};
  for (const id of [
    "overview-payments",
    "overview-payments-7d",
    "overview-success-rate",
    "overview-success-rate-7d",
    "overview-failed",
    "overview-open-disputes",
    "overview-disputes-due",
  ]) {
    figures[id] = (await page.getByTestId(id).innerText()).trim();
  }
  const rows = page.getByTestId("overview-revenue").locator("tbody tr");
  for (const row of await rows.all()) {
    const currency = (await row.getAttribute("data-testid")) ?? "?";
    for (const cell of ["revenue-today-net", "revenue-gross", "revenue-refunds", "revenue-net"]) {
      figures[`${currency}/${cell}`] = (await row.getByTestId(cell).innerText()).trim();
    }
  }
  return figures;
}

/**
 * The demo merchant's own 7-day figures for one mode, recounted from the database (the
 * Postgres server only: the embedded database belongs to its one server process).
 */
async function recount(mode: "test" | "live"): Promise<Record<string, string> | null> {
  const url = process.env.PARLEY_E2E_DATABASE_URL;
  if (!url || test.info().project.name !== "postgres") return null;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The Overview's 7 days: today and the 6 before it, in the merchant's zone (range=7d).
    const scope = `p.merchant_id = (select id from merchants where slug = 'lumiere-bistro')
      and p.mode = $1 and p.created_at >= (select
        ((now() at time zone m.timezone)::date - 6)::timestamp at time zone m.timezone
        from merchants m where m.slug = 'lumiere-bistro')`;
    const captured = `p.status in ('succeeded','partially_refunded','refunded','disputed')`;
    const { rows: totals } = await client.query<{ n: string }>(
      `select count(*) as n from payments p where ${scope}`,
      [mode],
    );
    const { rows: revenue } = await client.query<{
      currency: string;
      gross: string;
      refunded: string;
    }>(
      `select currency, sum(amount_minor) as gross, sum(refunded_minor) as refunded
       from payments p where ${scope} and ${captured} group by currency`,
      [mode],
    );
    const expected: Record<string, string> = {
      "overview-payments-7d": Number(totals[0].n).toLocaleString("en"),
    };
    for (const r of revenue) {
      expected[`revenue-${r.currency}/revenue-gross`] = formatMoney(Number(r.gross), r.currency);
      expected[`revenue-${r.currency}/revenue-net`] = formatMoney(
        Number(r.gross) - Number(r.refunded),
        r.currency,
      );
    }
    return expected;
  } finally {
    await client.end();
  }
}

async function expectOwnData(page: Page, mode: "test" | "live", figures: Record<string, string>) {
  const expected = await recount(mode);
  if (!expected) return;
  for (const [key, value] of Object.entries(expected)) {
    expect(figures[key], `${mode} ${key}`).toBe(value);
  }
  await expect(page.getByTestId("overview-revenue").locator("tbody tr")).toHaveCount(
    Object.keys(expected).filter((k) => k.endsWith("/revenue-gross")).length,
  );
}

test("the test-data switch shows each mode's own figures on the overview, with a banner", async ({
  page,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/overview");
  const toggle = page.getByRole("switch", { name: "Test data" });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(page.getByTestId("test-data-banner")).toHaveCount(0);
  const live = await overviewFigures(page);
  await expectOwnData(page, "live", live);

  await setTestDataView(page, true);
  await expect(page.getByTestId("test-data-banner")).toHaveText(
    "Viewing test data — nothing here is real money.",
  );
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const test_ = await overviewFigures(page);
  await expectOwnData(page, "test", test_);

  // The view follows the member from page to page until they switch back, and each mode's
  // figures come back as they were.
  await page.goto("/transactions");
  await expect(page.getByTestId("test-data-banner")).toBeVisible();
  await page.goto("/overview");
  await expect.poll(() => overviewFigures(page)).toEqual(test_);
  await setTestDataView(page, false);
  await expect.poll(() => overviewFigures(page)).toEqual(live);
});

test("each overview tile links to the filtered page behind it", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/overview");
  const figures = page.getByTestId("overview-figures");
  await expect(figures.getByRole("link", { name: "Payments today" })).toHaveAttribute(
    "href",
    "/transactions?range=today",
  );
  await expect(figures.getByRole("link", { name: "Success rate today" })).toHaveAttribute(
    "href",
    "/transactions?status=succeeded&range=today",
  );
  await expect(figures.getByRole("link", { name: "Open disputes" })).toHaveAttribute(
    "href",
    "/disputes",
  );
  await expect(figures.getByRole("link", { name: "Active alerts" })).toHaveAttribute(
    "href",
    "/alerts",
  );
  await expect(page.getByRole("link", { name: "EUR" })).toHaveAttribute(
    "href",
    "/transactions?status=succeeded&currency=EUR&range=7d",
  );
});
