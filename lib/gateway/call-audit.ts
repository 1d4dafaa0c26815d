import { recordAudit, type AuditInput } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import type { GatewayCaller } from "./caller";
import type { GatewayServer, GatewayTool } from "./directory";

/** One tools/call decision, as the gateway saw it. */
export interface ToolCallRecord {
  allowed: boolean;
  server: GatewayServer;
  caller: GatewayCaller;
  toolName: string;
  tool: GatewayTool | null;
  reason: string;
  /** Time from receiving the request to the upstream's response headers (or to the refusal). */
  latencyMs: number;
  upstreamStatus: number | null;
  /** What the audit trail keeps of the arguments (see argument-log.ts). */
  loggedArguments: Record<string, unknown>;
  requestId: string | null;
  clientAddress: string | null;
  occurredAt: Date;
}

const MAX_ATTEMPTS = 3;
const MAX_PENDING = 100_000;

/**
 * Writes tool-call audit events and session usage (lastUsedAt, toolCallCount)
 * off the request path, several calls per transaction (group commit): one
 * `tool.called` write per call inside the request would serialise every call
 * on the audit chain's head. A batch that fails is retried, then logged.
 *
 * The decision never waits for this: a refused call is refused whether or
 * not its event could be written.
 */
export class CallAuditWriter {
  private pending: { record: ToolCallRecord; attempts: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** sessionId → agent and person ids, resolved once per session for the audit actor. */
  private readonly sessions = new Map<string, { agentId: string; userId: string | null }>();

  constructor(
    private readonly db: Db,
    private readonly opts: { flushMs: number; batchSize: number },
  ) {}

  add(record: ToolCallRecord): void {
    if (this.pending.length >= MAX_PENDING) {
      console.error("mandate: gateway audit backlog full, dropping a tool-call event");
      return;
    }
    this.pending.push({ record, attempts: 0 });
    if (this.pending.length >= this.opts.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  /** Writes everything pending; resolves when written (or given up on). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.opts.batchSize * 4);
      try {
        await this.write(batch.map((b) => b.record));
      } catch (e) {
        const retry = batch.filter((b) => ++b.attempts < MAX_ATTEMPTS);
        console.error(`mandate: gateway audit write failed (${batch.length - retry.length} events given up)`, e instanceof Error ? e.message : e);
        this.pending.unshift(...retry);
        if (retry.length > 0) this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs * 10);
        return;
      }
    }
  }

  private async write(records: ToolCallRecord[]): Promise<void> {
    await this.resolveSessions(records);
    const usage = new Map<string, { calls: number; lastUsedAt: Date }>();
    for (const r of records) {
      if (!r.allowed) continue;
      const u = usage.get(r.caller.sessionId) ?? { calls: 0, lastUsedAt: r.occurredAt };
      u.calls += 1;
      if (r.occurredAt > u.lastUsedAt) u.lastUsedAt = r.occurredAt;
      usage.set(r.caller.sessionId, u);
    }
    await this.db.$transaction(async (tx) => {
      for (const r of records) await recordAudit(tx, this.auditInput(r));
      for (const [id, u] of usage) {
        await tx.agentSession.updateMany({ where: { id }, data: { toolCallCount: { increment: u.calls }, lastUsedAt: u.lastUsedAt } });
      }
    });
  }

  private async resolveSessions(records: ToolCallRecord[]): Promise<void> {
    const unknown = [...new Set(records.map((r) => r.caller.sessionId).filter((id) => !this.sessions.has(id)))];
    if (unknown.length === 0) return;
    const rows = await this.db.agentSession.findMany({ where: { id: { in: unknown } }, select: { id: true, agentId: true, userId: true } });
    if (this.sessions.size > 100_000) this.sessions.clear();
    for (const row of rows) this.sessions.set(row.id, { agentId: row.agentId, userId: row.userId });
  }

  private auditInput(r: ToolCallRecord): AuditInput {
    const who = this.sessions.get(r.caller.sessionId);
    return {
      action: r.allowed ? "tool.called" : "tool.call_refused",
      actorType: "agent",
      actorId: who?.agentId ?? null,
      actorLabel: r.caller.clientId,
      onBehalfOfId: who?.userId ?? null,
      targetType: "tool",
      targetId: r.tool?.id ?? null,
      targetLabel: `${r.server.name} / ${r.toolName}`.slice(0, 300),
      decision: r.allowed ? "allow" : "deny",
      reason: r.reason.slice(0, 1000),
      sessionId: r.caller.sessionId,
      requestId: r.requestId,
      clientAddress: r.clientAddress?.slice(0, 64) ?? null,
      occurredAt: r.occurredAt,
      detail: {
        server: r.server.id,
        tool: r.toolName,
        ...(r.tool ? { risk: r.tool.risk, requiredScope: r.tool.scope } : {}),
        clientId: r.caller.clientId,
        ...(r.caller.userSubject ? { user: r.caller.userSubject } : {}),
        jti: r.caller.jti,
        latencyMs: r.latencyMs,
        upstreamStatus: r.upstreamStatus,
        ...r.loggedArguments,
      },
    };
  }
}
