import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { CAEP_SESSION_REVOKED } from "@/lib/security-events/caep";
import { SecurityEventDeliveryWorker } from "@/lib/security-events/delivery-worker";
import { createReceiver, listReceivers } from "@/lib/security-events/receivers";
import { expireSessions } from "@/lib/sessions/expire-sessions";
import { listSessions } from "@/lib/sessions/list-sessions";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { sessionFiltersSchema } from "@/lib/sessions/session-filters";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { insertSession, portOf, seedRevocationWorld, type RevocationWorld } from "../support/revocation-fixture";

/** An SSF push receiver (RFC 8935) that verifies each SET against Mandate's JWKS and answers as told. */
async function startReceiver(issuer: string, expectAuth: string) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/oauth/jwks`));
  const received: { header: Record<string, unknown>; payload: JWTPayload }[] = [];
  const answers: number[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((ok) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c));
      req.on("end", () => ok(b));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then(async (body) => {
      const answer = answers.shift() ?? 202;
      if (req.headers.authorization !== expectAuth || req.headers["content-type"] !== "application/secevent+jwt") {
        res.writeHead(401).end();
        return;
      }
      if (answer !== 202) {
        res
          .writeHead(answer, { "content-type": "application/json" })
          .end(JSON.stringify({ err: "invalid_request", description: "told to refuse" }));
        return;
      }
      try {
        const v = await jwtVerify(body, jwks, { issuer, typ: "secevent+jwt", audience: url });
        received.push({ header: v.protectedHeader as Record<string, unknown>, payload: v.payload });
        res.writeHead(202).end();
      } catch (e) {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ err: "invalid_key", description: String(e) }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ssf/push`;
  return { url, received, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(PROVIDERS)("session lifecycle and CAEP push on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let server: Server;
  let issuer: string;
  let world: RevocationWorld;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    server = createProtocolServer(ctx);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${portOf(server)}`;
    Object.assign(ctx, { issuer });
    world = await seedRevocationWorld(db, issuer);
  });

  afterAll(async () => {
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("ends sessions at their maximum duration and idle timeout; ended sessions leave the live view but stay queryable", async () => {
    const now = new Date();
    const past = await insertSession(db, {
      agentId: world.ids.agent,
      serverId: world.ids.server,
      expiresAt: new Date(now.getTime() - 1000),
    });
    const idle = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });
    await db.agentSession.update({
      where: { id: idle },
      data: { lastUsedAt: new Date(now.getTime() - 2 * 3_600_000) },
    });
    const fresh1 = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });

    const active = (await listSessions(db, { limit: 50 }, sessionFiltersSchema.parse({}), now)).rows.map((s) => s.id);
    expect(active).toContain(idle);
    expect(active).not.toContain(past); // lazily: past its end is not live, even before the sweep

    const result = await expireSessions(db, { idleTimeoutMs: 3_600_000 }, now);
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(result.idled).toEqual([idle]);
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: past } })).status).toBe("expired");
    const idled = await db.agentSession.findUniqueOrThrow({ where: { id: idle }, include: { tokens: true } });
    expect(idled.status).toBe("expired");
    expect(idled.tokens.every((t) => t.revokedAt !== null)).toBe(true);
    expect(await db.revocationEvent.count({ where: { sessionId: idle } })).toBe(1);
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: fresh1 } })).status).toBe("active");

    const live = (
      await listSessions(db, { limit: 50 }, sessionFiltersSchema.parse({ status: "active" }), now)
    ).rows.map((s) => s.id);
    expect(live).not.toContain(idle);
    const ended = (
      await listSessions(
        db,
        { limit: 50 },
        sessionFiltersSchema.parse({ status: "expired", agentId: world.ids.agent }),
        now,
      )
    ).rows.map((s) => s.id);
    expect(ended).toEqual(expect.arrayContaining([past, idle]));
  });

  it("publishes the SSF transmitter configuration", async () => {
    const r = await fetch(`${issuer}/.well-known/ssf-configuration`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      spec_version: "1_0",
      issuer,
      jwks_uri: `${issuer}/oauth/jwks`,
      delivery_methods_supported: ["urn:ietf:rfc:8935"],
    });
  });

  it("pushes a signed CAEP session-revoked SET to each receiver from the outbox, retrying failures with backoff", async () => {
    const receiver = await startReceiver(issuer, "Bearer receiver-secret");
    try {
      const { id: receiverId } = await createReceiver(db, world.oncall, {
        name: "Native MCP",
        url: receiver.url,
        authHeader: "Bearer receiver-secret",
      });
      const stored = await db.eventReceiver.findUniqueOrThrow({ where: { id: receiverId } });
      expect(stored.authHeaderEnc).not.toContain("receiver-secret");

      const sid = await insertSession(db, {
        agentId: world.ids.agent,
        serverId: world.ids.server,
        userId: world.ids.alice,
      });
      await revokeSessions(db, world.oncall, { sessionIds: [sid], reason: "Compromised laptop" });
      // Written in the revocation's transaction, delivered after.
      const queued = await db.securityEventDelivery.findFirstOrThrow({ where: { sessionId: sid } });
      expect(queued.status).toBe("pending");

      const worker = new SecurityEventDeliveryWorker(
        db,
        { keys: ctx.keys, issuer: () => ctx.issuer },
        { backoffMs: 60_000 },
      );
      receiver.answers.push(503);
      expect(await worker.deliverDue()).toBe(1);
      const retry = await db.securityEventDelivery.findUniqueOrThrow({ where: { id: queued.id } });
      expect(retry).toMatchObject({ status: "pending", attempts: 1, lastHttpStatus: 503 });
      expect(retry.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
      expect(await worker.deliverDue()).toBe(0); // not due yet

      expect(await worker.deliverDue(new Date(Date.now() + 120_000))).toBe(1);
      const done = await db.securityEventDelivery.findUniqueOrThrow({ where: { id: queued.id } });
      expect(done).toMatchObject({ status: "delivered", attempts: 2, lastHttpStatus: 202 });

      expect(receiver.received).toHaveLength(1);
      const { header, payload } = receiver.received[0]!;
      expect(header.typ).toBe("secevent+jwt");
      expect(payload.jti).toBe(queued.jti);
      expect(payload).toMatchObject({
        iss: issuer,
        aud: receiver.url,
        sub_id: {
          format: "complex",
          session: { format: "opaque", id: sid },
          user: { format: "email", email: "alice@acme.example" },
        },
        events: { [CAEP_SESSION_REVOKED]: { initiating_entity: "admin", reason_admin: { en: "Compromised laptop" } } },
      });

      // A receiver refusing a SET with 400 is final (RFC 8935 §2.3).
      const sid2 = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });
      await revokeSessions(db, world.oncall, { sessionIds: [sid2], reason: "Second" });
      receiver.answers.push(400);
      await worker.deliverDue(new Date(Date.now() + 1000));
      const refused = await db.securityEventDelivery.findFirstOrThrow({ where: { sessionId: sid2 } });
      expect(refused).toMatchObject({ status: "failed", attempts: 1, lastHttpStatus: 400 });
      expect(refused.lastError).toContain("invalid_request");

      const [row] = await listReceivers(db);
      expect(row).toMatchObject({ name: "Native MCP", delivered: 1, failed: 1, pending: 0, hasAuthHeader: true });
    } finally {
      await receiver.close();
    }
  });
});
