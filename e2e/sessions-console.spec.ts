import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { startMcpTestServer, type McpTestServer } from "../tests/support/mcp-test-server";
import { createGatewayAgent, gatewayCall, gatewayTarget, mint, type GatewayTarget } from "./support/gateway-agent";
import { pickOne } from "./support/combobox";

// Signed in as the demo admin (the default project state): admin manages receivers and may revoke.

// A loaded shared machine: page loads and hydration can take seconds.
test.slow();

/** Clicks a dialog trigger until its dialog is open (a click before hydration does nothing). */
async function openDialog(page: import("@playwright/test").Page, testId: string): Promise<void> {
  await expect(async () => {
    await page.getByTestId(testId).click();
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

test("a session's page shows its tokens, its tool calls, its blast radius and who authorized it", async ({
  page,
  request,
}) => {
  const agent = createGatewayAgent(target, "E2E Detail");
  const { token, sid } = await mint(request, target, agent);
  expect(await gatewayCall(request, target, token)).toBe(200);

  await page.goto(`/sessions?q=${encodeURIComponent(agent.name)}`);
  await page.getByTestId(`session-link-${sid}`).click();
  await expect(page.getByRole("heading", { level: 1, name: `${agent.name} → ${target.serverName}` })).toBeVisible();
  await expect(page.getByTestId("session-authorizations")).toContainText("token.minted");
  await expect(page.getByRole("table", { name: "Blast radius" })).toContainText(target.toolName);
  await expect(page.getByRole("table", { name: "Tokens" }).getByRole("row")).toHaveCount(2);
  // The gateway writes tool-call events off the request path: the page shows it once written.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("table", { name: "Tool calls" })).toContainText(target.toolName, { timeout: 3000 });
  }).toPass();
});

test("filters narrow the list to one agent, whose session is revoked from there", async ({ page, request }) => {
  const agent = createGatewayAgent(target, "E2E Filter");
  const { sid } = await mint(request, target, agent);
  await page.goto("/sessions");
  await pickOne(page, page.getByRole("combobox", { name: "Agent", exact: true }), agent.name);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/agentId=/);
  await expect(page.getByTestId("data-table-row")).toHaveCount(1);
  await expect(page.getByTestId(`session-link-${sid}`)).toBeVisible();

  await openDialog(page, `revoke-${sid}`);
  await page.getByLabel("Reason").fill("Filter drill");
  await page.getByRole("button", { name: "Revoke session" }).click();
  await expect(page.getByText("Session revoked")).toBeVisible();
  await expect(page.getByTestId(`session-link-${sid}`)).toHaveCount(0);
});

test("Settings → Event receivers: a revocation reaches the receiver as a signed CAEP SET, and the delivery shows as delivered", async ({
  page,
  request,
  baseURL,
}) => {
  const received: JWTPayload[] = [];
  const jwks = createRemoteJWKSet(new URL(`${baseURL}/oauth/jwks`));
  const receiver: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (
        req.headers.authorization !== "Bearer e2e-receiver" ||
        req.headers["content-type"] !== "application/secevent+jwt"
      ) {
        res.writeHead(401).end();
        return;
      }
      jwtVerify(body, jwks, { typ: "secevent+jwt" })
        .then((v) => {
          received.push(v.payload);
          res.writeHead(202).end();
        })
        .catch(() =>
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ err: "invalid_key" })),
        );
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/caep`;
  try {
    await page.goto("/settings/event-receivers");
    await page.getByLabel("Name").fill("E2E native server");
    await page.getByLabel("Push URL").fill(url);
    await page.getByLabel(/Authorization header/).fill("Bearer e2e-receiver");
    await page.getByRole("button", { name: "Add receiver" }).click();
    await expect(page.getByTestId("receiver-E2E native server")).toBeVisible();

    const agent = createGatewayAgent(target, "E2E CAEP");
    const { sid } = await mint(request, target, agent);
    await page.goto(`/sessions?q=${encodeURIComponent(agent.name)}`);
    await openDialog(page, `revoke-${sid}`);
    await page.getByLabel("Reason").fill("CAEP drill");
    await page.getByRole("button", { name: "Revoke session" }).click();
    await expect(page.getByText("Session revoked")).toBeVisible();

    // Every revocation reaches every receiver — the lifecycle sweeper's idle-timeout ends of other e2e sessions
    // too — so look at the SETs about this session. At-least-once: a push whose answer came too late is retried
    // with the same jti (receivers dedupe by jti).
    const ours = () =>
      received.filter((r) => (r.sub_id as { session?: { id?: string } } | undefined)?.session?.id === sid);
    await expect.poll(() => ours().length).toBeGreaterThanOrEqual(1);
    expect(new Set(ours().map((r) => r.jti)).size).toBe(1);
    expect(ours()[0]).toMatchObject({
      sub_id: { format: "complex", session: { format: "opaque", id: sid } },
      events: {
        "https://schemas.openid.net/secevent/caep/event-type/session-revoked": { reason_admin: { en: "CAEP drill" } },
      },
    });

    const row = page.getByTestId("receiver-E2E native server");
    // The worker records the delivery right after the receiver's 202.
    await expect(async () => {
      await page.goto("/settings/event-receivers");
      // At least ours (sessions ended by the sweeper meanwhile are delivered too).
      // Cells: name, push URL, the server it is the CAEP endpoint of, delivered.
      expect(Number(await row.getByRole("cell").nth(3).textContent({ timeout: 3000 }))).toBeGreaterThanOrEqual(1);
    }).toPass();
    await row.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Remove" }).click();
    await expect(page.getByTestId("receiver-E2E native server")).toHaveCount(0);
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});

test("the SSF transmitter configuration is published", async ({ request }) => {
  const res = await request.get("/.well-known/ssf-configuration");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({
    spec_version: "1_0",
    jwks_uri: expect.stringMatching(/\/oauth\/jwks$/),
    delivery_methods_supported: ["urn:ietf:rfc:8935"],
  });
});
