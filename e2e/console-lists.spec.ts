import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { startMcpTestServer, type McpTestServer } from "../tests/support/mcp-test-server";
import { storageStateOf } from "./support/accounts";
import { openCombobox, pickMany, pickOne } from "./support/combobox";
import { agentCount, agentIdOf, agentOwner, campaignScope, findUser, serverIdOf } from "./support/db";
import { createGatewayAgent, gatewayTarget, mint, type GatewayTarget } from "./support/gateway-agent";

// Signed in as the demo admin (the default project state). A loaded shared machine: pages can take seconds.
test.slow();

/** axe-core's serious and critical findings on the page as it is now (an open combobox included). */
async function seriousAxeFindings(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

test("an agent's owner is picked by typing part of a name, with the keyboard", async ({ page }) => {
  const name = `E2E Combobox ${Date.now()}`;
  const reviewer = findUser("reviewer@acme.example")!;
  await page.goto("/agents/new");
  await page.getByLabel("Name").fill(name);

  const owner = page.getByRole("combobox", { name: /^Owner/ });
  const list = await openCombobox(page, owner);
  // The search box inside the popover has focus: typing narrows 300 people to the one named.
  await expect(list.getByRole("combobox")).toBeFocused();
  await page.keyboard.type("robin oka");
  const option = list.getByRole("option");
  await expect(option).toHaveCount(1);
  await expect(option).toContainText(reviewer.displayName);
  await expect(option).toContainText("reviewer@acme.example");
  expect(await seriousAxeFindings(page)).toEqual([]);
  await page.keyboard.press("Home");
  await page.keyboard.press("Enter");
  await expect(list).toBeHidden();
  await expect(owner).toContainText(reviewer.displayName);
  await expect(owner).toBeFocused();

  await page.getByLabel("Purpose").fill("Picks owners in e2e");
  await page.getByLabel("Client authentication").selectOption("client_secret_basic");
  await page.getByTestId("register-agent-submit").click();
  const dialog = page.getByTestId("secret-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "I have stored it" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  // The server action received the same id a native select would have sent.
  expect(agentOwner(agentIdOf(name)!)).toBe(reviewer.id);
});

test("a campaign's scope is chosen in searchable multi-selects, chips removable", async ({ page }) => {
  const name = `E2E scope pickers ${Date.now()}`;
  await page.goto("/reviews/new");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);

  const agents = page.getByRole("combobox", { name: "Agents", exact: true });
  await pickMany(page, agents, ["Sales Copilot", "Security Triage", "Slack Concierge"]);
  await expect(agents).toHaveText(/3 selected/);
  const chips = page.getByRole("list", { name: "Agents: chosen" });
  await expect(chips.getByTestId("combobox-chip")).toHaveText(["Sales Copilot", "Security Triage", "Slack Concierge"]);
  await chips.getByRole("button", { name: "Remove Security Triage" }).click();
  await expect(chips.getByTestId("combobox-chip")).toHaveText(["Sales Copilot", "Slack Concierge"]);
  // Open, with chosen options checked: still no serious accessibility finding.
  await openCombobox(page, agents);
  await expect(page.getByRole("option", { name: /Sales Copilot/ })).toHaveAttribute("aria-checked", "true");
  expect(await seriousAxeFindings(page)).toEqual([]);
  await page.keyboard.press("Escape");

  await pickMany(page, page.getByRole("combobox", { name: "MCP servers", exact: true }), ["Jira"]);
  await pickOne(page, page.getByRole("combobox", { name: /^Fallback reviewer/ }), "Robin");
  await page.getByTestId("create-campaign").click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  const scope = campaignScope(name);
  expect(scope?.serverIds).toEqual([serverIdOf("Jira Cloud")]);
  expect([...((scope?.agentIds as string[]) ?? [])].sort()).toEqual(
    [agentIdOf("Sales Copilot"), agentIdOf("Slack Concierge")].sort(),
  );
});

test.describe("sessions CSV export", () => {
  let upstream: McpTestServer;
  let target: GatewayTarget;
  test.beforeAll(async () => {
    upstream = await startMcpTestServer({ tools: [] });
    target = gatewayTarget(upstream.url);
    upstream.setTools([{ name: target.toolName, input: {} }]);
  });
  test.afterAll(async () => {
    await upstream?.close();
  });

  test("an admin downloads the sessions list as CSV: a header row and the known session", async ({ page, request }) => {
    const agent = createGatewayAgent(target, "E2E Export");
    const { sid } = await mint(request, target, agent);
    await page.goto("/sessions");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    expect(download.suggestedFilename()).toMatch(/^sessions-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await download.path())!, "utf8");
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(
      "id,agent_id,agent,on_behalf_of_id,on_behalf_of,on_behalf_of_email,server_id,server,scopes,risk,status,created_at,last_used_at,expires_at,reauth_due_at,revoked_at,tokens,tool_calls",
    );
    const row = lines.find((line) => line.startsWith(`${sid},`));
    expect(row).toBeDefined();
    expect(row).toContain(`,${agent.name},`);
    expect(row).toContain(",active,");
  });

  test("a reviewer, who may not view sessions, is refused the export", async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf("reviewer") });
    try {
      const response = await context.request.get("/api/v1/sessions/export");
      expect(response.status()).toBe(403);
      expect(response.headers()["content-type"]).toContain("application/json");
      expect(await response.text()).not.toContain("agent_id");
    } finally {
      await context.close();
    }
  });
});

test("the top bar's search reaches an agent's page", async ({ page }) => {
  await page.goto("/");
  const search = page.getByRole("searchbox", { name: "Search agents, servers, entitlements and people" });
  await expect(async () => {
    await search.fill("");
    await search.fill("sales cop");
    await expect(page.getByTestId("global-search-results")).toBeVisible({ timeout: 3000 });
  }).toPass();
  const results = page.getByTestId("global-search-results");
  const hit = results.getByRole("region", { name: "Agents" }).getByRole("link", { name: /Sales Copilot/ });
  await expect(hit).toBeVisible();
  // From the box, ArrowDown walks into the results; Enter follows the link.
  await search.press("ArrowDown");
  await expect(hit).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/agents/${agentIdOf("Sales Copilot")}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Sales Copilot" })).toBeVisible();
  await expect(results).toBeHidden();
});

test("the Agents list says how many agents there are and which of them a page shows", async ({ page }) => {
  await page.goto("/agents?limit=5");
  const count = page.getByTestId("table-count");
  const total = agentCount().toLocaleString("en-US");
  await expect(count).toHaveText(`Showing 1–5 of ${total} · 5 per page`);
  await page.getByTestId("page-next").click();
  await expect(count).toHaveText(`Showing 6–10 of ${total} · 5 per page`);
  await page.getByTestId("page-prev").click();
  await expect(count).toHaveText(`Showing 1–5 of ${total} · 5 per page`);

  // A search counts its matches; the name links to the agent's page.
  await page.goto("/agents?q=Sales%20Copilot");
  await expect(count).toHaveText("Showing 1–1 of 1 · 50 per page");
  await page.getByTestId("data-table-row").getByRole("link", { name: "Sales Copilot" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sales Copilot" })).toBeVisible();
});
