import { randomBytes, randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { startMcpTestServer, type McpTestServer } from "../tests/support/mcp-test-server";
import { accountOf, storageStateOf } from "./support/accounts";
import { auditEvents, E2E_DB_PATH, findUser } from "./support/db";
import { createGatewayAgent, gatewayCall, gatewayTarget, mint, type GatewayTarget } from "./support/gateway-agent";

// The journeys issue #23 names: revoke from a session's page (on-call), undo a review decision (reviewer),
// approve a destructive tool with confirmation (admin), and a suspended agent's standing where its access is shown.

// A loaded shared machine: page loads and hydration can take seconds.
test.slow();

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(E2E_DB_PATH, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Clicks a dialog trigger until its dialog is open (a click before hydration does nothing). */
async function openDialog(page: Page, trigger: ReturnType<Page["getByTestId"]>): Promise<void> {
  await expect(async () => {
    await trigger.click();
    await expect(page.getByRole("alertdialog")).toBeVisible({ timeout: 2000 });
  }).toPass();
}

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

test.describe("on-call", () => {
  test.use({ storageState: storageStateOf("oncall") });

  test("revokes a session from its detail page; its token stops working at the gateway", async ({ page, request }) => {
    const agent = createGatewayAgent(target, "E2E On-call detail");
    const { token, sid } = await mint(request, target, agent);
    expect(await gatewayCall(request, target, token)).toBe(200);

    await page.goto(`/sessions/${sid}`);
    await expect(page.getByRole("heading", { level: 1, name: `${agent.name} → ${target.serverName}` })).toBeVisible();
    await openDialog(page, page.getByTestId(`revoke-${sid}`));
    await page.getByLabel("Reason").fill("On-call drill from the detail page");
    await page.getByRole("button", { name: "Revoke session" }).click();
    await expect(page.getByText("Session revoked")).toBeVisible();
    await expect(page.getByText(/On-call drill from the detail page/).first()).toBeVisible();

    expect(await gatewayCall(request, target, token)).toBe(401);
    const revoked = auditEvents("session.revoked", 0).filter((e) => e.targetId === sid);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ actorLabel: accountOf("oncall"), reason: "On-call drill from the detail page" });
  });
});

test("an admin approves a destructive tool only after confirming and saying why", async ({ page }) => {
  const since = Date.now();
  const suffix = randomBytes(4).toString("hex");
  const serverId = `e2e-srv-${suffix}`;
  const toolName = `purge_space_${suffix}`;
  withDb((db) => {
    const now = Date.now();
    db.prepare(
      `INSERT INTO McpServer (id, name, slug, resourceUri, enforcementMode, argumentLogging, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, 'native', 'none', ?, ?)`,
    ).run(serverId, `E2E Wiki ${suffix}`, `e2e-wiki-${suffix}`, `https://wiki-${suffix}.example/mcp`, now, now);
    db.prepare(
      `INSERT INTO Tool (id, serverId, name, description, risk, scope, status, firstSeenAt, lastSeenAt, updatedAt)
       VALUES (?, ?, ?, 'Delete a whole space', 'destructive', ?, 'pending', ?, ?, ?)`,
    ).run(`e2e-tool-${suffix}`, serverId, toolName, `wiki:admin`, now, now, now);
  });

  await page.goto(`/servers/${serverId}`);
  // A native server is called directly: it shows no gateway path.
  await expect(page.getByTestId("server-settings")).not.toContainText("Gateway path");
  const approve = page.getByRole("button", { name: `Approve ${toolName}` });
  await openDialog(page, approve as ReturnType<Page["getByTestId"]>);
  const dialog = page.getByTestId("approve-tool-dialog");
  await expect(dialog.getByTestId("high-risk-warning")).toContainText("destructive");
  const confirm = dialog.getByTestId("confirm-approve");
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Why should it be grantable?").fill("Space archival bot needs it");
  await expect(confirm).toBeDisabled();
  await dialog.getByRole("checkbox").check();
  await confirm.click();
  await expect(page.getByText(`Approved ${toolName}`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: toolName })).toContainText("approved");
  const events = auditEvents("tool.approved", since).filter((e) => e.targetId === `e2e-tool-${suffix}`);
  expect(events).toHaveLength(1);
  expect(events[0]?.reason).toBe("Space archival bot needs it");
});

test("a reviewer revokes with confirmation, sees the decision kept, and undoes it before the campaign closes", async ({
  browser,
}) => {
  const since = Date.now();
  const agent = createGatewayAgent(target, "E2E Undo");
  const reviewerId = findUser(accountOf("reviewer"))!.id;
  const suffix = randomBytes(4).toString("hex");
  const campaignName = `E2E undo ${suffix}`;
  const entitlementName = withDb((db) => {
    const e = db.prepare("SELECT name FROM Entitlement WHERE id = ?").get(target.entitlementId) as { name: string };
    const tools = db
      .prepare(
        "SELECT t.id AS toolId, t.name, t.scope, t.risk FROM EntitlementTool et JOIN Tool t ON t.id = et.toolId WHERE et.entitlementId = ?",
      )
      .all(target.entitlementId);
    const now = Date.now();
    const campaignId = `e2e-camp-${suffix}`;
    db.prepare(
      `INSERT INTO ReviewCampaign (id, name, kind, status, scope, reviewerPolicy, unreviewedPolicy, dueAt, itemCount, launchedCount, createdAt, launchedAt)
       VALUES (?, ?, 'campaign', 'active', '{}', 'named', 'keep', ?, 1, 1, ?, ?)`,
    ).run(campaignId, campaignName, now + 14 * 86_400_000, now, now);
    const snapshot = {
      assignmentId: `e2e-asg-${agent.id.replace("e2e-agent-", "")}`,
      principalType: "agent",
      principalId: agent.id,
      principalLabel: agent.name,
      principalDetail: agent.clientId,
      agentKind: "autonomous",
      agentOwnerId: null,
      agentOwnerLabel: null,
      entitlementId: target.entitlementId,
      entitlementName: e.name,
      serverId: target.serverId,
      serverName: target.serverName,
      serverOwnerId: null,
      tools,
      justification: "e2e revocation",
      grantedById: null,
      grantedByLabel: null,
      grantedAt: new Date(now).toISOString(),
      expiresAt: null,
    };
    db.prepare(
      `INSERT INTO ReviewItem (id, campaignId, assignmentId, snapshot, risk, reviewerId, level, status, rubberStampFlag, reminderCount, remediationStatus, createdAt)
       VALUES (?, ?, ?, ?, 'read', ?, 1, 'pending', 0, 0, 'none', ?)`,
    ).run(`e2e-item-${randomUUID()}`, campaignId, snapshot.assignmentId, JSON.stringify(snapshot), reviewerId, now);
    return e.name;
  });

  const context = await browser.newContext({ storageState: storageStateOf("reviewer") });
  const page = await context.newPage();
  await page.goto("/reviews/inbox");
  const item = page.getByRole("region", { name: `${agent.name} — ${entitlementName}`, exact: true });
  await expect(item).toBeVisible();

  // Revoke asks first; cancelling changes nothing.
  await openDialog(page, item.getByTestId("revoke"));
  await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  await expect(item).toBeVisible();
  await openDialog(page, item.getByTestId("revoke"));
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(item).toHaveCount(0);

  // The decided item stays in view with its decision, and can be taken back.
  const decided = page.getByTestId("decided-item").filter({ hasText: agent.name });
  await expect(decided.getByTestId("decided-status")).toHaveText("revoked");
  await decided.getByTestId("undo-decision").click();
  await expect(item).toBeVisible();
  await expect(decided).toHaveCount(0);

  const resets = auditEvents("review.decision_reset", since);
  expect(resets).toHaveLength(1);
  expect(resets[0]).toMatchObject({ actorId: reviewerId, reason: "Decision taken back: revoked" });
  await context.close();
  // Out of the reviewer's inbox: e2e/reviews.spec.ts counts what it finds there.
  withDb((db) =>
    db
      .prepare("UPDATE ReviewCampaign SET status = 'closed', closedAt = ? WHERE name = ?")
      .run(Date.now(), campaignName),
  );
});

test("a suspended agent shows its state and reason where its access is shown", async ({ page }) => {
  const agent = createGatewayAgent(target, "E2E Suspended");
  await page.goto(`/agents/${agent.id}`);
  await expect(page.getByTestId("agent-standing")).toHaveCount(0);
  await expect(async () => {
    await page.getByRole("button", { name: "Suspend", exact: true }).click();
    await expect(page.getByRole("alertdialog")).toBeVisible({ timeout: 2000 });
  }).toPass();
  await page.getByLabel("Reason").fill("Credential leaked in INC-4411");
  await page.getByRole("alertdialog").getByRole("button", { name: "Suspend" }).click();

  const banner = page.getByTestId("agent-standing");
  await expect(banner).toContainText(`${agent.name} is suspended`);
  await expect(banner).toContainText("Credential leaked in INC-4411");
  await expect(banner).toContainText("It reaches no tools now");
  await expect(page.getByTestId("effective-access-summary")).toContainText("Reaches nothing while suspended");

  await page.goto(`/access?agent=${agent.id}`);
  await expect(page.getByTestId("agent-standing")).toContainText("Credential leaked in INC-4411");
});

for (const role of ["reviewer", "oncall", "auditor"] as const) {
  test.describe(`${role}'s overview`, () => {
    test.use({ storageState: storageStateOf(role) });

    test("shows the role's own work, and no card leads to a 403", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
      if (role === "reviewer") await expect(page.getByTestId("stat-my-reviews")).toBeVisible();
      if (role === "oncall") {
        await expect(page.getByTestId("stat-active-sessions")).toBeVisible();
        await expect(page.getByTestId("denials-trend")).toBeVisible();
        await expect(page.getByTestId("stat-excess-privilege")).toHaveCount(0);
      }
      const hrefs = await page
        .locator("main a[href^='/']")
        .evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute("href")!))]);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect((await page.request.get(href)).status(), href).toBe(200);
    });
  });
}
