import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { endAssignment } from "@/lib/assignments/end-assignment";
import { narrowAssignmentIn } from "@/lib/assignments/narrow-assignment";
import { createScimToken } from "@/lib/directory/scim-tokens";
import { updateEntitlement } from "@/lib/entitlements/update-entitlement";
import { applyPolicy } from "@/lib/policy/apply-policy";
import { exportPolicy } from "@/lib/policy/export-policy";
import { decideTool } from "@/lib/servers/decide-tool";
import { expireSessions } from "@/lib/sessions/expire-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { PROVIDERS } from "../support/databases";
import { scimClient, GROUP_SCHEMA } from "../support/scim-client";
import { suiteDatabase } from "../support/suite-database";
import {
  ADMIN,
  CHAT_TOOLS,
  callTool,
  createAgent,
  mintAutonomous,
  mintDelegated,
  revokeToken,
  startToolGrantWorld,
  upstreamCalls,
  type ToolGrantWorld,
} from "../support/tool-grant-world";

/**
 * Every removal of access reaches the live sessions that lose a tool at their
 * very next gateway call — through the bus of the instance that made it (the
 * gateway's poll is a minute away), with the revocation logged for other
 * instances — and is audited with the operation that caused it. Sessions that
 * lose nothing keep working. Over real HTTP, on both stores.
 */
describe.each(PROVIDERS)("removals of access reach live sessions on %s", (provider) => {
  const suite = suiteDatabase(provider);
  let world: ToolGrantWorld;

  beforeAll(async () => {
    world = await startToolGrantWorld(suite.db);
  });
  afterAll(async () => {
    await world?.close();
  });

  const admin: Principal = { kind: "system", label: "access removal test", roles: ["admin"] };

  /** The session was revoked once, audited with this operation, and logged for the other instances. */
  async function expectRevokedBy(sessionId: string, operation: Record<string, unknown>) {
    const events = await suite.db.auditEvent.findMany({ where: { action: "session.revoked", sessionId } });
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ operation });
    expect(await suite.db.revocationEvent.count({ where: { sessionId } })).toBe(1);
    expect((await suite.db.agentSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("revoked");
  }

  it("narrowing a grant cuts the session holding the excluded tool at its next call; one that lost nothing keeps working", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.read]);
    const bystander = await createAgent(world, [world.ids.entitlements.read]);
    const t = await mintAutonomous(world, agent.clientId);
    const other = await mintAutonomous(world, bystander.clientId);
    expect((await callTool(world, t.token, CHAT_TOOLS.search)).status).toBe(200);

    await revokingTransaction(suite.db, (tx) =>
      narrowAssignmentIn(tx, ADMIN, {
        assignmentId: agent.assignmentIds[0]!,
        excludedToolIds: [world.ids.tools.search],
        reason: "search is not needed",
      }),
    );
    const before = upstreamCalls(world, CHAT_TOOLS.list);
    // Every call of the session is refused now, not only the removed tool's: the agent mints again for what remains.
    const refused = await callTool(world, t.token, CHAT_TOOLS.list);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error_description="session revoked"');
    expect(upstreamCalls(world, CHAT_TOOLS.list)).toBe(before);
    await expectRevokedBy(t.sid, { kind: "assignment_narrowed", assignmentId: agent.assignmentIds[0] });
    expect((await callTool(world, other.token, CHAT_TOOLS.search)).status).toBe(200);

    const again = await mintAutonomous(world, agent.clientId);
    expect(again.sid).not.toBe(t.sid);
    expect((await callTool(world, again.token, CHAT_TOOLS.list)).status).toBe(200);
    expect((await callTool(world, again.token, CHAT_TOOLS.search)).status).toBe(403);
  });

  it("ending a grant cuts its sessions; a session whose tools another grant still gives keeps working", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.read, world.ids.entitlements.post]);
    const doubly = await createAgent(world, [world.ids.entitlements.list, world.ids.entitlements.read]);
    const t = await mintAutonomous(world, agent.clientId, "chat:write");
    const kept = await mintAutonomous(world, doubly.clientId, "chat:read");

    await endAssignment(suite.db, admin, { assignmentId: agent.assignmentIds[1]!, reason: "no more posting" });
    expect((await callTool(world, t.token, CHAT_TOOLS.post)).status).toBe(401);
    await expectRevokedBy(t.sid, { kind: "assignment_ended", assignmentIds: [agent.assignmentIds[1]] });

    // Ending the chat-list grant takes nothing from a session whose list_channels chat-read still gives.
    await endAssignment(suite.db, admin, { assignmentId: doubly.assignmentIds[0]!, reason: "redundant" });
    expect((await callTool(world, kept.token, CHAT_TOOLS.list)).status).toBe(200);
    expect(await suite.db.auditEvent.count({ where: { action: "session.revoked", sessionId: kept.sid } })).toBe(0);
  });

  it("a tool rejected after approval cuts the sessions holding it, and only those", async () => {
    const holder = await createAgent(world, [world.ids.entitlements.post]);
    const other = await createAgent(world, [world.ids.entitlements.list]);
    const t = await mintAutonomous(world, holder.clientId);
    const o = await mintAutonomous(world, other.clientId);
    await decideTool(suite.db, admin, "reject", {
      toolId: world.ids.tools.post,
      reason: "posting is off for everyone",
    });
    try {
      expect((await callTool(world, t.token, CHAT_TOOLS.post)).status).toBe(401);
      await expectRevokedBy(t.sid, {
        kind: "tool_withdrawn",
        serverId: world.ids.server,
        toolIds: [world.ids.tools.post],
      });
      expect((await callTool(world, o.token, CHAT_TOOLS.list)).status).toBe(200);
    } finally {
      await decideTool(suite.db, admin, "approve", { toolId: world.ids.tools.post });
    }
  });

  it("an entitlement edited to drop a tool cuts the sessions holding it; sessions holding only kept tools go on", async () => {
    const ent = await suite.db.entitlement.create({
      data: {
        name: "chat-read-edit",
        serverId: world.ids.server,
        tools: { create: [{ toolId: world.ids.tools.list }, { toolId: world.ids.tools.history }] },
      },
    });
    const a = await createAgent(world, [ent.id]);
    const b = await createAgent(world, [ent.id]);
    const holding = await mintAutonomous(world, a.clientId);
    const narrow = await mintAutonomous(world, b.clientId);
    // b's session holds list_channels only: the scope requested narrows nothing here, so narrow it by hand first.
    await suite.db.agentSession.update({ where: { id: narrow.sid }, data: { toolIds: world.ids.tools.list } });

    await updateEntitlement(suite.db, admin, {
      entitlementId: ent.id,
      name: ent.name,
      toolIds: [world.ids.tools.list],
      maxSessionSeconds: ent.maxSessionSeconds,
    });
    expect((await callTool(world, holding.token, CHAT_TOOLS.list)).status).toBe(401);
    await expectRevokedBy(holding.sid, { kind: "entitlement_changed", entitlementId: ent.id });
    expect(await suite.db.auditEvent.count({ where: { action: "session.revoked", sessionId: narrow.sid } })).toBe(0);
  });

  it("a person removed from a group via SCIM loses, in their agents' live sessions, what the group gave", async () => {
    const base = `${world.issuer}/scim/v2`;
    const scim = scimClient(base, (await createScimToken(suite.db, ADMIN, { name: "Okta" })).token);
    const user = await scim.post("/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "erin@acme.example",
      name: { givenName: "Erin", familyName: "Lee" },
      active: true,
    });
    expect(user.status).toBe(201);
    const erinId = String(user.body.id);
    await suite.db.user.update({ where: { id: erinId }, data: { idpIssuer: world.idp.issuer, idpSubject: "erin" } });
    const group = await scim.post("/Groups", {
      schemas: [GROUP_SCHEMA],
      displayName: "Support",
      members: [{ value: erinId }],
    });
    expect(group.status).toBe(201);
    const groupId = String(group.body.id);
    await suite.db.assignment.create({
      data: {
        entitlementId: world.ids.entitlements.read,
        principalType: "group",
        groupId,
        justification: "support reads chat",
      },
    });
    const agent = await createAgent(world, [world.ids.entitlements.read], "delegated");
    const { access } = await mintDelegated(world, agent.clientId, "erin");
    expect(access.status).toBe(200);
    expect((await callTool(world, access.token, CHAT_TOOLS.search)).status).toBe(200);

    // Okta's shape for a removal.
    const removed = await scim.patch(`/Groups/${groupId}`, [{ op: "remove", path: `members[value eq "${erinId}"]` }]);
    expect(removed.status).toBe(204);
    expect((await callTool(world, access.token, CHAT_TOOLS.search)).status).toBe(401);
    await expectRevokedBy(access.sid, { kind: "group_membership_removed", groupId, userIds: [erinId] });
  });

  it("a policy file cuts the sessions its net effect takes a tool from, once, after all its changes", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.post]);
    const regranted = await createAgent(world, [world.ids.entitlements.list]);
    const t = await mintAutonomous(world, agent.clientId);
    const r = await mintAutonomous(world, regranted.clientId);
    // The whole model as a file, less one agent's grant (ended), with another's justification changed (ended and
    // granted again in the same file: no loss, so its session is kept).
    const doc = parse(await exportPolicy(suite.db)) as { assignments: { agent?: string; justification?: string }[] };
    doc.assignments = doc.assignments.filter((a) => a.agent !== agent.clientId);
    for (const a of doc.assignments)
      if (a.agent === regranted.clientId) a.justification = "Still lists channels, renewed by the file";
    const applied = await applyPolicy(suite.db, admin, stringify(doc));
    if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
    expect(await suite.db.assignment.count({ where: { agentId: regranted.id, endedAt: { not: null } } })).toBe(1);
    expect((await callTool(world, t.token, CHAT_TOOLS.post)).status).toBe(401);
    await expectRevokedBy(t.sid, { kind: "policy_applied" });
    expect((await callTool(world, r.token, CHAT_TOOLS.list)).status).toBe(200);
    expect(await suite.db.auditEvent.count({ where: { action: "session.revoked", sessionId: r.sid } })).toBe(0);
  });

  it("a grant that expires: no token outlives it, and the sweeper cuts the live sessions holding its tools", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.list]);
    const soon = new Date(Date.now() + 60_000);
    const grant = await suite.db.assignment.create({
      data: {
        entitlementId: world.ids.entitlements.post,
        principalType: "agent",
        agentId: agent.id,
        justification: "a minute",
        expiresAt: soon,
      },
    });
    // A session opened on the lasting grant, then extended by a mint that includes the expiring one.
    const lasting = await mintAutonomous(world, agent.clientId, "chat:read");
    const both = await mintAutonomous(world, agent.clientId);
    expect(both.sid).toBe(lasting.sid);
    expect(Number(both.claims.exp) * 1000).toBeLessThanOrEqual(soon.getTime());
    const session = await suite.db.agentSession.findUniqueOrThrow({ where: { id: both.sid } });
    expect(session.expiresAt.getTime()).toBeGreaterThan(soon.getTime());

    const result = await expireSessions(suite.db, { idleTimeoutMs: 3_600_000 }, new Date(soon.getTime() + 1_000));
    expect(result.lostAccess).toEqual([both.sid]);
    await expectRevokedBy(both.sid, { kind: "assignment_expired", assignmentIds: [grant.id] });
    // A later pass finds nothing more to do.
    expect(
      (await expireSessions(suite.db, { idleTimeoutMs: 3_600_000 }, new Date(soon.getTime() + 2_000))).lostAccess,
    ).toEqual([]);
  });

  it("/oauth/revoke reaches the gateway at once through the one revocation path: that token only, logged for the other instances", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.list]);
    const first = await mintAutonomous(world, agent.clientId);
    const second = await mintAutonomous(world, agent.clientId);
    expect(second.sid).toBe(first.sid);
    expect((await callTool(world, first.token, CHAT_TOOLS.list)).status).toBe(200);

    const answer = await revokeToken(world, agent.clientId, first.token);
    // RFC 7009 §2.2: 200 and an empty body, whatever happened.
    expect(answer).toEqual({ status: 200, body: "" });
    const refused = await callTool(world, first.token, CHAT_TOOLS.list);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error_description="token revoked"');
    // The session and its other token go on.
    expect((await callTool(world, second.token, CHAT_TOOLS.list)).status).toBe(200);
    expect(await suite.db.revocationEvent.count({ where: { jti: first.jti } })).toBe(1);
    const audit = await suite.db.auditEvent.findMany({ where: { action: "token.revoked", sessionId: first.sid } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ decision: "allow", reason: "revoked by its client" });

    // Revoking it again, or a stranger's token, changes nothing and answers the same.
    expect(await revokeToken(world, agent.clientId, first.token)).toEqual({ status: 200, body: "" });
    const stranger = await createAgent(world, [world.ids.entitlements.list]);
    expect(await revokeToken(world, stranger.clientId, second.token)).toEqual({ status: 200, body: "" });
    expect((await callTool(world, second.token, CHAT_TOOLS.list)).status).toBe(200);
    expect(await suite.db.revocationEvent.count({ where: { jti: first.jti } })).toBe(1);
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
  });
});
