import { expect, test } from "@playwright/test";
import { ROLE_LOGINS, setTestDataView, signIn } from "./fixtures";
import { addSandboxConnection, createTestPayment, uniqueLabel } from "./fixtures-connections";

// A case two days from its deadline, assigned to a support agent: the agent's console — open in
// another browser — shows the reminder without a reload; it leads to the case and can be read.
test("the assignee of a dispute due in 2 days is reminded live and can mark it read", async ({
  page,
  browser,
}) => {
  await signIn(page, ROLE_LOGINS.owner);
  await addSandboxConnection(page, uniqueLabel("Sandbox reminders"));
  const { checkoutUrl, paymentPath } = await createTestPayment(page, "23.70", "EUR");
  await page.goto(checkoutUrl);
  await page.getByRole("button", { name: "Pay (succeeds)" }).click();
  await expect(page.getByRole("heading", { name: "Payment succeeded" })).toBeVisible();
  await page.goto(paymentPath);
  await expect(page.getByTestId("payment-status")).toContainText("Succeeded", { timeout: 15_000 });
  await page.getByLabel("Answer by").selectOption("2d");
  await page.getByRole("button", { name: "Open a dispute" }).click();
  const evidenceLink = page.getByRole("link", { name: "Evidence and response" });
  await expect(async () => {
    await page.reload();
    await expect(evidenceLink).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  const casePath = (await evidenceLink.getAttribute("href"))!.replace(/\/evidence$/, "");

  // The support agent, in their own browser on the test data.
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent, ROLE_LOGINS.support);
  await setTestDataView(agent, true);
  await agent.goto("/overview");
  const badge = agent.getByTestId("nav-badge-notifications");
  const before = (await badge.count()) ? Number((await badge.innerText()).match(/\d+/)![0]) : 0;

  // The owner assigns the case to them.
  await page.goto(casePath);
  const assign = page.getByRole("form", { name: "Assign the case" });
  const assignee = assign.getByLabel("Assignee");
  const option = assignee.locator("option", { hasText: ROLE_LOGINS.support });
  await assignee.selectOption(await option.getAttribute("value"));
  await assign.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("list", { name: "Case activity" })).toContainText("Assigned to");

  await expect(badge).toContainText(String(before + 1), { timeout: 15_000 });

  await agent.getByRole("link", { name: /^Notifications/ }).click();
  const item = agent
    .getByTestId("notification")
    .filter({ has: agent.locator(`a[href="${casePath}"]`) });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("Dispute response due in 1 day");
  await expect(item).toContainText("€23.70");
  await expect(item).toContainText("Unread");
  await item.getByRole("button", { name: /^Mark read/ }).click();
  await expect(item).toContainText("Read");
  await expect(item).toHaveAttribute("data-read", "yes");
  if (before === 0) await expect(badge).toHaveCount(0);
  else await expect(badge).toContainText(String(before));

  await item.getByRole("link").click();
  await expect(agent).toHaveURL(new RegExp(`${casePath}$`));
  await agent.context().close();
});
