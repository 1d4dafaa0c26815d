import { expect, test } from "@playwright/test";
import { startMcpTestServer, type McpTestServer } from "../tests/support/mcp-test-server";
import { storageStateOf } from "./support/accounts";
import {
  agentHolding,
  callThroughGateway,
  grantTarget,
  mintFor,
  sessionRevocations,
  type GrantTarget,
} from "./support/tool-grants";
import { pickMany, pickOne } from "./support/combobox";

// The seed's Slack reader bundle: five chat:read tools behind one scope, on a gateway-mode server.
const ENTITLEMENT = "Slack — Reader";
const KEPT = "list_channels";
const REMOVED = "search_messages";

test.describe("what the console shows is what the gateway enforces", () => {
  let upstream: McpTestServer;
  let target: GrantTarget;

  test.beforeAll(async () => {
    upstream = await startMcpTestServer({ tools: [] });
    target = grantTarget(ENTITLEMENT, upstream.url);
    upstream.setTools(target.tools.map((t) => ({ name: t.name, input: {} })));
  });
  test.afterAll(async () => {
    await upstream?.close();
  });

  test("the entitlement builder shows each tool's scope", async ({ page }) => {
    await page.goto("/entitlements/new");
    const slack = await page
      .getByLabel("MCP server")
      .locator("option", { hasText: "Slack" })
      .first()
      .getAttribute("value");
    await page.getByLabel("MCP server").selectOption(slack ?? "");
    const checklist = page.getByTestId("tool-checklist");
    for (const tool of target.tools) {
      const row = checklist.locator("label").filter({ has: page.getByText(tool.name, { exact: true }) });
      await expect(row.getByTestId("tool-scope"), tool.name).toHaveText(tool.scope);
    }
    // Tools sharing a scope are each granted or not: the builder says a scope alone grants nothing.
    await expect(checklist).toContainText("a scope alone grants nothing");
  });

  test("a reviewer's reduce decision, remediated at close, cuts the live session; the new token reaches only the kept tool", async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(180_000);
    const agent = agentHolding(target, "E2E Slack reader");
    const before = await mintFor(request, target, agent);
    expect(before.claims.scope).toBe("chat:read");
    expect((before.claims.authorization_details as { actions: string[] }[])[0]!.actions).toEqual(
      target.tools.map((t) => t.name),
    );
    expect(await callThroughGateway(request, target, before.token, REMOVED)).toBe(200);

    // ── Admin: a campaign over this agent, reviewed by the reviewer.
    const name = `E2E reduce ${Date.now()}`;
    await page.goto("/reviews");
    await page.getByTestId("new-campaign").click();
    await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
    await pickMany(page, page.getByRole("combobox", { name: "Agents", exact: true }), [agent.name]);
    await page.getByRole("combobox", { name: /^Who reviews each item/ }).selectOption("named");
    await pickMany(page, page.getByRole("combobox", { name: /^Named reviewers/ }), ["reviewer@acme.example"]);
    await pickOne(page, page.getByRole("combobox", { name: /^Fallback reviewer/ }), "reviewer@acme.example");
    await page.getByTestId("create-campaign").click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await page.getByTestId("launch-campaign").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Launch" }).click();
    await expect(page.getByTestId("campaign-item")).toHaveCount(1);

    // ── Reviewer: reduce to the one tool the agent needs.
    const reviewerContext = await browser.newContext({ storageState: storageStateOf("reviewer") });
    const reviewer = await reviewerContext.newPage();
    await reviewer.goto("/reviews/inbox");
    const item = reviewer.getByRole("region", { name: `${agent.name} — ${ENTITLEMENT}`, exact: true });
    await item.getByTestId("reduce").click();
    const dialog = reviewer.getByRole("dialog");
    const boxes = dialog.getByTestId("reduce-tools").locator("label");
    for (const tool of target.tools)
      await boxes
        .filter({ hasText: tool.name })
        .getByRole("checkbox")
        .setChecked(tool.name === KEPT);
    await dialog.getByTestId("confirm-reduce").click();
    await expect(item).toHaveCount(0);
    await reviewerContext.close();

    // ── Admin: close; the reduce is remediated and the session that loses tools is revoked with it.
    await page.reload();
    await page.getByTestId("close-campaign").click();
    const confirm = page.getByRole("alertdialog");
    await confirm.getByRole("textbox").fill("close");
    await confirm.getByRole("button", { name: "Close campaign" }).click();
    await expect(page.getByTestId("remediation-detail").filter({ hasText: "Assignment narrowed" })).toContainText(
      "1 session revoked",
    );

    // ── The gateway: the old token is refused at once (its session is revoked), even for the kept tool.
    expect(await callThroughGateway(request, target, before.token, REMOVED)).toBe(401);
    expect(await callThroughGateway(request, target, before.token, KEPT)).toBe(401);
    const revocations = sessionRevocations(String(before.claims.sid));
    expect(revocations).toHaveLength(1);
    expect(revocations[0]!.reason).toContain(name);
    expect(JSON.parse(revocations[0]!.detail ?? "{}")).toMatchObject({ operation: { kind: "access_removed" } });

    // A new token carries only the kept tool, although the removed one shares its scope: the gateway refuses it.
    const after = await mintFor(request, target, agent);
    expect(after.claims.scope).toBe("chat:read");
    expect((after.claims.authorization_details as { actions: string[] }[])[0]!.actions).toEqual([KEPT]);
    expect(await callThroughGateway(request, target, after.token, KEPT)).toBe(200);
    expect(await callThroughGateway(request, target, after.token, REMOVED)).toBe(403);

    // The console shows the same: the agent's effective access lists only the kept tool.
    await page.goto(`/agents/${agent.id}`);
    const rows = page.getByTestId("effective-access").getByTestId("effective-access-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(KEPT);
  });
});
