import { expect, type Page, test } from "@playwright/test";
import { decode, encode } from "next-auth/jwt";
import { TOTP } from "otpauth";
import { E2E_AUTH_SECRET } from "../../scripts/lib/e2e-env";
import { ROLE_LOGINS, signIn } from "./fixtures";
import { seriousViolations } from "./fixtures-axe";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// A new admin of a merchant with live connections: sent to enrolment after sign-in, enrols by
// reading the secret off the page (as an app would scan it), signs out, signs in with a code (a
// replayed one and a forged cookie claim are refused), then refunds with the step-up prompt.
// The e2e server keeps a step-up code fresh for 15 s (scripts/e2e-server.ts), not 5 minutes.

const PASSWORD = "a-long-password-2fa";
const COOKIE = "authjs.session-token";

function codeAt(secret: string, at: number): string {
  return new TOTP({ secret, algorithm: "SHA1", digits: 6, period: 30 }).generate({
    timestamp: at,
  });
}

async function passwordStep(page: Page, email: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an admin enrols, signs in with a code and refunds after a step-up prompt", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  // The demo owner (exempt in demo mode) prepares a paid Sandbox payment and the invitation.
  const demo = await (await browser.newContext()).newPage();
  await signIn(demo, ROLE_LOGINS.owner);
  await addSandboxConnection(demo, uniqueLabel("Two-factor sandbox"));
  const { checkoutUrl, paymentPath } = await createTestPayment(demo, "18.00", "EUR");
  const customer = await (await browser.newContext()).newPage();
  await customer.goto(checkoutUrl);
  await customer.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(customer.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();

  const email = `admin.2fa.${Date.now()}@example.test`;
  await demo.goto("/team");
  await demo.getByLabel("Email address").fill(email);
  await demo.getByLabel("Invite as").selectOption("admin");
  await demo.getByRole("button", { name: "Create invite" }).click();
  const link = (await demo.getByTestId("invite-link").innerText()).trim();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill("Camille Roux");
  await page.getByLabel("Choose a password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).toHaveURL(/\/sign-in\?invited=1/);

  // Password right, but an owner of a merchant taking live payments must enrol first.
  await passwordStep(page, email);
  await expect(page).toHaveURL(/\/two-factor\/setup/);
  await expect(page.getByText(/takes live payments/)).toBeVisible();
  await page.goto("/transactions");
  await expect(page).toHaveURL(/\/two-factor\/setup/);

  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  expect(await seriousViolations(page), "enrolment page").toEqual([]);
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page.getByText("That code is not right")).toBeVisible();
  const enrolledAt = Date.now();
  const enrolmentCode = codeAt(secret, enrolledAt);
  await page.getByLabel("6-digit code").fill(enrolmentCode);
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  const codes = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = await codes.allInnerTexts();
  await page.getByRole("button", { name: /I have saved my codes/ }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);

  // Sign out, and back in: now the code step.
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
  await passwordStep(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code/);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  expect(await seriousViolations(page), "code page").toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(
    391,
  );
  await page.setViewportSize({ width: 1280, height: 720 });

  // A forged "second factor done" claim in the (validly signed) cookie opens nothing: the
  // server reads that from the session row.
  const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
  expect(cookie).toBeTruthy();
  const claims = await decode({ token: cookie!.value, secret: E2E_AUTH_SECRET, salt: COOKIE });
  const forged = await encode({
    token: { ...claims, secondFactorAt: Date.now(), twoFactor: "done", mfa: true },
    secret: E2E_AUTH_SECRET,
    salt: COOKIE,
  });
  await context.addCookies([{ ...cookie!, value: forged }]);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/sign-in\/code/);

  // The code that confirmed the enrolment was spent: refused as used, even inside its window.
  await page.getByLabel(/6-digit code/).fill(enrolmentCode);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByText(/already used/)).toBeVisible();
  // The next step's code (within the ±1 window) signs in.
  await page.getByLabel(/6-digit code/).fill(codeAt(secret, enrolledAt + 30_000));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
  const signedInAt = Date.now();

  // Once the sign-in code is older than the step-up window, a refund asks for a fresh one.
  await page.goto(paymentPath);
  const refund = page.getByRole("form", { name: "Refund" });
  await refund.getByLabel("Amount (EUR)").fill("5.00");
  await refund.getByLabel("Note").fill("Two-factor refund");
  await page.waitForTimeout(Math.max(0, signedInAt + 16_000 - Date.now()));
  await refund.getByRole("button", { name: "Refund" }).click();
  const prompt = page.getByRole("dialog", { name: "Confirm it is you" });
  await expect(prompt).toBeVisible();
  await prompt.getByLabel("Authentication code").fill("111111");
  await prompt.getByRole("button", { name: "Confirm" }).click();
  await expect(prompt.getByText("That code is not right")).toBeVisible();
  await prompt.getByLabel("Authentication code").fill(recoveryCodes[0]);
  await prompt.getByRole("button", { name: "Confirm" }).click();
  await expect(prompt).toBeHidden();
  await expect(page.getByTestId("payment-status")).toContainText("Partially refunded");

  // The account page counts the spent recovery code; the audit log has the step-up.
  await page.goto("/account");
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("9");
  // It cannot be turned off here (live payments), but the codes can be replaced, with a code.
  await expect(page.getByText("So it stays on for your account.")).toBeVisible();
  await page.getByLabel("Current code").fill(recoveryCodes[0]);
  await page.getByRole("button", { name: "Make new codes" }).click();
  await expect(page.getByText("That code was already used")).toBeVisible();
  await page.getByLabel("Current code").fill(recoveryCodes[1]);
  await page.getByRole("button", { name: "Make new codes" }).click();
  const fresh = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(fresh).toHaveCount(10);
  expect(await fresh.allInnerTexts()).not.toContain(recoveryCodes[2]);
  await page.goto("/audit");
  await expect(page.getByText(/used a recovery code to confirm an action/).first()).toBeVisible();
  await context.close();
  await demo.context().close();
  await customer.context().close();
});
