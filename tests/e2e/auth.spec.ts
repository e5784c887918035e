import { expect, test } from "@playwright/test";
import { navLabels, ROLE_LOGINS, signIn } from "./fixtures";

const EXPECTED_NAV: Record<keyof typeof ROLE_LOGINS, string[]> = {
  owner: [
    "Overview",
    "Transactions",
    "Conversations",
    "Flows",
    "Connections",
    "Analytics",
    "Disputes",
    "Team",
    "Audit log",
  ],
  admin: [
    "Overview",
    "Transactions",
    "Conversations",
    "Flows",
    "Connections",
    "Analytics",
    "Disputes",
    "Team",
    "Audit log",
  ],
  support: ["Overview", "Transactions", "Conversations", "Flows", "Connections", "Disputes"],
  analyst: ["Overview", "Transactions", "Flows", "Connections", "Analytics", "Disputes"],
};

for (const role of Object.keys(ROLE_LOGINS) as (keyof typeof ROLE_LOGINS)[]) {
  test(`${role} signs in and sees the navigation the role allows`, async ({ page }) => {
    await signIn(page, ROLE_LOGINS[role]);
    expect(await navLabels(page)).toEqual(EXPECTED_NAV[role]);
    await expect(page.getByTestId("current-role")).toHaveText(
      role[0]!.toUpperCase() + role.slice(1),
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
