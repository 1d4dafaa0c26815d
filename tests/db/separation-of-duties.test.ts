import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type CryptoKey } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgent } from "@/lib/agents/register-agent";
import { rotateAgentSecret } from "@/lib/agents/rotate-agent-secret";
import { updateAgent } from "@/lib/agents/update-agent";
import { createAssignment } from "@/lib/assignments/create-assignment";
import { listSeparationConflicts } from "@/lib/assignments/list-separation-conflicts";
import { resolveSeparationConflict } from "@/lib/assignments/resolve-separation-conflict";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { reassignAgentOwner } from "@/lib/directory/reassign-agent-owner";
import { createScimToken } from "@/lib/directory/scim-tokens";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from "@/lib/oauth/defaults";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { bindAgentToIdp, startEnterpriseIdp, type EnterpriseIdp } from "../support/enterprise-idp";
import { GROUP_SCHEMA, scimClient, type ScimClient } from "../support/scim-client";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

/** A refusal the domain explains: separation of duties, at `field`, saying `message`. */
async function refusedSod(promise: Promise<unknown>, message: RegExp, field?: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({
    name: "DomainError",
    code: "separation_of_duties",
    message: expect.stringMatching(message),
    ...(field ? { field } : {}),
  });
}

/**
 * Separation of duties as an invariant, on both stores: nobody benefits from a
 * grant they made, whatever changes after the grant — who holds an agent's
 * credential, who owns it, who is in a group. Tokens are minted for real
 * (client_credentials; token exchange of a real IdP's ID token, then
 * jwt-bearer) and the directory changes over real SCIM.
 */
describe.each(PROVIDERS)("separation of duties on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let server: Server;
  let issuer: string;
  let idp: EnterpriseIdp;
  let scim: ScimClient;
  let assistantKey: { clientId: string; key: CryptoKey; kid: string };
  const ids = { ana: "u-ana", ben: "u-ben", rae: "u-rae", bob: "u-bob", docsRead: "", docsAll: "", assistant: "" };
  const person = (id: string, email: string): Principal => ({
    kind: "user",
    userId: id,
    email,
    displayName: email,
    roles: ["admin"],
    consoleSessionId: `cs-${id}`,
  });
  /** Two admins (Ana and Ben), a reviewer who owns agents (Rae) and a member of staff (Bob). */
  const ana = person(ids.ana, "ana@acme.example");
  const ben = person(ids.ben, "ben@acme.example");
  const resource = () => `${issuer}/mcp/docs`;
  const justification = "Reads the docs for the support rota";

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    server = createProtocolServer(ctx);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });
    idp = await startEnterpriseIdp();
    const system: Principal = { kind: "system", label: "separation test", roles: ["admin"] };
    scim = scimClient(`${issuer}/scim/v2`, (await createScimToken(db, system, { name: "Okta" })).token);

    await db.user.createMany({
      data: [
        { id: ids.ana, email: "ana@acme.example", displayName: "Ana" },
        { id: ids.ben, email: "ben@acme.example", displayName: "Ben" },
        { id: ids.rae, email: "rae@acme.example", displayName: "Rae" },
        { id: ids.bob, email: "bob@acme.example", displayName: "Bob" },
      ],
    });
    await db.userRole.createMany({
      data: [
        { userId: ids.ana, role: "admin" },
        { userId: ids.ben, role: "admin" },
        { userId: ids.rae, role: "reviewer" },
      ],
    });
    await db.trustedIdp.create({
      data: { name: "Acme IdP", issuer: idp.issuer, jwksUri: idp.jwksUri, userMatch: "email" },
    });
    const docs = await db.mcpServer.create({
      data: {
        name: "Docs",
        slug: "docs",
        resourceUri: resource(),
        enforcementMode: "native",
        authorizationServerIssuer: issuer,
      },
    });
    const read = await db.tool.create({
      data: { serverId: docs.id, name: "read_doc", scope: "docs.read", status: "approved" },
    });
    ids.docsRead = (
      await db.entitlement.create({
        data: { name: "docs-read", serverId: docs.id, tools: { create: [{ toolId: read.id }] } },
      })
    ).id;
    ids.docsAll = (
      await db.entitlement.create({
        data: { name: "docs-all", serverId: docs.id, tools: { create: [{ toolId: read.id }] } },
      })
    ).id;

    // A shared delegated assistant, Rae's, granted by Ben: whoever uses it reaches only what they reach themselves.
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    assistantKey = { clientId: "assistant", key: privateKey, kid: "assistant-k1" };
    const jwk = { ...(await exportJWK(publicKey)), kid: assistantKey.kid, alg: "ES256", use: "sig" };
    ids.assistant = (
      await db.agent.create({
        data: {
          clientId: "assistant",
          name: "Assistant",
          kind: "delegated",
          ownerId: ids.rae,
          authMethod: "private_key_jwt",
          jwks: { keys: [jwk] },
          allowedGrantTypes: `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`,
        },
      })
    ).id;
    await bindAgentToIdp(db, idp.issuer, ids.assistant, idp.clientId);
    await createAssignment(db, ben, {
      entitlementId: ids.docsRead,
      principalType: "agent",
      principalId: ids.assistant,
      justification,
    });
  });

  afterAll(async () => {
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await idp?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const discover = (clientId: string, auth: client.ClientAuth) =>
    client.discovery(new URL(issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });

  /** A person's real ID token → ID-JAG → access token, through the delegated assistant. */
  async function mintThroughAssistant(who: "ana" | "bob"): Promise<string> {
    const c = await discover(
      assistantKey.clientId,
      client.PrivateKeyJwt({ key: assistantKey.key, kid: assistantKey.kid }),
    );
    const jag = await client.genericGrantRequest(c, GRANT_TOKEN_EXCHANGE, {
      requested_token_type: TOKEN_TYPE_ID_JAG,
      subject_token: await idp.idToken(who),
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      audience: issuer,
      resource: resource(),
      scope: "docs.read",
    });
    return (await client.genericGrantRequest(c, GRANT_JWT_BEARER, { assertion: jag.access_token, scope: "docs.read" }))
      .access_token;
  }

  describe("who holds an agent's credential", () => {
    it("refuses the admin who registered an agent for someone else, was shown its secret, and would grant it", async () => {
      const reg = await registerAgent(db, ana, {
        name: "Rae's Bot",
        ownerId: ids.rae,
        purpose: "Summarises review queues for Rae",
        kind: "autonomous",
        authMethod: "client_secret_basic",
      });
      expect(reg.clientSecret).toBeTruthy();
      expect(await db.agent.findUniqueOrThrow({ where: { id: reg.id } })).toMatchObject({
        ownerId: ids.rae,
        credentialHolderId: ids.ana,
      });
      const assignments = await db.assignment.count();
      await refusedSod(
        createAssignment(db, ana, {
          entitlementId: ids.docsRead,
          principalType: "agent",
          principalId: reg.id,
          justification,
        }),
        /You hold this agent's credential/,
        "principalId",
      );
      expect(await db.assignment.count()).toBe(assignments);
      // So the secret she holds mints nothing.
      const config = await discover(reg.clientId, client.ClientSecretBasic(reg.clientSecret!));
      await expect(
        client.clientCredentialsGrant(config, { resource: resource(), scope: "docs.read" }),
      ).rejects.toThrow();
      // A second admin may grant it.
      await createAssignment(db, ben, {
        entitlementId: ids.docsRead,
        principalType: "agent",
        principalId: reg.id,
        justification,
      });
      expect(
        (await client.clientCredentialsGrant(config, { resource: resource(), scope: "docs.read" })).access_token,
      ).toBeTruthy();
    });

    it("records the registrant of a private_key_jwt agent too: they chose the keys it signs with", async () => {
      const { publicKey } = await generateKeyPair("ES256", { extractable: true });
      const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" }] };
      const reg = await registerAgent(db, ana, {
        name: "Keyed Bot",
        ownerId: ids.rae,
        purpose: "Signs its own client assertions",
        kind: "autonomous",
        authMethod: "private_key_jwt",
        jwks,
      });
      await refusedSod(
        createAssignment(db, ana, {
          entitlementId: ids.docsRead,
          principalType: "agent",
          principalId: reg.id,
          justification,
        }),
        /credential/,
        "principalId",
      );
    });

    it("refuses rotating the secret of an agent you granted (you would hold it); whoever rotates holds it and may not grant it", async () => {
      const bot = await db.agent.create({
        data: {
          clientId: "report-bot",
          name: "Report Bot",
          kind: "autonomous",
          ownerId: ids.rae,
          authMethod: "client_secret_basic",
          clientSecretHash: "0".repeat(64),
          allowedGrantTypes: "client_credentials",
        },
      });
      await createAssignment(db, ana, {
        entitlementId: ids.docsRead,
        principalType: "agent",
        principalId: bot.id,
        justification,
      });
      const events = await db.auditEvent.count({ where: { action: "agent.secret_rotated" } });
      await refusedSod(
        rotateAgentSecret(db, ana, bot.id),
        /You granted this agent “docs-read”: whoever grants an agent access cannot hold its credential/,
      );
      expect(await db.agent.findUniqueOrThrow({ where: { id: bot.id } })).toMatchObject({
        clientSecretHash: "0".repeat(64),
        credentialHolderId: null,
      });
      expect(await db.auditEvent.count({ where: { action: "agent.secret_rotated" } })).toBe(events);

      await rotateAgentSecret(db, ben, bot.id);
      expect((await db.agent.findUniqueOrThrow({ where: { id: bot.id } })).credentialHolderId).toBe(ids.ben);
      expect(
        (await db.auditEvent.findFirstOrThrow({ where: { action: "agent.secret_rotated", targetId: bot.id } })).detail,
      ).toMatchObject({ after: { credentialHolderId: ids.ben } });
      await refusedSod(
        createAssignment(db, ben, {
          entitlementId: ids.docsAll,
          principalType: "agent",
          principalId: bot.id,
          justification,
        }),
        /credential/,
        "principalId",
      );
    });
  });

  describe("who owns an agent", () => {
    it("refuses making yourself the owner of an agent you granted, in the agent form and the offboarding queue alike", async () => {
      const bot = await db.agent.create({
        data: {
          clientId: "digest-bot",
          name: "Digest Bot",
          kind: "autonomous",
          ownerId: ids.rae,
          authMethod: "client_secret_basic",
          allowedGrantTypes: "client_credentials",
        },
      });
      await createAssignment(db, ana, {
        entitlementId: ids.docsRead,
        principalType: "agent",
        principalId: bot.id,
        justification,
      });
      const events = await db.auditEvent.count({
        where: { action: { in: ["agent.updated", "agent.owner_reassigned"] } },
      });
      await refusedSod(
        updateAgent(db, ana, { agentId: bot.id, ownerId: ids.ana }),
        /^You granted this agent “docs-read”: whoever grants an agent access cannot own it/,
        "ownerId",
      );
      await refusedSod(
        reassignAgentOwner(db, ben, { agentId: bot.id, ownerId: ids.ana, reason: "Ana takes it over" }),
        /^ana@acme\.example granted this agent “docs-read”/,
        "ownerId",
      );
      expect((await db.agent.findUniqueOrThrow({ where: { id: bot.id } })).ownerId).toBe(ids.rae);
      expect(
        await db.auditEvent.count({ where: { action: { in: ["agent.updated", "agent.owner_reassigned"] } } }),
      ).toBe(events);
      // Someone who granted nothing may take it over.
      await updateAgent(db, ana, { agentId: bot.id, ownerId: ids.ben });
      expect((await db.agent.findUniqueOrThrow({ where: { id: bot.id } })).ownerId).toBe(ids.ben);
    });
  });

  describe("who is in a group", () => {
    let groupId = "";
    let grantId = "";

    it("ends and flags a group grant when the IdP adds the admin who made it to the group", async () => {
      groupId = String(
        (
          await scim.post("/Groups", {
            schemas: [GROUP_SCHEMA],
            displayName: "Docs readers",
            members: [{ value: ids.bob }],
          })
        ).body.id,
      );
      grantId = (
        await createAssignment(db, ana, {
          entitlementId: ids.docsRead,
          principalType: "group",
          principalId: groupId,
          justification,
        })
      ).id;
      expect(await mintThroughAssistant("bob")).toBeTruthy();
      // Ana cannot grant herself: the grant reached her only by joining afterwards.
      await expect(mintThroughAssistant("ana")).rejects.toThrow();

      const res = await scim.patch(`/Groups/${groupId}`, [{ op: "add", path: "members", value: [{ value: ids.ana }] }]);
      // The IdP decides membership: the change is accepted.
      expect(res.status).toBe(204);
      expect(await db.groupMembership.count({ where: { groupId, userId: ids.ana } })).toBe(1);

      const changed = await db.auditEvent.findFirstOrThrow({
        where: { action: "directory.group_changed", targetId: groupId },
        orderBy: { occurredAt: "desc" },
      });
      const grant = await db.assignment.findUniqueOrThrow({ where: { id: grantId } });
      expect(grant.endedAt).toBeInstanceOf(Date);
      expect(grant.endedReason).toMatch(
        /^Separation of duties: ana@acme\.example granted this access to Docs readers and then joined it via scim/,
      );
      expect(grant.separationConflictAt).toBeInstanceOf(Date);
      expect(grant.separationConflict).toContain(changed.id);
      const ended = await db.auditEvent.findFirstOrThrow({ where: { action: "assignment.ended", targetId: grantId } });
      expect(ended.reason).toContain(changed.id);
      const flagged = await db.auditEvent.findFirstOrThrow({
        where: { action: "assignment.separation_conflict", targetId: grantId },
      });
      expect(flagged).toMatchObject({ actorLabel: "SCIM client Okta", decision: "info" });
      expect(flagged.detail).toMatchObject({ grantedById: ids.ana, groupId, directoryEventId: changed.id });

      // Acting through the delegated assistant reaches nothing through her own grant — for the group as a whole.
      await expect(mintThroughAssistant("ana")).rejects.toThrow();
      await expect(mintThroughAssistant("bob")).rejects.toThrow();
      const listed = await listSeparationConflicts(db);
      expect(listed.total).toBe(1);
      expect(listed.rows[0]).toMatchObject({
        id: grantId,
        principalType: "group",
        principal: { id: groupId, label: "Docs readers" },
        grantedBy: "ana@acme.example",
      });
    });

    it("is granted again only by an admin outside the group, and the flag clears", async () => {
      await refusedSod(
        resolveSeparationConflict(db, ana, {
          assignmentId: grantId,
          resolution: "grant_again",
          justification: "Still needed by the readers",
        }),
        /member of this group/,
      );
      expect((await listSeparationConflicts(db)).total).toBe(1);
      const { assignmentId } = await resolveSeparationConflict(db, ben, {
        assignmentId: grantId,
        resolution: "grant_again",
        justification: "Still needed by the readers",
      });
      expect(await db.assignment.findUniqueOrThrow({ where: { id: assignmentId! } })).toMatchObject({
        groupId,
        entitlementId: ids.docsRead,
        grantedById: ids.ben,
        endedAt: null,
      });
      expect((await listSeparationConflicts(db)).total).toBe(0);
      expect(
        (
          await db.auditEvent.findFirstOrThrow({
            where: { action: "assignment.separation_conflict_resolved", targetId: grantId },
          })
        ).detail,
      ).toMatchObject({ resolution: "grant_again", newAssignmentId: assignmentId });
      // Ana now reaches the docs through a grant someone else made.
      expect(await mintThroughAssistant("ana")).toBeTruthy();
      expect(await mintThroughAssistant("bob")).toBeTruthy();
    });

    it("leaves grants made by others, and other groups, alone", async () => {
      const other = String(
        (await scim.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Docs writers", members: [] })).body.id,
      );
      const byBen = (
        await createAssignment(db, ben, {
          entitlementId: ids.docsAll,
          principalType: "group",
          principalId: other,
          justification,
        })
      ).id;
      expect(
        (await scim.patch(`/Groups/${other}`, [{ op: "add", path: "members", value: [{ value: ids.ana }] }])).status,
      ).toBe(204);
      expect((await db.assignment.findUniqueOrThrow({ where: { id: byBen } })).endedAt).toBeNull();
      // Ben joining through a full replace of the member list is caught the same way.
      expect(
        (
          await scim.put(`/Groups/${other}`, {
            schemas: [GROUP_SCHEMA],
            displayName: "Docs writers",
            members: [{ value: ids.ana }, { value: ids.ben }],
          })
        ).status,
      ).toBe(200);
      expect(await db.assignment.findUniqueOrThrow({ where: { id: byBen } })).toMatchObject({
        endedAt: expect.any(Date),
        separationConflictAt: expect.any(Date),
      });
      const dismissed = await resolveSeparationConflict(db, ana, {
        assignmentId: byBen,
        resolution: "dismiss",
        justification: "The writers no longer need it",
      });
      expect(dismissed.assignmentId).toBeNull();
      expect((await listSeparationConflicts(db)).total).toBe(0);
    });
  });

  it("keeps the audit trail one unbroken chain", async () => {
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });
});
