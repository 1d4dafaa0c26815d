import { createHash, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { decodeJwt } from "jose";
import { z } from "zod";
import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from "@/lib/oauth/defaults";
import { createOAuthContext } from "@/lib/oauth/create-context";
import type { OAuthContext } from "@/lib/oauth/context";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { createProtocolServer } from "@/server/protocol-server";
import { bindAgentToIdp, startEnterpriseIdp, type EnterpriseIdp } from "./enterprise-idp";
import { recordedDefinition, startMcpTestServer, type McpTestServer } from "./mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const UPSTREAM_SECRET = "chat-upstream-" + randomBytes(8).toString("hex");
export const AGENT_SECRET = "tool-grant-secret-" + randomBytes(8).toString("hex");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Chat's tools: three share the scope chat:read, one needs chat:write. */
export const CHAT_TOOLS = {
  list: "list_channels",
  search: "search_messages",
  history: "read_channel_history",
  post: "post_message",
} as const;

export const ADMIN: Principal = { kind: "system", label: "tool grant test", roles: ["admin"] };

export interface ToolGrantWorld {
  db: Db;
  ctx: OAuthContext;
  gateway: Gateway;
  issuer: string;
  resource: string;
  upstream: McpTestServer;
  idp: EnterpriseIdp;
  ids: {
    server: string;
    tools: Record<keyof typeof CHAT_TOOLS, string>;
    /** chat-list: list_channels; chat-read: the three chat:read tools; chat-post: post_message. */
    entitlements: { list: string; read: string; post: string };
  };
  close(): Promise<void>;
}

/**
 * A Slack-like gateway-mode server "Chat" (slug chat) in front of a real MCP
 * test server, whose three read tools share one scope — the case a scope-only
 * token gets wrong — behind Mandate's protocol server and gateway on a random
 * port, with a real OpenID provider as the enterprise IdP. The gateway's poll
 * is slow: a refusal seen right after a change came through the bus.
 */
export async function startToolGrantWorld(db: Db, opts: { revocationPollMs?: number } = {}): Promise<ToolGrantWorld> {
  const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
  const gateway = new Gateway(ctx, {
    revocationPollMs: opts.revocationPollMs ?? 60_000,
    revocationStaleAfterMs: 120_000,
    directoryTtlMs: 60_000,
  });
  const server: Server = createProtocolServer(ctx, { gateway });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(ctx, { issuer });
  const resource = `${issuer}/mcp/chat`;

  const input = { channel: z.string().optional(), query: z.string().optional() };
  const offered = Object.values(CHAT_TOOLS).map((name) => ({ name, input }));
  const upstream = await startMcpTestServer({ requireBearer: UPSTREAM_SECRET, tools: offered });
  const srv = await db.mcpServer.create({
    data: {
      name: "Chat",
      slug: "chat",
      resourceUri: resource,
      enforcementMode: "gateway",
      upstreamUrl: upstream.url,
      argumentLogging: "none",
      authorizationServerIssuer: issuer,
    },
  });
  await db.mcpServer.update({
    where: { id: srv.id },
    data: { upstreamCredentialEnc: sealUpstreamCredential(srv.id, UPSTREAM_SECRET) },
  });
  const tool = (name: string, scope: string) =>
    db.tool.create({
      data: {
        serverId: srv.id,
        name,
        scope,
        status: "approved",
        risk: "read",
        ...recordedDefinition(offered.find((t) => t.name === name)!, true),
      },
    });
  const tools = {
    list: (await tool(CHAT_TOOLS.list, "chat:read")).id,
    search: (await tool(CHAT_TOOLS.search, "chat:read")).id,
    history: (await tool(CHAT_TOOLS.history, "chat:read")).id,
    post: (await tool(CHAT_TOOLS.post, "chat:write")).id,
  };
  const ent = async (name: string, toolIds: string[]) =>
    (
      await db.entitlement.create({
        data: { name, serverId: srv.id, tools: { create: toolIds.map((toolId) => ({ toolId })) } },
      })
    ).id;
  const entitlements = {
    list: await ent("chat-list", [tools.list]),
    read: await ent("chat-read", [tools.list, tools.search, tools.history]),
    post: await ent("chat-post", [tools.post]),
  };
  const idp = await startEnterpriseIdp();
  await db.trustedIdp.create({ data: { name: "Acme IdP", issuer: idp.issuer, jwksUri: idp.jwksUri } });
  await gateway.start();
  return {
    db,
    ctx,
    gateway,
    issuer,
    resource,
    upstream,
    idp,
    ids: { server: srv.id, tools, entitlements },
    close: async () => {
      await gateway.stop();
      await new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
      await upstream.close();
      await idp.close();
    },
  };
}

let serial = 0;

/** An agent with a client secret, entitled (as itself) to `entitlementIds`. */
export async function createAgent(
  world: ToolGrantWorld,
  entitlementIds: string[],
  kind: "autonomous" | "delegated" = "autonomous",
): Promise<{ id: string; clientId: string; assignmentIds: string[] }> {
  const clientId = `tool-agent-${++serial}-${randomBytes(3).toString("hex")}`;
  const grants = kind === "autonomous" ? "client_credentials" : `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`;
  const agent = await world.db.agent.create({
    data: {
      clientId,
      name: clientId,
      purpose: "Tool grant tests",
      kind,
      authMethod: "client_secret_basic",
      clientSecretHash: sha256(AGENT_SECRET),
      allowedGrantTypes: grants,
    },
  });
  // A delegated agent's client at the enterprise IdP has the same id: its ID tokens are addressed to it.
  if (kind === "delegated") await bindAgentToIdp(world.db, world.idp.issuer, agent.id);
  const assignmentIds: string[] = [];
  for (const entitlementId of entitlementIds) {
    assignmentIds.push(
      (
        await world.db.assignment.create({
          data: { entitlementId, principalType: "agent", agentId: agent.id, justification: "test grant" },
        })
      ).id,
    );
  }
  return { id: agent.id, clientId, assignmentIds };
}

const basic = (clientId: string) => `Basic ${Buffer.from(`${clientId}:${AGENT_SECRET}`).toString("base64")}`;

export interface Minted {
  status: number;
  body: Record<string, unknown>;
  token: string;
  sid: string;
  jti: string;
  claims: Record<string, unknown>;
}

/** A POST to the token endpoint as this client (client_secret_basic), over HTTP. */
export async function tokenRequest(
  world: ToolGrantWorld,
  clientId: string,
  params: Record<string, string>,
): Promise<Minted> {
  const r = await fetch(`${world.issuer}/oauth/token`, {
    method: "POST",
    headers: { authorization: basic(clientId), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  const body = (await r.json()) as Record<string, unknown>;
  const token = typeof body.access_token === "string" ? body.access_token : "";
  const claims = token ? (decodeJwt(token) as Record<string, unknown>) : {};
  return { status: r.status, body, token, sid: String(claims.sid ?? ""), jti: String(claims.jti ?? ""), claims };
}

/** client_credentials for Chat (all the agent may have there unless `scope` narrows it). */
export function mintAutonomous(world: ToolGrantWorld, clientId: string, scope?: string): Promise<Minted> {
  return tokenRequest(world, clientId, {
    grant_type: "client_credentials",
    resource: world.resource,
    ...(scope ? { scope } : {}),
  });
}

/** Token exchange of the person's real IdP ID token for an ID-JAG for Chat. */
export async function exchangeForJag(
  world: ToolGrantWorld,
  clientId: string,
  idpSubject: string,
  scope?: string,
): Promise<Minted> {
  return tokenRequest(world, clientId, {
    grant_type: GRANT_TOKEN_EXCHANGE,
    requested_token_type: TOKEN_TYPE_ID_JAG,
    subject_token: await world.idp.idToken(idpSubject, { clientId }),
    subject_token_type: TOKEN_TYPE_ID_TOKEN,
    audience: world.issuer,
    resource: world.resource,
    ...(scope ? { scope } : {}),
  });
}

/** jwt-bearer: an ID-JAG redeemed for an access token acting for its person. */
export function redeemJag(world: ToolGrantWorld, clientId: string, jag: string): Promise<Minted> {
  return tokenRequest(world, clientId, { grant_type: GRANT_JWT_BEARER, assertion: jag });
}

/** Both steps of the delegated flow: their answers. */
export async function mintDelegated(
  world: ToolGrantWorld,
  clientId: string,
  idpSubject: string,
  scope?: string,
): Promise<{ jag: Minted; access: Minted }> {
  const jag = await exchangeForJag(world, clientId, idpSubject, scope);
  const access = jag.token ? await redeemJag(world, clientId, jag.token) : jag;
  return { jag, access };
}

let rpcId = 1;

/** One tools/call through the gateway with raw HTTP: its status and WWW-Authenticate. */
export async function callTool(
  world: ToolGrantWorld,
  token: string,
  name: string,
): Promise<{ status: number; challenge: string | null }> {
  const r = await fetch(`${world.issuer}/mcp/chat`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: rpcId++, method: "tools/call", params: { name, arguments: {} } }),
  });
  await r.arrayBuffer();
  return { status: r.status, challenge: r.headers.get("www-authenticate") };
}

/** The MCP SDK's own client on the gateway, presenting `token`. */
export async function sdkClient(world: ToolGrantWorld, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(world.resource), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "tool-grant-test-agent", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** How many tools/call of `tool` the upstream received. */
export const upstreamCalls = (world: ToolGrantWorld, tool: string) =>
  world.upstream.calls.filter((c) => c === tool).length;

/** RFC 7662 introspection as the client that holds the token. */
export async function introspect(
  world: ToolGrantWorld,
  clientId: string,
  token: string,
): Promise<Record<string, unknown>> {
  const r = await fetch(`${world.issuer}/oauth/introspect`, {
    method: "POST",
    headers: { authorization: basic(clientId), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  return (await r.json()) as Record<string, unknown>;
}

/** RFC 7009 revocation as the client that holds the token. */
export async function revokeToken(
  world: ToolGrantWorld,
  clientId: string,
  token: string,
): Promise<{ status: number; body: string }> {
  const r = await fetch(`${world.issuer}/oauth/revoke`, {
    method: "POST",
    headers: { authorization: basic(clientId), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  return { status: r.status, body: await r.text() };
}
