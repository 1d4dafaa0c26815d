import type { AuditInput } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import type { GatewayCaller } from "./caller";
import { toolCallStoreFor, type ToolCallStore } from "@/lib/db/stores/tool-calls";
import type { GatewayServer, GatewayTool } from "./directory";

/** One tools/call decision, as the gateway saw it. */
export interface ToolCallRecord {
  allowed: boolean;
  /**
   * An allowed call the upstream did not carry out (unreachable, refused the gateway's credential, or answered
   * with an error status): recorded as `tool.call_failed`, after the call's `tool.called`.
   */
  upstreamFailed?: boolean;
  server: GatewayServer;
  caller: GatewayCaller;
  toolName: string;
  tool: GatewayTool | null;
  reason: string;
  /** Time from receiving the request to the decision (refusals) or to the upstream's response headers (failures). */
  latencyMs: number;
  upstreamStatus: number | null;
  /** What the audit trail keeps of the arguments (see argument-log.ts). */
  loggedArguments: Record<string, unknown>;
  requestId: string | null;
  clientAddress: string | null;
  occurredAt: Date;
}

interface Queued {
  record: ToolCallRecord;
  /** Set for a call that waits for its event's commit (commit()). */
  waiter?: { resolve(): void; reject(e: unknown): void };
}

/**
 * Writes tool-call audit events and session usage (lastUsedAt, toolCallCount)
 * many calls per transaction (group commit, one chain append per batch,
 * through the store's driver: lib/db/stores/tool-calls/): one `tool.called` write
 * per call in its own transaction would serialise every call on the audit
 * chain's head and cost more CPU than the whole relay.
 *
 * Two ways in:
 *  - `commit(record)` — an allowed call, before it is forwarded: resolves once
 *    its event is committed, so no call reaches the upstream unrecorded (a
 *    crash loses none). Calls arriving while a batch is being written share
 *    the next one: a busy gateway pays one commit per batch, not per call.
 *    A batch that fails rejects its waiting calls (they are refused, not
 *    forwarded) and is not kept: those calls never ran.
 *  - `add(record)` — refusals and upstream failures, which never wait: written
 *    within `flushMs` (or as soon as `batchSize` are pending). What a crash can
 *    lose is these events of the last flush interval; a stop writes them.
 *    A failed batch stays queued and is retried with backoff until the store
 *    takes it. Instead of growing without bound, the queue pushes back: while
 *    `accepting` is false (backlog at `maxBacklog`) the gateway refuses new
 *    tool calls (503). Refusals keep being queued up to twice that bound;
 *    beyond it (a long store outage, which also fails the gateway closed
 *    through the revocation state) further refusal events are only counted
 *    and logged.
 */
export class CallAuditWriter {
  private readonly pending: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** A batch is being written; whatever is queued meanwhile goes into the batch after it. */
  private writing = false;
  private readonly idle: (() => void)[] = [];
  private failures = 0;
  private uncounted = 0;
  /** sessionId → agent and person ids, resolved once per session for the audit actor. */
  private readonly sessions = new Map<string, { agentId: string; agentName: string; userId: string | null }>();
  private readonly store: ToolCallStore;

  /** `store` defaults to the one `db` was opened on (lib/db/stores/tool-calls/); tests pass one that fails. */
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

  /** Queues an event nobody waits for (a refusal, an upstream failure): written within `flushMs`. */
  add(record: ToolCallRecord): void {
    if (!record.allowed && this.pending.length >= this.opts.maxBacklog * 2) {
      if (this.uncounted++ % 1000 === 0)
        console.error(`mandate: gateway audit backlog full, ${this.uncounted} refusal event(s) not recorded`);
      return;
    }
    this.pending.push({ record });
    if (this.pending.length >= this.opts.batchSize) this.writeNow();
    else this.writeWithin(this.opts.flushMs);
  }

  /** Resolves once the event is committed; rejects when it could not be written (it is then dropped). */
  commit(record: ToolCallRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, waiter: { resolve, reject } });
      this.writeNow();
    });
  }

  /** Writes everything pending; resolves when written, or when a write has failed (it is retried later). */
  flush(): Promise<void> {
    if (this.pending.length === 0 && !this.writing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.idle.push(resolve);
      this.writeNow();
    });
  }

  /** Starts a batch now, unless one is being written (the loop in drain() then takes what was queued). */
  private writeNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) return;
    this.writing = true;
    void this.drain();
  }

  /** Makes sure a batch starts within `ms`. */
  private writeWithin(ms: number): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      // A timer that has fired is no timer: left set, nothing would arm the next one.
      this.timer = null;
      this.writeNow();
    }, ms);
  }

  /**
   * Writes batches until nothing is pending or a write fails. `writing` is
   * cleared in the same synchronous step as the decision to stop, so an event
   * queued at any other moment is either taken by this loop or starts its own.
   */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.opts.batchSize * 4);
      try {
        await this.write(batch.map((q) => q.record));
      } catch (e) {
        this.failures++;
        // Calls waiting for their event are refused rather than kept waiting: their events leave the queue with them.
        const refused = new Set(batch.filter((q) => q.waiter));
        if (refused.size > 0) {
          const kept = this.pending.filter((q) => !refused.has(q));
          this.pending.splice(0, this.pending.length, ...kept);
          for (const q of refused) q.waiter!.reject(e);
        }
        console.error(
          `mandate: gateway audit write failed (${this.pending.length} events queued, retrying)`,
          e instanceof Error && e.message ? e.message : e,
        );
        this.writing = false;
        if (this.pending.length > 0) this.writeWithin(Math.min(this.opts.flushMs * 2 ** this.failures, 2000));
        this.settleIdle();
        return;
      }
      this.failures = 0;
      // Taken off the queue only once written (nothing else removes entries, and new ones go to its end).
      this.pending.splice(0, batch.length);
      for (const q of batch) q.waiter?.resolve();
    }
    this.writing = false;
    this.settleIdle();
  }

  private settleIdle(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async write(records: ToolCallRecord[]): Promise<void> {
    await this.resolveSessions(records);
    const usage = new Map<string, { calls: number; lastUsedAt: Date }>();
    for (const r of records) {
      if (!r.allowed || r.upstreamFailed) continue;
      const u = usage.get(r.caller.sessionId) ?? { calls: 0, lastUsedAt: r.occurredAt };
      u.calls += 1;
      if (r.occurredAt > u.lastUsedAt) u.lastUsedAt = r.occurredAt;
      usage.set(r.caller.sessionId, u);
    }
    await this.store.write(
      records.map((r) => this.auditInput(r)),
      usage,
    );
  }

  private async resolveSessions(records: ToolCallRecord[]): Promise<void> {
    const unknown = [...new Set(records.map((r) => r.caller.sessionId).filter((id) => !this.sessions.has(id)))];
    if (unknown.length === 0) return;
    const rows = await this.db.agentSession.findMany({
      where: { id: { in: unknown } },
      select: { id: true, agentId: true, userId: true, agent: { select: { name: true } } },
    });
    if (this.sessions.size > 100_000) this.sessions.clear();
    for (const row of rows)
      this.sessions.set(row.id, { agentId: row.agentId, agentName: row.agent.name, userId: row.userId });
  }

  private auditInput(r: ToolCallRecord): AuditInput {
    const who = this.sessions.get(r.caller.sessionId);
    return {
      action: !r.allowed ? "tool.call_refused" : r.upstreamFailed ? "tool.call_failed" : "tool.called",
      actorType: "agent",
      actorId: who?.agentId ?? null,
      // The agent by its id and name, as every other event names it; its client id stays in the detail.
      actorLabel: (who?.agentName ?? r.caller.clientId).slice(0, 300),
      onBehalfOfId: who?.userId ?? null,
      agentId: who?.agentId ?? null,
      personId: who?.userId ?? null,
      serverId: r.server.id,
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
        // A call's tool.called is written before it is forwarded: the upstream's answer is not known yet.
        ...(r.allowed && !r.upstreamFailed ? {} : { latencyMs: r.latencyMs, upstreamStatus: r.upstreamStatus }),
        ...r.loggedArguments,
      },
    };
  }
}
