import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startClientMetadataHost, type ClientMetadataHost } from "../tests/support/client-metadata-host";
import { startMcpTestServer, type McpTestServer } from "../tests/support/mcp-test-server";
import { DEMO_PASSWORD } from "./support/accounts";
import { auditEvents } from "./support/db";
import {
  agentByClientId,
  assign,
  createInteractiveTarget,
  createPersonWithoutRole,
  InMemoryProvider,
  startCallbackServer,
  type InteractiveTarget,
} from "./support/interactive";

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
const GRANTS = ["authorization_code", "refresh_token"];

/**
 * An interactive MCP client — the MCP SDK's own OAuth client (`auth()` with
 * an OAuthClientProvider), unmodified — reaching a server behind Mandate's
 * gateway: discovery from the server's protected-resource metadata, the
 * client identified by its metadata document (or registered dynamically),
 * the person signing in through the console in Chromium and seeing the one
 * consent-by-policy screen, then tools/call through the gateway.
 */
test.describe.configure({ mode: "serial" });

test.describe("interactive MCP clients", () => {
  let upstream: McpTestServer;
  let host: ClientMetadataHost;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let target: InteractiveTarget;
  let person: { id: string; email: string };
  let personContext: BrowserContext;
  let personPage: Page;
  let clientId: string;

  test.beforeAll(async ({ browser }) => {
    const tools = [
      { name: "read_doc", input: {} },
      { name: "write_doc", input: {} },
    ];
    upstream = await startMcpTestServer({ tools });
    target = createInteractiveTarget(BASE, upstream.url, tools);
    person = createPersonWithoutRole("ide-user");
    assign(target.entitlementId, { userId: person.id });
    host = await startClientMetadataHost();
    callback = await startCallbackServer();
    clientId = `${host.origin}/e2e/client.json`;
    host.serve("/e2e/client.json", {
      body: JSON.stringify({
        client_id: clientId,
        client_name: "Acme IDE",
        client_uri: "https://ide.acme.example",
        redirect_uris: [callback.url],
        grant_types: GRANTS,
        token_endpoint_auth_method: "none",
      }),
    });
    personContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    personPage = await personContext.newPage();
  });

  test.afterAll(async () => {
    await personContext?.close();
    await upstream?.close();
    await host?.close();
    await callback?.close();
  });

  /** The person completes what the SDK asked to open; returns the code the browser brought back. */
  async function signInAndContinue(url: URL, expectSignIn: boolean): Promise<string> {
    const before = callback.received.length;
    await personPage.goto(url.toString());
    if (expectSignIn) {
      await expect(personPage).toHaveURL(/\/signin\?callbackUrl=%2Fauthorize%2F/);
      await expect(personPage.getByRole("heading", { name: "Sign in to continue" })).toBeVisible();
      await personPage.getByLabel("Email").fill(person.email);
      await personPage.getByLabel("Password").fill(DEMO_PASSWORD);
      await personPage.getByTestId("password-sign-in").click();
    }
    await expect(personPage.getByTestId("consent-person")).toContainText(person.email);
    await expect(personPage.getByTestId("consent-tools")).toContainText("read_doc");
    await expect(personPage.getByTestId("consent-tools")).toContainText("write_doc");
    await personPage.getByTestId("consent-continue").click();
    await expect(personPage.getByTestId("client-callback")).toBeVisible();
    expect(callback.received.length).toBe(before + 1);
    const back = callback.received.at(-1)!;
    expect(back.get("iss")).toBe(BASE);
    return back.get("code")!;
  }

  test("a client identified by its metadata document waits for approval, then signs a person in and calls a tool through the gateway", async ({
    page,
  }) => {
    const started = Date.now();
    const provider = new InMemoryProvider(
      callback.url,
      {
        client_name: "Acme IDE",
        redirect_uris: [callback.url],
        grant_types: GRANTS,
        token_endpoint_auth_method: "none",
      },
      clientId,
    );
    expect(await auth(provider, { serverUrl: target.url })).toBe("REDIRECT");
    expect(provider.opened!.searchParams.get("resource")).toBe(target.url);
    expect(provider.opened!.searchParams.get("code_challenge_method")).toBe("S256");

    // Unknown until now: registered from its document, pending approval; the person is told, and nothing redirects.
    await personPage.goto(provider.opened!.toString());
    await expect(personPage.getByTestId("authorization-error")).toContainText("not approved yet");
    await expect(personPage.getByTestId("oauth-error")).toHaveText("unauthorized_client");
    const agent = agentByClientId(clientId)!;
    expect(agent).toMatchObject({ kind: "interactive", status: "pending" });

    // An admin approves it on the Agents page, seeing its localhost redirect warning.
    await page.goto("/agents");
    const row = page.getByTestId(`interactive-client-${agent.id}`);
    await expect(row).toContainText("pending approval");
    await row.getByRole("link", { name: agent.name }).click();
    await expect(page.getByTestId("client-localhost-warning")).toBeVisible();
    await expect(page.getByTestId("client-redirect-uris")).toContainText(callback.url);
    await page.getByTestId("approve-client").click();
    await page.getByRole("button", { name: "Approve" }).last().click();
    await expect(page.getByText("Client approved")).toBeVisible();
    await expect(page.getByTestId("agent-status")).toContainText("active");
    assign(target.entitlementId, { agentId: agent.id });

    // The SDK starts again; the person signs in (no console role needed) and continues on the one consent screen.
    expect(await auth(provider, { serverUrl: target.url })).toBe("REDIRECT");
    const code = await signInAndContinue(provider.opened!, true);
    await expect(personPage.getByTestId("client-callback")).toBeVisible();
    expect(await auth(provider, { serverUrl: target.url, authorizationCode: code })).toBe("AUTHORIZED");
    const first = provider.tokens()!;
    expect(first.refresh_token).toMatch(/^mrt_/);
    expect(first.scope?.split(" ").sort()).toEqual([`${target.slug}:read_doc`, `${target.slug}:write_doc`]);

    const client = new Client({ name: "e2e-ide", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(target.url), { authProvider: provider }));
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(["read_doc", "write_doc"]);
    const result = await client.callTool({ name: "read_doc", arguments: {} });
    expect(JSON.stringify(result.content)).toContain("read_doc called");
    expect(upstream.calls).toContain("read_doc");
    await client.close();

    // Refresh: the SDK uses the refresh token; it is rotated.
    expect(await auth(provider, { serverUrl: target.url })).toBe("AUTHORIZED");
    expect(provider.tokens()!.refresh_token).not.toBe(first.refresh_token);

    // Sessions show the client and the person.
    await page.goto(`/sessions?q=${encodeURIComponent(agent.name)}`);
    const session = page.getByRole("row").filter({ hasText: agent.name }).first();
    await expect(session).toContainText("interactive client");
    await expect(session).toContainText("E2E ide-user");

    for (const action of [
      "authorization.requested",
      "authorization.signed_in",
      "authorization.code_issued",
      "agent.approved",
      "authorization.refused",
    ]) {
      expect(auditEvents(action, started).length, action).toBeGreaterThan(0);
    }
    const mints = auditEvents("token.minted", started)
      .filter((e) => e.actorId === agent.id)
      .map((e) => e.reason);
    expect(mints).toEqual(["Authorization code redeemed", "Refresh token redeemed and rotated"]);

    // The sign-in opened nothing in the console for a person without a role.
    await personPage.goto("/");
    await expect(personPage).toHaveURL(/\/signin/);
  });

  test("a person without access through the client gets a clear page, and the refusal is audited", async ({
    browser,
  }) => {
    const started = Date.now();
    const outsider = createPersonWithoutRole("no-access");
    const provider = new InMemoryProvider(
      callback.url,
      {
        client_name: "Acme IDE",
        redirect_uris: [callback.url],
        grant_types: GRANTS,
        token_endpoint_auth_method: "none",
      },
      clientId,
    );
    expect(await auth(provider, { serverUrl: target.url })).toBe("REDIRECT");
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const p = await context.newPage();
    await p.goto(provider.opened!.toString());
    await p.getByLabel("Email").fill(outsider.email);
    await p.getByLabel("Password").fill(DEMO_PASSWORD);
    await p.getByTestId("password-sign-in").click();
    await expect(p.getByTestId("authorize-no-access")).toBeVisible();
    await p.getByTestId("authorize-return").click();
    await expect(p.getByTestId("client-callback")).toBeVisible();
    expect(callback.received.at(-1)!.get("error")).toBe("access_denied");
    expect(auditEvents("authorization.refused", started).some((e) => e.actorId === outsider.id)).toBe(true);
    await context.close();
  });

  test("with dynamic registration switched on, the SDK registers a client and the person authorizes it", async ({
    page,
  }) => {
    await page.goto("/settings");
    await page.getByTestId("dcr-toggle").check();
    await page.getByTestId("auto-approve").fill("name:E2E DCR client");
    await page.getByTestId("interactive-clients-save").click();
    await expect(page.getByText("Interactive client settings saved")).toBeVisible();
    try {
      const provider = new InMemoryProvider(callback.url, {
        client_name: "E2E DCR client",
        redirect_uris: [callback.url],
        grant_types: GRANTS,
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      });
      expect(await auth(provider, { serverUrl: target.url })).toBe("REDIRECT");
      const registered = agentByClientId(provider.clientInformation()!.client_id)!;
      // Named in the auto-approval list: approved at once; it still reaches only what it is granted.
      expect(registered).toMatchObject({ kind: "interactive", status: "active" });
      assign(target.entitlementId, { agentId: registered.id });
      const code = await signInAndContinue(provider.opened!, false);
      expect(await auth(provider, { serverUrl: target.url, authorizationCode: code })).toBe("AUTHORIZED");
      const client = new Client({ name: "e2e-dcr", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(target.url), { authProvider: provider }));
      expect(JSON.stringify((await client.callTool({ name: "write_doc", arguments: {} })).content)).toContain(
        "write_doc called",
      );
      await client.close();
    } finally {
      await page.goto("/settings");
      await page.getByTestId("dcr-toggle").uncheck();
      await page.getByTestId("auto-approve").fill("");
      await page.getByTestId("interactive-clients-save").click();
      await expect(page.getByText("Interactive client settings saved")).toBeVisible();
    }
  });
});
