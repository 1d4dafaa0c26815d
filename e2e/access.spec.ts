import { expect, test } from "@playwright/test";

// Signed in as the demo admin (playwright.config.ts).
test.describe("effective access and scope review", () => {
  test("shows what an agent reaches, and through which assignment", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/");
    await page.getByTestId("nav-access").click();
    await expect(page.getByRole("heading", { level: 1, name: "Access" })).toBeVisible();

    await page.getByRole("textbox", { name: "Search agent" }).fill("Sales Copilot");
    await page.getByTestId("picker-agent").getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: /Sales Copilot/ }).click();

    await expect(page.getByTestId("access-subject")).toHaveText("Sales Copilot");
    await expect(page.getByTestId("access-risk-counts")).toContainText(/\d+ tools on \d+ servers/);
    const crm = page.getByRole("region", { name: "Salesforce CRM", exact: true });
    await expect(crm.getByTestId("access-tool-row").first()).toBeVisible();
    await expect(crm.getByTestId("access-path").first()).toContainText("Salesforce CRM —");
    await expect(crm.getByTestId("access-path").first()).toContainText("Agent: Sales Copilot");

    // What-if: removing the assignment would take the CRM tools away from the agent.
    await crm.getByRole("button", { name: "Simulate removing this assignment" }).first().click();
    const preview = page.getByRole("dialog").getByTestId("what-if-preview");
    await expect(preview).toContainText("Would lose");
    await expect(preview).toContainText("Sales Copilot");
    expect(errors).toEqual([]);
  });

  test("shows what an agent reaches acting for a person: the intersection", async ({ page }) => {
    await page.goto("/access?agentQ=Sales%20Copilot");
    await page.getByRole("link", { name: /Sales Copilot/ }).click();
    // The pickers are plain forms and links: wait for each navigation before the next step.
    await expect(page).toHaveURL(/[?&]agent=/);
    await expect(page.getByTestId("access-subject")).toHaveText("Sales Copilot");
    await page.getByRole("textbox", { name: "Search person" }).fill("Alex Rivera");
    await page.getByTestId("picker-user").getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/userQ=Alex/);
    await page.getByRole("link", { name: /Alex Rivera/ }).click();

    await expect(page.getByTestId("access-subject")).toHaveText("Sales Copilot acting for Alex Rivera");
    // The person holds no CRM access, so the agent acting for them reaches none either.
    await expect(page.getByRole("region", { name: "Salesforce CRM", exact: true })).toHaveCount(0);
    const slack = page.getByRole("region", { name: "Slack", exact: true });
    await expect(slack.getByTestId("access-tool-row").first()).toBeVisible();
    const paths = slack.getByTestId("access-tool-row").first().getByTestId("access-path");
    await expect(paths.filter({ hasText: "Agent: Sales Copilot" })).toHaveCount(1);
    await expect(paths.filter({ hasText: "Group: All employees" })).toHaveCount(1);
  });

  test("scope review shows the excess figure, and the overview links to it", async ({ page }) => {
    await page.goto("/");
    const card = page.getByTestId("stat-excess-privilege");
    await expect(card).toContainText(/\d+(\.\d)?%/);
    await card.click();
    await expect(page.getByRole("heading", { level: 1, name: "Scope review" })).toBeVisible();
    await expect(page.getByTestId("stat-excess")).toContainText(/\d+(\.\d)?%/);
    await expect(page.getByRole("link", { name: "Sales Copilot" })).toBeVisible();

    await page.getByRole("link", { name: "Sales Copilot" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Scope review: Sales Copilot" })).toBeVisible();
    await expect(page.getByTestId("scope-review-assignment").first()).toBeVisible();
  });
});
