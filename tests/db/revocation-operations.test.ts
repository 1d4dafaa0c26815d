import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import { RevocationState } from "@/lib/gateway/revocation-state";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { inspectToken } from "@/lib/tokens/inspect-token";
import { killAgent } from "@/lib/sessions/kill-agent";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { emergencyRevokeServer, revokeSessionsOf } from "@/lib/sessions/revoke-sessions-of";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import {
  callTool,
  insertSession,
  introspect,
  mintToken,
  portOf,
  seedRevocationWorld,
  type RevocationWorld,
} from "../support/revocation-fixture";

/** Waits (bounded) until `check` holds; the assertion after it says what was expected. */
async function eventually(check: () => boolean | Promise<boolean>, attempts = 100, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

/**
 * Every revocation operation, end to end on both stores: the console's domain
 * functions revoke, and the very next gateway call and introspection through
 * the real protocol server refuse; and a second "instance" (its own client
 * and revocation state, no shared bus) catches up from the store.
 */
describe.each(PROVIDERS)("revocation operations on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let world: RevocationWorld;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    // A poll far slower than the test: refusals below come from the bus, not the poll.
    gateway = new Gateway(ctx, { revocationPollMs: 60_000, revocationStaleAfterMs: 120_000, directoryTtlMs: 60_000 });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${portOf(server)}`;
    Object.assign(ctx, { issuer });
    world = await seedRevocationWorld(db, issuer);
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("revokes every session of an agent: the next gateway call and introspection fail, each session is audited and logged for catch-up", async () => {
    const t = await mintToken(issuer, "agent-one");
    expect(t.status).toBe(200);
    expect(await callTool(issuer, t.token)).toBe(200);
    expect(await introspect(issuer, "agent-one", t.token)).toBe(true);
    const other = await mintToken(issuer, "agent-two");

    const result = await revokeSessionsOf(db, world.oncall, {
      of: "agent",
      agentId: world.ids.agent,
      reason: "Incident 7: agent-one leaked",
    });
    expect(result).toEqual({ label: "agent-one", revoked: [t.sid] });
    expect(await callTool(issuer, t.token)).toBe(401);
    expect(await introspect(issuer, "agent-one", t.token)).toBe(false);
    // The other agent is untouched.
    expect(await callTool(issuer, other.token)).toBe(200);

    const events = await db.auditEvent.findMany({ where: { action: "session.revoked", sessionId: t.sid } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: "Incident 7: agent-one leaked", actorLabel: "oncall@acme.example" });
    expect(events[0]!.detail).toMatchObject({ operation: { kind: "agent", agentId: world.ids.agent } });
    expect(await db.revocationEvent.count({ where: { sessionId: t.sid } })).toBe(1);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("revokes every session on behalf of a person, and every session on a server", async () => {
    const aliceA = await insertSession(db, {
      agentId: world.ids.agent2,
      serverId: world.ids.server,
      userId: world.ids.alice,
    });
    const bobA = await insertSession(db, {
      agentId: world.ids.agent2,
      serverId: world.ids.server,
      userId: world.ids.bob,
    });
    const byUser = await revokeSessionsOf(db, world.oncall, {
      of: "user",
      userId: world.ids.alice,
      reason: "Alice's laptop stolen",
    });
    expect(byUser).toEqual({ label: "Alice", revoked: [aliceA] });
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: bobA } })).status).toBe("active");

    const live = await mintToken(issuer, "agent-two");
    const byServer = await revokeSessionsOf(db, world.oncall, {
      of: "server",
      serverId: world.ids.server,
      reason: "Docs compromised",
    });
    expect(new Set(byServer.revoked)).toEqual(new Set([bobA, live.sid]));
    expect(await callTool(issuer, live.token)).toBe(401);
    const tokens = await db.issuedToken.findMany({ where: { sessionId: { in: byServer.revoked } } });
    expect(tokens.every((x) => x.revokedAt !== null)).toBe(true);
  });

  it("bulk-revokes a selection, reporting the sessions that had already ended", async () => {
    const a = await mintToken(issuer, "agent-one");
    const b = await mintToken(issuer, "agent-two");
    const ended = (await db.agentSession.findFirstOrThrow({ where: { status: "revoked" } })).id;
    const result = await revokeSessions(db, world.oncall, {
      sessionIds: [a.sid, b.sid, ended],
      reason: "Bulk containment",
    });
    expect(result).toEqual({ revoked: [a.sid, b.sid], alreadyEnded: [ended] });
    expect(await callTool(issuer, a.token)).toBe(401);
    expect(await callTool(issuer, b.token)).toBe(401);
  });

  it("emergency revoke of a server needs its exact name typed, and then revokes everything on it", async () => {
    const t = await mintToken(issuer, "agent-one");
    // Outside the gateway's stream: its tool-call events (the previous test's refusals) are written asynchronously.
    const written = () => db.auditEvent.count({ where: { stream: { not: "gateway" } } });
    const before = await written();
    await expect(
      emergencyRevokeServer(db, world.oncall, { serverId: world.ids.server, confirmName: "docs", reason: "Emergency" }),
    ).rejects.toThrow(/Type "Docs" exactly/);
    expect(await written()).toBe(before);
    expect(await callTool(issuer, t.token)).toBe(200);
    const result = await emergencyRevokeServer(db, world.oncall, {
      serverId: world.ids.server,
      confirmName: "Docs",
      reason: "Emergency: Docs breached",
    });
    expect(result.revoked).toEqual([t.sid]);
    expect(await callTool(issuer, t.token)).toBe(401);
    const e = await db.auditEvent.findFirstOrThrow({ where: { action: "session.revoked", sessionId: t.sid } });
    expect(e.detail).toMatchObject({ operation: { kind: "server", emergency: true } });
  });

  it("the kill switch suspends the agent and revokes its sessions in one transaction; the token endpoint then refuses it", async () => {
    const t = await mintToken(issuer, "agent-two");
    expect(await callTool(issuer, t.token)).toBe(200);
    const result = await killAgent(db, world.oncall, { agentId: world.ids.agent2, reason: "Kill switch drill" });
    expect(result.revoked).toEqual([t.sid]);
    expect(await callTool(issuer, t.token)).toBe(401);
    // (The suspended agent itself can no longer authenticate to introspect: ask the store's view directly.)
    expect((await inspectToken(ctx, t.token, new Date())).active).toBe(false);
    expect((await db.agent.findUniqueOrThrow({ where: { id: world.ids.agent2 } })).status).toBe("suspended");
    const again = await mintToken(issuer, "agent-two");
    expect(again.status).toBe(401);
    expect(again.error).toBe("invalid_client");
    const suspended = await db.auditEvent.findFirstOrThrow({
      where: { action: "agent.suspended", targetId: world.ids.agent2 },
    });
    expect(suspended.reason).toBe("Kill switch drill");
  });

  it("another instance catches up by sequence even when the revocation was stamped long before it committed and nobody announced it", async () => {
    // Instance B: its own client and revocation state, polling fast, not listening (the catch-up read alone).
    const dbB = createDb(fresh.config);
    const stateB = new RevocationState(
      dbB,
      { revocationPollMs: 50, revocationStaleAfterMs: 5_000, revocationOverlapMs: 5_000 },
      { listen: false },
    );
    try {
      await stateB.start();
      const sid = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });
      expect(stateB.revokedReason(sid, "-")).toBeNull();
      // Stamped a minute ago (a long transaction, a skewed clock): a "since the last poll" read would miss it.
      const stamped = new Date(Date.now() - 60_000);
      await db.$transaction((tx) =>
        revokeLiveSessionsIn(
          tx,
          world.oncall,
          { id: sid },
          { reason: "late commit", now: stamped, operation: { kind: "sessions" } },
        ),
      );
      expect(await eventually(() => stateB.revokedReason(sid, "-") !== null)).toBe(true);
      expect(stateB.isFresh()).toBe(true);
    } finally {
      stateB.stop();
      await dbB.$disconnect();
    }
  });

  it("fails closed when it cannot confirm freshness", async () => {
    const dbB = createDb(fresh.config);
    const stateB = new RevocationState(
      dbB,
      { revocationPollMs: 50, revocationStaleAfterMs: 1_500, revocationOverlapMs: 5_000 },
      { listen: false },
    );
    await stateB.start();
    expect(await eventually(() => stateB.isFresh())).toBe(true);
    stateB.stop();
    await dbB.$disconnect();
    expect(await eventually(() => !stateB.isFresh())).toBe(true);
  });
});
