import { createHash, randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { expect, type APIRequestContext } from "@playwright/test";
import { E2E_DB_PATH } from "./db";
import { callThroughGateway } from "./tool-grants";

/** A gateway-mode server of the seed with an entitlement whose tools are approved. */
export interface GatewayTarget {
  serverId: string;
  serverName: string;
  slug: string;
  resourceUri: string;
  entitlementId: string;
  scope: string;
  toolName: string;
}

function open(): Database.Database {
  const db = new Database(E2E_DB_PATH, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Picks the seed's gateway server and points it at `upstreamUrl` (a real MCP server the spec started). */
export function gatewayTarget(upstreamUrl: string): GatewayTarget {
  const db = open();
  try {
    const row = db
      .prepare(
        `SELECT s.id AS serverId, s.name AS serverName, s.slug, s.resourceUri, e.id AS entitlementId, t.scope, t.name AS toolName
           FROM McpServer s JOIN Entitlement e ON e.serverId = s.id JOIN EntitlementTool et ON et.entitlementId = e.id JOIN Tool t ON t.id = et.toolId
          WHERE s.enforcementMode = 'gateway' AND t.status = 'approved'
          ORDER BY s.name, e.name, t.name LIMIT 1`,
      )
      .get() as GatewayTarget;
    db.prepare("UPDATE McpServer SET upstreamUrl = ?, upstreamCredentialEnc = NULL WHERE id = ?").run(
      upstreamUrl,
      row.serverId,
    );
    return row;
  } finally {
    db.close();
  }
}

export interface TestAgent {
  id: string;
  clientId: string;
  name: string;
  secret: string;
}

/** An autonomous agent with a client secret, entitled to the target's entitlement (written straight to the store). */
export function createGatewayAgent(target: GatewayTarget, name: string): TestAgent {
  const db = open();
  try {
    const suffix = randomBytes(4).toString("hex");
    const agent = {
      id: `e2e-agent-${suffix}`,
      clientId: `agent-e2e-${suffix}`,
      name: `${name} ${suffix}`,
      secret: `secret-${randomBytes(12).toString("hex")}`,
    };
    const now = Date.now();
    db.prepare(
      `INSERT INTO Agent (id, clientId, name, purpose, kind, status, authMethod, clientSecretHash, allowedGrantTypes, maxTokenLifetimeSeconds, createdAt, updatedAt)
       VALUES (?, ?, ?, 'Calls tools through the gateway in an e2e spec', 'autonomous', 'active', 'client_secret_basic', ?, 'client_credentials', 300, ?, ?)`,
    ).run(agent.id, agent.clientId, agent.name, createHash("sha256").update(agent.secret).digest("hex"), now, now);
    db.prepare(
      `INSERT INTO Assignment (id, entitlementId, principalType, agentId, justification, createdAt) VALUES (?, ?, 'agent', ?, 'e2e revocation', ?)`,
    ).run(`e2e-asg-${suffix}`, target.entitlementId, agent.id, now);
    return agent;
  } finally {
    db.close();
  }
}

const basic = (a: TestAgent) => `Basic ${Buffer.from(`${a.clientId}:${a.secret}`).toString("base64")}`;

export async function mint(
  request: APIRequestContext,
  target: GatewayTarget,
  agent: TestAgent,
): Promise<{ token: string; sid: string }> {
  const res = await request.post("/oauth/token", {
    headers: { authorization: basic(agent), "content-type": "application/x-www-form-urlencoded" },
    data: `grant_type=client_credentials&resource=${encodeURIComponent(target.resourceUri)}&scope=${encodeURIComponent(target.scope)}`,
  });
  expect(res.status()).toBe(200);
  const { access_token: token } = (await res.json()) as { access_token: string };
  const { sid } = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string };
  return { token, sid };
}

/** The token endpoint's answer for this agent now (status and error code). */
export async function tryMint(
  request: APIRequestContext,
  target: GatewayTarget,
  agent: TestAgent,
): Promise<{ status: number; error?: string }> {
  const res = await request.post("/oauth/token", {
    headers: { authorization: basic(agent), "content-type": "application/x-www-form-urlencoded" },
    data: `grant_type=client_credentials&resource=${encodeURIComponent(target.resourceUri)}&scope=${encodeURIComponent(target.scope)}`,
  });
  return { status: res.status(), error: ((await res.json()) as { error?: string }).error };
}

/** One tools/call of the target's tool through Mandate's gateway; the HTTP status (callThroughGateway retries a stale 502). */
export function gatewayCall(request: APIRequestContext, target: GatewayTarget, token: string): Promise<number> {
  return callThroughGateway(request, target, token, target.toolName);
}

export async function introspect(
  request: APIRequestContext,
  agent: TestAgent,
  token: string,
): Promise<{ status: number; active?: boolean }> {
  const res = await request.post("/oauth/introspect", {
    headers: { authorization: basic(agent), "content-type": "application/x-www-form-urlencoded" },
    data: `token=${encodeURIComponent(token)}`,
  });
  return {
    status: res.status(),
    active: res.status() === 200 ? ((await res.json()) as { active: boolean }).active : undefined,
  };
}
