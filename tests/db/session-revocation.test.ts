import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { revocationBus, type Revocation } from "@/lib/gateway/revocation-bus";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

describe.each(PROVIDERS)("session revocation on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let oncall: Principal;
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000);

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const person = await db.user.create({ data: { email: "oncall@example.test", displayName: "On Call" } });
    oncall = {
      kind: "user",
      userId: person.id,
      email: person.email,
      displayName: "On Call",
      roles: ["oncall"],
      consoleSessionId: "cs",
    };
    const agent = await db.agent.create({
      data: {
        clientId: "agent-a",
        name: "Agent A",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        allowedGrantTypes: "client_credentials",
      },
    });
    const server = await db.mcpServer.create({
      data: { name: "S", slug: "s", resourceUri: "https://s.example/mcp", enforcementMode: "native" },
    });
    for (const id of ["s-live-1", "s-live-2", "s-expired"]) {
      await db.agentSession.create({
        data: {
          id,
          agentId: agent.id,
          serverId: server.id,
          scopes: "s:read",
          grantType: "client_credentials",
          expiresAt: later,
          status: id === "s-expired" ? "expired" : "active",
          tokens: {
            create: [
              {
                id: `t-${id}`,
                jti: `jti-${id}`,
                kind: "access_token",
                clientId: "agent-a",
                audience: "https://s.example/mcp",
                scopes: "s:read",
                expiresAt: later,
              },
            ],
          },
        },
      });
    }
  });

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("revokes live sessions and their tokens, audits each, and tells the gateway at once", async () => {
    const heard: Revocation[] = [];
    const stop = revocationBus.subscribe((r) => heard.push(r));
    try {
      const result = await revokeSessions(
        db,
        oncall,
        { sessionIds: ["s-live-1", "s-expired"], reason: "Incident 42" },
        now,
      );
      expect(result).toEqual({ revoked: ["s-live-1"], alreadyEnded: ["s-expired"] });
    } finally {
      stop();
    }
    expect(heard).toEqual([{ sessionId: "s-live-1" }]);
    const s = await db.agentSession.findUniqueOrThrow({ where: { id: "s-live-1" }, include: { tokens: true } });
    expect(s).toMatchObject({
      status: "revoked",
      revokedBy: oncall.kind === "user" ? oncall.userId : "",
      revokedReason: "Incident 42",
    });
    expect(s.revokedAt?.getTime()).toBe(now.getTime());
    expect(s.tokens.every((t) => t.revokedAt !== null)).toBe(true);
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: "s-live-2" } })).status).toBe("active");
    const events = await db.auditEvent.findMany({ where: { action: "session.revoked" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      targetId: "s-live-1",
      sessionId: "s-live-1",
      reason: "Incident 42",
      actorLabel: "oncall@example.test",
      decision: "allow",
    });
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("revoking again changes nothing and writes no event", async () => {
    const before = await db.auditEvent.count();
    expect(await revokeSessions(db, oncall, { sessionIds: ["s-live-1"], reason: "again" })).toEqual({
      revoked: [],
      alreadyEnded: ["s-live-1"],
    });
    expect(await db.auditEvent.count()).toBe(before);
  });

  it("refuses unknown sessions and writes nothing", async () => {
    const before = await db.auditEvent.count();
    await expect(revokeSessions(db, oncall, { sessionIds: ["s-live-2", "nope"], reason: "typo" })).rejects.toThrow(
      /do not exist/,
    );
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: "s-live-2" } })).status).toBe("active");
    expect(await db.auditEvent.count()).toBe(before);
  });
});
