import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PrivateKeyJwtProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { Gateway } from "@/lib/gateway/gateway";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { registerServer } from "@/lib/servers/register-server";
import { updateServer } from "@/lib/servers/update-server";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { recordedDefinition, startMcpTestServer, type McpTestServer, type TestTool } from "../support/mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const SYSTEM: Principal = { kind: "system", label: "resource-uri test", roles: ["admin"] };
const README_EXAMPLE = "https://mcp.acme.example/wiki";

/**
 * RFC 9728 §3.3: a client must refuse protected-resource metadata whose
 * `resource` is not the URL it called, and the MCP SDK does. A gateway
 * server's resource URI is therefore derived (`<issuer>/mcp/<slug>`), and
 * anything else is refused on save. Proven here with the SDK's own OAuth
 * provider against the real protocol server, on both stores.
 */
describe.each(PROVIDERS)("gateway resource URIs on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let upstream: McpTestServer;
  let agent: { clientId: string; jwk: JWK };
  const tools: TestTool[] = [{ name: "read_page", input: { id: z.string().optional() } }];

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, { revocationPollMs: 50, directoryTtlMs: 0 });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });
    upstream = await startMcpTestServer({ tools });

    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    agent = { clientId: "agent-resource", jwk: await exportJWK(privateKey) };
    await db.agent.create({
      data: {
        clientId: agent.clientId,
        name: "Resource agent",
        kind: "autonomous",
        authMethod: "private_key_jwt",
        jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: "ES256", use: "sig" }] },
        allowedGrantTypes: "client_credentials",
      },
    });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await upstream?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  /** One approved tool on the server, granted to the agent. */
  async function grant(serverId: string, slug: string): Promise<void> {
    const tool = await db.tool.create({
      data: {
        serverId,
        name: "read_page",
        scope: `${slug}.read`,
        status: "approved",
        risk: "read",
        ...recordedDefinition(tools[0]!, true),
      },
    });
    const entitlement = await db.entitlement.create({
      data: { name: `${slug}-read`, serverId, tools: { create: [{ toolId: tool.id }] } },
    });
    const agentRow = await db.agent.findUniqueOrThrow({ where: { clientId: agent.clientId } });
    await db.assignment.create({
      data: { entitlementId: entitlement.id, principalType: "agent", agentId: agentRow.id, justification: "test" },
    });
  }

  /** The MCP SDK client, knowing only the gateway URL: it discovers everything else through the RFC 9728 metadata. */
  async function sdkCall(slug: string): Promise<unknown> {
    const authProvider = new PrivateKeyJwtProvider({
      clientId: agent.clientId,
      privateKey: agent.jwk,
      algorithm: "ES256",
      scope: `${slug}.read`,
      expectedIssuer: issuer,
    });
    const transport = new StreamableHTTPClientTransport(new URL(`${issuer}/mcp/${slug}`), { authProvider });
    const client = new Client({ name: "resource-uri-test", version: "1.0.0" });
    try {
      await client.connect(transport);
      return await client.callTool({ name: "read_page", arguments: { id: "home" } });
    } finally {
      await client.close();
    }
  }

  it("derives a gateway server's resource URI from the issuer, and the SDK client accepts its metadata and calls through", async () => {
    const { id, slug } = await registerServer(
      db,
      SYSTEM,
      { name: "Wiki", enforcementMode: "gateway", upstreamUrl: upstream.url },
      issuer,
    );
    expect(slug).toBe("wiki");
    const row = await db.mcpServer.findUniqueOrThrow({ where: { id } });
    expect(row.resourceUri).toBe(`${issuer}/mcp/wiki`);
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-protected-resource/mcp/wiki`)).json()) as {
      resource: string;
    };
    expect(metadata.resource).toBe(`${issuer}/mcp/wiki`);
    await grant(id, slug);
    expect(await sdkCall("wiki")).toMatchObject({ content: [{ type: "text", text: "read_page called" }] });
  });

  it("refuses any other resource URI for a gateway server on save, naming the gateway URL, and writes nothing", async () => {
    const before = await db.mcpServer.count();
    const refused = await registerServer(
      db,
      SYSTEM,
      { name: "Docs", resourceUri: README_EXAMPLE, enforcementMode: "gateway", upstreamUrl: upstream.url },
      issuer,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "invalid", field: "resourceUri" });
    expect((refused as DomainError).message).toContain(`${issuer}/mcp/docs`);
    expect(await db.mcpServer.count()).toBe(before);
    // The gateway URL itself (even with a trailing slash) is accepted and stored exactly.
    const { id } = await registerServer(
      db,
      SYSTEM,
      { name: "Docs", resourceUri: `${issuer}/mcp/docs/`, enforcementMode: "gateway", upstreamUrl: upstream.url },
      issuer,
    );
    expect((await db.mcpServer.findUniqueOrThrow({ where: { id } })).resourceUri).toBe(`${issuer}/mcp/docs`);
  });

  it("shows why: the SDK client refuses a server stored with another resource URI, until saving it derives the gateway URL", async () => {
    // A row written before resource URIs were derived (as the README's old example did).
    const legacy = await db.mcpServer.create({
      data: {
        name: "Legacy wiki",
        slug: "legacy-wiki",
        resourceUri: README_EXAMPLE,
        enforcementMode: "gateway",
        upstreamUrl: upstream.url,
      },
    });
    await grant(legacy.id, legacy.slug);
    await expect(sdkCall("legacy-wiki")).rejects.toThrow(/Protected resource .* does not match/);
    expect(upstream.messages.filter((m) => (m as { method?: string }).method === "tools/call")).toHaveLength(1);

    await updateServer(
      db,
      SYSTEM,
      { id: legacy.id, name: "Legacy wiki", enforcementMode: "gateway", upstreamUrl: upstream.url },
      issuer,
    );
    expect((await db.mcpServer.findUniqueOrThrow({ where: { id: legacy.id } })).resourceUri).toBe(
      `${issuer}/mcp/legacy-wiki`,
    );
    expect(await sdkCall("legacy-wiki")).toMatchObject({ content: [{ type: "text", text: "read_page called" }] });
  });
});
