import type { AuditInput } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import type { GatewayCaller } from "./caller";
import { toolCallStoreFor, type ToolCallStore } from "./call-audit-store";
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

/**
 * Writes tool-call audit events and session usage (lastUsedAt, toolCallCount)
 * off the request path, many calls per transaction (group commit, one chain
 * append per batch, through the store's driver: call-audit-store.ts): one `tool.called` write per call inside
 * the request would serialise every call on the audit chain's head and cost
 * more CPU than the whole relay.
 *
 * No event is dropped once accepted: a batch that fails stays queued and is
 * retried (with backoff) until the store takes it. Instead of growing without
 * bound, the queue pushes back: while `accepting` is false (backlog at
 * `maxBacklog`) the gateway refuses new tool calls (503) rather than forward a
 * call it might not be able to record. Refusals keep being queued up to twice
 * that bound; beyond it (a long store outage, which also fails the gateway
 * closed through the revocation state) further refusal events are only
 * counted and logged.
 *
 * What is not durable: events of calls answered in the last flush interval
 * before the process dies (a crash, not SIGTERM — stop() writes them). Writing
 * before answering would add a group-commit wait to every call.
 */
export class CallAuditWriter {
  private readonly pending: ToolCallRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private failures = 0;
  private uncounted = 0;
  /** sessionId → agent and person ids, resolved once per session for the audit actor. */
  private readonly sessions = new Map<string, { agentId: string; userId: string | null }>();
  private readonly store: ToolCallStore;

  /** `store` defaults to the one `db` was opened on (call-audit-store.ts); tests pass one that fails. */
  constructor(
    private readonly db: Db,
    private readonly opts: { flushMs: number; batchSize: number; maxBacklog: number },
    store?: ToolCallStore,
  ) {
    this.store = store ?? toolCallStoreFor(db);
  }

  /** Events accepted and not yet written. */
  get backlog(): number {
    return this.pending.length;
  }

  /** False while the backlog is full: the gateway then refuses calls it could not record. */
  get accepting(): boolean {
    return this.pending.length < this.opts.maxBacklog;
  }

  /** Refusal events that could not be queued (backlog beyond twice maxBacklog), since start. */
  get unrecordedRefusals(): number {
    return this.uncounted;
  }

  add(record: ToolCallRecord): void {
    if (!record.allowed && this.pending.length >= this.opts.maxBacklog * 2) {
      if (this.uncounted++ % 1000 === 0) console.error(`mandate: gateway audit backlog full, ${this.uncounted} refusal event(s) not recorded`);
      return;
    }
    this.pending.push(record);
    if (this.pending.length >= this.opts.batchSize) this.queueFlush();
    else this.timer ??= setTimeout(() => this.queueFlush(), this.opts.flushMs);
  }

  /** Writes everything pending; resolves when written, or when a write has failed (it is retried later). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  /** One flush at a time is enough: a running one takes whatever was added meanwhile. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.flush().finally(() => (this.flushQueued = false));
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      // Taken off the queue only once written: a failed batch is retried, never lost.
      const batch = this.pending.slice(0, this.opts.batchSize * 4);
      try {
        await this.write(batch);
      } catch (e) {
        this.failures++;
        console.error(`mandate: gateway audit write failed (${this.pending.length} events queued, retrying)`, e instanceof Error ? e.message : e);
        this.timer ??= setTimeout(() => this.queueFlush(), Math.min(this.opts.flushMs * 2 ** this.failures, 2000));
        return;
      }
      this.failures = 0;
      this.pending.splice(0, batch.length);
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
    await this.store.write(records.map((r) => this.auditInput(r)), usage);
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
