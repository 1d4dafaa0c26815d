import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const RESOURCE = "https://mcp.acme.example/docs";
const SECRET = "s3cret-" + randomBytes(16).toString("hex");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * The token endpoint's group commit under concurrency: many requests share
 * one transaction, yet each keeps its own outcome, its own audit event and
 * its own single-use values; and what an admin changes counts from the next
 * request.
 */
describe.each(PROVIDERS)("token endpoint group commit on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let server: Server;
  let issuer: string;
  let key: CryptoKey;
  const ids = { basic: "", pkjwt: "", assignment: "" };

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    server = createProtocolServer(ctx);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ctx.issuer = issuer;

    const kp = await generateKeyPair("ES256", { extractable: true });
    key = kp.privateKey;
    const gw = await db.mcpServer.create({
      data: { name: "Docs", slug: "docs", resourceUri: RESOURCE, enforcementMode: "gateway" },
    });
    const tool = await db.tool.create({
      data: { serverId: gw.id, name: "read_doc", scope: "docs.read", status: "approved" },
    });
    const ent = await db.entitlement.create({
      data: { name: "docs", serverId: gw.id, tools: { create: [{ toolId: tool.id }] } },
    });
    const basic = await db.agent.create({
      data: {
        clientId: "gc-basic",
        name: "gc-basic",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });
    const pkjwt = await db.agent.create({
      data: {
        clientId: "gc-pkjwt",
        name: "gc-pkjwt",
        kind: "autonomous",
        authMethod: "private_key_jwt",
        jwks: { keys: [{ ...(await exportJWK(kp.publicKey)), kid: "k1", alg: "ES256" }] },
        allowedGrantTypes: "client_credentials",
      },
    });
    ids.basic = basic.id;
    ids.pkjwt = pkjwt.id;
    ids.assignment = (
      await db.assignment.create({
        data: { entitlementId: ent.id, principalType: "agent", agentId: basic.id, justification: "test" },
      })
    ).id;
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "agent", agentId: pkjwt.id, justification: "test" },
    });
  });

  afterAll(async () => {
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await db?.$disconnect();
    await fresh?.drop();
  });

  const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(body),
    });
  const basicAuth = { authorization: `Basic ${Buffer.from(`gc-basic:${SECRET}`).toString("base64")}` };
  const cc = { grant_type: "client_credentials", resource: RESOURCE };
  const assertion = () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: "gc-pkjwt", sub: "gc-pkjwt", aud: issuer, jti: randomUUID(), iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .sign(key);
  };
  const withAssertion = (a: string) => ({
    ...cc,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: a,
  });

  it("answers 40 concurrent mints each with its own token, all in one live session, each with its audit event", async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, () => post(cc, basicAuth)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { access_token: string }[];
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(200));
    const claims = bodies.map((b) => decodeJwt(b.access_token));
    expect(new Set(claims.map((c) => c.jti)).size).toBe(40);
    expect(new Set(claims.map((c) => c.sid)).size).toBe(1);
    const session = await db.agentSession.findUniqueOrThrow({ where: { id: String(claims[0]!.sid) } });
    expect(session.tokenCount).toBe(40);
    expect(await db.issuedToken.count({ where: { sessionId: session.id } })).toBe(40);
    const minted = await db.auditEvent.findMany({ where: { action: "token.minted", sessionId: session.id } });
    expect(minted.map((e) => (e.detail as { jti: string }).jti).sort()).toEqual(
      claims.map((c) => String(c.jti)).sort(),
    );
  });

  it("lets only one of several concurrent requests with the same client assertion through, and audits the replays", async () => {
    const once = await assertion();
    const refusedBefore = await db.auditEvent.count({ where: { action: "token.refused" } });
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(withAssertion(once))));
    const statuses = responses.map((r) => r.status).sort();
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { error?: string }[];
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401]);
    expect(bodies.filter((b) => b.error === "invalid_client")).toHaveLength(5);
    const refusals = await db.auditEvent.findMany({
      where: { action: "token.refused" },
      orderBy: { seq: "desc" },
      take: 5,
    });
    expect(await db.auditEvent.count({ where: { action: "token.refused" } })).toBe(refusedBefore + 5);
    expect(refusals.every((e) => e.reason === "invalid_client: client_assertion replayed (jti already used)")).toBe(
      true,
    );
  });

  it("refuses the next mint once the agent is suspended, and once its assignment has ended", async () => {
    expect((await post(cc, basicAuth)).status).toBe(200);
    await db.agent.update({ where: { id: ids.basic }, data: { status: "suspended" } });
    const suspended = await post(cc, basicAuth);
    expect(suspended.status).toBe(401);
    // The wire says as little as to a stranger; the audit trail keeps the reason.
    expect(((await suspended.json()) as { error_description: string }).error_description).toBe(
      "client authentication failed",
    );
    expect(
      (await db.auditEvent.findFirstOrThrow({ where: { action: "token.refused" }, orderBy: { seq: "desc" } })).reason,
    ).toBe("invalid_client: client is suspended");

    await db.agent.update({ where: { id: ids.basic }, data: { status: "active" } });
    expect((await post(cc, basicAuth)).status).toBe(200);
    await db.assignment.update({ where: { id: ids.assignment }, data: { endedAt: new Date(), endedReason: "test" } });
    const ended = await post(cc, basicAuth);
    expect(ended.status).toBe(400);
    expect(((await ended.json()) as { error: string }).error).toBe("invalid_target");
  });

  it("keeps the audit chain intact across batches", async () => {
    await Promise.all(
      Array.from({ length: 20 }, async () => (await post(withAssertion(await assertion()))).arrayBuffer()),
    );
    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toBeNull();
    expect(report.eventsChecked).toBeGreaterThan(70);
  });
});
