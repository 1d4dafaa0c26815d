import { expect, test } from "@playwright/test";

// Signed in as the demo admin (the default project state): admin may view the map and run drills.

// A loaded shared machine: page loads, hydration and drills can take seconds.
test.slow();

test("the coverage map shows every server's enforcement path and what is missing, searchable and exportable", async ({
  page,
}) => {
  await page.goto("/coverage");
  await expect(page.getByRole("heading", { level: 1, name: "Coverage" })).toBeVisible();
  await expect(page.getByTestId("coverage-count")).toHaveText(/^(\d+) of \1 servers$/);
  await expect(page.getByTestId("stat-proven-traffic")).toBeVisible();

  const slack = page.getByTestId("coverage-row-Slack");
  await expect(slack.getByTestId("coverage-path")).toHaveText("Gateway");
  const github = page.getByTestId("coverage-row-GitHub Enterprise");
  await expect(github.getByTestId("coverage-path")).toHaveText("Native, JWTs only");
  await expect(github.getByTestId("coverage-revocation-time")).toHaveText(
    "Waits for the token to expire (up to its lifetime)",
  );
  await expect(github.getByTestId("coverage-missing")).toContainText("A revocation signal");

  await page.getByTestId("coverage-search").fill("slack");
  await expect(page.getByTestId("coverage-count")).toHaveText(/^1 of \d+ servers$/);
  await expect(page.getByTestId("coverage-row-GitHub Enterprise")).toHaveCount(0);

  const csv = await page.request.get("/api/v1/coverage?format=csv");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toMatch(/^server,resource_uri,enforcement_path,/);
  expect(lines.some((l) => l.startsWith("Slack,") && l.includes(",gateway,"))).toBe(true);

  const json = await page.request.get("/api/v1/coverage");
  expect(json.status()).toBe(200);
  const body = (await json.json()) as { data: { rows: { name: string; path: string }[] } };
  expect(body.data.rows.find((r) => r.name === "Slack")?.path).toBe("gateway");
});

test("a drill run from the console revokes a canary, times the gateway's refusal and alerts on a failure", async ({
  page,
}) => {
  await page.goto("/coverage");
  const slack = page.getByTestId("coverage-row-Slack");
  // A click before hydration does nothing: retry until the drill has run.
  await expect(async () => {
    await slack.getByTestId("drill-Slack").click();
    await expect(page.getByText("1 drill passed")).toBeVisible({ timeout: 20_000 });
  }).toPass({ timeout: 60_000 });
  await expect(slack.getByTestId("coverage-drill-outcome")).toHaveText("passed");
  await expect(slack.getByTestId("coverage-revocation-time")).toHaveText(/^\d+ ms \(last drill\)$/);
  await expect(page.getByTestId("drill-history")).toContainText("Slack");
  await expect(page.getByTestId("drill-chart")).toBeVisible();

  // The canary is labelled wherever it shows: its session, revoked through the one path, names the drill agent.
  await page.goto(`/sessions?status=revoked&q=${encodeURIComponent("Mandate revocation drill")}`);
  await expect(page.locator("table").getByText("Mandate revocation drill (canary)").first()).toBeVisible();
  await page.goto("/coverage");

  // A server that only trusts JWTs cannot pass: the drill fails, says why, and the overview raises the alert.
  const github = page.getByTestId("coverage-row-GitHub Enterprise");
  await github.getByTestId("drill-GitHub Enterprise").click();
  await expect(page.getByText(/1 of 1 drill failed: GitHub Enterprise/)).toBeVisible({ timeout: 30_000 });
  await expect(github.getByTestId("coverage-drill-outcome")).toHaveText("failed");
  await expect(page.getByTestId("drill-alert")).toContainText("GitHub Enterprise");
  await expect(page.getByTestId("drill-alert")).toContainText("trusts Mandate's JWTs only");

  await page.goto("/");
  await expect(page.getByTestId("overview-drill-alert")).toContainText("GitHub Enterprise");
  await expect(page.getByTestId("stat-proven-traffic")).toBeVisible();
});
