import { createHash, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Principal } from "@/lib/auth/principal";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { startMcpTestServer, type McpTestServer } from "./mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

export const AGENT_SECRET = "revocation-secret-" + randomBytes(8).toString("hex");
const UPSTREAM_SECRET = "upstream-" + randomBytes(8).toString("hex");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export interface RevocationWorld {
  upstream: McpTestServer;
  ids: { agent: string; agent2: string; server: string; alice: string; bob: string; oncall: string };
  oncall: Principal;
  close(): Promise<void>;
}

/**
 * A small enterprise for revocation tests: one gateway-mode server "Docs"
 * (slug docs, resource `<issuer>/mcp/docs`) in front of a real MCP test
 * server, two autonomous agents with client secrets entitled to read it,
 * two people and an on-call person.
 */
export async function seedRevocationWorld(db: Db, issuer: string): Promise<RevocationWorld> {
  const upstream = await startMcpTestServer({
    requireBearer: UPSTREAM_SECRET,
    tools: [{ name: "read_doc", input: { id: z.string().optional() } }],
  });
  const server = await db.mcpServer.create({
    data: {
      name: "Docs",
      slug: "docs",
      resourceUri: `${issuer}/mcp/docs`,
      enforcementMode: "gateway",
      upstreamUrl: upstream.url,
      authorizationServerIssuer: issuer,
    },
  });
  await db.mcpServer.update({
    where: { id: server.id },
    data: { upstreamCredentialEnc: sealUpstreamCredential(server.id, UPSTREAM_SECRET) },
  });
  const tool = await db.tool.create({
    data: { serverId: server.id, name: "read_doc", scope: "docs.read", status: "approved", risk: "read" },
  });
  const ent = await db.entitlement.create({
    data: { name: "docs-read", serverId: server.id, tools: { create: [{ toolId: tool.id }] } },
  });
  const agentRow = (clientId: string) =>
    db.agent.create({
      data: {
        clientId,
        name: clientId,
        kind: "autonomous",
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(AGENT_SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });
  const agent = await agentRow("agent-one");
  const agent2 = await agentRow("agent-two");
  for (const a of [agent, agent2])
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "agent", agentId: a.id, justification: "test" },
    });
  const alice = await db.user.create({ data: { email: "alice@acme.example", displayName: "Alice" } });
  const bob = await db.user.create({ data: { email: "bob@acme.example", displayName: "Bob" } });
  const oc = await db.user.create({ data: { email: "oncall@acme.example", displayName: "On Call" } });
  const oncall: Principal = {
    kind: "user",
    userId: oc.id,
    email: oc.email,
    displayName: "On Call",
    roles: ["oncall"],
    consoleSessionId: "cs",
  };
  return {
    upstream,
    ids: { agent: agent.id, agent2: agent2.id, server: server.id, alice: alice.id, bob: bob.id, oncall: oc.id },
    oncall,
    close: () => upstream.close(),
  };
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** client_credentials with client_secret_basic, straight over HTTP. */
export async function mintToken(
  issuer: string,
  clientId: string,
  secret = AGENT_SECRET,
  resourceBase = issuer,
): Promise<{ status: number; token: string; sid: string; jti: string; error?: string }> {
  const r = await fetch(`${issuer}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      resource: `${resourceBase}/mcp/docs`,
      scope: "docs.read",
    }),
  });
  const body = (await r.json()) as { access_token?: string; error?: string };
  if (!body.access_token) return { status: r.status, token: "", sid: "", jti: "", error: body.error };
  const { sid, jti } = JSON.parse(Buffer.from(body.access_token.split(".")[1] ?? "", "base64url").toString()) as {
    sid: string;
    jti: string;
  };
  return { status: r.status, token: body.access_token, sid, jti };
}

let rpcId = 1;
/** One tools/call through the gateway; the HTTP status. */
export async function callTool(issuer: string, token: string): Promise<number> {
  const r = await fetch(`${issuer}/mcp/docs`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: rpcId++,
      method: "tools/call",
      params: { name: "read_doc", arguments: {} },
    }),
  });
  await r.arrayBuffer();
  return r.status;
}

/** RFC 7662 introspection, authenticated as the agent that holds the token. */
export async function introspect(issuer: string, clientId: string, token: string): Promise<boolean> {
  const r = await fetch(`${issuer}/oauth/introspect`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${AGENT_SECRET}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token }),
  });
  return ((await r.json()) as { active: boolean }).active;
}

/** A live session written straight to the store (for people's sessions, which need an IdP to mint). */
export async function insertSession(
  db: Db,
  data: { agentId: string; serverId: string; userId?: string | null; expiresAt?: Date },
): Promise<string> {
  const id = timeOrderedId();
  await db.agentSession.create({
    data: {
      id,
      agentId: data.agentId,
      serverId: data.serverId,
      userId: data.userId ?? null,
      scopes: "docs.read",
      grantType: "client_credentials",
      expiresAt: data.expiresAt ?? new Date(Date.now() + 3_600_000),
      tokens: {
        create: [
          {
            id: timeOrderedId(),
            jti: `jti-${id}`,
            kind: "access_token",
            clientId: "x",
            audience: "x",
            scopes: "docs.read",
            expiresAt: new Date(Date.now() + 300_000),
          },
        ],
      },
    },
  });
  return id;
}
