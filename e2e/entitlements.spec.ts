import { expect, test, type Page } from "@playwright/test";
import { signIn, storageStateOf } from "./support/accounts";
import { createLocalAccount } from "./support/db";
import { pickOne } from "./support/combobox";

/** The value of the first <option> whose text contains `text` (labels carry counts and emails, so exact labels are brittle). */
async function optionValue(page: Page, selectLabel: string, text: string): Promise<string> {
  const value = await page.getByLabel(selectLabel).locator("option", { hasText: text }).first().getAttribute("value");
  if (!value) throw new Error(`no option “${text}” in ${selectLabel}`);
  return value;
}

test.describe("entitlements and assignments", () => {
  // One run per fresh database, but unique names keep a re-run against the same server honest.
  const stamp = Date.now().toString(36);
  const entitlementName = `E2E GitHub triage ${stamp}`;
  const agentName = `E2E Triage Bot ${stamp}`;

  test("create an entitlement, register an agent, and see a second admin assign it", async ({
    page: registrar,
    browser,
  }) => {
    let page = registrar;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto("/entitlements");
    await page.getByTestId("new-entitlement").click();
    await expect(page.getByRole("heading", { level: 1, name: "New entitlement" })).toBeVisible();
    await page.getByLabel("Name").fill(entitlementName);
    await page.getByLabel("Description").fill("Read code and open branches, for the triage bot");
    await page.getByLabel("MCP server").selectOption(await optionValue(page, "MCP server", "GitHub Enterprise"));
    await page.getByLabel("search_code").check();
    await expect(page.getByTestId("derived-risk")).toHaveText(/read/i);
    await page.getByLabel("create_branch").check();
    await expect(page.getByTestId("derived-risk")).toHaveText(/write/i);
    await page.getByTestId("entitlement-submit").click();
    await expect(page.getByRole("heading", { level: 1, name: entitlementName })).toBeVisible();
    await expect(page.getByTestId("entitlement-risk")).toHaveText(/write/i);

    await page.goto("/agents");
    await page.getByTestId("register-agent").click();
    await expect(page.getByRole("heading", { level: 1, name: "Register agent" })).toBeVisible();
    await page.getByLabel("Name").fill(agentName);
    await pickOne(page, page.getByLabel("Owner"), "reviewer@acme.example");
    await page.getByLabel("Purpose").fill("Labels and routes new GitHub issues");
    await page.getByLabel("Client authentication").selectOption("client_secret_basic");
    await page.getByTestId("register-agent-submit").click();
    const dialog = page.getByTestId("secret-dialog");
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId("client-secret")).toHaveText(/^[A-Za-z0-9_-]{43}$/);
    await dialog.getByRole("button", { name: "I have stored it" }).click();
    await expect(page.getByRole("heading", { level: 1, name: agentName })).toBeVisible();
    await expect(page.getByText("This agent reaches no tools.")).toBeVisible();
    await expect(page.getByTestId("credential-holder")).toContainText("admin@acme.example");

    // The admin who was shown the secret holds the credential: separation of duties leaves the grant to someone else.
    const assignAs = async (p: Page) => {
      await p.getByRole("button", { name: "Assign entitlement" }).click();
      const dialog = p.getByTestId("assign-dialog");
      await dialog.getByLabel("Entitlement").selectOption(await optionValue(p, "Entitlement", entitlementName));
      await dialog.getByLabel("Justification").fill("Triage needs to read code and branch");
      await p.getByTestId("assign-submit").click();
      return dialog;
    };
    const refused = await assignAs(page);
    await expect(refused).toContainText("You hold this agent's credential");
    await refused.getByRole("button", { name: "Cancel" }).click();
    const agentUrl = page.url();

    const second = createLocalAccount("second-admin", "admin");
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    page = await context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, second.email);
    await expect(page.getByTestId("account-menu")).toBeVisible();
    await page.goto(agentUrl);
    await expect(await assignAs(page)).toBeHidden();

    const access = page.getByTestId("effective-access");
    await expect(access.getByTestId("effective-access-row")).toHaveCount(2);
    for (const tool of ["search_code", "create_branch"]) {
      const row = access.getByTestId("effective-access-row").filter({ hasText: tool });
      await expect(row).toContainText("GitHub Enterprise");
      await expect(row).toContainText(entitlementName);
    }
    await expect(page.getByTestId("live-assignments")).toContainText(entitlementName);

    // Editing the agent: an out-of-range lifetime is refused inline, a valid one is saved.
    await page.getByRole("button", { name: "Edit" }).click();
    const lifetime = page.getByLabel("Maximum token lifetime (seconds)");
    await lifetime.fill("30");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(lifetime).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("At least 60 seconds")).toBeVisible();
    await lifetime.fill("600");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Max token lifetime")).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: /^10m$/ })).toBeVisible();

    // The same grant shows on the assignments list, filtered to agents.
    await page.goto("/entitlements/assignments?principalType=agent");
    await expect(page.getByRole("row").filter({ hasText: agentName })).toBeVisible();
    await context.close();
    expect(errors).toEqual([]);
  });

  test("a duplicate entitlement name is refused inline and nothing is created", async ({ page }) => {
    // A name the demo enterprise already uses (this test must not depend on the one above having run).
    await page.goto("/entitlements");
    const taken = (await page.getByTestId("data-table-row").first().getByRole("link").first().innerText()).trim();
    await page.goto("/entitlements/new");
    await page.getByLabel("Name").fill(taken);
    await page.getByLabel("MCP server").selectOption(await optionValue(page, "MCP server", "GitHub Enterprise"));
    await page.getByLabel("search_code").check();
    await page.getByTestId("entitlement-submit").click();
    const name = page.getByLabel("Name");
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("An entitlement with this name already exists")).toBeVisible();
    await expect(page).toHaveURL(/\/entitlements\/new$/);
  });

  test("the Assign dialog finds a person by search and refuses a grant to oneself", async ({ page }) => {
    await page.goto("/entitlements");
    await page.getByTestId("data-table-row").first().getByRole("link").first().click();
    await page.getByTestId("assign-open").click();
    const dialog = page.getByTestId("assign-dialog");
    await dialog.getByLabel("Assign to").selectOption("user");
    await dialog.getByLabel("Search people").fill("admin@acme.example");
    // The signed-in admin (see e2e/support/accounts.ts) picks themselves.
    await dialog.getByRole("radio", { name: /admin@acme\.example/ }).check();
    await dialog.getByLabel("Justification").fill("Trying to grant myself access");
    await page.getByTestId("assign-submit").click();
    await expect(dialog).toContainText("You cannot grant access to yourself");
    await expect(dialog).toBeVisible();
  });

  test("no tools chosen is refused at the tools field", async ({ page }) => {
    await page.goto("/entitlements/new");
    await page.getByLabel("Name").fill(`E2E empty ${stamp}`);
    await page.getByLabel("MCP server").selectOption(await optionValue(page, "MCP server", "GitHub Enterprise"));
    await page.getByTestId("entitlement-submit").click();
    await expect(page.getByTestId("tool-checklist")).toContainText("Choose at least one tool");
  });
});

test.describe("as a reviewer (no manage permissions)", () => {
  test.use({ storageState: storageStateOf("reviewer") });

  test("sees agents and entitlements without mutate controls, and cannot open the forms", async ({ page }) => {
    await page.goto("/agents");
    await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
    await expect(page.getByTestId("register-agent")).toHaveCount(0);
    await page.getByTestId("data-table-row").first().getByRole("link").first().click();
    await expect(page.getByRole("heading", { level: 2, name: "Effective access" })).toBeVisible();
    await expect(page.getByTestId("agent-lifecycle")).toHaveCount(0);
    await expect(page.getByTestId("assign-open")).toHaveCount(0);
    await expect(page.getByTestId("end-assignment")).toHaveCount(0);

    await page.goto("/entitlements");
    await expect(page.getByTestId("new-entitlement")).toHaveCount(0);
    // Refused by the console layout, before the list's loading boundary could stream a 200.
    for (const path of ["/entitlements/new", "/agents/new"]) {
      const refused = await page.goto(path);
      expect(refused?.status(), path).toBe(403);
      await expect(page.getByTestId("forbidden")).toBeVisible();
      await expect(page.getByTestId("entitlement-form").or(page.getByTestId("register-agent-form"))).toHaveCount(0);
    }
  });
});
