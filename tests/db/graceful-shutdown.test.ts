import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { SecurityEventDeliveryWorker } from "@/lib/security-events/delivery-worker";
import { createReceiver } from "@/lib/security-events/receivers";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { insertSession, mintToken, seedRevocationWorld, type RevocationWorld } from "../support/revocation-fixture";
import { spawnInstance, type Instance } from "../support/spawn-instance";

const ISSUER = "http://mandate.shutdown";
const GRACE_SECONDS = 8;
/** How long the slow tool call holds its answer: well inside the grace period. */
const SLOW_MS = 1500;

/**
 * SIGTERM to a real server process (tests/support/instance-process.ts, which
 * stops through server/shutdown.ts as server/main.ts does) while a slow tool
 * call is in flight and refusal events are still queued.
 */
describe.each(PROVIDERS)("graceful shutdown on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let world: RevocationWorld;
  let instance: Instance;
  let reached: () => void = () => {};

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    world = await seedRevocationWorld(db, ISSUER);
    world.upstream.setTools([
      {
        name: "read_doc",
        input: { id: z.string().optional() },
        handler: async () => {
          reached();
          await new Promise((r) => setTimeout(r, SLOW_MS));
          return { content: [{ type: "text", text: "slow read_doc done" }] };
        },
      },
    ]);
    instance = await spawnInstance({
      DATABASE_URL: fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url,
      MANDATE_ISSUER: ISSUER,
      MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY ?? randomBytes(32).toString("base64url"),
      MANDATE_MIGRATE_ON_START: "false",
      MANDATE_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      // Refusal events stay queued until something flushes them: here, only the shutdown.
      MANDATE_GATEWAY_AUDIT_FLUSH_MS: "600000",
    });
  }, 120_000);

  afterAll(async () => {
    await instance?.stop();
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const post = (token: string, tool: string, requestId: string) =>
    fetch(`${instance.url}/mcp/docs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token}`,
        "x-request-id": requestId,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: {} } }),
    });

  it("on SIGTERM finishes the request in flight, writes the queued audit events, closes the store and exits 0", async () => {
    const t = await mintToken(instance.url, "agent-one", undefined, ISSUER);
    expect(t.status).toBe(200);
    const refusals = Array.from({ length: 5 }, () => `queued-${randomUUID()}`);
    for (const id of refusals) expect((await post(t.token, "no_such_tool", id)).status).toBe(403);

    const slowId = `slow-${randomUUID()}`;
    const upstreamReached = new Promise<void>((r) => (reached = r));
    const slow = post(t.token, "read_doc", slowId).then(async (r) => ({ status: r.status, text: await r.text() }));
    await upstreamReached;
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const t0 = performance.now();
      instance.process.once("exit", (code) => resolve({ code, ms: performance.now() - t0 }));
    });
    instance.process.kill("SIGTERM");

    // The request in flight is answered in full.
    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(answered.text).toContain("slow read_doc done");
    // Nothing new is accepted meanwhile.
    await expect(fetch(`${instance.url}/healthz`)).rejects.toThrow();
    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan((GRACE_SECONDS + 10) * 1000);

    // Everything it had accepted is in the store: the call's event, the queued refusals, the session's counter.
    const events = await db.auditEvent.findMany({ where: { requestId: { in: [slowId, ...refusals] } } });
    expect(events.filter((e) => e.action === "tool.called").map((e) => e.requestId)).toEqual([slowId]);
    expect(
      events
        .filter((e) => e.action === "tool.call_refused")
        .map((e) => e.requestId)
        .sort(),
    ).toEqual([...refusals].sort());
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: t.sid } })).toolCallCount).toBe(1);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("delivers what the security event outbox holds when stopped with a drain period", async () => {
    const received: string[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(body);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const port = (receiver.address() as { port: number }).port;
      await createReceiver(db, world.oncall, { name: `Receiver ${provider}`, url: `http://127.0.0.1:${port}/events` });
      const sid = await insertSession(db, { agentId: world.ids.agent, serverId: world.ids.server });
      await revokeSessions(db, world.oncall, { sessionIds: [sid], reason: "shutdown drain" });
      const ctx = createOAuthContext(db, { issuer: ISSUER });
      // Never started: only the stop's drain delivers.
      const worker = new SecurityEventDeliveryWorker(db, { keys: ctx.keys, issuer: () => ISSUER });
      await worker.stop({ drainWithinMs: 5000 });
      expect(received).toHaveLength(1);
      expect((await db.securityEventDelivery.findFirstOrThrow({ where: { sessionId: sid } })).status).toBe("delivered");
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});
