import { expect, test, type APIRequestContext } from "@playwright/test";
import { auditEvents } from "./support/db";
import { storageStateOf } from "./support/accounts";
import {
  createGatewayAgent,
  gatewayCall,
  gatewayTarget,
  introspect as introspectAs,
  mint,
  tryMint,
  type GatewayTarget,
} from "./support/gateway-agent";
import { startMcpTestServer, type McpTestServer } from "../tests/support/mcp-test-server";

// A seeded autonomous agent with a client secret (scripts/seed/org.ts) and a
// native-mode server it is entitled to read.
const CLIENT = "agent-release-captain";
const SECRET = "demo-secret-0";
const RESOURCE = "https://mcp.github.acme.example/mcp";
const basic = `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString("base64")}`;
const form = { authorization: basic, "content-type": "application/x-www-form-urlencoded" };

async function introspect(request: APIRequestContext, token: string): Promise<boolean> {
  const res = await request.post("/oauth/introspect", { headers: form, data: `token=${encodeURIComponent(token)}` });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { active: boolean }).active;
}

test.use({ storageState: storageStateOf("oncall") });

test("on-call revokes a live session in the console and its token is inactive at once", async ({ page, request }) => {
  const started = Date.now();
  const mint = await request.post("/oauth/token", {
    headers: form,
    data: `grant_type=client_credentials&resource=${encodeURIComponent(RESOURCE)}&scope=${encodeURIComponent("repo:read")}`,
  });
  expect(mint.status()).toBe(200);
  const { access_token: token } = (await mint.json()) as { access_token: string };
  const { sid } = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string };
  expect(await introspect(request, token)).toBe(true);

  await page.goto(`/sessions?q=${encodeURIComponent("Release Captain")}`);
  await page.getByTestId(`revoke-${sid}`).click();
  await page.getByLabel("Reason").fill("Incident drill: containment");
  await page.getByRole("button", { name: "Revoke session" }).click();
  await expect(page.getByText("Session revoked")).toBeVisible();
  await expect(page.getByTestId(`revoke-${sid}`)).toHaveCount(0);

  expect(await introspect(request, token)).toBe(false);
  const events = auditEvents("session.revoked", started).filter((e) => e.targetId === sid);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actorLabel: "oncall@acme.example", reason: "Incident drill: containment" });
});

test("an auditor sees live sessions but no revoke control", async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf("auditor") });
  const page = await context.newPage();
  await page.goto("/sessions");
  await expect(page.getByRole("heading", { level: 1, name: "Sessions" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Revoke session/ })).toHaveCount(0);
  await context.close();
});

// ───────────── Through the gateway: a real upstream started by the spec behind the seed's gateway-mode server.

test.describe("revocation at the gateway", () => {
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

  test("on-call revokes in the console: the very next gateway call and introspection fail", async ({
    page,
    request,
  }) => {
    const agent = createGatewayAgent(target, "E2E Revoke");
    const { token, sid } = await mint(request, target, agent);
    expect(await gatewayCall(request, target, token)).toBe(200);
    expect((await introspectAs(request, agent, token)).active).toBe(true);

    await page.goto(`/sessions?q=${encodeURIComponent(agent.name)}`);
    await page.getByTestId(`revoke-${sid}`).click();
    await page.getByLabel("Reason").fill("Incident drill: gateway containment");
    await page.getByRole("button", { name: "Revoke session" }).click();
    await expect(page.getByText("Session revoked")).toBeVisible();

    expect(await gatewayCall(request, target, token)).toBe(401);
    expect((await introspectAs(request, agent, token)).active).toBe(false);
  });

  test("bulk revoke of a selection", async ({ page, request }) => {
    const tag = `E2E Bulk ${Date.now()}`;
    const a = createGatewayAgent(target, tag);
    const b = createGatewayAgent(target, tag);
    const ta = await mint(request, target, a);
    const tb = await mint(request, target, b);
    expect(await gatewayCall(request, target, ta.token)).toBe(200);

    await page.goto(`/sessions?q=${encodeURIComponent(tag)}`);
    await page.getByTestId(`select-${ta.sid}`).check();
    await page.getByTestId(`select-${tb.sid}`).check();
    await page.getByTestId("bulk-revoke").click();
    await page.getByLabel("Reason").fill("Bulk containment drill");
    await page.getByRole("button", { name: "Revoke selected" }).click();
    await expect(page.getByText("2 sessions revoked")).toBeVisible();

    expect(await gatewayCall(request, target, ta.token)).toBe(401);
    expect(await gatewayCall(request, target, tb.token)).toBe(401);
  });

  test("suspend agent: the kill switch ends its sessions and the token endpoint refuses it", async ({
    page,
    request,
  }) => {
    const agent = createGatewayAgent(target, "E2E Kill");
    const { token } = await mint(request, target, agent);
    expect(await gatewayCall(request, target, token)).toBe(200);

    await page.goto(`/sessions?agentId=${encodeURIComponent(agent.id)}`);
    await page.getByTestId("kill-agent").click();
    await page.getByLabel("Reason").fill("Agent exfiltrating data");
    await page.getByRole("button", { name: "Suspend agent" }).click();
    await expect(page.getByText(`${agent.name} suspended; 1 session revoked`)).toBeVisible();

    expect(await gatewayCall(request, target, token)).toBe(401);
    expect(await tryMint(request, target, agent)).toEqual({ status: 401, error: "invalid_client" });
  });

  test("emergency revoke of everything on a server needs the server's name typed", async ({ page, request }) => {
    const agent = createGatewayAgent(target, "E2E Emergency");
    const { token } = await mint(request, target, agent);
    expect(await gatewayCall(request, target, token)).toBe(200);

    await page.goto(`/sessions?serverId=${encodeURIComponent(target.serverId)}`);
    await page.getByTestId("emergency-revoke").click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByLabel("Reason").fill("Server compromised");
    await dialog.getByLabel(/to confirm/).fill(target.serverName.toLowerCase() + "x");
    await expect(dialog.getByRole("button", { name: "Revoke everything" })).toBeDisabled();
    await dialog.getByLabel(/to confirm/).fill(target.serverName);
    await dialog.getByRole("button", { name: "Revoke everything" }).click();
    await expect(page.getByText(new RegExp(`session(s)? on ${target.serverName} revoked`))).toBeVisible();

    expect(await gatewayCall(request, target, token)).toBe(401);
    expect((await introspectAs(request, agent, token)).active).toBe(false);
  });
});
