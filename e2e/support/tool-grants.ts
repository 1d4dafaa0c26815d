import { createHash, randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { expect, type APIRequestContext } from "@playwright/test";
import { E2E_DB_PATH } from "./db";

function open(): Database.Database {
  const db = new Database(E2E_DB_PATH, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

/** A gateway-mode server of the seed and one of its entitlements, with the entitlement's approved tools. */
export interface GrantTarget {
  serverId: string;
  slug: string;
  resourceUri: string;
  entitlementId: string;
  entitlementName: string;
  tools: { id: string; name: string; scope: string }[];
}

/**
 * The seed's entitlement `entitlementName` on a gateway-mode server, its server pointed at `upstreamUrl` (a real MCP
 * server the spec started) without an upstream credential.
 */
export function grantTarget(entitlementName: string, upstreamUrl: string): GrantTarget {
  const db = open();
  try {
    const rows = db
      .prepare(
        `SELECT s.id AS serverId, s.slug, s.resourceUri, e.id AS entitlementId, t.id AS toolId, t.name AS toolName, t.scope
           FROM Entitlement e JOIN McpServer s ON s.id = e.serverId JOIN EntitlementTool et ON et.entitlementId = e.id JOIN Tool t ON t.id = et.toolId
          WHERE e.name = ? AND s.enforcementMode = 'gateway' AND t.status = 'approved' ORDER BY t.name`,
      )
      .all(entitlementName) as {
      serverId: string;
      slug: string;
      resourceUri: string;
      entitlementId: string;
      toolId: string;
      toolName: string;
      scope: string;
    }[];
    const first = rows[0];
    if (!first) throw new Error(`no gateway entitlement named ${entitlementName} with approved tools`);
    db.prepare("UPDATE McpServer SET upstreamUrl = ?, upstreamCredentialEnc = NULL WHERE id = ?").run(
      upstreamUrl,
      first.serverId,
    );
    return {
      serverId: first.serverId,
      slug: first.slug,
      resourceUri: first.resourceUri,
      entitlementId: first.entitlementId,
      entitlementName,
      tools: rows.map((r) => ({ id: r.toolId, name: r.toolName, scope: r.scope })),
    };
  } finally {
    db.close();
  }
}

export interface GrantedAgent {
  id: string;
  clientId: string;
  name: string;
  secret: string;
}

/** An autonomous agent with a client secret and one grant of the target's entitlement (written straight to the store). */
export function agentHolding(target: GrantTarget, name: string): GrantedAgent {
  const db = open();
  try {
    const suffix = randomBytes(4).toString("hex");
    const agent = {
      id: `e2e-tools-${suffix}`,
      clientId: `agent-tools-${suffix}`,
      name: `${name} ${suffix}`,
      secret: `secret-${randomBytes(12).toString("hex")}`,
    };
    const now = Date.now();
    db.prepare(
      `INSERT INTO Agent (id, clientId, name, purpose, kind, status, authMethod, clientSecretHash, allowedGrantTypes, maxTokenLifetimeSeconds, createdAt, updatedAt)
       VALUES (?, ?, ?, 'e2e tool grants', 'autonomous', 'active', 'client_secret_basic', ?, 'client_credentials', 300, ?, ?)`,
    ).run(agent.id, agent.clientId, agent.name, createHash("sha256").update(agent.secret).digest("hex"), now, now);
    db.prepare(
      `INSERT INTO Assignment (id, entitlementId, principalType, agentId, justification, createdAt) VALUES (?, ?, 'agent', ?, 'e2e tool grants', ?)`,
    ).run(`e2e-tools-asg-${suffix}`, target.entitlementId, agent.id, now);
    return agent;
  } finally {
    db.close();
  }
}

/** client_credentials for the target's server; the token and its decoded claims. */
export async function mintFor(
  request: APIRequestContext,
  target: GrantTarget,
  agent: GrantedAgent,
): Promise<{ token: string; claims: Record<string, unknown> }> {
  const res = await request.post("/oauth/token", {
    headers: {
      authorization: `Basic ${Buffer.from(`${agent.clientId}:${agent.secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    data: `grant_type=client_credentials&resource=${encodeURIComponent(target.resourceUri)}`,
  });
  expect(res.status()).toBe(200);
  const { access_token: token } = (await res.json()) as { access_token: string };
  return {
    token,
    claims: JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>,
  };
}

let rpcId = 1;
/**
 * One tools/call of `tool` through the gateway; the HTTP status. The gateway re-reads a server's upstream every
 * few seconds (MANDATE_GATEWAY_DIRECTORY_TTL_MS): right after a spec re-points it, a call may still go to the
 * upstream an earlier spec started and closed (502), so a 502 is retried for a while. Refusals (401, 403) are
 * decided before the upstream is reached and come back at once.
 */
export async function callThroughGateway(
  request: APIRequestContext,
  target: { slug: string },
  token: string,
  tool: string,
): Promise<number> {
  const until = Date.now() + 10_000;
  for (;;) {
    const res = await request.post(`/mcp/${target.slug}`, {
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
      },
      data: JSON.stringify({
        jsonrpc: "2.0",
        id: rpcId++,
        method: "tools/call",
        params: { name: tool, arguments: {} },
      }),
    });
    if (res.status() !== 502 || Date.now() > until) return res.status();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `session.revoked` events of one session, with their reason and operation. */
export function sessionRevocations(sessionId: string): { reason: string | null; detail: string | null }[] {
  const db = open();
  try {
    return db
      .prepare(`SELECT reason, detail FROM AuditEvent WHERE action = 'session.revoked' AND sessionId = ?`)
      .all(sessionId) as { reason: string | null; detail: string | null }[];
  } finally {
    db.close();
  }
}
