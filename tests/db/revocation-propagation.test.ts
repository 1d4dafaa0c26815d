import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endAssignment } from "@/lib/assignments/end-assignment";
import { createDb, type Db } from "@/lib/db/client";
import { RevocationState } from "@/lib/gateway/revocation-state";
import { LISTENER_APPLICATION_NAME } from "@/lib/db/stores/revocations/listener";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";
import { freshDatabase, type FreshDatabase } from "../support/databases";
import {
  AGENT_SECRET,
  callTool,
  insertSession,
  introspect,
  mintToken,
  seedRevocationWorld,
  type RevocationWorld,
} from "../support/revocation-fixture";
import { spawnInstance, type Instance } from "../support/spawn-instance";

async function eventually(check: () => boolean | Promise<boolean>, attempts = 100, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

/** The shared issuer of both instances (behind one load balancer in production). */
const ISSUER = "http://mandate.test";

/**
 * Propagation across instances on PostgreSQL (the embedded store is one
 * process by construction): two real app processes, and the notification
 * connection cut from the server side.
 */
describe("revocation propagation on postgresql", () => {
  let fresh: FreshDatabase;
  let db: Db;
  let world: RevocationWorld;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    fresh = await freshDatabase("postgresql");
    db = createDb(fresh.config);
    world = await seedRevocationWorld(db, ISSUER);
    if (fresh.config.provider !== "postgresql") throw new Error("expected PostgreSQL");
    const env = {
      DATABASE_URL: fresh.config.url,
      MANDATE_ISSUER: ISSUER,
      MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY ?? randomBytes(32).toString("base64url"),
      MANDATE_MIGRATE_ON_START: "false",
      // A poll far slower than the test: B can learn only from the NOTIFY.
      MANDATE_GATEWAY_REVOCATION_POLL_MS: "30000",
      MANDATE_GATEWAY_REVOCATION_STALE_MS: "120000",
    };
    [a, b] = await Promise.all([spawnInstance(env), spawnInstance(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("a revocation made on one instance is enforced by the other's gateway and introspection", async () => {
    const t = await mintToken(a.url, "agent-one", undefined, ISSUER);
    expect(t.status).toBe(200);
    expect(await callTool(b.url, t.token)).toBe(200);
    expect(await introspect(b.url, "agent-one", t.token)).toBe(true);

    const r = await fetch(`${a.url}/test/revoke`, { method: "POST", body: JSON.stringify({ sessionId: t.sid }) });
    expect(((await r.json()) as { revoked: string[] }).revoked).toEqual([t.sid]);
    // A refuses at once (its own bus); B as soon as the NOTIFY arrives (its poll is 30 s away).
    expect(await callTool(a.url, t.token)).toBe(401);
    expect(await eventually(async () => (await callTool(b.url, t.token)) === 401)).toBe(true);
    expect(await introspect(b.url, "agent-one", t.token)).toBe(false);
  });

  it("after the listening connection is killed, the catch-up read on reconnecting still revokes what was missed", async () => {
    const dbB = createDb(fresh.config);
    // No useful poll: only NOTIFY and the catch-up after reconnecting can tell this state.
    const state = new RevocationState(
      dbB,
      { revocationPollMs: 600_000, revocationStaleAfterMs: 1_200_000, revocationOverlapMs: 5_000 },
      { listenReconnectMs: 1_500 },
    );
    try {
      await state.start();
      expect(await eventually(() => state.notifications?.listening === true)).toBe(true);
      const revokeElsewhere = (sid: string) =>
        db.$transaction((tx) =>
          revokeLiveSessionsIn(
            tx,
            world.oncall,
            { id: sid },
            { reason: "elsewhere", now: new Date(), operation: { kind: "sessions" } },
          ),
        );

      const first = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });
      await revokeElsewhere(first);
      expect(await eventually(() => state.revokedReason(first, "-") !== null)).toBe(true);

      // Cut every listener of this database from the server side (the instances' too: they reconnect).
      const killed = await db.$queryRawUnsafe<{ ok: boolean }[]>(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        LISTENER_APPLICATION_NAME,
      );
      expect(killed.length).toBeGreaterThanOrEqual(1);
      expect(await eventually(() => state.notifications?.listening === false)).toBe(true);

      // Revoked while nobody listens: its NOTIFY is lost.
      const missed = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });
      await revokeElsewhere(missed);
      expect(state.notifications?.listening).toBe(false);
      expect(state.revokedReason(missed, "-")).toBeNull();

      // Reconnecting triggers the catch-up read past the watermark.
      expect(await eventually(() => state.revokedReason(missed, "-") !== null)).toBe(true);
      expect(state.notifications?.connects).toBe(2);
    } finally {
      state.stop();
      await dbB.$disconnect();
    }
  });

  it("the other instance's gateway also catches up after its listener is killed", async () => {
    const t = await mintToken(a.url, "agent-one", undefined, ISSUER);
    expect(await callTool(b.url, t.token)).toBe(200);
    await db.$queryRawUnsafe(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
      LISTENER_APPLICATION_NAME,
    );
    // Revoked straight in the store, announced to nobody and possibly while B is reconnecting.
    await db.$transaction((tx) =>
      revokeLiveSessionsIn(
        tx,
        world.oncall,
        { id: t.sid },
        { reason: "while cut", now: new Date(), operation: { kind: "sessions" } },
      ),
    );
    // A call in flight when B learns of the revocation is cut (no status at all): not yet the refusal looked for.
    expect(await eventually(async () => (await callTool(b.url, t.token).catch(() => 0)) === 401, 200)).toBe(true);
  });

  it("a token revoked by its client at /oauth/revoke on one instance is refused by the other's gateway from the NOTIFY", async () => {
    const t = await mintToken(a.url, "agent-one", undefined, ISSUER);
    expect(await callTool(b.url, t.token)).toBe(200);
    const r = await fetch(`${a.url}/oauth/revoke`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`agent-one:${AGENT_SECRET}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ token: t.token }),
    });
    expect(r.status).toBe(200);
    // A at once (its bus); B well before its 30 s poll.
    expect(await callTool(a.url, t.token)).toBe(401);
    expect(await eventually(async () => (await callTool(b.url, t.token).catch(() => 0)) === 401)).toBe(true);
  });

  it("an access removal committed anywhere reaches both instances' gateways: the session that lost its tool is refused", async () => {
    const t = await mintToken(a.url, "agent-two", undefined, ISSUER);
    expect(await callTool(b.url, t.token)).toBe(200);
    const grant = await db.assignment.findFirstOrThrow({ where: { agentId: world.ids.agent2, endedAt: null } });
    // Made by another process on the same store (an admin's console instance): A and B learn it only from the store.
    await endAssignment(db, world.oncall, { assignmentId: grant.id, reason: "no longer reads docs" });
    expect(await eventually(async () => (await callTool(a.url, t.token).catch(() => 0)) === 401)).toBe(true);
    expect(await eventually(async () => (await callTool(b.url, t.token).catch(() => 0)) === 401)).toBe(true);
    const revoked = await db.auditEvent.findFirstOrThrow({ where: { action: "session.revoked", sessionId: t.sid } });
    expect(revoked.detail).toMatchObject({ operation: { kind: "assignment_ended", assignmentIds: [grant.id] } });
  });
});
