import { expect, test, type Page } from "@playwright/test";
import { storageStateOf } from "./support/accounts";
import { agentAssignment, auditEvents } from "./support/db";
import { pickMany, pickOne } from "./support/combobox";

const CRM = "Salesforce CRM — Sales assistant";
const DRIVE = "Google Drive — Writer";
const SLACK = "Slack — Poster";

const item = (page: Page, subject: string, entitlement: string) =>
  page.getByRole("region", { name: `${subject} — ${entitlement}`, exact: true });

// Signed in as the demo admin (playwright.config.ts); the reviewer works in a second browser context.
test("a full access certification: create, launch, review (certify, reduce, revoke, bulk), close with remediation, report", async ({
  page,
  browser,
}) => {
  // Two roles and a dozen round trips on a shared machine.
  test.setTimeout(240_000);
  const since = Date.now();
  const name = `E2E certification ${since}`;

  // ── Create (admin)
  await page.goto("/reviews");
  await page.getByTestId("new-campaign").click();
  await expect(page.getByRole("heading", { level: 1, name: "New review campaign" })).toBeVisible();
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await pickMany(page, page.getByRole("combobox", { name: "Agents", exact: true }), [
    "Sales Copilot",
    "Security Triage",
  ]);
  await page.getByRole("combobox", { name: /^Who reviews each item/ }).selectOption("named");
  await pickMany(page, page.getByRole("combobox", { name: /^Named reviewers/ }), ["reviewer@acme.example"]);
  await pickOne(page, page.getByRole("combobox", { name: /^Fallback reviewer/ }), "reviewer@acme.example");
  await page.getByTestId("create-campaign").click();

  // ── Launch (admin)
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByTestId("draft-note")).toBeVisible();
  await page.getByTestId("launch-campaign").click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Launch" }).click();
  await expect(page.getByTestId("campaign-progress")).toBeVisible();
  const items = page.getByTestId("campaign-item");
  await expect(items).toHaveCount(7);
  await expect(page.getByTestId("stat-decided").locator('[data-slot="stat-value"]')).toHaveText("0%");
  expect(auditEvents("review.campaign_launched", since)).toHaveLength(1);

  // ── Review (reviewer)
  const reviewerContext = await browser.newContext({ storageState: storageStateOf("reviewer") });
  const reviewer = await reviewerContext.newPage();
  await reviewer.goto("/reviews");
  await reviewer.getByTestId("open-inbox").click();
  await expect(reviewer.getByRole("heading", { level: 1, name: "My reviews" })).toBeVisible();
  // Other specs leave items of their own campaigns in this reviewer's inbox: count this campaign's.
  const mine = reviewer.getByTestId("inbox-item").filter({ hasText: name });
  await expect(mine).toHaveCount(7);

  // Evidence on each item: the grantor, use, peers, tools.
  const slack = item(reviewer, "Sales Copilot", SLACK);
  await expect(slack.getByTestId("granted-by")).toHaveText("admin@acme.example");
  await expect(slack.getByTestId("usage")).toContainText(/\d+ of \d+ tools used in 30 days/);
  await expect(slack.getByTestId("peers")).toContainText(/\d+/);
  await expect(slack.getByTestId("inbox-tool").first()).toBeVisible();

  // Certify one.
  await slack.getByTestId("certify").click();
  await expect(item(reviewer, "Sales Copilot", SLACK)).toHaveCount(0);

  // Reduce one: keep only the first tool.
  const drive = item(reviewer, "Sales Copilot", DRIVE);
  await drive.getByTestId("reduce").click();
  const dialog = reviewer.getByRole("dialog");
  const boxes = dialog.getByTestId("reduce-tools").getByRole("checkbox");
  const count = await boxes.count();
  for (let i = 0; i < count; i++) await boxes.nth(i).setChecked(i === 0);
  await dialog.getByTestId("confirm-reduce").click();
  await expect(item(reviewer, "Sales Copilot", DRIVE)).toHaveCount(0);

  // Revoke one, with a reason.
  const crm = item(reviewer, "Sales Copilot", CRM);
  await crm.getByRole("textbox").fill("No longer works on sales pipelines");
  await crm.getByTestId("revoke").click();
  await reviewer.getByRole("alertdialog").getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(item(reviewer, "Sales Copilot", CRM)).toHaveCount(0);

  // Bulk: the rest (Security Triage's grants) certified at once, with one justification.
  await expect(mine).toHaveCount(4);
  await reviewer.getByRole("checkbox", { name: "Select all on this page" }).check();
  await reviewer
    .getByRole("textbox", { name: "Bulk justification" })
    .fill("Security triage still needs these every day");
  await reviewer.getByTestId("bulk-certify").click();
  // A rubber-stamp warning (many high-risk items at once) needs an explicit confirmation.
  const warning = reviewer.getByTestId("rubber-stamp-warning");
  await expect(warning.or(reviewer.getByText("Nothing to review"))).toBeVisible();
  if (await warning.isVisible()) await reviewer.getByTestId("rubber-stamp-confirm").click();
  await expect(reviewer.getByText("Nothing to review")).toBeVisible();
  expect(auditEvents("review.decided", since)).toHaveLength(7);
  await reviewerContext.close();

  // ── Close (admin): revoke and reduce remediated automatically.
  await page.reload();
  await expect(page.getByTestId("stat-decided").locator('[data-slot="stat-value"]')).toHaveText("100%");
  await page.getByTestId("close-campaign").click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("textbox").fill("close");
  await confirm.getByRole("button", { name: "Close campaign" }).click();
  await expect(page.getByTestId("stat-remediated").locator('[data-slot="stat-value"]')).toHaveText("2");
  await expect(page.getByTestId("remediation-detail").filter({ hasText: "Assignment ended" })).toHaveCount(1);
  await expect(page.getByTestId("remediation-detail").filter({ hasText: "Assignment narrowed" })).toHaveCount(1);

  const revoked = agentAssignment("Sales Copilot", CRM);
  expect(revoked?.endedAt).not.toBeNull();
  expect(revoked?.endedReason).toContain(name);
  const reduced = agentAssignment("Sales Copilot", DRIVE);
  expect(reduced?.endedAt).toBeNull();
  expect(JSON.parse(reduced?.excludedToolIds ?? "[]").length).toBe(count - 1);
  expect(agentAssignment("Sales Copilot", SLACK)?.endedAt).toBeNull();
  expect(auditEvents("review.remediated", since)).toHaveLength(2);
  expect(auditEvents("review.campaign_closed", since)).toHaveLength(1);

  // ── Report: printable page and CSV.
  await page.getByTestId("open-report").click();
  await expect(page.getByTestId("report-row")).toHaveCount(7);
  await expect(page.getByTestId("campaign-report")).toContainText("No longer works on sales pipelines");
  const csv = await page.request.get(
    page.url().replace(/\/reviews\/([^/]+)\/report$/, "/api/v1/reviews/campaigns/$1/report"),
  );
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const text = await csv.text();
  expect(text.split("\r\n")[0]).toContain("Decision,Decided by,Decided at,Justification");
  expect(text).toContain("revoked,reviewer@acme.example");
  expect(text).toContain("reduced,reviewer@acme.example");
});

test.describe("as a reviewer", () => {
  test.use({ storageState: storageStateOf("reviewer") });
  test("cannot create or launch campaigns", async ({ page }) => {
    await page.goto("/reviews");
    await expect(page.getByTestId("open-inbox")).toBeVisible();
    await expect(page.getByTestId("new-campaign")).toHaveCount(0);
    // The page streams inside the console's loading boundary, so its refusal is the forbidden page (the status is already sent).
    await page.goto("/reviews/new");
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await expect(page.getByTestId("campaign-form")).toHaveCount(0);
  });
});
