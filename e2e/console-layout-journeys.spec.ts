import { expect, test, type Locator, type Page } from "@playwright/test";
import { signIn, storageStateOf } from "./support/accounts";
import { closedCampaign } from "./support/campaigns";
import { createLocalAccount } from "./support/db";
import { createGatewayAgent, gatewayTarget, mint } from "./support/gateway-agent";
import { pickMany, pickOne } from "./support/combobox";

// The journeys issue 23 found blocked by layout, walked at the narrowest
// supported window. A loaded shared machine: page loads and hydration take seconds.
test.slow();
test.use({ viewport: { width: 1280, height: 900 } });

/** Fully inside the window, with no sideways scrolling needed to reach it. */
async function expectOnScreen(page: Page, control: Locator): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  await expect(control).toBeInViewport({ ratio: 1 });
  const box = await control.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

/** Clicks a dialog trigger until its dialog is open (a click before hydration does nothing). */
async function openDialog(page: Page, trigger: Locator): Promise<void> {
  await expect(async () => {
    await trigger.click();
    await expect(page.getByRole("alertdialog")).toBeVisible({ timeout: 2000 });
  }).toPass();
}

test.describe("as on-call", () => {
  test.use({ storageState: storageStateOf("oncall") });

  test("the Sessions list shows Revoke without a sideways scroll, and a session is revoked from its own page", async ({
    page,
    request,
  }) => {
    // Minting only: no tool call goes upstream.
    const target = gatewayTarget("http://127.0.0.1:9/unused");
    const agent = createGatewayAgent(target, "E2E Layout revoke");
    const { sid } = await mint(request, target, agent);

    await page.goto(`/sessions?q=${encodeURIComponent(agent.name)}`);
    const rowRevoke = page.getByTestId(`revoke-${sid}`);
    await expectOnScreen(page, rowRevoke);
    // The table itself has nothing hidden to its right.
    const table = page.getByTestId("data-table");
    expect(await table.evaluate((t) => t.parentElement!.scrollWidth <= t.parentElement!.clientWidth)).toBe(true);

    await page.getByTestId(`session-link-${sid}`).click();
    await expect(page.getByRole("heading", { level: 1, name: `${agent.name} → ${target.serverName}` })).toBeVisible();
    const revoke = page.getByTestId(`revoke-${sid}`);
    await expectOnScreen(page, revoke);
    await openDialog(page, revoke);
    await page.getByLabel("Reason").fill("Layout drill: revoked from the session page");
    await page.getByRole("button", { name: "Revoke session" }).click();
    await expect(page.getByText("Session revoked")).toBeVisible();
    await expect(page.getByTestId(`revoke-${sid}`)).toHaveCount(0);
    await expect(page.getByText("revoked", { exact: true }).first()).toBeVisible();
  });
});

test("a closed campaign keeps Report and CSV on screen, wraps its remediation, and its report names scope, launcher and closer", async ({
  page,
}) => {
  const path = await closedCampaign(page, "Marketing Analyst");
  await expectOnScreen(page, page.getByTestId("open-report"));
  await expectOnScreen(page, page.getByTestId("download-csv"));
  const detail = page.getByTestId("remediation-detail").first();
  await expectOnScreen(page, detail);

  await page.getByTestId("open-report").click();
  await expect(page).toHaveURL(new RegExp(`${path}/report$`));
  await expect(page.getByTestId("report-scope")).toContainText("Agents: Marketing Analyst");
  await expect(page.getByTestId("report-launched")).toContainText("admin@acme.example");
  await expect(page.getByTestId("report-closed")).toContainText("admin@acme.example");
  await expect(page.getByTestId("report-row").first()).toBeVisible();
  await expectOnScreen(page, page.getByTestId("print-report"));
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});

test("a reviewer's bulk bar stays below the top bar, reachable mid-list", async ({ page, browser }) => {
  // A reviewer of this spec's own, so the shared reviewer's inbox is left alone.
  const reviewer = createLocalAccount("bulk-bar", "reviewer");
  await page.goto("/reviews/new");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(`E2E bulk bar ${Date.now()}`);
  await pickMany(page, page.getByRole("combobox", { name: "Agents", exact: true }), [
    "Executive Briefing",
    "Slack Concierge",
  ]);
  await page.getByRole("combobox", { name: /^Who reviews each item/ }).selectOption("named");
  await pickMany(page, page.getByRole("combobox", { name: /^Named reviewers/ }), [reviewer.email]);
  await pickOne(page, page.getByRole("combobox", { name: /^Fallback reviewer/ }), reviewer.email);
  await page.getByTestId("create-campaign").click();
  await page.getByTestId("launch-campaign").click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Launch" }).click();
  await expect(page.getByTestId("campaign-progress")).toBeVisible();

  const context = await browser.newContext({ storageState: undefined, viewport: { width: 1280, height: 900 } });
  try {
    const inbox = await context.newPage();
    await signIn(inbox, reviewer.email);
    await expect(inbox.getByTestId("account-menu")).toBeVisible();
    await inbox.goto("/reviews/inbox");
    await expect(inbox.getByTestId("inbox-item").first()).toBeVisible();
    // Scroll to the last item: the bar must still be there, under the top bar, and on top of what scrolls beneath.
    await inbox.getByTestId("inbox-item").last().scrollIntoViewIfNeeded();
    expect(await inbox.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const bar = inbox.getByTestId("bulk-bar");
    const topBar = await inbox.locator('[data-slot="top-bar"]').boundingBox();
    const barBox = await bar.boundingBox();
    expect(barBox!.y).toBeGreaterThanOrEqual(topBar!.y + topBar!.height);
    // Enabled (a disabled button lets pointer events through to the bar).
    await inbox.getByRole("checkbox", { name: "Select all on this page" }).check();
    const certify = inbox.getByTestId("bulk-certify");
    await expect(certify).toBeEnabled();
    const hit = await certify.evaluate((button) => {
      const r = button.getBoundingClientRect();
      const there = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return there !== null && button.contains(there);
    });
    expect(hit, "the bulk certify button is the element under its own centre").toBe(true);
  } finally {
    await context.close();
  }
});

test.describe("in New York", () => {
  test.use({ timezoneId: "America/New_York" });

  test("an assignment's expiry is typed in UTC, says so, and shows the person's own clock", async ({ page }) => {
    await page.goto("/entitlements");
    await page
      .locator('a[href^="/entitlements/"]:not([href="/entitlements/new"]):not([href^="/entitlements/assignments"])')
      .first()
      .click();
    await page.getByTestId("assign-open").click();
    const dialog = page.getByTestId("assign-dialog");
    const expires = dialog.getByLabel("Expires (UTC)");
    await expect(expires).toBeVisible();
    await expires.fill("2030-01-15T17:00");
    await expect(dialog.getByTestId("assign-expires-local")).toHaveText(
      "Jan 15, 2030 17:00 UTC is Jan 15, 2030, 12:00 your time (America/New_York).",
    );
  });
});
