import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { consoleDirectoryActor } from "@/lib/directory/directory-actor";
import { listOwnerlessAgents } from "@/lib/directory/list-ownerless-agents";
import { reassignAgentOwner } from "@/lib/directory/reassign-agent-owner";
import { createScimToken } from "@/lib/directory/scim-tokens";
import { deactivatePerson } from "@/lib/directory/set-person-active";
import { sweepOwnerlessAgents } from "@/lib/directory/sweep-ownerless-agents";
import { Gateway } from "@/lib/gateway/gateway";
import { revocationBus, type Revocation } from "@/lib/gateway/revocation-bus";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from "@/lib/oauth/defaults";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { bindAgentToIdp, startEnterpriseIdp, type EnterpriseIdp } from "../support/enterprise-idp";
import { startMcpTestServer, type McpTestServer } from "../support/mcp-test-server";
import { GROUP_SCHEMA, oktaUser, scimClient, type ScimClient } from "../support/scim-client";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const UPSTREAM_SECRET = "upstream-" + randomBytes(8).toString("hex");
const GRACE_MS = 14 * 86_400_000;
const admin: Principal = { kind: "system", label: "offboarding test", roles: ["admin"] };

/**
 * The offboarding cascade end to end, on both stores: people and groups
 * provisioned over SCIM, a delegated agent minting real tokens (a real IdP's
 * ID token → ID-JAG → access token) and calling a tool through the gateway;
 * then the IdP deactivates the person and every way in closes — gateway,
 * introspection, new tokens — while their agents land in the offboarding queue.
 */
describe.each(PROVIDERS)("offboarding cascade on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let idp: EnterpriseIdp;
  let upstream: McpTestServer;
  let scim: ScimClient;
  let agentKey: { clientId: string; key: CryptoKey; kid: string };
  const ids = { alice: "", bob: "", readers: "", agent: "", aliceBot: "", aliceOther: "", aliceBotGrant: "" };
  const resource = () => `${issuer}/mcp/docs`;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, { revocationPollMs: 60_000, revocationStaleAfterMs: 600_000, directoryTtlMs: 60_000 });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });
    idp = await startEnterpriseIdp();
    upstream = await startMcpTestServer({
      requireBearer: UPSTREAM_SECRET,
      tools: [{ name: "read_doc", input: { id: z.string().optional() } }],
    });
    scim = scimClient(`${issuer}/scim/v2`, (await createScimToken(db, admin, { name: "Okta" })).token);

    // The directory arrives over SCIM; the enterprise IdP's ID tokens carry the same email.
    ids.alice = String((await scim.post("/Users", oktaUser("alice@acme.example", "Alice", "Archer"))).body.id);
    ids.bob = String((await scim.post("/Users", oktaUser("bob@acme.example", "Bob", "Baker"))).body.id);
    ids.readers = String(
      (
        await scim.post("/Groups", {
          schemas: [GROUP_SCHEMA],
          displayName: "Docs readers",
          members: [{ value: ids.alice }, { value: ids.bob }],
        })
      ).body.id,
    );
    await db.trustedIdp.create({
      data: { name: "Acme IdP", issuer: idp.issuer, jwksUri: idp.jwksUri, userMatch: "email" },
    });

    const docs = await db.mcpServer.create({
      data: {
        name: "Docs",
        slug: "docs",
        resourceUri: resource(),
        enforcementMode: "gateway",
        upstreamUrl: upstream.url,
        authorizationServerIssuer: issuer,
      },
    });
    await db.mcpServer.update({
      where: { id: docs.id },
      data: { upstreamCredentialEnc: sealUpstreamCredential(docs.id, UPSTREAM_SECRET) },
    });
    const read = await db.tool.create({
      data: { serverId: docs.id, name: "read_doc", scope: "docs.read", status: "approved" },
    });
    const ent = await db.entitlement.create({
      data: { name: "docs-read", serverId: docs.id, tools: { create: [{ toolId: read.id }] } },
    });

    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    agentKey = { clientId: "assistant", key: privateKey, kid: "assistant-k1" };
    const publicJwk = { ...(await exportJWK(publicKey)), kid: agentKey.kid, alg: "ES256", use: "sig" };
    // The shared assistant is Bob's; it acts for Alice. Alice owns two agents of her own.
    const assistant = await db.agent.create({
      data: {
        clientId: agentKey.clientId,
        name: "Assistant",
        kind: "delegated",
        ownerId: ids.bob,
        authMethod: "private_key_jwt",
        jwks: { keys: [publicJwk] },
        allowedGrantTypes: `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`,
      },
    });
    ids.agent = assistant.id;
    await bindAgentToIdp(db, idp.issuer, assistant.id, idp.clientId);
    const own = (name: string) =>
      db.agent.create({
        data: {
          clientId: name,
          name,
          kind: "autonomous",
          ownerId: ids.alice,
          authMethod: "client_secret_basic",
          allowedGrantTypes: "client_credentials",
        },
      });
    ids.aliceBot = (await own("alice-bot")).id;
    ids.aliceOther = (await own("alice-reporter")).id;
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "agent", agentId: assistant.id, justification: "test" },
    });
    ids.aliceBotGrant = (
      await db.assignment.create({
        data: {
          entitlementId: ent.id,
          principalType: "agent",
          agentId: ids.aliceBot,
          justification: "her bot reads docs",
        },
      })
    ).id;
    // Alice reaches docs through her group; she also holds a direct grant that must end when she leaves.
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "group", groupId: ids.readers, justification: "test" },
    });
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "user", userId: ids.alice, justification: "direct" },
    });
    await db.consoleSession.create({
      data: { id: "alice-console", userId: ids.alice, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await idp?.close();
    await upstream?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const config = () =>
    client.discovery(
      new URL(issuer),
      agentKey.clientId,
      undefined,
      client.PrivateKeyJwt({ key: agentKey.key, kid: agentKey.kid }),
      { execute: [client.allowInsecureRequests] },
    );

  /** Token exchange of the person's real ID token for an ID-JAG, then jwt-bearer for an access token. */
  async function mintFor(person: "alice" | "bob"): Promise<{ jag: string; token: string; sid: string }> {
    const c = await config();
    const jag = await client.genericGrantRequest(c, GRANT_TOKEN_EXCHANGE, {
      requested_token_type: TOKEN_TYPE_ID_JAG,
      subject_token: await idp.idToken(person),
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      audience: issuer,
      resource: resource(),
      scope: "docs.read",
    });
    const at = await client.genericGrantRequest(c, GRANT_JWT_BEARER, {
      assertion: jag.access_token,
      scope: "docs.read",
    });
    return { jag: jag.access_token, token: at.access_token, sid: String(decodeJwt(at.access_token).sid) };
  }

  async function callTool(token: string): Promise<number> {
    const res = await fetch(resource(), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "read_doc", arguments: {} },
      }),
    });
    await res.text();
    return res.status;
  }

  const introspect = async (token: string) => (await client.tokenIntrospection(await config(), token)).active;

  it("takes group membership changes into the next token", async () => {
    await db.assignment.updateMany({ where: { userId: ids.bob }, data: { endedAt: new Date() } });
    expect((await mintFor("bob")).token).toBeTruthy();
    await scim.patch(`/Groups/${ids.readers}`, [{ op: "remove", path: `members[value eq "${ids.bob}"]` }]);
    await expect(mintFor("bob")).rejects.toThrow();
    await scim.patch(`/Groups/${ids.readers}`, [{ op: "add", path: "members", value: [{ value: ids.bob }] }]);
    expect((await mintFor("bob")).token).toBeTruthy();
  });

  it("deactivating a person over SCIM closes the gateway, introspection and new tokens, and queues their agents", async () => {
    const first = await mintFor("alice");
    const second = await mintFor("alice");
    expect(await callTool(first.token)).toBe(200);
    expect(await introspect(second.token)).toBe(true);
    const bobs = await mintFor("bob");

    const announced: Revocation[] = [];
    const unsubscribe = revocationBus.subscribe((r) => announced.push(r));
    // Entra's deactivation: a path-less replace with a string boolean.
    const res = await scim.patch(`/Users/${ids.alice}`, [{ op: "Replace", value: { active: "False" } }]);
    unsubscribe();
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);

    // Refused at the gateway and by introspection at once (the bus, not the poll: it runs every minute here).
    expect(await callTool(first.token)).toBe(401);
    expect(await introspect(second.token)).toBe(false);
    // Mints of one agent for one person on one server share a session.
    const sessionIds = [...new Set([first.sid, second.sid])];
    expect(announced.map((r) => ("sessionId" in r ? r.sessionId : null)).sort()).toEqual(
      expect.arrayContaining(sessionIds),
    );
    // No new tokens either: neither an ID-JAG minted before, nor a fresh exchange.
    await expect(
      client.genericGrantRequest(await config(), GRANT_JWT_BEARER, { assertion: first.jag, scope: "docs.read" }),
    ).rejects.toThrow();
    await expect(mintFor("alice")).rejects.toThrow();
    // Bob, acting through the same agent, is untouched.
    expect(await callTool(bobs.token)).toBe(200);

    const sessions = await db.agentSession.findMany({ where: { userId: ids.alice } });
    expect(sessions.every((s) => s.status === "revoked")).toBe(true);
    expect(
      await db.issuedToken.count({ where: { sessionId: { in: sessions.map((s) => s.id) }, revokedAt: null } }),
    ).toBe(0);
    expect((await db.consoleSession.findUniqueOrThrow({ where: { id: "alice-console" } })).endedAt).toBeInstanceOf(
      Date,
    );
    const direct = await db.assignment.findFirstOrThrow({ where: { userId: ids.alice } });
    expect(direct.endedAt).toBeInstanceOf(Date);
    // The group grant is the group's: it stays (Alice no longer gets it, being inactive).
    expect((await db.assignment.findFirstOrThrow({ where: { groupId: ids.readers } })).endedAt).toBeNull();

    // Her agents are ownerless and in the queue; the shared assistant (Bob's) is not.
    const queue = await listOwnerlessAgents(db, GRACE_MS);
    expect(queue.map((a) => a.name).sort()).toEqual(["alice-bot", "alice-reporter"]);
    expect(queue[0]!.formerOwner?.email).toBe("alice@acme.example");

    // Every consequence names the directory event it follows from.
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "directory.user_deactivated", targetId: ids.alice },
    });
    expect(event.actorLabel).toBe("SCIM client Okta");
    const consequences = await db.auditEvent.findMany({
      where: {
        action: { in: ["session.revoked", "assignment.ended", "agent.owner_departed"] },
        reason: { contains: event.id },
      },
    });
    expect(
      consequences
        .filter((e) => e.action === "session.revoked")
        .map((e) => e.targetId)
        .sort(),
    ).toEqual([...sessionIds].sort());
    // Through the one revocation path: every revoked session is on the log other instances catch up from.
    expect(
      (await db.revocationEvent.findMany({ where: { sessionId: { in: sessionIds } } })).map((r) => r.sessionId).sort(),
    ).toEqual([...sessionIds].sort());
    for (const e of consequences.filter((c) => c.action === "session.revoked")) {
      expect(e.detail).toMatchObject({
        operation: { kind: "offboarding", userId: ids.alice, directoryEventId: event.id },
      });
    }
    expect(consequences.filter((e) => e.action === "assignment.ended").map((e) => e.targetId)).toEqual([direct.id]);
    expect(
      consequences
        .filter((e) => e.action === "agent.owner_departed")
        .map((e) => e.targetId)
        .sort(),
    ).toEqual([ids.aliceBot, ids.aliceOther].sort());

    // Each live grant of an agent she owned is opened for a one-item access review.
    const micro = await db.reviewCampaign.findMany({
      where: { kind: "micro", trigger: "owner_left" },
      include: { items: true },
    });
    expect(micro.flatMap((c) => c.items.map((i) => i.assignmentId))).toEqual([ids.aliceBotGrant]);
  });

  it("suspends ownerless agents after the grace period unless reassigned", async () => {
    const since = (await db.agent.findUniqueOrThrow({ where: { id: ids.aliceBot } })).ownerlessSince!;
    expect(
      (await sweepOwnerlessAgents(db, { now: new Date(since.getTime() + GRACE_MS - 1000), graceMs: GRACE_MS }))
        .suspended,
    ).toEqual([]);
    await reassignAgentOwner(db, admin, {
      agentId: ids.aliceOther,
      ownerId: ids.bob,
      reason: "Bob takes over reporting",
    });
    await expect(
      reassignAgentOwner(db, admin, { agentId: ids.aliceBot, ownerId: ids.alice, reason: "back to a leaver" }),
    ).rejects.toThrow(/deactivated/);
    const swept = await sweepOwnerlessAgents(db, {
      now: new Date(since.getTime() + GRACE_MS + 1000),
      graceMs: GRACE_MS,
    });
    expect(swept.suspended).toEqual([ids.aliceBot]);
    expect(await db.agent.findUniqueOrThrow({ where: { id: ids.aliceBot } })).toMatchObject({ status: "suspended" });
    expect(await db.agent.findUniqueOrThrow({ where: { id: ids.aliceOther } })).toMatchObject({
      status: "active",
      ownerId: ids.bob,
      ownerlessSince: null,
    });
    expect((await listOwnerlessAgents(db, GRACE_MS)).map((a) => [a.name, a.status])).toEqual([
      ["alice-bot", "suspended"],
    ]);
    expect(await db.auditEvent.count({ where: { action: "agent.owner_reassigned", targetId: ids.aliceOther } })).toBe(
      1,
    );
    expect(
      await db.auditEvent.count({ where: { action: "agent.suspended", targetId: ids.aliceBot, actorType: "system" } }),
    ).toBe(1);
  });

  it("runs the same cascade when an admin deactivates a person in the console, and a deleted person keeps their history", async () => {
    const bobs = await mintFor("bob");
    const person: Principal = {
      kind: "user",
      userId: ids.alice,
      email: "alice@acme.example",
      displayName: "Alice",
      roles: ["admin"],
      consoleSessionId: "x",
    };
    await expect(
      deactivatePerson(db, { ...consoleDirectoryActor(person), personId: ids.bob }, ids.bob, "test"),
    ).rejects.toThrow(/yourself/);
    const result = await deactivatePerson(db, consoleDirectoryActor(admin), ids.bob, "Left the company");
    expect(result?.revokedSessionIds).toContain(bobs.sid);
    expect(result?.ownerlessAgentIds.sort()).toEqual([ids.agent, ids.aliceOther].sort());
    expect(await callTool(bobs.token)).toBe(401);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "directory.user_deactivated", targetId: ids.bob },
    });
    expect(event).toMatchObject({ actorLabel: "offboarding test", reason: "Left the company" });

    expect((await scim.del(`/Users/${ids.alice}`)).status).toBe(204);
    const alice = await db.user.findUniqueOrThrow({ where: { id: ids.alice } });
    expect(alice.deletedAt).toBeInstanceOf(Date);
    expect(await db.agentSession.count({ where: { userId: ids.alice } })).toBeGreaterThan(0);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });
});
