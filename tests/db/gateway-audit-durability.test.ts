import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import type { ToolCallStore } from "@/lib/db/stores/tool-calls";
import { Gateway } from "@/lib/gateway/gateway";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { mintToken, portOf, seedRevocationWorld, type RevocationWorld } from "../support/revocation-fixture";

/**
 * When a tool call's audit event is written, seen from the outside: the
 * upstream MCP server itself looks for the call's `tool.called` event (by the
 * request id the caller sent) while it runs the call.
 */
describe.each(PROVIDERS)("tool-call audit durability on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let world: RevocationWorld;
  /** What the upstream found when each call reached it: request id → its tool.called events then. */
  const seenByUpstream = new Map<string, number>();

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, { revocationPollMs: 50, revocationStaleAfterMs: 10_000, directoryTtlMs: 60_000 });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${portOf(server)}`;
    Object.assign(ctx, { issuer });
    world = await seedRevocationWorld(db, issuer);
    world.upstream.setTools([
      {
        name: "read_doc",
        input: { id: z.string().optional() },
        handler: async (_args, extra) => {
          const requestId = String(extra.requestInfo?.headers["x-request-id"] ?? "");
          seenByUpstream.set(requestId, await db.auditEvent.count({ where: { action: "tool.called", requestId } }));
          return { content: [{ type: "text", text: "read_doc called" }] };
        },
      },
    ]);
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const callTool = async (token: string, requestId: string) => {
    const r = await fetch(`${issuer}/mcp/docs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token}`,
        "x-request-id": requestId,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "read_doc", arguments: {} },
      }),
    });
    return {
      status: r.status,
      retryAfter: r.headers.get("retry-after"),
      body: (await r.json()) as { error?: { code: number } },
    };
  };

  it("commits every allowed call's tool.called event before the upstream runs the call, also for concurrent calls", async () => {
    const t = await mintToken(issuer, "agent-one");
    const ids = Array.from({ length: 24 }, () => `durable-${randomUUID()}`);
    const results = await Promise.all(ids.map((id) => callTool(t.token, id)));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    expect(ids.map((id) => seenByUpstream.get(id))).toEqual(ids.map(() => 1));
    // Without any flush: answered means written. One event per call, the session's counters with them.
    expect(await db.auditEvent.count({ where: { action: "tool.called", requestId: { in: ids } } })).toBe(ids.length);
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: t.sid } })).toolCallCount).toBe(ids.length);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("refuses a call whose event cannot be written with 503 and Retry-After, never forwards it, and records the refusal once the store takes it", async () => {
    const t = await mintToken(issuer, "agent-two");
    const writer = gateway.audit as unknown as { store: ToolCallStore };
    const real = writer.store;
    writer.store = { write: () => Promise.reject(new Error("store unreachable")) };
    const id = `undurable-${randomUUID()}`;
    let refused;
    try {
      refused = await callTool(t.token, id);
    } finally {
      writer.store = real;
    }
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe("1");
    expect(refused.body.error?.code).toBe(-32004);
    expect(seenByUpstream.has(id)).toBe(false);
    await gateway.audit.flush();
    const events = await db.auditEvent.findMany({ where: { requestId: id } });
    expect(events.map((e) => [e.action, e.reason])).toEqual([
      ["tool.call_refused", "audit trail unavailable: failing closed"],
    ]);
  });

  it("records tool.call_failed with the upstream's status when an allowed call did not go through", async () => {
    const t = await mintToken(issuer, "agent-one");
    const id = `failing-${randomUUID()}`;
    // The upstream moved away (nothing listens on the discard port): the call was allowed and recorded, then failed.
    const broken = await db.mcpServer.findFirstOrThrow({ where: { slug: "docs" } });
    await db.mcpServer.update({ where: { id: broken.id }, data: { upstreamUrl: "http://127.0.0.1:9/mcp" } });
    gateway.directory.invalidate();
    try {
      const r = await callTool(t.token, id);
      expect(r.status).toBe(502);
    } finally {
      await db.mcpServer.update({ where: { id: broken.id }, data: { upstreamUrl: broken.upstreamUrl } });
      gateway.directory.invalidate();
    }
    await gateway.audit.flush();
    const events = await db.auditEvent.findMany({ where: { requestId: id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["tool.called", "tool.call_failed"]);
    expect(events[1]).toMatchObject({ decision: "allow", sessionId: t.sid });
    expect(events[1]!.detail).toMatchObject({ upstreamStatus: null });
    expect(typeof (events[1]!.detail as { latencyMs?: unknown }).latencyMs).toBe("number");
  });
});
