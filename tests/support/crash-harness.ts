import { randomUUID } from "node:crypto";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Db } from "@/lib/db/client";
import { mintToken, type RevocationWorld } from "./revocation-fixture";
import { spawnInstance, type Instance } from "./spawn-instance";

/** What one kill -9 under gateway load left behind. */
export interface CrashRound {
  /** tools/call answered 200 before the kill. */
  answered: number;
  /** …of which no `tool.called` event was in the store afterwards (request ids). */
  answeredUnrecorded: string[];
  /** Calls the upstream carried out (answered or not). */
  executed: number;
  /** …of which no `tool.called` event was in the store afterwards. */
  executedUnrecorded: string[];
  /** How long before the kill the oldest unrecorded answered call was answered (ms); null when none. */
  oldestUnrecordedMs: number | null;
  /** Calls sent and not answered when the process died. */
  inFlightAtKill: number;
  /** From the kill to the restarted process answering a tool call 200 (ms). */
  recoverMs: number;
  /** The audit trail's chains verify after the crash. */
  chainIntact: boolean;
}

/** Reads `ids` in chunks (an IN list of thousands exceeds what one statement takes on SQLite). */
async function recordedAmong(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.auditEvent.findMany({
      where: { action: "tool.called", requestId: { in: ids.slice(i, i + 500) } },
      select: { requestId: true },
    });
    for (const r of rows) if (r.requestId) found.add(r.requestId);
  }
  return found;
}

/**
 * Runs `connections` closed loops of tools/call against a fresh instance for
 * `loadMs`, kills it with SIGKILL (no shutdown runs), restarts it on the same
 * store, and compares what callers were told, what the upstream executed and
 * what the audit trail holds. Each call carries its own X-Request-Id, which
 * the gateway records and forwards; the upstream notes the ids it executes.
 * Returns the round and the restarted instance (the caller stops it).
 */
export async function crashUnderLoad(opts: {
  db: Db;
  world: RevocationWorld;
  env: Record<string, string>;
  issuer: string;
  connections: number;
  loadMs: number;
}): Promise<{ round: CrashRound; restarted: Instance }> {
  const executed = new Set<string>();
  opts.world.upstream.setTools([
    {
      name: "read_doc",
      input: { id: z.string().optional() },
      handler: async (_args, extra) => {
        executed.add(String(extra.requestInfo?.headers["x-request-id"] ?? ""));
        return { content: [{ type: "text", text: "read_doc called" }] };
      },
    },
  ]);
  const instance = await spawnInstance(opts.env);
  const token = await mintToken(instance.url, "agent-one", undefined, opts.issuer);
  if (token.status !== 200) throw new Error(`mint failed: ${token.status} ${token.error ?? ""}`);

  const answeredAt = new Map<string, number>();
  let sent = 0;
  let killed = false;
  const call = async (id: string, base: string): Promise<number> => {
    const r = await fetch(`${base}/mcp/docs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token.token}`,
        "x-request-id": id,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "read_doc", arguments: {} },
      }),
    });
    const text = await r.text();
    return r.status === 200 && text.includes("read_doc called") ? 200 : r.status;
  };
  const loops = Array.from({ length: opts.connections }, async () => {
    while (!killed) {
      const id = `crash-${randomUUID()}`;
      sent++;
      try {
        if ((await call(id, instance.url)) === 200 && !killed) answeredAt.set(id, performance.now());
      } catch {
        // the process died under this call
      }
    }
  });
  await new Promise((r) => setTimeout(r, opts.loadMs));
  const exited = new Promise<void>((r) => instance.process.once("exit", () => r()));
  const killAt = performance.now();
  killed = true;
  process.kill(-instance.process.pid!, "SIGKILL");
  await exited;
  await Promise.all(loops);

  // Restarted on the same store: the first tool call it answers.
  const restarted = await spawnInstance(opts.env);
  for (;;) {
    try {
      if ((await call(`restart-${randomUUID()}`, restarted.url)) === 200) break;
    } catch {
      // not serving yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const recoverMs = performance.now() - killAt;

  const answered = [...answeredAt.keys()];
  const recorded = await recordedAmong(opts.db, [...new Set([...answered, ...executed])]);
  const answeredUnrecorded = answered.filter((id) => !recorded.has(id));
  const executedUnrecorded = [...executed].filter((id) => !recorded.has(id));
  const oldest = answeredUnrecorded.map((id) => killAt - answeredAt.get(id)!);
  return {
    round: {
      answered: answered.length,
      answeredUnrecorded,
      executed: executed.size,
      executedUnrecorded,
      oldestUnrecordedMs: oldest.length ? Math.max(...oldest) : null,
      inFlightAtKill: sent - answered.length,
      recoverMs,
      chainIntact: (await verifyAuditChain(opts.db)).firstBroken === null,
    },
    restarted,
  };
}
