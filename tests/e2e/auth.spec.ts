import { expect, test } from "@playwright/test";
import { navLabels, ROLE_LOGINS, signIn } from "./fixtures";

const EXPECTED_NAV: Record<keyof typeof ROLE_LOGINS, string[]> = {
  owner: [
    "Overview",
    "Transactions",
    "Inbox",
    "Conversations",
    "Flows",
    "Connections",
    "Analytics",
    "Disputes",
    "Refund requests",
    "Alerts",
    "Notifications",
    "Team",
    "Audit log",
  ],
  admin: [
    "Overview",
    "Transactions",
    "Inbox",
    "Conversations",
    "Flows",
    "Connections",
    "Analytics",
    "Disputes",
    "Refund requests",
    "Alerts",
    "Notifications",
    "Team",
    "Audit log",
  ],
  support: [
    "Overview",
    "Transactions",
    "Inbox",
    "Conversations",
    "Flows",
    "Connections",
    "Disputes",
    "Refund requests",
    "Alerts",
    "Notifications",
  ],
  analyst: [
    "Overview",
    "Transactions",
    "Inbox",
    "Flows",
    "Connections",
    "Analytics",
    "Disputes",
    "Alerts",
    "Notifications",
  ],
};

for (const role of Object.keys(ROLE_LOGINS) as (keyof typeof ROLE_LOGINS)[]) {
  test(`${role} signs in and sees the navigation the role allows`, async ({ page }) => {
    await signIn(page, ROLE_LOGINS[role]);
    expect(await navLabels(page)).toEqual(EXPECTED_NAV[role]);
    await expect(page.getByTestId("current-role")).toHaveText(
      role[0].toUpperCase() + role.slice(1),
    );
  });
}

test("a hidden page is refused on the server, not only hidden", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.support);
  await page.goto("/team");
  await expect(
    page.getByRole("heading", { name: "Your role does not include this page" }),
  ).toBeVisible();
  await page.goto("/audit");
  await expect(
    page.getByRole("heading", { name: "Your role does not include this page" }),
  ).toBeVisible();
});

test("a wrong password gets a clear message and no session", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ROLE_LOGINS.analyst);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign out ends the session", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.analyst);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("after sign-out, replaying the old session cookie is refused", async ({ browser }) => {
  const first = await browser.newContext();
  const page = await first.newPage();
  await signIn(page, ROLE_LOGINS.analyst);
  const stolen = await first.cookies();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await first.close();

  // Someone who copied the cookie before sign-out replays it in another browser.
  const thief = await browser.newContext();
  await thief.addCookies(stolen);
  const replay = await thief.newPage();
  await replay.goto("/overview");
  await expect(replay).toHaveURL(/\/sign-in/);
  await thief.close();
});

test("sign out everywhere ends the member's sessions in other browsers", async ({ browser }) => {
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const a = await laptop.newPage();
  const b = await phone.newPage();
  await signIn(a, ROLE_LOGINS.support);
  await signIn(b, ROLE_LOGINS.support);
  await a.getByRole("link", { name: "Account and security" }).click();
  await expect(a.getByText(/signed in on \d+/)).toBeVisible();
  await a.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(a.getByText("You are signed out on every device.")).toBeVisible();
  await b.goto("/transactions");
  await expect(b).toHaveURL(/\/sign-in/);
  await laptop.close();
  await phone.close();
});

test("pages send a CSP and refuse framing, and still hydrate without CSP errors", async ({
  page,
}) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy|Refused to/i.test(m.text()))
      problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));

  const signInPage = await page.goto("/sign-in");
  const headers = signInPage!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  // Hydrated: the client-side form answers a wrong password in place.
  await page.getByLabel("Email").fill(ROLE_LOGINS.owner);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();

  await signIn(page, ROLE_LOGINS.owner);
  const overview = await page.goto("/overview");
  expect(overview!.headers()["content-security-policy"]).toContain("default-src 'self'");
  await page.goto("/flows");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const pay = await page.request.get("/pay/return");
  expect(pay.headers()["x-frame-options"]).toBe("DENY");
  expect(pay.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(problems).toEqual([]);
});
