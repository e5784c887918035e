import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { navLabels, ROLE_LOGINS, signIn } from "./fixtures";

/** The id Next gave a server action in this build (what a browser would post). */
function serverActionId(exportedName: string, file: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(
      path.join(process.cwd(), ".next/server/server-reference-manifest.json"),
      "utf8",
    ),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const entry = Object.entries(manifest.node).find(
    ([, v]) => v.exportedName === exportedName && v.filename === file,
  );
  if (!entry) throw new Error(`server action ${file}#${exportedName} not in the build`);
  return entry[0];
}

async function sessionUserId(page: Page): Promise<string> {
  const session = (await (await page.request.get("/api/auth/session")).json()) as {
    userId?: string;
  };
  expect(session.userId).toMatch(/^usr_/);
  return session.userId!;
}

test("a forbidden server action called directly is refused, even though the UI hides it", async ({
  page,
  baseURL,
}) => {
  await signIn(page, ROLE_LOGINS.support);
  expect(await navLabels(page)).not.toContain("Team");
  const me = await sessionUserId(page);

  // Support tries to make themselves owner by posting the team action straight to the server.
  const response = await page.request.post("/overview", {
    headers: {
      "Next-Action": serverActionId("changeMemberRole", "lib/team/actions.ts"),
      "Content-Type": "text/plain;charset=UTF-8",
      Accept: "text/x-component",
      Origin: baseURL!,
    },
    data: JSON.stringify([{ userId: me, role: "owner" }]),
  });
  const body = await response.text();
  expect(body).toContain('"status":403');
  expect(body).not.toContain('"ok":true');

  await page.reload();
  await expect(page.getByTestId("current-role")).toHaveText("Support");
});

test("a server action posted from another origin is refused", async ({ page }) => {
  await signIn(page, ROLE_LOGINS.owner);
  const response = await page.request.post("/overview", {
    headers: {
      "Next-Action": serverActionId("createInvite", "lib/team/actions.ts"),
      "Content-Type": "text/plain;charset=UTF-8",
      Accept: "text/x-component",
      Origin: "https://evil.example",
    },
    data: JSON.stringify([{ email: "attacker@evil.example", role: "owner" }]),
  });
  expect(await response.text()).not.toContain('"ok":true');
  await page.goto("/team");
  await expect(page.getByText("attacker@evil.example")).toHaveCount(0);
});

test("invite → accept → the new member signs in with the invited role", async ({
  page,
  browser,
}) => {
  const email = `new.member.${Date.now()}@parley.test`;
  await signIn(page, ROLE_LOGINS.admin);
  await page.goto("/team");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Invite as").selectOption("analyst");
  await page.getByRole("button", { name: "Create invite" }).click();
  const link = (await page.getByTestId("invite-link").innerText()).trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);

  const guest = await browser.newContext();
  const invitee = await guest.newPage();
  await invitee.goto(link);
  await invitee.getByLabel("Your name").fill("Nadia Haddad");
  await invitee.getByLabel("Choose a password").fill("a-long-password-1");
  await invitee.getByRole("button", { name: "Create account and join" }).click();
  await expect(invitee).toHaveURL(/\/sign-in\?invited=1/);
  await signIn(invitee, email, "a-long-password-1");
  await expect(invitee.getByTestId("current-role")).toHaveText("Analyst");
  expect(await navLabels(invitee)).toEqual([
    "Overview",
    "Transactions",
    "Inbox",
    "Flows",
    "Connections",
    "Analytics",
    "Disputes",
    "Alerts",
    "Notifications",
  ]);

  // The link was single-use.
  await invitee.goto(link);
  await expect(invitee.getByText(/already been used|already used|accepted/i).first()).toBeVisible();
  await guest.close();

  // The admin sees the new member and the audit log records the invite and its acceptance.
  await page.goto("/team");
  await expect(page.getByLabel(`Role for ${email}`)).toHaveValue("analyst");
  await page.goto("/audit");
  await expect(page.getByTestId("audit-row").filter({ hasText: email }).first()).toBeVisible();
});

test("removing a member revokes their session on the next request", async ({ page, browser }) => {
  const email = `short.stay.${Date.now()}@parley.test`;
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/team");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Invite as").selectOption("support");
  await page.getByRole("button", { name: "Create invite" }).click();
  const link = (await page.getByTestId("invite-link").innerText()).trim();

  const guest = await browser.newContext();
  const member = await guest.newPage();
  await member.goto(link);
  await member.getByLabel("Your name").fill("Temp Worker");
  await member.getByLabel("Choose a password").fill("another-password-2");
  await member.getByRole("button", { name: "Create account and join" }).click();
  await signIn(member, email, "another-password-2");

  await page.reload();
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  await page.getByRole("button", { name: "Confirm removal" }).click();
  await expect(page.getByRole("cell", { name: email })).toHaveCount(0);

  await member.goto("/transactions");
  await expect(member).toHaveURL(/\/sign-in/);
  await guest.close();
});

test("an existing account joins another team by signing in first: no password on the invite page", async ({
  page,
  browser,
}) => {
  // A brand-new account, first a member of Lumière...
  const email = `two.teams.${Date.now()}@parley.test`;
  await signIn(page, ROLE_LOGINS.owner);
  await page.goto("/team");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Invite as").selectOption("support");
  await page.getByRole("button", { name: "Create invite" }).click();
  const first = (await page.getByTestId("invite-link").innerText()).trim();
  const guest = await browser.newContext();
  const member = await guest.newPage();
  await member.goto(first);
  await member.getByLabel("Your name").fill("Two Teams");
  await member.getByLabel("Choose a password").fill("two-teams-password");
  await member.getByRole("button", { name: "Create account and join" }).click();
  await expect(member).toHaveURL(/\/sign-in\?invited=1/);

  // ...then invited by Nusantara's owner.
  const other = await browser.newContext();
  const nusantara = await other.newPage();
  await signIn(nusantara, "owner@nusantara.test");
  await nusantara.goto("/team");
  await nusantara.getByLabel("Email address").fill(email);
  await nusantara.getByLabel("Invite as").selectOption("analyst");
  await nusantara.getByRole("button", { name: "Create invite" }).click();
  const second = (await nusantara.getByTestId("invite-link").innerText()).trim();
  await other.close();

  await member.goto(second);
  await expect(member.getByLabel("Password")).toHaveCount(0);
  await expect(member.getByLabel("Choose a password")).toHaveCount(0);
  await member.getByRole("link", { name: "Sign in to accept" }).click();
  await member.getByLabel("Email").fill(email);
  await member.getByLabel("Password").fill("two-teams-password");
  await member.getByRole("button", { name: "Sign in" }).click();
  await expect(member).toHaveURL(/\/invite\//);
  await member.getByRole("button", { name: "Join the team" }).click();
  await expect(member.getByTestId("current-role")).toHaveText("Analyst");
  await guest.close();
});
